package candidate

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func TestRefuseKeepsEachFieldsFirstMessage(t *testing.T) {
	var p templates.Page
	refuse(&p, "Corrigez.", "cv", vivier.FormErrors{
		vivier.FieldError("email", "premier"), vivier.FieldError("email", "second"), vivier.FieldError("phone", "téléphone"),
	})
	if p.Error != "Corrigez." || len(p.Fields) != 2 || p.Fields["email"] != "premier" || p.Fields["phone"] != "téléphone" {
		t.Fatalf("refused page: %q %v", p.Error, p.Fields)
	}
}

func TestRefuseShowsAnErrorWithoutFieldBesideTheDefault(t *testing.T) {
	var p templates.Page
	refuse(&p, "Trop lourd.", "cv", vivier.Errorf(vivier.ETOOLARGE, "Le fichier dépasse la taille autorisée."))
	if p.Error != "Trop lourd." || p.Fields["cv"] != "Le fichier dépasse la taille autorisée." {
		t.Fatalf("refused page: %q %v", p.Error, p.Fields)
	}
	var top templates.Page
	refuse(&top, "Conflit.", "", vivier.Errorf(vivier.ECONFLICT, "Déjà fait."))
	if top.Error != "Conflit." || len(top.Fields) != 0 {
		t.Fatalf("refused page: %q %v", top.Error, top.Fields)
	}
}

// countingLimiter allows rate attempts per key and counts every attempt.
type countingLimiter struct{ attempts map[string]int }

func (l *countingLimiter) Allow(_ context.Context, key string, rate int, _ time.Duration) (bool, time.Duration, error) {
	l.attempts[key]++
	return l.attempts[key] <= rate, 90 * time.Second, nil
}

func (l *countingLimiter) Reset(_ context.Context, key string) error {
	delete(l.attempts, key)
	return nil
}

func TestAllowStopsAtTheFirstLimitExceeded(t *testing.T) {
	lim := &countingLimiter{attempts: map[string]int{}}
	h, err := New(Deps{Limiter: lim})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	var refused []error
	app.Get("/", func(c *fiber.Ctx) error {
		err := h.allow(c, time.Hour, "Trop de demandes.", limit{"first", 1}, limit{"second", 5})
		refused = append(refused, err)
		return nil
	})
	var retryAfter string
	for i := 0; i < 3; i++ {
		resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
		if err != nil {
			t.Fatal(err)
		}
		retryAfter = resp.Header.Get(fiber.HeaderRetryAfter)
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if refused[0] != nil {
		t.Fatalf("first request refused: %v", refused[0])
	}
	for _, err := range refused[1:] {
		if vivier.ErrorCode(err) != vivier.ETOOMANY || vivier.ErrorMessage(err) != "Trop de demandes." {
			t.Fatalf("over the limit: %v", err)
		}
	}
	if retryAfter != "91" {
		t.Fatalf("Retry-After %q, want the limiter's 90 s rounded up", retryAfter)
	}
	if lim.attempts["first"] != 3 || lim.attempts["second"] != 1 {
		t.Fatalf("attempts %v: a refused request must not count against the limits after the one it exceeds", lim.attempts)
	}
}

func TestParseDecimalRefusesWithTheFieldsMessage(t *testing.T) {
	if f, err := parseDecimal("48.85", "lat", "Latitude ?"); err != nil || f != 48.85 {
		t.Fatalf("48.85: %v %v", f, err)
	}
	_, err := parseDecimal("48,85", "lat", "Latitude ?")
	if fe := vivier.AsFormErrors(err); len(fe) != 1 || fe[0].Field != "lat" || fe[0].Message != "Latitude ?" {
		t.Fatalf("48,85: %v", err)
	}
}

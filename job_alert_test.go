package vivier_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vivier"
)

// An alert left unconfirmed is deleted after its week; a confirmed one only
// after three years without its owner doing anything.
func TestPurgeJobAlerts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newOfferWorld(t)
	for _, e := range []string{"pending@exemple.fr", "active@exemple.fr"} {
		if err := s.SaveJobAlert(ctx, e, "q=jardinier", "« jardinier »", vivier.OfferSearch{Q: "jardinier"}); err != nil {
			t.Fatal(err)
		}
	}
	token, hash := vivier.NewToken()
	var id int64
	if err := s.DB().Get(&id, `SELECT id FROM job_alerts WHERE email = 'active@exemple.fr'`); err != nil {
		t.Fatal(err)
	}
	if err := s.AddJobAlertToken(ctx, id, "confirmation", hash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmJobAlert(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmJobAlert(ctx, token); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a confirmation link used twice: %v", err)
	}
	count := func() int {
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM job_alerts`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := time.Now()
	if n, err := s.PurgeJobAlerts(ctx, now.AddDate(0, 0, 6)); err != nil || n != 0 {
		t.Fatalf("purge within the week: %d, %v", n, err)
	}
	if n, err := s.PurgeJobAlerts(ctx, now.AddDate(0, 0, 8)); err != nil || n != 1 || count() != 1 {
		t.Fatalf("purge after the week: %d deleted, %d left; want the pending one deleted (%v)", n, count(), err)
	}
	if n, err := s.PurgeJobAlerts(ctx, now.AddDate(2, 0, 0)); err != nil || n != 0 {
		t.Fatalf("a confirmed alert purged after two years (%v)", err)
	}
	if n, err := s.PurgeJobAlerts(ctx, now.AddDate(3, 0, 2)); err != nil || n != 1 || count() != 0 {
		t.Fatalf("after three years idle: %d deleted, %d left (%v)", n, count(), err)
	}
}

// Reading the alert of a confirmation link confirms nothing (the link's page
// shows it, its button confirms); a link past its week is refused, read or
// used, with its own error.
func TestJobAlertConfirmationLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newOfferWorld(t)
	if err := s.SaveJobAlert(ctx, "lou@exemple.fr", "q=jardinier", "« jardinier »", vivier.OfferSearch{Q: "jardinier"}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := s.DB().Get(&id, `SELECT id FROM job_alerts`); err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	late, lateHash := vivier.NewToken()
	for _, h := range [][]byte{hash, lateHash} {
		if err := s.AddJobAlertToken(ctx, id, "confirmation", h); err != nil {
			t.Fatal(err)
		}
	}
	s.DB().MustExec(`UPDATE job_alert_tokens SET created_at = now() - interval '8 days' WHERE hash = $1`, lateHash)
	for i := 0; i < 2; i++ {
		a, err := s.JobAlertByConfirmationToken(ctx, token)
		if err != nil || a.ID != id || a.ConfirmedAt != nil || a.Email != "lou@exemple.fr" {
			t.Fatalf("read #%d: %+v, %v", i, a, err)
		}
	}
	if _, err := s.JobAlertByConfirmationToken(ctx, late); !errors.Is(err, vivier.ErrAlertLinkExpired) {
		t.Fatalf("read of an expired link: %v", err)
	}
	if _, err := s.ConfirmJobAlert(ctx, late); !errors.Is(err, vivier.ErrAlertLinkExpired) {
		t.Fatalf("confirmation by an expired link: %v", err)
	}
	if a, err := s.ConfirmJobAlert(ctx, token); err != nil || a.ConfirmedAt == nil {
		t.Fatalf("confirmation: %+v, %v", a, err)
	}
	if _, err := s.JobAlertByConfirmationToken(ctx, token); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("read of a used link: %v", err)
	}
	if _, err := s.JobAlertByConfirmationToken(ctx, "inconnu"); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("read of an unknown link: %v", err)
	}
}

package templates_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vivier/templates"
)

func TestLogPathHidesTokens(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("Ab3_", 10) + "xyz"
	app := fiber.New()
	app.Get("/suivi/:token", func(c *fiber.Ctx) error { return c.SendString(templates.LogPath(c)) })
	app.Get("/offres/:id", func(c *fiber.Ctx) error { return c.SendString(templates.LogPath(c)) })
	app.Use(func(c *fiber.Ctx) error { return c.SendString(templates.LogPath(c)) })
	for path, want := range map[string]string{
		"/suivi/" + token:                 "/suivi/[jeton]",
		"/offres/12":                      "/offres/12",
		"/suivi/" + token + "/autre/page": "/suivi/[jeton]/autre/page", // no route: by length
	} {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if string(got) != want {
			t.Errorf("%s logged as %s, want %s", path, got, want)
		}
	}
}

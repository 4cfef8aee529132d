package admin

import (
	"reflect"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
)

func TestFormIDsRefusesAMalformedID(t *testing.T) {
	app := fiber.New()
	for _, tc := range []struct {
		body string
		want []int64
		ok   bool
	}{
		{"", nil, true},
		{"interviewers=3&interviewers=12", []int64{3, 12}, true},
		{"interviewers=3&interviewers=abc", nil, false},
		{"interviewers=-1", nil, false},
		{"interviewers=0", nil, false},
		{"interviewers=1e3", nil, false},
	} {
		rc := &fasthttp.RequestCtx{}
		rc.Request.Header.SetMethod(fiber.MethodPost)
		rc.Request.Header.SetContentType(fiber.MIMEApplicationForm)
		rc.Request.SetBodyString(tc.body)
		c := app.AcquireCtx(rc)
		ids, err := formIDs(c, "interviewers", "Choisissez dans la liste.")
		app.ReleaseCtx(c)
		if tc.ok {
			if err != nil || !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("%q: %v, %v; want %v", tc.body, ids, err, tc.want)
			}
			continue
		}
		if vivier.ErrorCode(err) != vivier.EINVALID || fieldOf(err) != "interviewers" || ids != nil {
			t.Errorf("%q: %v, %v; want EINVALID on interviewers", tc.body, ids, err)
		}
	}
}

func TestURLsFollowTheRoutes(t *testing.T) {
	adm := &vivier.Administration{Slug: "ville-demo"}
	for got, want := range map[string]string{
		admURL(adm, ""):                 "/admin/ville-demo",
		admURL(adm, "/agents"):          "/admin/ville-demo/agents",
		offerURL(adm, 7):                "/admin/ville-demo/offres/7",
		offerApplicationsURL(adm, 7):    "/admin/ville-demo/offres/7/candidatures",
		applicationURL(adm, 42):         "/admin/ville-demo/candidatures/42",
		brandURL(adm):                   "/admin/ville-demo/marque",
		platformURL("administrations"):  "/admin/plateforme/administrations",
		accountURL("sessions"):          "/admin/compte/sessions",
		slugURL("ministere-demo", "/x"): "/admin/ministere-demo/x",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

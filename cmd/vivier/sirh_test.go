package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"vivier"
)

func TestSIRHExportScreens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000", "CSP_SECRET_KEY": cspTestKey})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	base := p.URL + "/admin/ville-demo/exports"
	count := func(q string, args ...any) int {
		var n int
		if err := p.Store().DB().Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The recruiter hires from the application page, with a start date.
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	appURL := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0])
	if _, page := get(t, c, appURL); !strings.Contains(page, "Date de prise de poste") || !strings.Contains(page, "Pour l'étape « Recrutée »") {
		t.Fatalf("the move form has no hiring fields: %s", page)
	}
	hired := stepID(t, p, adm.ID, "Recrutée")
	form := url.Values{"_csrf": {token}, "stage": {strconv.FormatInt(hired, 10)}, "notify": {"non"}, "start_date": {"le 3 mars"}}
	if resp, page := postForm(t, c, appURL+"/etape", form); resp.StatusCode != 422 || !strings.Contains(page, "date de prise de poste") {
		t.Fatalf("a bad start date = %d", resp.StatusCode)
	}
	form.Set("start_date", "2027-03-01")
	form.Set("nature", "titulaire")
	if resp, _ := postForm(t, c, appURL+"/etape", form); resp.StatusCode != 303 {
		t.Fatalf("hire = %d", resp.StatusCode)
	}
	var hireID int64
	if err := p.Store().DB().Get(&hireID, `SELECT id FROM sirh_hires WHERE application_id = $1 AND start_date = '2027-03-01' AND nature = 'titulaire'`, ids[0]); err != nil {
		t.Fatalf("no export record: %v", err)
	}
	// The worker is not running here: make its batch as it would.
	b, err := p.Store().BatchHire(ctx, adm.ID, hireID)
	if err != nil {
		t.Fatal(err)
	}
	batch := strconv.FormatInt(b.ID, 10)

	resp, page := get(t, c, base)
	if resp.StatusCode != 200 || !strings.Contains(page, "n°&nbsp;"+batch) || !strings.Contains(page, "en attente") ||
		!strings.Contains(page, "vivier-sirh-csv/1") || !strings.Contains(page, `href="/admin/ville-demo/exports"`) ||
		strings.Contains(page, "Modifier les réglages") {
		t.Fatalf("history = %d: %s", resp.StatusCode, page)
	}
	resp, file := get(t, c, base+"/"+batch+"/fichier")
	if resp.StatusCode != 200 || !strings.HasPrefix(file, "\ufeffFormat;Lot;") || !strings.Contains(file, ";Nom00000;") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), b.FileName("ville-demo")) {
		t.Fatalf("download = %d %v: %q", resp.StatusCode, resp.Header, file)
	}
	deliveries := `SELECT count(*) FROM outbox WHERE task_type = 'sirh:deliver'`
	before := count(deliveries)
	if resp, _ := postForm(t, c, base+"/"+batch+"/relivraison", url.Values{}); resp.StatusCode != 403 {
		t.Errorf("re-delivery without CSRF = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, base+"/"+batch+"/relivraison", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("re-delivery = %d", resp.StatusCode)
	}
	if count(deliveries) != before+1 || count(`SELECT count(*) FROM audit_log WHERE action = 'sirh.redelivery'`) != 1 {
		t.Errorf("re-delivery queued %d tasks", count(deliveries)-before)
	}
	if resp, _ := get(t, c, base+"/reglages"); resp.StatusCode != 403 {
		t.Errorf("a recruiter's settings page = %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, base+"/999999/fichier"); resp.StatusCode != 404 {
		t.Errorf("unknown batch = %d", resp.StatusCode)
	}

	// The administrator sets a webhook.
	ac, atoken := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, page := get(t, ac, base+"/reglages"); resp.StatusCode != 200 || !strings.Contains(page, "Réglages de l'export SIRH") {
		t.Fatalf("settings = %d", resp.StatusCode)
	}
	set := url.Values{"_csrf": {atoken}, "destination": {"webhook"}, "format": {"csv"}, "cadence": {"nuit"}, "webhook_url": {"http://sirh.ville.test/"}}
	if resp, page := postForm(t, ac, base+"/reglages", set); resp.StatusCode != 422 || !strings.Contains(page, "adresse https://") ||
		!strings.Contains(page, `aria-describedby="webhook_url-error"`) {
		t.Fatalf("an http webhook = %d", resp.StatusCode)
	}
	set.Set("webhook_url", "https://sirh.ville.test/vivier")
	if resp, _ := postForm(t, ac, base+"/reglages", set); resp.StatusCode != 303 {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	if _, page := get(t, ac, base+"/reglages"); !strings.Contains(page, "whsec_") || !strings.Contains(page, "SIRH enregistrés") {
		t.Errorf("the secret is not shown after saving")
	}

	// Another administration's recruiter sees nothing and changes nothing.
	before = count(deliveries)
	mc, mtoken := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	for _, u := range []string{base, base + "/" + batch + "/fichier", base + "/reglages",
		p.URL + "/admin/ministere-demo/exports/" + batch + "/fichier"} {
		if resp, _ := get(t, mc, u); resp.StatusCode != 404 {
			t.Errorf("GET %s by another administration = %d", u, resp.StatusCode)
		}
	}
	for _, u := range []string{base + "/" + batch + "/relivraison", p.URL + "/admin/ministere-demo/exports/" + batch + "/relivraison"} {
		if resp, _ := postForm(t, mc, u, url.Values{"_csrf": {mtoken}}); resp.StatusCode != 404 {
			t.Errorf("POST %s by another administration = %d", u, resp.StatusCode)
		}
	}
	if _, page := get(t, mc, p.URL+"/admin/ministere-demo/exports"); strings.Contains(page, "n°&nbsp;"+batch) {
		t.Errorf("ministere-demo's history lists ville-demo's batch")
	}
	if count(deliveries) != before {
		t.Errorf("another administration queued a delivery")
	}
	if st, err := p.Store().SIRHSettingsOf(ctx, adm.ID); err != nil || st.Destination != vivier.SIRHWebhook {
		t.Errorf("settings = %+v (%v)", st, err)
	}
}

package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"vivier"
)

func TestRetentionMonthsSetByTheAdministration(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	c, token := signInAs(t, p, "admin@ministere-demo.vivier.test")
	page := p.URL + "/admin/ministere-demo/administration"
	if _, body := get(t, c, page); !strings.Contains(body, `id="retention_months" name="retention_months" value="24"`) {
		t.Fatal("the settings page does not show the default of 24 months")
	}
	resp, body := postForm(t, c, page+"/conservation", url.Values{"_csrf": {token}, "retention_months": {"30"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "de 6 à 24") || !strings.Contains(body, `aria-invalid="true" aria-describedby="retention_months-error"`) {
		t.Fatalf("30 months = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, page+"/conservation", url.Values{"_csrf": {token}, "retention_months": {"12"}}); resp.StatusCode != 303 {
		t.Fatalf("12 months = %d", resp.StatusCode)
	}
	adm, err := p.Store().AdministrationBySlug(context.Background(), "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := p.Store().RetentionMonths(context.Background(), adm.ID); err != nil || m != 12 {
		t.Errorf("retention = %d, %v; want 12", m, err)
	}
	entries, err := p.Store().AuditLog(context.Background(), adm.ID, vivier.AuditFilter{Action: "administration.retention", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%d audit entries for the change, want 1", len(entries))
	}
}

func TestCandidateRenewsTalentPoolConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	fields := applyFields(t, page, "vivier@exemple.fr")
	fields["talent_pool"] = "oui"
	if resp, body := postApplication(t, c, formURL, fields, map[string][]byte{"cv": pdfBytes(t, "", "CV")}); resp.StatusCode != 303 {
		t.Fatalf("apply = %d %s", resp.StatusCode, body)
	}
	cand, err := p.Store().CandidateByEmail(ctx, "vivier@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	p.Store().DB().MustExec(`UPDATE applications SET talent_pool_at = now() - interval '23 months' WHERE candidate_id = $1`, cand.ID)
	token, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx, cand.ID, nil, hash); err != nil {
		t.Fatal(err)
	}
	_, space := get(t, c, p.URL+"/suivi/"+token)
	if !strings.Contains(space, "Rester dans le vivier") {
		t.Fatal("the space offers no renewal")
	}
	var appID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications WHERE candidate_id = $1`, cand.ID); err != nil {
		t.Fatal(err)
	}
	resp, _ := postForm(t, c, p.URL+"/suivi/"+token+"/candidatures/"+itoa(appID)+"/vivier", url.Values{"_csrf": {csrfToken(t, space)}})
	if resp.StatusCode != 303 {
		t.Fatalf("renewal = %d", resp.StatusCode)
	}
	var fresh bool
	if err := p.Store().DB().Get(&fresh, `SELECT talent_pool_at > now() - interval '1 hour' FROM applications WHERE id = $1`, appID); err != nil {
		t.Fatal(err)
	}
	if !fresh {
		t.Error("the consent was not renewed")
	}
}

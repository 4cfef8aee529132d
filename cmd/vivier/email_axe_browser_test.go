package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier"
	"vivier/templates"
)

// emailSample is data that every email template of templates/email renders
// with: the union of what the worker's handlers pass. A new template that
// needs a key this map lacks fails the test below, which says so.
func emailSample() map[string]any {
	offer, email := "Jardinier·ère", "ines.moreau@exemple.fr"
	received := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	a := &vivier.ApplicationSummary{
		Application: vivier.Application{ID: 42, AdministrationID: 1, Category: vivier.CategoryRefused, CreatedAt: received,
			WithdrawReason: "J'ai trouvé un autre poste.", Identity: vivier.Identity{FirstName: "Inès", LastName: "Moreau"}},
		Candidate:  vivier.Candidate{ID: 7, Email: &email},
		OfferTitle: &offer, AdminName: "Mairie de Lille", AdminSlug: "mairie-de-lille", ResponseDays: 15,
	}
	base := "https://vivier.example.gouv.fr"
	return map[string]any{
		"A": a, "C": &vivier.StatusChange{To: vivier.CategoryRefused, PublicStep: "Entretien RH", ReasonText: "Le poste a été pourvu entre-temps."},
		"Status": "non retenue", "Refused": true, "Accepted": false,
		// a recruiter's message (Body) and a note's mention (Author, …)
		"M": map[string]any{"Body": "Pouvez-vous nous indiquer vos disponibilités\npour un entretien la semaine prochaine ?",
			"Author": "Claire Dupont", "AdminName": "Mairie de Lille", "OfferTitle": offer, "Matched": "le nom et le téléphone"},
		// a transfer or a merge waiting for the candidate
		"T":     &vivier.Transfer{FromAdminName: "Ministère de la Culture", ToAdminName: "Mairie de Lille", OfferTitle: &offer},
		"Other": "i•••••@exemple.fr", "Keep": "cette adresse",
		"Apps":           []vivier.ApplicationRow{{ID: 42, OfferTitle: &offer, FirstName: "Inès", LastName: "Moreau", CreatedAt: received}, {ID: 43, FirstName: "Karim", LastName: "Durand", CreatedAt: received}},
		"URL":            base + "/suivi/0123456789abcdef0123456789abcdef0123456789a",
		"Logo":           base + "/employeurs/mairie-de-lille/images/logo.png",
		"Administration": "Mairie de Lille", "Role": "Recruteur", "FirstName": "Inès",
		"Due": "17/12/2026", "Received": "02/12/2026", "Day": "01/12/2026", "At": "02/12/2026 à 10h15", "Expires": "09/12/2026 à 10h15",
		"Host": base, "Reference": "outbox-1", "Slug": "mairie-de-lille", "BaseURL": base,
		"ListURL": base + "/admin/mairie-de-lille/candidatures", "SettingsURL": base + "/admin/mairie-de-lille/notifications",
		"UnsubscribeURL": base + "/admin/desabonnement/0123456789abcdef0123456789abcdef0123456789a",
		// transfers, CSP alerts, interviews, pool invitations
		"From":   &vivier.ApplicationSummary{OfferTitle: &offer, AdminName: "Ministère de la Culture"},
		"Adm":    map[string]any{"Name": "Mairie de Lille"},
		"Reason": "Clé d'API refusée (401).", "When": "jeudi 10 décembre 2026 à 14h30",
		"I": map[string]any{"Duration": 45, "Where": "Hôtel de ville, salle 2", "CandidateMessage": "Je suis disponible le matin.",
			"AdminName": "Mairie de Lille", "FirstName": "Inès", "OfferTitle": offer},
		"ApplyURL": base + "/offres/12/postuler",
		// a recruiter's invitation to a mobility profile
		"MI": &vivier.MobilityInvitationEmail{MobilityInvitation: vivier.MobilityInvitation{Administration: "Mairie de Lille",
			OfferTitle: offer, Message: "Votre profil correspond à notre besoin.\nÀ bientôt."}},
		"OfferURL": base + "/offres/12",
		// convocations: the candidate's (vivier.ConvocationEmail) and the interviewers' session
		"Duration": "30 min", "Where": "Hôtel de ville, salle 2", "Update": false, "Document": "plan-d-acces.pdf",
		"Instructions": "Munissez-vous d'une pièce d'identité.", "Name": "Claire Dupont", "AdminName": "Mairie de Lille",
		"S":        map[string]any{"Title": "Jury de juin", "OfferTitle": offer, "Instructions": "Munissez-vous d'une pièce d'identité."},
		"Lines":    []map[string]string{{"When": "jeudi 10 décembre 2026 à 14h30", "Name": "Inès Moreau"}, {"When": "jeudi 10 décembre 2026 à 15h00", "Name": "Karim Durand"}},
		"Canceled": false,
		// a request for documents and its reminder
		"Asked":    []vivier.DocumentRequest{{Label: "Justificatif de domicile", Types: []string{"pdf", "image"}}, {Label: "Copie du diplôme", Types: []string{"pdf"}}},
		"Deadline": "11/12/2026", "Message": "Merci de les envoyer avant l'entretien.", "Reminder": false,
		// SIRH export delivered or failed
		"Batch": &vivier.SIRHBatch{ID: 17, AdministrationID: 1, State: vivier.BatchDelivered, Hires: 3},
		// job alerts
		"Alert": map[string]any{"Label": "« jardinier » · Hauts-de-France"},
		"Hits":  []vivier.OfferHit{{ID: 12, Title: offer, OrganisationName: "Mairie de Lille", LocationLabel: "Lille (59)"}},
		"Total": 1, "More": false, "SearchURL": base + "/offres?q=jardinier", "Unsubscribe": base + "/alertes/desinscription/0123456789abcdef",
		// a validator's decision on an offer, to its author
		"E": &vivier.OfferDecisionEmail{Step: vivier.StepReturned, Comment: "Précisez la rémunération.", OfferID: 12, Title: offer,
			Reference: "2026-014", Status: "draft", AdminSlug: "mairie-de-lille", AdminName: "Mairie de Lille", To: email},
		// an email a recruiter wrote (templates.Renderer.CustomEmail)
		"Subject": "Votre candidature", "HTML": template.HTML("<p>Bonjour Inès,</p><p>Merci pour votre candidature.</p>"),
		"Text": "Bonjour Inès,\n\nMerci pour votre candidature.",
	}
}

// TestEmailsPassAxe renders every email of templates/email, the ones added
// later included (the list is read from the folder), and checks its HTML in
// Chromium with axe: mail clients are browsers too, and screen readers read
// emails.
func TestEmailsPassAxe(t *testing.T) {
	t.Parallel()
	r, err := templates.New()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "templates", "email", "*.html"))
	if err != nil || len(files) < 10 {
		t.Fatalf("email templates: %v, %v", files, err)
	}
	pages := map[string]string{}
	data := emailSample()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		if name == "layout" {
			continue
		}
		e, err := r.Email(name, data)
		if err != nil {
			t.Errorf("%s does not render with the sample data (add what it needs to emailSample): %v", name, err)
			continue
		}
		if e.Subject == "" || strings.Contains(e.HTML+e.Text+e.Subject, "<no value>") {
			t.Errorf("%s: a value is missing from the sample data (add it to emailSample): subject %q", name, e.Subject)
		}
		pages[name] = e.HTML
	}
	// One tab, axe injected once: each email replaces the document
	// (document.open keeps the window and so axe), which keeps the test
	// short on a busy machine.
	ctx, _ := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(os.Getenv("AXE_PATH"))
	if err != nil {
		t.Fatalf("axe-core (AXE_PATH, installed by `make test`): %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	scan := func(name, html string) []axeViolation {
		t.Helper()
		doc, err := json.Marshal(html)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.open(); document.write(`+string(doc)+`); document.close(); true`)); err != nil {
			t.Fatalf("load email %s: %v", name, err)
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
				.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on email %s: %v", name, err)
		}
		var v []axeViolation
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatalf("axe result: %v", err)
		}
		return v
	}
	for name, html := range pages {
		for _, v := range scan(name, html) {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
			}
			t.Errorf("email %s: axe %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
		}
	}
	// The harness sees a violation when there is one.
	if v := scan("broken", `<!doctype html><html lang="fr"><head><title>x</title></head><body><div role="main"><h1>x</h1><img src="x.png"></div></body></html>`); len(v) == 0 {
		t.Fatal("axe found nothing wrong with an image without alt text")
	}
}

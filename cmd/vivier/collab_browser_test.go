package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A recruiter assigns themselves, tags, rates and writes a note with the
// keyboard on the application page, which stays free of axe violations with
// all of it shown.
func TestCollaborationInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	rec, err := p.Store().AgentByEmail(t.Context(), "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	success := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "` + text + `")]`)
	}
	actions := signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0])),
		chromedp.WaitVisible(`#notes-titre`),
		chromedp.SetValue(`#assign-agent`, fmt.Sprint(rec.ID)),
		chromedp.Click(`//button[contains(., "Assigner")]`),
		success("est assignée"),
		chromedp.SendKeys(`#tag-label`, "Profil rare"),
		chromedp.Click(`//button[contains(., "Ajouter l'étiquette")]`),
		success("étiquette est ajoutée"),
		// The page has just been replaced: its rating laid out before the
		// focus (a focus sent to an input without a box is refused).
		chromedp.WaitVisible(`label[for="score-3"]`),
		chromedp.Focus(`#score-3`), chromedp.KeyEvent(" "),
		chromedp.SendKeys(`#rating-comment`, "Bon dossier, à recevoir."),
		chromedp.Click(`//button[contains(., "Enregistrer l'évaluation")]`),
		success("évaluation est enregistrée"),
		chromedp.SendKeys(`#note-body`, "**Solide** expérience, avis de @lecteur attendu.\n\n- permis\n- disponible"),
		chromedp.Click(`//button[contains(., "Ajouter la note")]`),
		success("note est enregistrée"),
		chromedp.WaitVisible(`.vivier-note strong`),
	)
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	got := read(t, ctx, chromedp.Text(`main`))
	for _, want := range []string{"Profil rare", "3 sur 4, Favorable", "Moyenne", "Bon dossier", "Solide expérience"} {
		if !strings.Contains(strings.ReplaceAll(got, "\u00a0", " "), want) {
			t.Errorf("the page lacks %q: %q", want, got)
		}
	}
	axeCheck(t, ctx, "application page with notes, ratings and tags")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures", p.URL, o.ID)),
		chromedp.WaitVisible(`#pipeline-table`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "pipeline list with tags and ratings")
	noConsoleErrors(t, console)
}

package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vivier"
)

// A recruiter creates a jury for an offer, gives it a grid (asking for more
// lines without JavaScript), two members and a president, and gives it
// applications from the offer's list; members mark (one declares a
// conflict of interest); the president closes the marking, proposes the
// lists and arrests the results, after which no page offers a form; the
// minutes print without the site's frame and their PDF is text with the
// lists. Every page passes axe.
func TestBoardPagesInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx0, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 4)
	rec, err := s.AgentByEmail(ctx0, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	lec, err := s.AgentByEmail(ctx0, "lecteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	ctx, console := browser(t)
	success := func(msg string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(fmt.Sprintf(`//div[contains(@class, "fr-alert--success")]//p[contains(., %q)]`, msg))
	}

	// The board, made through the offer's page of boards.
	if err := chromedp.Do(ctx, signInActions(p, rec.Email,
		chromedp.Navigate(base+"/jurys"), chromedp.WaitVisible(`#board-name`),
		chromedp.SendKeys(`#board-name`, "Jury de l'épreuve écrite"),
		submitting(`//button[contains(., "Créer")]`), success("est créé"))...); err != nil {
		t.Fatal(err)
	}
	boards, err := s.BoardsOfOffer(ctx0, adm.ID, o.ID)
	if err != nil || len(boards) != 1 {
		t.Fatalf("boards of the offer = %v, %v", boards, err)
	}
	board := boards[0]
	boardURL := fmt.Sprintf("%s/admin/ville-demo/jurys/%d", p.URL, board.ID)

	// The grid: three lines typed, more lines asked (what was typed stays),
	// then saved.
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#label-1`, "Connaissances"), chromedp.SendKeys(`#weight-1`, "2"),
		chromedp.SendKeys(`#label-2`, "Motivation"), chromedp.SendKeys(`#label-3`, "Expression écrite"), chromedp.SendKeys(`#weight-3`, "0,5"),
		submitting(`//button[contains(., "Ajouter des lignes")]`), chromedp.WaitVisible(`#label-10`)); err != nil {
		t.Fatal(err)
	}
	if v := read(t, ctx, chromedp.Value(`#label-3`)); v != "Expression écrite" {
		t.Errorf("asking for lines lost a typed criterion: %q", v)
	}
	if err := chromedp.Do(ctx, submitting(`//button[contains(., "Enregistrer la grille")]`), success("La grille est enregistrée")); err != nil {
		t.Fatal(err)
	}
	criteria, err := s.BoardCriteria(ctx0, adm.ID, board.ID)
	if err != nil || len(criteria) != 3 || criteria[0].Weight != 2 || criteria[1].Weight != 1 || criteria[2].Weight != 0.5 {
		t.Fatalf("grid = %+v, %v", criteria, err)
	}

	// Members, from the administration's agents, and the president.
	for _, a := range []*vivier.Agent{rec, lec} {
		if err := chromedp.Do(ctx, chromedp.SetValue(`#member-agent`, fmt.Sprint(a.ID)),
			submitting(`//button[contains(., "Ajouter le membre")]`),
			chromedp.WaitVisible(fmt.Sprintf(`//div[@id="members"]//td[contains(., %q)]`, a.Email))); err != nil {
			t.Fatal(err)
		}
	}
	members, err := s.BoardMembers(ctx0, adm.ID, board.ID)
	if err != nil || len(members) != 2 {
		t.Fatalf("members = %+v, %v", members, err)
	}
	var president vivier.BoardMember
	for _, m := range members {
		if m.AgentID != nil && *m.AgentID == rec.ID {
			president = m
		}
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(`#president`, fmt.Sprint(president.ID)),
		submitting(`//button[contains(., "Confier la présidence")]`), success("La présidence est enregistrée")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "board settings")
	screenshot(t, ctx, laptop, "settings")
	screenshot(t, ctx, phone, "settings")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}

	// Applications given from the offer's list.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/candidatures"), chromedp.WaitVisible(`#pipeline-table`)); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := chromedp.Do(ctx, chromedp.Focus(fmt.Sprintf(`#sel-%d`, id)), chromedp.KeyEvent(" ")); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, submitting(`//button[contains(., "Confier au jury")]`), success("4 candidatures confiées au jury")); err != nil {
		t.Fatal(err)
	}

	// The president marks through the grid; a number out of the scale is
	// refused beside its field.
	mark := func(app int64, scores ...string) []chromedp.Action[chromedp.Void] {
		var acts []chromedp.Action[chromedp.Void]
		for i, c := range criteria {
			acts = append(acts, chromedp.SetValue(fmt.Sprintf(`#mark-%d-%d`, app, c.ID), scores[i]))
		}
		return append(acts, submitting(fmt.Sprintf(`//section[@id="candidature-%d"]//button[contains(., "Enregistrer les notes")]`, app)))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(boardURL+"/notation"), chromedp.WaitVisible(fmt.Sprintf(`#candidature-%d`, ids[0]))); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "marking grid")
	screenshot(t, ctx, laptop, "marking")
	screenshot(t, ctx, phone, "marking")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}
	for i, sc := range [][]string{{"15", "12", "10"}, {"12", "12.5", "14"}, {"8", "9", "10.25"}} {
		if err := chromedp.Do(ctx, append(mark(ids[i], sc...), success("Les notes sont enregistrées"),
			chromedp.WaitVisible(fmt.Sprintf(`//section[@id="candidature-%d"]//span[contains(., "notée")]`, ids[i])))...); err != nil {
			t.Fatal(err)
		}
	}
	if progress := read(t, ctx, chromedp.Text(`#progress-label`)); progress != "3 / 4 notées" {
		t.Errorf("progress = %q", progress)
	}
	// A conflict of interest: asked for confirmation, then recorded.
	if err := chromedp.Do(ctx, submitting(fmt.Sprintf(`//section[@id="candidature-%d"]//button[contains(., "Déclarer un conflit")]`, ids[3])),
		chromedp.WaitVisible(`#conflict-reason`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "conflict confirmation")
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#conflict-reason`, "Ancien collègue direct."),
		submitting(`//button[contains(., "Confirmer le conflit")]`), success("Le conflit d'intérêts est enregistré")); err != nil {
		t.Fatal(err)
	}
	if progress := read(t, ctx, chromedp.Text(`#progress-label`)); progress != "3 / 3 notées" {
		t.Errorf("progress after the conflict = %q", progress)
	}

	// The other member marks (through the Store: their page is the same).
	byLec := vivier.Actor{AgentID: lec.ID, Email: lec.Email}
	for i, sc := range [][]float64{{14, 10, 12}, {13, 15, 11}, {10, 8, 9}, {16, 14, 15}} {
		scores := map[int64]float64{}
		for j, c := range criteria {
			scores[c.ID] = sc[j]
		}
		if err := s.SaveMarks(ctx0, adm.ID, board.ID, lec.ID, ids[i], scores, "", byLec); err != nil {
			t.Fatal(err)
		}
	}

	// A request without its CSRF token is refused and changes nothing.
	c, token := signInAs(t, p, lec.Email)
	markField := fmt.Sprintf("mark-%d-%d", ids[0], criteria[0].ID)
	if resp, _ := postForm(t, c, fmt.Sprintf("%s/notation/%d", boardURL, ids[0]), url.Values{markField: {"1"}}); resp.StatusCode != 403 {
		t.Errorf("marks without the CSRF token = %d, want 403", resp.StatusCode)
	}
	sheet, err := s.MarkingSheet(ctx0, adm.ID, board.ID, lec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sheet.Rows {
		if r.Applicant.ApplicationID == ids[0] && r.Scores[criteria[0].ID] != 14 {
			t.Errorf("a request without its token changed a mark: %v", r.Scores)
		}
	}
	// A mark beyond the scale is refused with its field named.
	if resp, body := postForm(t, c, fmt.Sprintf("%s/notation/%d", boardURL, ids[0]), url.Values{"_csrf": {token}, markField: {"21"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, markField+"-error") {
		t.Errorf("a mark of 21 on 20 = %d", resp.StatusCode)
	}
	// The member's dashboard leads to the marking.
	if _, body := get(t, c, p.URL+"/admin/ville-demo"); !strings.Contains(body, fmt.Sprintf(`href="/admin/ville-demo/jurys/%d/notation"`, board.ID)) {
		t.Error("the member's dashboard does not lead to the marking")
	}
	// A member is not the president: closing is refused.
	if resp, _ := postForm(t, c, boardURL+"/cloture", url.Values{"_csrf": {token}}); resp.StatusCode < 400 {
		t.Errorf("a member who does not preside closed the marking: %d", resp.StatusCode)
	}

	// The settings follow each member's progress, without their marks.
	if err := chromedp.Do(ctx, chromedp.Navigate(boardURL), chromedp.WaitVisible(`#progress`)); err != nil {
		t.Fatal(err)
	}
	progress := read(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#progress tbody tr")).map(r => r.innerText.replace(/\s+/g, " ").trim())`))
	if strings.Join(progress, "|") != "Démo Recruteur 3 / 4 1|Démo Lecteur 4 / 4 0" {
		t.Errorf("progress on the settings = %q", progress)
	}
	axeCheck(t, ctx, "board settings with progress")

	// The president closes the marking, proposes the lists and arrests.
	if err := chromedp.Do(ctx, chromedp.Navigate(boardURL+"/resultats"), submitting(`//button[contains(., "Clore la notation")]`),
		success("La notation est close"), chromedp.WaitVisible(`#ranking`)); err != nil {
		t.Fatal(err)
	}
	// The president picks how ties are broken.
	if err := chromedp.Do(ctx, press(`#tie-spread`), submitting(`//button[contains(., "Enregistrer la règle de départage")]`),
		success("La règle de départage est enregistrée")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.BoardByID(ctx0, adm.ID, board.ID); err != nil || b.TieRule != vivier.TieBySpread {
		t.Errorf("tie rule = %v, %v", b, err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(`#propose-principale`, "2"), chromedp.SetValue(`#propose-complementaire`, "1"),
		submitting(`//button[contains(., "Proposer les listes")]`), success("Les listes sont proposées")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "results")
	screenshot(t, ctx, laptop, "results")
	screenshot(t, ctx, phone, "results")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}
	ranking := read(t, ctx, chromedp.Text(`#ranking tbody`))
	for _, want := range []string{"Prénom0 Nom00000", "Prénom3 Nom00003", "conflit"} {
		if !strings.Contains(ranking, want) {
			t.Errorf("the ranking lacks %q:\n%s", want, ranking)
		}
	}
	principale := read(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[aria-labelledby="liste-principale"] li')).map(e => e.firstChild.textContent.trim())`))
	if len(principale) != 2 {
		t.Fatalf("liste principale = %v", principale)
	}
	// The president adjusts a rank: the second of the liste principale
	// comes first.
	listed := `Array.from(document.querySelectorAll('[aria-labelledby="liste-principale"] li')).map(e => e.firstChild.textContent.trim())`
	byName := map[string]int64{} // seedApplications names the ith application so
	for i, id := range ids {
		byName[fmt.Sprintf("Prénom%d Nom%05d", i, i)] = id
	}
	second := fmt.Sprint(byName[principale[1]])
	if err := chromedp.Do(ctx, chromedp.SetValue(`#place-application`, second), chromedp.SetValue(`#place-list`, "principale"),
		chromedp.SetValue(`#place-rank`, "1"), submitting(`//button[contains(., "Placer sur la liste")]`), success("La liste est mise à jour")); err != nil {
		t.Fatal(err)
	}
	if now := read(t, ctx, chromedp.Evaluate[[]string](listed)); len(now) != 2 || now[0] != principale[1] || now[1] != principale[0] {
		t.Errorf("after moving %s to rank 1, the liste principale = %v", principale[1], now)
	}
	principale = read(t, ctx, chromedp.Evaluate[[]string](listed))
	// A wrong confirmation is refused. The page is awaited whole first, and
	// the answer as a new page, each under a bounded wait that shows the
	// page if it fails. The value is set, not typed: keys typed while the
	// page moves the focus can be lost, and the field is required.
	started(t, ctx)
	arrest := `//button[contains(., "Arrêter les résultats")]`
	actx, cancel := context.WithTimeout(ctx, 90*time.Second)
	err = chromedp.Do(actx, append(append([]chromedp.Action[chromedp.Void]{chromedp.SetValue(`#arrest-confirm`, "non")},
		reloading(arrest)...), chromedp.WaitVisible(`#arrest-confirm-error`))...)
	cancel()
	if err != nil {
		t.Fatalf("a wrong confirmation: %v; the page: %s", err, read(t, ctx, chromedp.Text(`#contenu`)))
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(`#arrest-confirm`, "ARRÊTER"), submitting(`//button[contains(., "Arrêter les résultats")]`),
		success("Les résultats sont arrêtés"), chromedp.WaitVisible(`#arrested`)); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/resultats", "/notation", ""} {
		if err := chromedp.Do(ctx, chromedp.Navigate(boardURL+page), chromedp.WaitVisible(`h1`)); err != nil {
			t.Fatal(err)
		}
		if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#contenu form[method="post"]').length`)); n != 0 {
			t.Errorf("%s offers %d forms after the arrest", page, n)
		}
	}

	// The minutes: a page that prints without the site's frame, and a PDF.
	if err := chromedp.Do(ctx, chromedp.Navigate(boardURL+"/proces-verbal"), chromedp.WaitVisible(`#liste-principale`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "minutes")
	screenshot(t, ctx, laptop, "minutes")
	screenshot(t, ctx, phone, "minutes")
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#sidemenu-title").length`)); n != 0 {
		t.Error("the minutes show the back office's navigation")
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	hidden := read(t, ctx, chromedp.Evaluate[[]string](`[".fr-header", ".fr-footer", ".vivier-noprint"].map(s => getComputedStyle(document.querySelector(s)).display)`))
	if strings.Join(hidden, ",") != "none,none,none" {
		t.Errorf("printed, the minutes keep the site's frame or links: %v", hidden)
	}
	if sig := read(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".vivier-minutes__signature")).display`)); sig == "none" {
		t.Error("printed, the minutes lose the signature box")
	}
	resp, pdf := get(t, c, boardURL+"/proces-verbal.pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("minutes PDF = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Its text, extracted as the documents' search does (ledongthuc/pdf).
	doc, err := vivier.CheckDocument("proces-verbal.pdf", []byte(pdf), 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Text
	for _, want := range append([]string{"Liste principale", "Liste complémentaire", "Signature", "Connaissances"}, principale...) {
		if !strings.Contains(text, want) {
			t.Errorf("the minutes' PDF lacks %q", want)
		}
	}
	noConsoleErrors(t, console)
}

// A board of one administration is out of reach of another's agents: 404,
// and nothing changes.
func TestBoardIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	s := p.Store()
	min, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "JURY-MIN", Versant: vivier.VersantEtat, Title: "Offre du ministère"}
	if err := s.CreateOffer(ctx, min.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateBoard(ctx, min.ID, o.ID, vivier.BoardJury, "Jury du ministère", 20, vivier.Actor{Email: "t@t"})
	if err != nil {
		t.Fatal(err)
	}
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	for _, path := range []string{"", "/notation", "/resultats", "/proces-verbal", "/proces-verbal.pdf"} {
		if resp, body := get(t, c, fmt.Sprintf("%s/admin/ville-demo/jurys/%d%s", p.URL, b.ID, path)); resp.StatusCode != 404 || strings.Contains(body, "Jury du ministère") {
			t.Errorf("GET ville-demo's %s of ministere-demo's board = %d", path, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/jurys/%d", p.URL, b.ID),
		url.Values{"_csrf": {token}, "name": {"Renommé"}, "scale_max": {"10"}, "tie_rule": {"spread"}}); resp.StatusCode != 404 {
		t.Errorf("POST settings of another administration's board = %d, want 404", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, fmt.Sprintf("%s/admin/ministere-demo/jurys/%d", p.URL, b.ID),
		url.Values{"_csrf": {token}, "name": {"Renommé"}, "scale_max": {"10"}, "tie_rule": {"spread"}}); resp.StatusCode != 403 && resp.StatusCode != 404 {
		t.Errorf("POST settings in another administration = %d, want 403 or 404", resp.StatusCode)
	}
	after, err := s.BoardByID(ctx, min.ID, b.ID)
	if err != nil || after.Name != "Jury du ministère" || after.ScaleMax != 20 {
		t.Errorf("the board changed: %+v, %v", after, err)
	}
}

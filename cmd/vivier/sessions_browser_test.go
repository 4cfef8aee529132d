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

// A recruiter makes a session, convokes three applications from the
// offer's list (reading the email first), finds them on the sitting's page,
// marks the attendance sheet and opens its printable version; each page
// passes axe, and the sheet saves without JavaScript too.
func TestConvocationSessionInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 5)
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	day := time.Now().In(parisTZ(t)).AddDate(0, 0, 10)
	ctx, console := browser(t)

	// The form, refused without a title, then made.
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(base+"/convocations"), chromedp.WaitVisible(`#sessions-table`),
		chromedp.Click(`//a[contains(., "Nouvelle session")]`), chromedp.WaitVisible(`#session-form`))...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "session form")
	screenshot(t, ctx, laptop, "session-form")
	fill := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(`#s-date`, day.Format("2006-01-02")),
		chromedp.SetValue(`#s-time`, "09:00"),
		chromedp.SetValue(`#s-duration`, "30"),
		chromedp.SendKeys(`#s-place`, "Hôtel de ville, salle des commissions"),
		chromedp.SendKeys(`#s-instructions`, "Munissez-vous d'une pièce d'identité."),
		chromedp.Click(`//button[contains(., "Créer la session")]`),
	}
	if err := chromedp.Do(ctx, append(fill, chromedp.WaitVisible(`#s-title-error`))...); err != nil {
		t.Fatal(err)
	}
	if v := read(t, ctx, chromedp.Value(`#s-place`)); v != "Hôtel de ville, salle des commissions" {
		t.Errorf("the refused form lost the place: %q", v)
	}
	axeCheck(t, ctx, "session form with errors")
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#s-title`, "Jury des jardiniers"),
		chromedp.Click(`//button[contains(., "Créer la session")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "La session est créée")]`)); err != nil {
		t.Fatal(err)
	}

	// Three applications convoked from the list.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/candidatures"), chromedp.WaitVisible(`#pipeline-table`)); err != nil {
		t.Fatal(err)
	}
	var check []chromedp.Action[chromedp.Void]
	for _, id := range ids[:3] {
		check = append(check, chromedp.Focus(fmt.Sprintf("#sel-%d", id)), chromedp.KeyEvent(" "))
	}
	if err := chromedp.Do(ctx, append(check,
		chromedp.Click(`//button[contains(., "Convoquer les candidatures cochées")]`),
		chromedp.WaitVisible(`#convoke-choice`))...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "convocation: choice of the session")
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Continuer")]`), chromedp.WaitVisible(`#email-preview`)); err != nil {
		t.Fatal(err)
	}
	if preview := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(preview, "Confirmer 3 convocations") ||
		!strings.Contains(preview, "salle des commissions") || !strings.Contains(preview, "Munissez-vous") {
		t.Errorf("preview: %q", preview)
	}
	axeCheck(t, ctx, "convocation preview")
	screenshot(t, ctx, laptop, "convoke-preview")
	step(t, ctx, chromedp.Click(`//button[contains(., "Convoquer et envoyer 3 courriels")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "3 candidatures convoquées")]`))

	// The sitting's page: the three, in time order, and the sheet.
	rows := read(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#convocations-table tbody tr")).map(r => r.innerText)`))
	if len(rows) != 3 || !strings.Contains(rows[0], "9 h 00") || !strings.Contains(rows[1], "9 h 30") || !strings.Contains(rows[2], "10 h 00") {
		t.Fatalf("convocations: %q", rows)
	}
	axeCheck(t, ctx, "session page")
	screenshot(t, ctx, laptop, "session-page")
	screenshot(t, ctx, phone, "session-page")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}
	groups := read(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#attendance-table input[value="present"]')).map(e => e.name)`))
	if len(groups) != 3 {
		t.Fatalf("attendance groups: %q", groups)
	}
	marks := []string{"present", "absent", "excuse"}
	var mark []chromedp.Action[chromedp.Void]
	for i, g := range groups {
		mark = append(mark, chromedp.Click(fmt.Sprintf(`label[for="%s-%s"]`, g, marks[i])))
	}
	if err := chromedp.Do(ctx, append(mark,
		chromedp.Click(`//button[contains(., "Enregistrer la feuille d'émargement")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "3 présences mises à jour")]`),
		chromedp.WaitVisible(`//button[contains(., "Refuser les absent·es")]`))...); err != nil {
		t.Fatal(err)
	}
	var absentApp int64
	if err := p.Store().DB().Get(&absentApp, `SELECT application_id FROM interviews WHERE attendance = 'absent'`); err != nil {
		t.Fatal(err)
	}
	hist, err := p.Store().ApplicationHistory(t.Context(), o.AdministrationID, absentApp)
	if err != nil || hist[len(hist)-1].Step != "Présence à l'entretien : absent·e" {
		t.Errorf("history of the absent: %+v, %v", hist, err)
	}
	axeCheck(t, ctx, "session page with the sheet marked")
	screenshot(t, ctx, laptop, "session-sheet")

	// The printable version.
	if err := chromedp.Do(ctx, chromedp.Click(`//a[contains(., "Version imprimable")]`), chromedp.WaitVisible(`#print-table`)); err != nil {
		t.Fatal(err)
	}
	if page := read(t, ctx, chromedp.Text(`#print-table`)); !strings.Contains(page, "Signature") || !strings.Contains(page, "absent·e") {
		t.Errorf("printable sheet: %q", page)
	}
	if nav := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#sidemenu-title").length`)); nav != 0 {
		t.Error("the printable sheet shows the navigation")
	}
	axeCheck(t, ctx, "printable sheet")
	screenshot(t, ctx, laptop, "session-print")
	screenshot(t, ctx, phone, "session-print")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}
	sessionPage := read(t, ctx, chromedp.Evaluate[string](`document.querySelector(".vivier-noprint a").href`))

	// From the board: a card ticked, then "Convoquer" in the selection's bar.
	step(t, ctx, chromedp.Navigate(base+"/tableau"), chromedp.WaitVisible(`.vivier-board`),
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[3])), chromedp.KeyEvent(" "),
		chromedp.WaitVisible(`#bulk-stage`), // the actions unfold on the first selection
		chromedp.Click(`//form[@id="board-bulk"]//button[normalize-space(.)="Convoquer"]`),
		chromedp.WaitVisible(`#convoke-choice`))
	if h := read(t, ctx, chromedp.Text(`h1`)); h != "Convoquer 1 candidature" {
		t.Errorf("from the board: %q", h)
	}
	noConsoleErrors(t, console)

	// Without JavaScript: the sheet saves, and the pages pass axe as loaded.
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	scripts(false)
	if err := chromedp.Do(ctx, chromedp.Navigate(sessionPage), chromedp.WaitVisible(`#attendance-form`),
		chromedp.Click(fmt.Sprintf(`label[for="%s-present"]`, groups[1])),
		chromedp.Click(`//button[contains(., "Enregistrer la feuille d'émargement")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "1 présence mise à jour")]`)); err != nil {
		t.Fatal(err)
	}
	scripts(true)
	axeCheck(t, ctx, "session page without JavaScript")
	screenshot(t, ctx, laptop, "session-nojs")
	scripts(false)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/convocations/nouvelle"), chromedp.WaitVisible(`#session-form`)); err != nil {
		t.Fatal(err)
	}
	scripts(true)
	axeCheck(t, ctx, "session form without JavaScript")
	step(t, ctx, chromedp.Navigate(sessionPage+"/modification"), chromedp.WaitVisible(`#session-form`))
	if v := read(t, ctx, chromedp.Value(`#s-title`)); v != "Jury des jardiniers" {
		t.Errorf("change form's title %q", v)
	}
	axeCheck(t, ctx, "session change form")
}

// An agent of another administration reaches neither the sessions of an
// offer that is not theirs nor their convocations, and cannot convoke
// another administration's applications to a session of their own.
func TestConvocationSessionsStayInTheirAdministration(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	ctx := context.Background()
	o := openOfferWithQuestion(t, p) // ville-demo's
	ids := seedApplications(t, p, o, 2)
	foreign := foreignApplication(t, p) // ministere-demo's
	var minOffer, minAdm int64
	if err := p.Store().DB().QueryRow(`SELECT offer_id, administration_id FROM applications WHERE id = $1`, foreign).Scan(&minOffer, &minAdm); err != nil {
		t.Fatal(err)
	}
	req := vivier.SessionRequest{Title: "Jury", Mode: vivier.SessionIndividual, StartsAt: time.Now().Add(72 * time.Hour).Truncate(time.Minute),
		DurationMinutes: 30, Place: "Salle 1", OutsideMembers: "Jury <jury@exemple.fr>"}
	actor := vivier.Actor{Email: "t@t"}
	villeSession, err := p.Store().CreateSession(ctx, o.AdministrationID, o.ID, req, actor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	minSession, err := p.Store().CreateSession(ctx, minAdm, minOffer, req, actor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().Convoke(ctx, o.AdministrationID, villeSession.ID, ids, actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	var iv int64
	if err := p.Store().DB().Get(&iv, `SELECT id FROM interviews WHERE session_id = $1 LIMIT 1`, villeSession.ID); err != nil {
		t.Fatal(err)
	}

	c, token := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	mine := fmt.Sprintf("%s/admin/ministere-demo/offres/%d/convocations", p.URL, minOffer)
	// Their own pages open.
	if resp, page := get(t, c, mine); resp.StatusCode != 200 || !strings.Contains(page, "Jury") {
		t.Fatalf("own sessions = %d", resp.StatusCode)
	}
	// The other administration's offer and session, through their own slug
	// and through the other's.
	for _, u := range []string{
		fmt.Sprintf("%s/admin/ministere-demo/offres/%d/convocations", p.URL, o.ID),
		fmt.Sprintf("%s/admin/ministere-demo/offres/%d/convocations/%d", p.URL, o.ID, villeSession.ID),
		fmt.Sprintf("%s/%d", mine, villeSession.ID),
		fmt.Sprintf("%s/%d?imprimer=1", mine, villeSession.ID),
		fmt.Sprintf("%s/admin/ville-demo/offres/%d/convocations/%d", p.URL, o.ID, villeSession.ID),
	} {
		if resp, page := get(t, c, u); resp.StatusCode != 404 || strings.Contains(page, "Nom0") {
			t.Errorf("GET %s = %d", u, resp.StatusCode)
		}
	}
	posts := map[string]url.Values{
		fmt.Sprintf("%s/%d/emargement", mine, villeSession.ID):                           {"presence-" + fmt.Sprint(iv): {"absent"}},
		fmt.Sprintf("%s/%d/annulation", mine, villeSession.ID):                           {},
		fmt.Sprintf("%s/%d/convocations/%d/annulation", mine, minSession.ID, iv):         {},
		fmt.Sprintf("%s/%d/convocations/%d/horaire", mine, minSession.ID, iv):            {"date": {"2030-01-01"}, "time": {"10:00"}},
		fmt.Sprintf("%s/admin/ville-demo/offres/%d/convocations/convoquer", p.URL, o.ID): {"ids": {fmt.Sprint(ids[0])}},
	}
	for u, form := range posts {
		form.Set("_csrf", token)
		if resp, _ := postForm(t, c, u, form); resp.StatusCode != 404 {
			t.Errorf("POST %s = %d", u, resp.StatusCode)
		}
	}
	// Convoking the other's applications to their own session: the preview
	// finds none, and the convocation leaves them out.
	form := url.Values{"_csrf": {token}, "ids": {fmt.Sprint(ids[0]), fmt.Sprint(ids[1])}, "session": {fmt.Sprint(minSession.ID)}}
	form.Set("etape", "choix")
	if resp, page := postForm(t, c, mine+"/convoquer", form); resp.StatusCode == 200 || strings.Contains(page, "Nom0") {
		t.Errorf("preview of another administration's applications = %d", resp.StatusCode)
	}
	form.Set("etape", "envoi")
	postForm(t, c, mine+"/convoquer", form)
	var n int
	if err := p.Store().DB().Get(&n, `SELECT count(*) FROM interviews WHERE session_id = $1`, minSession.ID); err != nil || n != 0 {
		t.Errorf("%d convocations of another administration's applications (%v)", n, err)
	}
	var marked int
	if err := p.Store().DB().Get(&marked, `SELECT count(*) FROM interviews WHERE attendance <> '' OR status = 'annule'`); err != nil || marked != 0 {
		t.Errorf("%d convocations changed from another administration (%v)", marked, err)
	}
}

// step runs the actions within a minute; when one fails, the test fails
// with what the page shows.
func step(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.querySelector("main") || document.body).innerText`))
		t.Fatalf("%v; the page:\n%s", err, page)
	}
}

// The session form publishes the slots of a "choix" session from a range,
// and a second convocation of the same applications says who was left out
// and why.
func TestSessionFormSlotsAndSkippedConvocations(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d/convocations", p.URL, o.ID)
	day := time.Now().In(parisTZ(t)).AddDate(0, 0, 10).Format("2006-01-02")
	deadline := time.Now().In(parisTZ(t)).AddDate(0, 0, 5).Format("2006-01-02")
	fields := map[string]string{"_csrf": token, "title": "Entretiens au choix", "mode": "choix", "date": day, "time": "09:00",
		"duration": "30", "video": "https://visio.exemple.fr/jury", "outside": "Claire Dupont <claire@exemple.fr>",
		"gen_from": "09:00", "gen_to": "12:00", "slot_capacity": "2", "deadline_date": deadline, "deadline_time": "18:00"}
	bad := map[string]string{}
	for k, v := range fields {
		bad[k] = v
	}
	bad["gen_to"], bad["outside"] = "08:00", "pas une adresse"
	if resp, page := postMultipart(t, c, base+"/nouvelle", bad, nil); resp.StatusCode != 422 ||
		!strings.Contains(page, `id="slots-error"`) || !strings.Contains(page, `id="s-outside-error"`) || !strings.Contains(page, `value="Entretiens au choix"`) {
		t.Fatalf("bad range and member = %d", resp.StatusCode)
	}
	if resp, page := postMultipart(t, c, base+"/nouvelle", fields, map[string][]byte{"document": []byte("ni PDF ni image")}); resp.StatusCode != 422 ||
		!strings.Contains(page, `id="s-document-error"`) {
		t.Fatalf("a document of text = %d", resp.StatusCode)
	}
	resp, _ := postMultipart(t, c, base+"/nouvelle", fields, map[string][]byte{"document": pdfBytes(t, "", "Plan d'accès")})
	if resp.StatusCode != 303 {
		t.Fatalf("choix session = %d", resp.StatusCode)
	}
	var sessionID int64
	var slots, capacity int
	if err := p.Store().DB().QueryRow(`SELECT s.id, count(sl.id), sum(sl.capacity) FROM interview_sessions s JOIN interview_slots sl ON sl.session_id = s.id
		WHERE s.offer_id = $1 AND s.document_type = 'application/pdf' GROUP BY s.id`, o.ID).Scan(&sessionID, &slots, &capacity); err != nil {
		t.Fatal(err)
	}
	if slots != 6 || capacity != 12 {
		t.Errorf("%d slots, %d places; want 6 and 12 (9:00 to 12:00 every 30 minutes, 2 each)", slots, capacity)
	}
	if resp, body := get(t, c, fmt.Sprintf("%s/%d/document", base, sessionID)); resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("document = %d", resp.StatusCode)
	}
	form := url.Values{"_csrf": {token}, "etape": {"choix"}, "session": {fmt.Sprint(sessionID)}, "ids": {fmt.Sprint(ids[0]), fmt.Sprint(ids[1])}}
	if resp, page := postForm(t, c, base+"/convoquer", form); resp.StatusCode != 200 || !strings.Contains(page, "Choisissez votre créneau d&#39;entretien") ||
		!strings.Contains(page, "jusqu&#39;au") || !strings.Contains(page, "Le document « document.pdf »") {
		t.Errorf("preview of a choice = %d", resp.StatusCode)
	}
	form.Set("etape", "envoi")
	if resp, _ := postForm(t, c, base+"/convoquer", form); resp.StatusCode != 303 {
		t.Fatalf("convoke = %d", resp.StatusCode)
	}
	postForm(t, c, base+"/convoquer", form)
	if _, page := get(t, c, fmt.Sprintf("%s/%d", base, sessionID)); !strings.Contains(page, "0 candidature convoquée") ||
		!strings.Contains(page, "Non convoquées") || !strings.Contains(page, "Prénom0 Nom00000 (") {
		t.Errorf("second convocation's message: %s", page[strings.Index(page, "<main"):])
	}
	// The form that changes the session comes filled in, and changes it.
	if resp, page := get(t, c, fmt.Sprintf("%s/%d/modification", base, sessionID)); resp.StatusCode != 200 ||
		!strings.Contains(page, `value="Entretiens au choix"`) || !strings.Contains(page, `value="09:00 09:30 10:00 10:30 11:00 11:30"`) {
		t.Errorf("change form = %d", resp.StatusCode)
	}
	fields["place"] = "Mairie annexe, salle 3"
	if resp, page := postMultipart(t, c, fmt.Sprintf("%s/%d/modification", base, sessionID), fields, nil); resp.StatusCode != 303 {
		t.Errorf("change = %d: %s", resp.StatusCode, page)
	}
	var place, document string
	if err := p.Store().DB().QueryRow(`SELECT place, document_name FROM interview_sessions WHERE id = $1`, sessionID).Scan(&place, &document); err != nil ||
		place != "Mairie annexe, salle 3" || document != "document.pdf" {
		t.Errorf("after the change: %q, %q, %v", place, document, err)
	}
	// "Nouvelle session" from the choice keeps the selection through the
	// form, then shows the preview of the new session.
	open := url.Values{"_csrf": {token}, "ouvrir": {"1"}, "ids": {fmt.Sprint(ids[0]), fmt.Sprint(ids[1])}}
	if resp, page := postForm(t, c, base+"/nouvelle", open); resp.StatusCode != 200 || strings.Count(page, `<input type="hidden" name="ids"`) != 2 {
		t.Fatalf("form opened from the choice = %d", resp.StatusCode)
	}
	group := map[string]string{"_csrf": token, "title": "Séance collective", "mode": "collectif", "date": day, "time": "14:00",
		"duration": "60", "place": "Salle du conseil", "outside": "claire@exemple.fr", "ids": fmt.Sprint(ids[1])}
	if resp, page := postMultipart(t, c, base+"/nouvelle", group, nil); resp.StatusCode != 200 || !strings.Contains(page, "La session est créée.") ||
		!strings.Contains(page, "Confirmer 1 convocation") || !strings.Contains(page, "Salle du conseil") {
		t.Errorf("new session with a selection = %d", resp.StatusCode)
	}
	// A change of time that does not read comes back on the sitting's page;
	// a cancellation goes through.
	var iv int64
	if err := p.Store().DB().Get(&iv, `SELECT id FROM interviews WHERE session_id = $1 AND application_id = $2`, sessionID, ids[0]); err != nil {
		t.Fatal(err)
	}
	at := fmt.Sprintf("%s/%d/convocations/%d", base, sessionID, iv)
	if resp, page := postForm(t, c, at+"/horaire", url.Values{"_csrf": {token}, "date": {"demain"}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "Saisissez la nouvelle date") || !strings.Contains(page, `id="attendance-table"`) {
		t.Errorf("bad new time = %d", resp.StatusCode)
	}
	if resp, page := postForm(t, c, fmt.Sprintf("%s/%d/emargement", base, sessionID), url.Values{"_csrf": {token},
		"presence-" + fmt.Sprint(iv): {"peut-etre"}}); resp.StatusCode != 422 || !strings.Contains(page, "Choisissez présent·e") {
		t.Errorf("unknown mark = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, at+"/annulation", url.Values{"_csrf": {token}, "reason": {"Jury indisponible"}}); resp.StatusCode != 303 {
		t.Errorf("cancel = %d", resp.StatusCode)
	}
	var status string
	if err := p.Store().DB().Get(&status, `SELECT status FROM interviews WHERE id = $1`, iv); err != nil || status != "annule" {
		t.Errorf("status after the cancellation %q, %v", status, err)
	}
}

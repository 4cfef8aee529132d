package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vivier"
)

// convokedCandidate starts the demo with one application to a new offer of
// ville-demo, and a link to its candidate's space.
func convokedCandidate(t *testing.T, ref, email, first string) (*program, *vivier.Offer, *vivier.Application, string) {
	t.Helper()
	p := startDemo(t, "serve", nil)
	o := openOfferOf(t, p, "ville-demo", ref, "Agent·e d'accueil et jardinier·ère")
	x := applyTo(t, p, o, email, first, "Durand", false)
	token, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(context.Background(), x.CandidateID, &x.ID, hash); err != nil {
		t.Fatal(err)
	}
	return p, o, x, token
}

// lookAt checks the page with axe and saves the convocation's box, on a
// laptop and a phone, for a person to look at; the tab is a laptop again.
func lookAt(t *testing.T, ctx context.Context, box, label, name string) {
	t.Helper()
	axeCheck(t, ctx, label)
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(box)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, laptop, name)
	screenshot(t, ctx, phone, name)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}
}

// scripts runs the tab's scripts or not: axe needs them, and leaves a page
// drawn without them as it was.
func scripts(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatal(err)
	}
}

// A candidate convoked to choose a slot opens their space from a link,
// sees a full slot disabled, chooses one, sees it booked, and changes it
// without JavaScript; each state passes axe.
func TestSlotChoiceInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p, o, x, token := convokedCandidate(t, "BOOK-1", "lea@exemple.fr", "Léa")
	paris := parisTZ(t)
	day := time.Now().In(paris).AddDate(0, 0, 7)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, paris)
	db := p.Store().DB()
	var session, iv int64
	if err := db.QueryRowContext(ctx0, `INSERT INTO interview_sessions (administration_id, offer_id, title, mode, starts_at,
			duration_minutes, place, instructions, choice_deadline, organizer, created_by)
		VALUES ($1, $2, 'Entretiens des jardiniers', 'choix', $3, 30, 'Hôtel de ville, salle des commissions',
			'Munissez-vous d''une pièce d''identité.', $4, 'recruteur@ville-demo.vivier.test', 'recruteur@ville-demo.vivier.test')
		RETURNING id`, o.AdministrationID, o.ID, start, start.AddDate(0, 0, -2)).Scan(&session); err != nil {
		t.Fatal(err)
	}
	// Three slots: two with places, the last one full.
	slots := make([]int64, 3)
	for i, c := range []struct{ capacity, booked int }{{2, 0}, {1, 0}, {1, 1}} {
		if err := db.QueryRowContext(ctx0, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity, booked)
			VALUES ($1, $2, 30, $3, $4) RETURNING id`, session, start.Add(time.Duration(i)*time.Hour), c.capacity, c.booked).Scan(&slots[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueryRowContext(ctx0, `INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, place,
			organizer, status, session_id) VALUES ($1, $2, $3, 30, 'Hôtel de ville, salle des commissions',
			'recruteur@ville-demo.vivier.test', 'a_choisir', $4) RETURNING id`, o.AdministrationID, x.ID, start, session).Scan(&iv); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	space := p.URL + "/suivi/" + token
	box := fmt.Sprintf("#convocation-%d", iv)
	radio := func(slot int64) string { return fmt.Sprintf("#slot-%d-%d", iv, slot) }
	if err := chromedp.Do(ctx, chromedp.Navigate(space), chromedp.WaitVisible(box)); err != nil {
		t.Fatal(err)
	}
	if text := read(t, ctx, chromedp.Text(box)); !strings.Contains(text, "Choisissez votre créneau avant le") ||
		!strings.Contains(text, "2 places restantes") || !strings.Contains(text, "Complet") || !strings.Contains(text, "pièce d'identité") {
		t.Errorf("convocation before the choice: %q", text)
	}
	if !read(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).disabled`, radio(slots[2])))) {
		t.Error("the full slot can be chosen")
	}
	lookAt(t, ctx, box, "space with slots to choose", "choose")

	// Choose the first slot by its label, as a person clicks.
	if err := chromedp.Do(ctx,
		chromedp.Click(fmt.Sprintf(`label[for="slot-%d-%d"]`, iv, slots[0])),
		chromedp.Click(box+` button[type="submit"]`),
		chromedp.WaitVisible(`//p[contains(., "Votre créneau est réservé")]`),
	); err != nil {
		t.Fatal(err)
	}
	first := vivier.FrenchDateTime(start, paris)
	if text := read(t, ctx, chromedp.Text(box)); !strings.Contains(text, "Votre créneau\u00a0: "+first) || !strings.Contains(text, "créneau choisi") {
		t.Errorf("convocation after the choice: %q", text)
	}
	if page := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(page, "Créneau choisi : "+first) {
		t.Errorf("the history does not say the choice: %q", page)
	}
	lookAt(t, ctx, box, "space with a booked slot", "booked")

	// Without JavaScript: change to the second slot.
	scripts(t, ctx, false)
	if err := chromedp.Do(ctx, chromedp.Navigate(space), chromedp.WaitVisible(box),
		chromedp.Click(box+` details summary`),
		chromedp.WaitVisible(radio(slots[1])),
	); err != nil {
		t.Fatal(err)
	}
	scripts(t, ctx, true)
	lookAt(t, ctx, box, "slot change without JavaScript", "change-nojs")
	scripts(t, ctx, false)
	if err := chromedp.Do(ctx,
		chromedp.Click(fmt.Sprintf(`label[for="slot-%d-%d"]`, iv, slots[1])),
		chromedp.Click(box+` form[action$="/creneau"] button[type="submit"]`),
		chromedp.WaitVisible(`//p[contains(., "Votre créneau est réservé")]`),
	); err != nil {
		t.Fatal(err)
	}
	scripts(t, ctx, true)
	second := vivier.FrenchDateTime(start.Add(time.Hour), paris)
	if text := read(t, ctx, chromedp.Text(box)); !strings.Contains(text, "Votre créneau\u00a0: "+second) {
		t.Errorf("convocation after the change: %q", text)
	}
	// The change gave the first place back, and moved the calendar event.
	if n := count(t, p, `SELECT booked FROM interview_slots WHERE id = $1`, slots[0]); n != 0 {
		t.Errorf("the old slot keeps %d places", n)
	}
	if n := count(t, p, `SELECT count(*) FROM interviews WHERE id = $1 AND slot_id = $2 AND sequence = 1 AND status = 'accepte'`,
		iv, slots[1]); n != 1 {
		t.Error("the interview does not hold the new slot at sequence 1")
	}
	// The second slot is now full for others; in the folded choice, it shows
	// as the candidate's own.
	if text := read(t, ctx, chromedp.TextContent(box)); !strings.Contains(text, "Votre créneau actuel") {
		t.Errorf("the candidate's slot is not marked: %q", text)
	}
	axeCheck(t, ctx, "space after the change")
	// A slot taken between the page and the choice: the space says so
	// beside the slots, and the candidate keeps theirs.
	if err := chromedp.Do(ctx, chromedp.Click(box+` details summary`)); err != nil {
		t.Fatal(err)
	}
	read(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).disabled = false`, radio(slots[2]))))
	if err := chromedp.Do(ctx,
		chromedp.Click(fmt.Sprintf(`label[for="slot-%d-%d"]`, iv, slots[2])),
		chromedp.Click(box+` form[action$="/creneau"] button[type="submit"]`),
		chromedp.WaitVisible(fmt.Sprintf("#slots-%d-error", iv)),
	); err != nil {
		t.Fatal(err)
	}
	if msg := read(t, ctx, chromedp.Text(fmt.Sprintf("#slots-%d-error", iv))); msg != "Ce créneau vient d'être pris : choisissez-en un autre." {
		t.Errorf("full slot chosen: %q", msg)
	}
	if n := count(t, p, `SELECT count(*) FROM interviews WHERE id = $1 AND slot_id = $2`, iv, slots[1]); n != 1 {
		t.Error("a refused choice moved the interview")
	}
	lookAt(t, ctx, fmt.Sprintf("#slots-%d", iv), "full slot refused", "taken")
	noConsoleErrors(t, console)
}

// A candidate given a time by the recruiter confirms it, is told that a
// decline needs a reason, and asks for another time; each answer shows.
func TestGivenTimeAnswersInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p, o, x, token := convokedCandidate(t, "BOOK-2", "noe@exemple.fr", "Noé")
	paris := parisTZ(t)
	day := time.Now().In(paris).AddDate(0, 0, 9)
	start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, paris)
	var iv int64
	if err := p.Store().DB().QueryRowContext(ctx0, `WITH s AS (INSERT INTO interview_sessions (administration_id, offer_id, title, mode,
			starts_at, duration_minutes, video_url, organizer, created_by)
		VALUES ($1, $2, 'Entretiens d''accueil', 'individuel', $3, 20, 'https://visio.exemple.fr/accueil',
			'recruteur@ville-demo.vivier.test', 'recruteur@ville-demo.vivier.test') RETURNING id)
		INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, video_url, organizer, status, session_id)
		SELECT $1, $4, $3, 20, 'https://visio.exemple.fr/accueil', 'recruteur@ville-demo.vivier.test', 'propose', s.id FROM s
		RETURNING id`, o.AdministrationID, o.ID, start, x.ID).Scan(&iv); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	box := fmt.Sprintf("#convocation-%d", iv)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/suivi/"+token), chromedp.WaitVisible(box)); err != nil {
		t.Fatal(err)
	}
	if text := read(t, ctx, chromedp.Text(box)); !strings.Contains(text, vivier.FrenchDateTime(start, paris)) ||
		!strings.Contains(text, "https://visio.exemple.fr/accueil") || !strings.Contains(text, "pas encore donnée") {
		t.Errorf("given time: %q", text)
	}
	lookAt(t, ctx, box, "space with a given time", "given")
	// A decline without its reason is refused beside the field.
	if err := chromedp.Do(ctx,
		chromedp.Click(box+` details summary`),
		chromedp.Click(box+` form[action$="/empechement"] button`),
		chromedp.WaitVisible(fmt.Sprintf("#decline-reason-%d-error", iv)),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "decline without a reason")
	if err := chromedp.Do(ctx,
		chromedp.Click(box+` form[action$="/presence"] button`),
		chromedp.WaitVisible(`//p[contains(., "Votre présence est confirmée")]`),
		chromedp.Click(box+` details:nth-of-type(2) summary`),
		chromedp.SendKeys(fmt.Sprintf("#other-time-%d", iv), "Plutôt le matin"),
		chromedp.Click(box+` form[action$="/autre-horaire"] button`),
		chromedp.WaitVisible(`//p[contains(., "Votre demande d'un autre horaire est envoyée")]`),
	); err != nil {
		t.Fatal(err)
	}
	if text := read(t, ctx, chromedp.Text(box)); !strings.Contains(text, "autre horaire demandé («\u00a0Plutôt le matin\u00a0»)") {
		t.Errorf("after asking for another time: %q", text)
	}
	if page := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(page, "Présence confirmée") || !strings.Contains(page, "Autre horaire demandé") {
		t.Errorf("the history: %q", page)
	}
	if n := count(t, p, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewAnswered); n != 2 {
		t.Errorf("%d answer notices queued, want 2", n)
	}
	axeCheck(t, ctx, "space after the answers")
	noConsoleErrors(t, console)
}

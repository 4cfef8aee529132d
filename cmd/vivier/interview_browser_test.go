package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"vivier"
	"vivier/jobs/jobstest"
)

// The acceptance: a recruiter opens an offer with 200
// applications, moves one by keyboard on the board, refuses 40 at once with
// a reason (typing the count, reading the email first), invites one to an
// interview; the worker sends 40 refusals and one invitation with a valid
// ICS, and each candidate's space says where they stand.
func TestRecruitmentAcceptanceInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 200)
	emailOf := map[int64]string{}
	for i, id := range ids {
		emailOf[id] = fmt.Sprintf("candidat%d@exemple.fr", i)
	}
	// The 200 confirmations are not this test's subject: the worker started
	// below finds them relayed, and its capture sees only what follows.
	p.Store().DB().MustExec(`UPDATE outbox SET relayed_at = now() WHERE relayed_at IS NULL`)
	w := startProgram(t, "worker", map[string]string{"DATABASE_URL": p.Config.DatabaseURL})

	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(base+"/tableau"), chromedp.WaitVisible(`.vivier-board`))...); err != nil {
		t.Fatal(err)
	}
	// The board shows each step's latest cards: the invited is the first.
	var invited int64
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("li[data-card]").dataset.card`))
	if _, serr := fmt.Sscan(first, &invited); err != nil || serr != nil {
		t.Fatalf("first card %q: %v", first, err)
	}
	// By keyboard: the card's "Déplacer vers…" menu, the arrows to the step, Enter.
	moveCardByKeys(t, ctx, invited, "Entretien RH")
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "1 candidature déplacée")]`),
		chromedp.Navigate(base+"/candidatures"), chromedp.WaitVisible(`#pipeline-table`),
	); err != nil {
		t.Fatal(err)
	}
	if caption := read(t, ctx, chromedp.Text(`#pipeline-table caption`)); !strings.Contains(caption, "200 candidatures") {
		t.Fatalf("caption %q", caption)
	}
	onPage, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input[name="ids"]')).map(e => e.value)`))
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	var check []chromedp.Action[chromedp.Void]
	for _, id := range onPage {
		if id == fmt.Sprint(invited) || len(refused) == 40 {
			continue
		}
		refused[id] = true
		check = append(check, chromedp.Focus("#sel-"+id), chromedp.KeyEvent(" "))
	}
	reasons, err := p.Store().RefusalReasons(t.Context(), o.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, append(check,
		chromedp.SetValue(`#bulk-stage`, fmt.Sprint(stepID(t, p, o.AdministrationID, "Non retenue"))),
		chromedp.SetValue(`#bulk-reason`, fmt.Sprint(reasons[1].ID)),
		chromedp.SendKeys(`#bulk-confirm`, "40"),
		chromedp.Click(`//button[contains(., "Appliquer aux candidatures cochées")]`),
		chromedp.WaitVisible(`#email-preview`),
	)...); err != nil {
		t.Fatal(err)
	}
	if preview := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(preview, "Confirmer 40 refus") ||
		!strings.Contains(preview, reasons[1].CandidateText) || !strings.Contains(preview, "Bonjour Prénom") {
		t.Fatalf("preview of the refusal: %q", preview)
	}
	axeCheck(t, ctx, "bulk refusal preview")
	if err := chromedp.Do(ctx,
		chromedp.Click(`//button[contains(., "Refuser et envoyer 40 courriels")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "40 candidatures déplacées, 40 courriels mis en envoi")]`),
	); err != nil {
		t.Fatal(err)
	}

	// The invitation, from the application page.
	day := time.Now().In(parisTZ(t)).AddDate(0, 0, 10)
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, invited)), chromedp.WaitVisible(`#decision`)); err != nil {
		t.Fatal(err)
	}
	openTab(t, ctx, "entretiens") // the application view shows its interviews in a tab
	if err := chromedp.Do(ctx,
		chromedp.Click(`//a[contains(., "Inviter à un entretien")]`),
		chromedp.WaitVisible(`#interview-form`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "interview invitation form")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`#iv-date`, day.Format("2006-01-02")),
		chromedp.SetValue(`#iv-time`, "14:30"),
		chromedp.SetValue(`#iv-duration`, "60"),
		chromedp.SendKeys(`#iv-place`, "Hôtel de ville, salle des commissions"),
		chromedp.SendKeys(`#iv-message`, "Munissez-vous d'une pièce d'identité."),
		chromedp.Click(`//button[contains(., "Envoyer l'invitation")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "invitation à l'entretien est enregistrée")]`),
	); err != nil {
		t.Fatal(err)
	}
	openTab(t, ctx, "entretiens")
	if page := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(page, "en attente de réponse") || !strings.Contains(page, "salle des commissions") {
		t.Errorf("application page after the invitation: %q", page)
	}
	axeCheck(t, ctx, "application page with an interview")
	// The templates screen and its preview.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ville-demo/modeles"), chromedp.WaitVisible(`main table`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "email templates")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/modeles/entretien?candidature=%d", p.URL, invited)),
		chromedp.WaitVisible(`#preview-title`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "email template editor with its preview")

	// The worker's emails: 40 refusals and one invitation.
	msgs := w.SMTP.Wait(t, 41, 90*time.Second)
	var refusals int
	var invitation *jobstest.Message
	for i, m := range msgs {
		switch {
		case refused[idOf(emailOf, m.To[0])] && strings.Contains(m.Subject, "non retenue") && strings.Contains(m.Text, reasons[1].CandidateText):
			refusals++
		case m.To[0] == emailOf[invited] && len(m.Attachments) == 1:
			invitation = &msgs[i]
		default:
			t.Errorf("unexpected email to %v: %q", m.To, m.Subject)
		}
	}
	if refusals != 40 || invitation == nil {
		t.Fatalf("%d refusals, invitation %v", refusals, invitation != nil)
	}
	att := invitation.Attachments[0]
	if att.Name != "invitation.ics" || !strings.Contains(att.ContentType, "text/calendar") || !strings.Contains(att.ContentType, "method=REQUEST") {
		t.Errorf("attachment %q %q", att.Name, att.ContentType)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(att.Data))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ICS: %v\n%s", err, att.Data)
	}
	ev := cal.Events()[0]
	want := time.Date(day.Year(), day.Month(), day.Day(), 14, 30, 0, 0, parisTZ(t))
	if start, err := ev.GetStartAt(); err != nil || !start.Equal(want) {
		t.Errorf("DTSTART %v (%v), want %v", start, err, want)
	}
	if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || !strings.Contains(s.Value, "Jardinier·ère des parcs") {
		t.Errorf("SUMMARY %+v", s)
	}
	var attendees []string
	for _, a := range ev.Attendees() {
		attendees = append(attendees, a.Email())
	}
	if !strings.Contains(strings.Join(attendees, " "), emailOf[invited]) || !strings.Contains(strings.Join(attendees, " "), "recruteur@ville-demo.vivier.test") {
		t.Errorf("ATTENDEE %v", attendees)
	}

	// Each candidate's space: the invited one follows the email's link and
	// accepts; a refused one and one still waiting read their status.
	link := trackRE.FindString(invitation.Text)
	if link == "" {
		t.Fatalf("no tracking link in %q", invitation.Text)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+link), chromedp.WaitVisible(`//p[contains(@class, "fr-badge") and contains(., "entretien prévu")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "tracking space with an interview")
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "J'accepte ce créneau")]`),
		chromedp.WaitVisible(`//li[contains(., "Entretien accepté")]`)); err != nil {
		t.Fatal(err)
	}
	var waiting int64
	for _, id := range ids {
		if !refused[fmt.Sprint(id)] && id != invited {
			waiting = id
			break
		}
	}
	var refusedID int64
	if _, err := fmt.Sscan(onPage[1], &refusedID); err != nil {
		t.Fatal(err)
	}
	if !refused[onPage[1]] {
		if _, err := fmt.Sscan(onPage[2], &refusedID); err != nil {
			t.Fatal(err)
		}
	}
	for id, status := range map[int64]string{refusedID: "non retenue", waiting: "reçue"} {
		cand, err := p.Store().CandidateByEmail(t.Context(), emailOf[id])
		if err != nil {
			t.Fatal(err)
		}
		token, hash := vivier.NewToken()
		if err := p.Store().CreateTrackingLink(t.Context(), cand.ID, nil, hash); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/suivi/"+token),
			chromedp.WaitVisible(fmt.Sprintf(`//p[contains(@class, "fr-badge") and normalize-space(.)=%q]`, status))); err != nil {
			t.Fatalf("%s: %v", status, err)
		}
	}
	noConsoleErrors(t, console)
}

func idOf(emails map[int64]string, to string) string {
	for id, e := range emails {
		if e == to {
			return fmt.Sprint(id)
		}
	}
	return ""
}

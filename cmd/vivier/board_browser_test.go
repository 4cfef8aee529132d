package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"vivier"
)

// moveCardByKeys moves a card of the board with the keyboard only: Tab from
// the card's name to its "Déplacer vers…" button, Enter opens the menu of
// steps, the arrows go down to the step, Enter chooses it.
func moveCardByKeys(t *testing.T, ctx context.Context, id int64, step string) {
	t.Helper()
	card := fmt.Sprintf(`li[data-card="%d"]`, id)
	if err := chromedp.Do(ctx, chromedp.Focus(card+" h3 a"), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.className + " " + document.activeElement.closest("li[data-card]").dataset.card`)); !strings.Contains(got, "vivier-board__move") ||
		!strings.HasSuffix(got, fmt.Sprint(id)) {
		t.Fatalf("Tab from the card's name reached %q, not its move button", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(card+" #board-menu")); err != nil {
		t.Fatal(err)
	}
	for range 12 {
		if read(t, ctx, chromedp.Evaluate[string](`document.activeElement.textContent`)) == step {
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
				t.Fatal(err)
			}
			return
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("the arrows never reached %q", step)
}

// columnOf is the heading of the column that shows a card.
func columnOf(t *testing.T, ctx context.Context, id int64) string {
	t.Helper()
	return read(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector('li[data-card="%d"]') || {closest: () => ({querySelector: () => ({textContent: "absent"})})}).closest("section").querySelector("h2").textContent`, id)))
}

// A recruiter works the board with the keyboard only: moves a card through
// its menu, refuses one through the dialog, and moves two selected cards at
// once; axe finds nothing with and without JavaScript, menu and dialog open.
func TestBoardInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 8)
	adm := o.AdministrationID
	store := p.Store()
	admin, err := store.AgentByEmail(ctx0, "admin@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := store.AgentByEmail(ctx0, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	// Cards with something to show: a note unread, tags, assignees, a
	// rating, an incomplete file.
	by := vivier.Actor{AgentID: admin.ID, Email: admin.Email}
	if _, _, err := store.AddNote(ctx0, adm, ids[5], "Voir ses références.", vivier.Scope{}, by); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddTag(ctx0, adm, ids[5:7], "Mobilité interne"); err != nil {
		t.Fatal(err)
	}
	for _, ag := range []int64{admin.ID, rec.ID} {
		if _, err := store.Assign(ctx0, adm, ids[6:8], ag, by); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Rate(ctx0, adm, ids[6], 4, "", by); err != nil {
		t.Fatal(err)
	}
	if _, err := store.DB().ExecContext(ctx0, `UPDATE application_files SET deleted_at = now() WHERE application_id = $1`, ids[7]); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(base+"/tableau"),
		chromedp.WaitVisible(`.vivier-board__move`), // shown by the script
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "board")
	screenshot(t, ctx, laptop, "board")
	screenshot(t, ctx, phone, "board")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(`.vivier-board`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, phone, "board-cards")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// Escape closes the menu and gives the focus back to its button.
	card := fmt.Sprintf(`li[data-card="%d"]`, ids[0])
	if err := chromedp.Do(ctx, chromedp.Focus(card+" .vivier-board__move"), chromedp.KeyEvent(" "),
		chromedp.WaitVisible(card+" #board-menu")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("role") + " " + document.querySelector('`+card+` .vivier-board__move').getAttribute("aria-expanded")`)); got != "menuitem true" {
		t.Errorf("Space on the button: %q", got)
	}
	axeCheck(t, ctx, "board with a menu open")
	screenshot(t, ctx, laptop, "board-menu")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(`#board-menu`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.className + " " + document.activeElement.getAttribute("aria-expanded")`)); !strings.Contains(got, "vivier-board__move") || !strings.HasSuffix(got, "false") {
		t.Errorf("after Escape the focus is on %q", got)
	}

	// One move by the menu.
	moveCardByKeys(t, ctx, ids[0], "Entretien RH")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "1 candidature déplacée")]`)); err != nil {
		t.Fatal(err)
	}
	if col := columnOf(t, ctx, ids[0]); !strings.Contains(col, "Entretien RH") {
		t.Errorf("the moved card is in column %q", col)
	}

	// A refusal opens the dialog: reason, email, one confirmation.
	reasons, err := store.RefusalReasons(ctx0, adm)
	if err != nil {
		t.Fatal(err)
	}
	// Escape closes the dialog, moves nothing, and gives the focus back.
	moveCardByKeys(t, ctx, ids[1], "Non retenue")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#board-dialog`), chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(`#board-dialog`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.className + " " + document.activeElement.closest("li[data-card]").dataset.card`)); !strings.Contains(got, "vivier-board__move") ||
		!strings.HasSuffix(got, fmt.Sprint(ids[1])) {
		t.Errorf("after Escape in the dialog the focus is on %q", got)
	}
	moveCardByKeys(t, ctx, ids[1], "Non retenue")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#board-dialog`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.id + " | " + document.getElementById("board-dialog-title").textContent`)); got != "dialog-reason | Refuser la candidature de Prénom1 Nom00001" {
		t.Errorf("the dialog opens on %q", got)
	}
	axeCheck(t, ctx, "refusal dialog")
	screenshot(t, ctx, laptop, "board-dialog")
	screenshot(t, ctx, phone, "board-dialog")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.SendKeys(`#dialog-reason`, reasons[1].Label),
		chromedp.Focus(`#board-dialog-submit`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "1 candidature déplacée, 1 courriel")]`)); err != nil {
		t.Fatal(err)
	}
	d, err := store.ApplicationForAgents(ctx0, adm, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if d.Category != vivier.CategoryRefused {
		t.Errorf("after the dialog: %s", d.Category)
	}
	if col := columnOf(t, ctx, ids[1]); !strings.Contains(col, "Non retenue") {
		t.Errorf("the refused card is in column %q", col)
	}

	// Two cards selected with Space, moved together.
	if err := chromedp.Do(ctx,
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[2])), chromedp.KeyEvent(" "),
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[3])), chromedp.KeyEvent(" "),
		chromedp.WaitVisible(`#bulk-stage`), // the actions unfold on the first selection
	); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`#board-status`)); got != "2 candidatures cochées." {
		t.Errorf("selection said %q", got)
	}
	axeCheck(t, ctx, "board with a selection")
	if err := chromedp.Do(ctx,
		chromedp.Focus(`#bulk-stage`), chromedp.SendKeys(`#bulk-stage`, "Jury"),
		chromedp.Focus(`#bulk-move`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "2 candidatures déplacées")]`),
	); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[2:4] {
		if col := columnOf(t, ctx, id); !strings.Contains(col, "Jury") {
			t.Errorf("card %d is in column %q after the bulk move", id, col)
		}
	}
	screenshot(t, ctx, laptop, "board-after")
	noConsoleErrors(t, console)

	// Without JavaScript: no menu; each card links to the application, and
	// the selection's form unfolds by itself.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/tableau?tri=nom"), chromedp.WaitVisible(`.vivier-board`)); err != nil {
		t.Fatal(err)
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll(".vivier-board__move")].filter(b => b.offsetParent !== null).length`)); n != 0 {
		t.Errorf("%d move buttons without JavaScript", n)
	}
	href := read(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('li[data-card="%d"] h3 a').getAttribute("href")`, ids[4])))
	if want := fmt.Sprintf("/admin/ville-demo/candidatures/%d?de=tableau&offre=%d&tri=nom", ids[4], o.ID); href != want {
		t.Errorf("card link %q, want %q", href, want)
	}
	// The details open by themselves; axe needs scripts again, which leaves
	// the page as it was drawn without them.
	if err := chromedp.Do(ctx, chromedp.Click(`.vivier-board__bulk-summary`), chromedp.WaitVisible(`#bulk-stage`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "board without JavaScript, actions unfolded")
	screenshot(t, ctx, laptop, "board-nojs")
	screenshot(t, ctx, phone, "board-nojs")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(`.vivier-board__bulk`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, phone, "board-nojs-actions")
}

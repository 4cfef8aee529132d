package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

func TestCandidateSpace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := openOffer(t, s, a.ID, "TRK-1")
	sub := submission(t, "camille@exemple.fr")
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := s.Apply(ctx, sub, o, files)
	if err != nil {
		t.Fatal(err)
	}
	other := submission(t, "dominique@exemple.fr")
	if err := other.Validate(o); err != nil {
		t.Fatal(err)
	}
	otherApp, _, err := s.Apply(ctx, other, o, files)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CandidateByEmail(ctx, "camille@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	if err := s.CreateTrackingLink(ctx, c.ID, nil, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.CandidateByToken(ctx, token)
	if err != nil || got.ID != c.ID {
		t.Fatalf("by token = %+v, %v", got, err)
	}
	if _, err := s.CandidateByToken(ctx, token+"x"); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a wrong token: %v", err)
	}
	apps, err := s.CandidateApplications(ctx, c.ID)
	if err != nil || len(apps) != 1 || apps[0].Status() != "reçue" || *apps[0].OfferTitle != o.Title || len(apps[0].Events) != 1 {
		t.Fatalf("apps = %+v, %v", apps, err)
	}
	if apps[0].CanNudge(time.Now()) || !apps[0].CanNudge(time.Now().AddDate(0, 0, 16)) {
		t.Error("nudging before or after the promised 15 days")
	}
	if err := s.SendCandidateMessage(ctx, c.ID, app.ID, "Des nouvelles ?"); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("nudge before the promised time: %v", err)
	}
	// One candidate cannot touch another's application.
	if err := s.Withdraw(ctx, c.ID, otherApp.ID, ""); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("withdrawing someone else's: %v", err)
	}
	if err := s.Withdraw(ctx, c.ID, app.ID, "J'ai trouvé un poste."); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, c.ID, app.ID, ""); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Fatalf("withdrawing twice: %v", err)
	}
	apps, err = s.CandidateApplications(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if apps[0].Status() != "retirée" || len(apps[0].Events) != 2 || apps[0].Events[1].Label != "retirée" {
		t.Fatalf("after withdrawal = %+v", apps[0])
	}
	if err := s.RevokeTrackingLinks(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CandidateByToken(ctx, token); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a revoked link opens: %v", err)
	}
}

func TestEraseCandidateLeavesNoPersonalData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := openOffer(t, s, a.ID, "ERA-1")
	sub := submission(t, "zoe.erasable@exemple.fr")
	sub.FirstName, sub.LastName, sub.LetterText = "Zoé", "Effaçable", "Madame, Monsieur, je suis Zoé Effaçable."
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := s.Apply(ctx, sub, o, files)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CandidateByEmail(ctx, "zoe.erasable@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	_, hash := vivier.NewToken()
	if err := s.CreateTrackingLink(ctx, c.ID, nil, hash); err != nil {
		t.Fatal(err)
	}
	s.DB().MustExec(`INSERT INTO sent_emails (message_key, template, recipient, subject) VALUES ('k', 'application_received', 'zoe.erasable@exemple.fr', 'Votre candidature')`)
	if err := s.SaveJobAlert(ctx, "zoe.erasable@exemple.fr", "q=jardinier", "« jardinier »", vivier.OfferSearch{Q: "jardinier"}); err != nil {
		t.Fatal(err)
	}
	stored, err := s.CandidateFiles(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 {
		t.Fatalf("files = %+v", stored)
	}
	if err := s.EraseCandidate(ctx, c.ID, files); err != nil {
		t.Fatal(err)
	}
	// Every row of every table, as text: none may name her, but the
	// confirmation of the erasure waiting to be mailed to her (the worker
	// removes the address once sent: jobs' catalogue test checks it).
	var tables []string
	if err := s.DB().SelectContext(ctx, &tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range tables {
		var n int
		except := ""
		if tbl == "outbox" {
			except = " AND t.task_type <> '" + vivier.TaskErasureDone + "'"
		}
		if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM `+tbl+` t WHERE (t::text ILIKE '%erasable%' OR t::text ILIKE '%Effaçable%' OR t::text ILIKE '%612345678%')`+except); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("table %s still has %d rows naming her", tbl, n)
		}
	}
	if _, err := files.Open(ctx, stored[0].Key); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("her CV is still in the store: %v", err)
	}
	var cat string
	if err := s.DB().GetContext(ctx, &cat, `SELECT category FROM applications WHERE id = $1`, app.ID); err != nil {
		t.Fatal(err)
	}
	if cat != "anonymisee" {
		t.Errorf("the application row is %q, want kept and anonymised", cat)
	}
	if !strings.Contains(vivier.StatusLabel(vivier.CategoryErased, false), "supprimée") {
		t.Error("label")
	}
}

func TestTrackingLinkLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files := localFiles(t)
	o := openOffer(t, s, a.ID, "L-1")
	app := applyAs(t, s, files, o, "ines@exemple.fr", "Inès", "Moreau", false)
	token, hash := vivier.NewToken()
	if err := s.CreateTrackingLink(ctx, app.CandidateID, &app.ID, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.CandidateByToken(ctx, token)
	if err != nil || got.LinkApplicationID == nil || *got.LinkApplicationID != app.ID {
		t.Fatalf("open application: %+v, %v", got, err)
	}
	// Closed, within the retention period (24 months by default): valid.
	s.DB().MustExec(`UPDATE applications SET category = 'refusee', last_activity_at = now() - interval '23 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("closed 23 months ago: %v", err)
	}
	// Past it: refused, with the message that offers a new link.
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '25 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != vivier.ErrTrackingLinkExpired {
		t.Errorf("closed 25 months ago: %v", err)
	}
	// A shorter retention period shortens the link.
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '7 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("closed 7 months ago: %v", err)
	}
	s.DB().MustExec(`UPDATE administrations SET retention_months = 6 WHERE id = $1`, a.ID)
	if _, err := s.CandidateByToken(ctx, token); err != vivier.ErrTrackingLinkExpired {
		t.Errorf("closed 7 months ago, 6 months' retention: %v", err)
	}
	// A hire keeps its link: the administration keeps the application.
	s.DB().MustExec(`UPDATE applications SET category = 'acceptee', last_activity_at = now() - interval '30 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("a hire 30 months ago: %v", err)
	}
	// Opening the space writes nothing.
	if n := countWhere(t, s, `SELECT count(*) FROM tracking_links WHERE last_used_at IS NOT NULL`); n != 0 {
		t.Error("opening a link wrote its use")
	}
}

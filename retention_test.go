package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

// retentionWorld applies as each candidate of emails to an offer of its own
// at administration a, and returns the applications by email.
func retentionWorld(t *testing.T, s *vivier.Store, a *vivier.Administration, files vivier.FileStore, pool map[string]bool, emails ...string) map[string]*vivier.Application {
	t.Helper()
	apps := map[string]*vivier.Application{}
	for _, e := range emails {
		o := openOffer(t, s, a.ID, "RET-"+e)
		sub := submission(t, strings.Replace(e, "+2", "", 1))
		sub.TalentPool = pool[e]
		if err := sub.Validate(o); err != nil {
			t.Fatal(err)
		}
		app, _, err := s.Apply(context.Background(), sub, o, files)
		if err != nil {
			t.Fatal(err)
		}
		apps[e] = app
	}
	return apps
}

func category(t *testing.T, s *vivier.Store, id int64) string {
	t.Helper()
	var c string
	if err := s.DB().Get(&c, `SELECT category FROM applications WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetentionAnonymisesWhatHasServedItsTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second) // the run's clock; dates below are set against it
	for _, bad := range []int{5, 25} {
		if err := s.SetRetentionMonths(ctx, a.ID, bad, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("retention of %d months: %v, want refused", bad, err)
		}
	}
	if err := s.SetRetentionMonths(ctx, a.ID, 12, vivier.Actor{Email: "admin@a.fr"}); err != nil {
		t.Fatal(err)
	}
	apps := retentionWorld(t, s, a, files, nil, "ancienne@exemple.fr", "retenue@exemple.fr", "recente@exemple.fr",
		"relance@exemple.fr", "limite@exemple.fr")
	// A second application of the candidate who wrote recently: old, so it goes.
	more := retentionWorld(t, s, a, files, nil, "relance+2@exemple.fr")
	ago := func(months int) time.Time { return now.AddDate(0, -months, 0) }
	set := func(app *vivier.Application, category string, last time.Time) {
		s.DB().MustExec(`UPDATE applications SET category = $2, created_at = $3, last_activity_at = $3 WHERE id = $1`, app.ID, category, last)
	}
	set(apps["ancienne@exemple.fr"], "refusee", ago(13))
	set(apps["retenue@exemple.fr"], "acceptee", ago(30))
	set(apps["recente@exemple.fr"], "en_cours", ago(3))
	set(apps["relance@exemple.fr"], "nouvelle", ago(13))
	set(more["relance+2@exemple.fr"], "en_cours", ago(13))
	set(apps["limite@exemple.fr"], "nouvelle", ago(12).Add(time.Hour)) // an hour short of the period
	// The candidate writes to the recruiter: that contact keeps the application.
	c, err := s.CandidateByEmail(ctx, "relance@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendCandidateMessage(ctx, c.ID, apps["relance@exemple.fr"].ID, "Où en est ma candidature ?"); err != nil {
		t.Fatal(err)
	}
	// An email opened does not count: nothing moves last_activity_at then.

	perAdmin, erased, err := s.AnonymiseStaleApplications(ctx, now, files)
	if err != nil {
		t.Fatal(err)
	}
	if perAdmin[a.ID] != 2 || erased != 1 {
		t.Errorf("anonymised %v, erased %d; want 2 at A and 1 candidate erased", perAdmin, erased)
	}
	want := map[int64]string{
		apps["ancienne@exemple.fr"].ID: "anonymisee", apps["retenue@exemple.fr"].ID: "acceptee",
		apps["recente@exemple.fr"].ID: "en_cours", apps["relance@exemple.fr"].ID: "nouvelle",
		more["relance+2@exemple.fr"].ID: "anonymisee", apps["limite@exemple.fr"].ID: "nouvelle",
	}
	for id, cat := range want {
		if got := category(t, s, id); got != cat {
			t.Errorf("application %d is %s, want %s", id, got, cat)
		}
	}
	if _, err := s.CandidateByEmail(ctx, "ancienne@exemple.fr"); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("the candidate with nothing left is not erased: %v", err)
	}
	if _, err := s.CandidateByEmail(ctx, "relance@exemple.fr"); err != nil {
		t.Errorf("a candidate with a live application was erased: %v", err)
	}
	var letters int
	if err := s.DB().Get(&letters, `SELECT count(*) FROM application_files WHERE application_id = $1`, more["relance+2@exemple.fr"].ID); err != nil {
		t.Fatal(err)
	}
	if letters != 0 {
		t.Errorf("the anonymised application keeps %d files", letters)
	}
	// A second run the same day has nothing left to do.
	if perAdmin, erased, err := s.AnonymiseStaleApplications(ctx, now, files); err != nil || len(perAdmin) != 0 || erased != 0 {
		t.Errorf("second run = %v, %d, %v; want nothing", perAdmin, erased, err)
	}
}

func TestTalentPoolConsentIsRenewedOrLapses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	pool := map[string]bool{"bientot@exemple.fr": true, "expire@exemple.fr": true, "neuf@exemple.fr": true}
	apps := retentionWorld(t, s, a, files, pool, "bientot@exemple.fr", "expire@exemple.fr", "neuf@exemple.fr")
	for e, at := range map[string]time.Time{
		"bientot@exemple.fr": now.AddDate(-2, 0, 10), // lapses in ten days
		"expire@exemple.fr":  now.AddDate(-2, 0, -1),
		"neuf@exemple.fr":    now.AddDate(0, -1, 0),
	} {
		s.DB().MustExec(`UPDATE applications SET talent_pool_at = $2, category = 'acceptee' WHERE id = $1`, apps[e].ID, at)
	}
	due, err := s.TalentPoolRenewalsDue(ctx, now)
	if err != nil || len(due) != 1 || due[0].ApplicationID != apps["bientot@exemple.fr"].ID || due[0].Email != "bientot@exemple.fr" {
		t.Fatalf("renewals due = %+v, %v; want bientot's only", due, err)
	}
	if err := s.MarkRenewalAsked(ctx, due[0], now); err != nil {
		t.Fatal(err)
	}
	if due, err := s.TalentPoolRenewalsDue(ctx, now); err != nil || len(due) != 0 {
		t.Errorf("renewal asked twice: %+v (%v)", due, err)
	}
	expired, err := s.ExpireTalentPool(ctx, now)
	if err != nil || expired[a.ID] != 1 {
		t.Fatalf("expired = %v, %v; want 1 at A", expired, err)
	}
	// The candidate renews from their space: two more years.
	c, err := s.CandidateByEmail(ctx, "bientot@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RenewTalentPool(ctx, c.ID, apps["bientot@exemple.fr"].ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewTalentPool(ctx, c.ID, apps["expire@exemple.fr"].ID, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("renewal of another candidate's application: %v", err)
	}
	later := now.AddDate(0, 2, 0)
	if expired, err := s.ExpireTalentPool(ctx, later); err != nil || len(expired) != 0 {
		t.Errorf("a renewed consent lapsed: %v (%v)", expired, err)
	}
	var pooled int
	if err := s.DB().Get(&pooled, `SELECT count(*) FROM applications WHERE talent_pool_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if pooled != 2 {
		t.Errorf("%d consents left, want 2 (renewed and recent)", pooled)
	}
}

func TestInactiveAgentsAreDeactivated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	now := time.Now().Truncate(time.Second)
	old := &vivier.Agent{Email: "endormi@a.fr"}
	recent := &vivier.Agent{Email: "actif@a.fr"}
	fresh := &vivier.Agent{Email: "nouveau@a.fr"} // invited, never signed in yet
	for _, ag := range []*vivier.Agent{old, recent, fresh} {
		if err := s.UpsertAgent(ctx, ag); err != nil {
			t.Fatal(err)
		}
	}
	s.DB().MustExec(`UPDATE agents SET last_login_at = $2, created_at = $3 WHERE id = $1`, old.ID, now.AddDate(0, -7, 0), now.AddDate(-1, 0, 0))
	s.DB().MustExec(`UPDATE agents SET last_login_at = $2, created_at = $3 WHERE id = $1`, recent.ID, now.AddDate(0, -1, 0), now.AddDate(-1, 0, 0))
	if err := s.SessionStorage("session").Set("cookie-endormi", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.BindSession(ctx, "cookie-endormi", old.ID, "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeactivateInactiveAgents(ctx, now, 180*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("deactivated %d, %v; want 1", n, err)
	}
	for _, ag := range []*vivier.Agent{old, recent, fresh} {
		got, err := s.AgentByID(ctx, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: "disabled", false: "active"}[ag == old]
		if got.Status != want {
			t.Errorf("%s is %s, want %s", ag.Email, got.Status, want)
		}
	}
	var live, audited int
	if err := s.DB().Get(&live, `SELECT count(*) FROM http_sessions WHERE agent_id = $1 AND revoked_at IS NULL`, old.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'agent.deactivated' AND target = 'endormi@a.fr'`); err != nil {
		t.Fatal(err)
	}
	if live != 0 || audited != 1 {
		t.Errorf("live sessions %d, audit entries %d; want 0 and 1", live, audited)
	}
	if n, err := s.DeactivateInactiveAgents(ctx, now, 180*24*time.Hour); err != nil || n != 0 {
		t.Errorf("second run deactivated %d (%v)", n, err)
	}
}

// One administration's retention anonymises what was sent to it, and only
// that; the candidate's erasure from their space erases everywhere.
func TestRetentionErasesOnlyWhatTheAdministrationHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	inA := applyAs(t, s, files, openOffer(t, s, a.ID, "RET-A"), "ines@exemple.fr", "Inès", "Moreau", false)
	inB := applyAs(t, s, files, openOffer(t, s, b.ID, "RET-B"), "ines@exemple.fr", "Inès", "Moreau", false)
	s.DB().MustExec(`UPDATE administrations SET retention_months = 6 WHERE id = $1`, a.ID)
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '7 months' WHERE id = $1`, inA.ID)
	if _, erased, err := s.AnonymiseStaleApplications(ctx, time.Now(), files); err != nil || erased != 0 {
		t.Fatalf("retention = %d erased, %v", erased, err)
	}
	if got := identityOf(t, s, inA.ID); got != (vivier.Identity{}) {
		t.Errorf("A's anonymised application still says %+v", got)
	}
	if got := identityOf(t, s, inB.ID); got.FirstName != "Inès" || got.Phone != "+33612345678" {
		t.Errorf("A's retention erased what B holds: %+v", got)
	}
	if err := s.EraseCandidate(ctx, inB.CandidateID, files); err != nil {
		t.Fatal(err)
	}
	if got := identityOf(t, s, inB.ID); got != (vivier.Identity{}) {
		t.Errorf("after the candidate's erasure B's application says %+v", got)
	}
}

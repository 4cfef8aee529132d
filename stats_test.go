package vivier_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"vivier"
)

// statsWorld is a small known dataset: A with a direction A1, and B.
//
//	app1  offer A   10 days ago  → Présélection 2 days later → Recrutée 7 days after receipt
//	app2  offer A   20 days ago  → Non retenue 18 days later (past the 15 promised)
//	app3  offer A    5 days ago  still new, not due yet
//	app4  spontaneous to A, 30 days ago, source salon, never answered (due)
//	app5  offer A1   4 days ago  → Entretien RH 1 day later
//	app6  offer B   10 days ago  → Présélection 1 day later
//	app7  offer A  200 days ago  outside the default period
type statsWorld struct {
	s       *vivier.Store
	a, a1   *vivier.Administration
	b       *vivier.Administration
	offerA  *vivier.Offer
	emptyA  *vivier.Offer
	offerB  *vivier.Offer
	apps    []int64
	now     time.Time
	filterA vivier.StatsFilter
}

func newStatsWorld(t *testing.T) *statsWorld {
	t.Helper()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	a1 := &vivier.Administration{Slug: "a-un", Name: "A1", Versant: vivier.VersantEtat, ParentID: &a.ID}
	if err := s.CreateAdministration(ctx, a1, vivier.Actor{Email: "p@a.fr"}); err != nil {
		t.Fatal(err)
	}
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &statsWorld{s: s, a: a, a1: a1, b: b, now: time.Now()}
	w.offerA = openOffer(t, s, a.ID, "ST-A")
	w.emptyA = openOffer(t, s, a.ID, "ST-A-VIDE")
	offerA1 := openOffer(t, s, a1.ID, "ST-A1")
	w.offerB = openOffer(t, s, b.ID, "ST-B")
	actor := vivier.Actor{Email: "rh@a.fr"}
	day := 24 * time.Hour
	apply := func(i int, o *vivier.Offer, adminID int64) int64 {
		sub := submission(t, fmt.Sprintf("st%d@exemple.fr", i))
		if o == nil {
			sub.Answers, sub.AdministrationID = nil, adminID
			d := "NUM"
			sub.DomaineCode = &d
		} else if err := sub.Validate(o); err != nil {
			t.Fatal(err)
		}
		app, _, err := s.Apply(ctx, sub, o, files)
		if err != nil {
			t.Fatal(err)
		}
		return app.ID
	}
	move := func(adminID, app int64, step string) {
		st := stepNamed(t, s, adminID, step)
		m := vivier.Move{StageID: st.ID}
		if st.Category == vivier.CategoryRefused {
			reasons, err := s.RefusalReasons(ctx, adminID)
			if err != nil {
				t.Fatal(err)
			}
			m.ReasonID = reasons[0].ID
		}
		if _, err := s.MoveApplication(ctx, adminID, app, m, actor); err != nil {
			t.Fatal(err)
		}
	}
	// backdate puts the application's receipt and its events (in order) at
	// the given ages.
	backdate := func(app int64, ages ...time.Duration) {
		if _, err := s.DB().Exec(`UPDATE applications SET created_at = $2 WHERE id = $1`, app, w.now.Add(-ages[0])); err != nil {
			t.Fatal(err)
		}
		var events []int64
		if err := s.DB().Select(&events, `SELECT id FROM application_events WHERE application_id = $1 ORDER BY id`, app); err != nil || len(events) != len(ages) {
			t.Fatalf("events of %d: %v, %v", app, events, err)
		}
		for i, id := range events {
			if _, err := s.DB().Exec(`UPDATE application_events SET at = $2 WHERE id = $1`, id, w.now.Add(-ages[i])); err != nil {
				t.Fatal(err)
			}
		}
	}
	app1 := apply(1, w.offerA, 0)
	move(a.ID, app1, "Présélection")
	move(a.ID, app1, "Recrutée")
	backdate(app1, 10*day, 8*day, 3*day)
	app2 := apply(2, w.offerA, 0)
	move(a.ID, app2, "Non retenue")
	backdate(app2, 20*day, 2*day)
	app3 := apply(3, w.offerA, 0)
	backdate(app3, 5*day)
	app4 := apply(4, nil, a.ID)
	backdate(app4, 30*day)
	if _, err := s.DB().Exec(`UPDATE applications SET source = 'salon' WHERE id = $1`, app4); err != nil {
		t.Fatal(err)
	}
	app5 := apply(5, offerA1, 0)
	move(a1.ID, app5, "Entretien RH")
	backdate(app5, 4*day, 3*day)
	app6 := apply(6, w.offerB, 0)
	move(b.ID, app6, "Présélection")
	backdate(app6, 10*day, 9*day)
	app7 := apply(7, w.offerA, 0)
	backdate(app7, 200*day)
	w.apps = []int64{app1, app2, app3, app4, app5, app6, app7}
	w.filterA = vivier.StatsFilter{AdministrationID: a.ID, WithChildren: true, From: w.now.Add(-90 * day), To: w.now.Add(time.Minute)}
	return w
}

func near(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 0.01 }

func TestStatisticsFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newStatsWorld(t)
	st, err := w.s.Statistics(ctx, w.filterA)
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != 5 || st.Spontaneous != 1 || st.Answered != 3 || st.Hired != 1 {
		t.Errorf("received %d, spontaneous %d, answered %d, hired %d; want 5, 1, 3, 1", st.Received, st.Spontaneous, st.Answered, st.Hired)
	}
	// First answers after 2, 18 and 1 days; a hire after 7.
	if !near(st.AnswerMedianDays, 2) || !near(st.AnswerAvgDays, 7) || !near(st.HireMedianDays, 7) {
		t.Errorf("answer median %v avg %v, hire median %v; want 2, 7, 7", deref(st.AnswerMedianDays), deref(st.AnswerAvgDays), deref(st.HireMedianDays))
	}
	// Due: the three answered and app4 (30 days, unanswered); app3 is not
	// due yet. In time: app1 and app5.
	if st.Due != 4 || st.InTime != 2 || st.ResponseDaysMin != 15 || st.ResponseDaysMax != 15 {
		t.Errorf("due %d, in time %d, promised %d–%d; want 4, 2, 15–15", st.Due, st.InTime, st.ResponseDaysMin, st.ResponseDaysMax)
	}
	sources := map[string]int{}
	for _, c := range st.BySource {
		sources[c.Key] = c.N
	}
	if len(sources) != 2 || sources["linkedin"] != 4 || sources["salon"] != 1 {
		t.Errorf("sources %+v", st.BySource)
	}
	cats := map[string]int{}
	for _, c := range st.ByCategory {
		cats[c.Key] = c.N
	}
	if cats["nouvelle"] != 2 || cats["en_cours"] != 1 || cats["acceptee"] != 1 || cats["refusee"] != 1 {
		t.Errorf("categories %+v", st.ByCategory)
	}
	months := 0
	for _, m := range st.ByMonth {
		months += m.N
	}
	if months != 5 {
		t.Errorf("months %+v add up to %d", st.ByMonth, months)
	}
	steps := map[string]vivier.StepStat{}
	for _, s := range st.Steps {
		steps[s.Name] = s
	}
	if len(st.Steps) != 8 || st.Steps[0].Name != "Nouvelle" || st.Steps[7].Name != "Non retenue" {
		t.Errorf("steps in order: %+v", st.Steps)
	}
	check := func(name string, reached, current, stays int, median float64) {
		t.Helper()
		s := steps[name]
		if s.Reached != reached || s.Current != current || s.Stays != stays || (stays > 0 && !near(s.MedianDays, median)) {
			t.Errorf("%s: reached %d, current %d, stays %d, median %v; want %d, %d, %d, %v", name, s.Reached, s.Current, s.Stays,
				deref(s.MedianDays), reached, current, stays, median)
		}
	}
	check("Nouvelle", 5, 2, 3, 2)
	check("Présélection", 1, 0, 1, 5)
	check("Recrutée", 1, 1, 0, 0)
	check("Non retenue", 1, 1, 0, 0)
	check("Entretien RH", 1, 1, 0, 0)
	check("Jury", 0, 0, 0, 0)
	if len(st.OffersWithout) != 1 || st.OffersWithout[0].ID != w.emptyA.ID || st.OffersWithoutAll != 1 {
		t.Errorf("offers without applications: %+v", st.OffersWithout)
	}

	// A alone, without its direction: app5 is gone.
	f := w.filterA
	f.WithChildren = false
	if st, err := w.s.Statistics(ctx, f); err != nil || st.Received != 4 || st.Answered != 2 {
		t.Errorf("A alone: %+v, %v", st, err)
	}
	// The direction alone, from A's page.
	f.ScopeID = w.a1.ID
	if st, err := w.s.Statistics(ctx, f); err != nil || st.Received != 1 || st.InTime != 1 {
		t.Errorf("A1 from A: %+v, %v", st, err)
	}
	// One offer; the spontaneous ones.
	f = w.filterA
	f.OfferID = w.offerA.ID
	if st, err := w.s.Statistics(ctx, f); err != nil || st.Received != 3 || len(st.OffersWithout) != 0 {
		t.Errorf("offer A: %+v, %v", st, err)
	}
	f.OfferID = vivier.StatsSpontaneous
	if st, err := w.s.Statistics(ctx, f); err != nil || st.Received != 1 || st.Spontaneous != 1 {
		t.Errorf("spontaneous: %+v, %v", st, err)
	}
	// A longer period takes app7.
	f = w.filterA
	f.From = w.now.AddDate(-1, 0, 0)
	if st, err := w.s.Statistics(ctx, f); err != nil || st.Received != 6 {
		t.Errorf("a year: %+v, %v", st, err)
	}
	f.From = f.To
	if _, err := w.s.Statistics(ctx, f); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an empty period: %v", err)
	}
}

func TestStatisticsStayInTheirTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newStatsWorld(t)
	// B's own figures hold app6 only, and A's never hold it.
	fb := w.filterA
	fb.AdministrationID = w.b.ID
	st, err := w.s.Statistics(ctx, fb)
	if err != nil || st.Received != 1 || st.Answered != 1 || st.Hired != 0 {
		t.Fatalf("B: %+v, %v", st, err)
	}
	for _, s := range st.Steps {
		if s.Name == "Présélection" && s.Reached != 1 {
			t.Errorf("B's Présélection: %+v", s)
		}
	}
	// From B's page, neither A, its direction nor A's offer.
	for _, f := range []vivier.StatsFilter{
		{AdministrationID: w.b.ID, ScopeID: w.a.ID, From: fb.From, To: fb.To},
		{AdministrationID: w.b.ID, ScopeID: w.a1.ID, WithChildren: true, From: fb.From, To: fb.To},
		{AdministrationID: w.b.ID, OfferID: w.offerA.ID, From: fb.From, To: fb.To},
		// Nor from a direction, its parent.
		{AdministrationID: w.a1.ID, ScopeID: w.a.ID, From: fb.From, To: fb.To},
	} {
		if _, err := w.s.Statistics(ctx, f); vivier.ErrorCode(err) != vivier.ENOTFOUND {
			t.Errorf("%+v: %v, want not found", f, err)
		}
	}
	tree, err := w.s.StatsTree(ctx, w.a.ID)
	if err != nil || len(tree) != 2 || tree[0].ID != w.a.ID || tree[1].ID != w.a1.ID || tree[1].Depth != 1 {
		t.Errorf("A's tree: %+v, %v", tree, err)
	}
	offers, err := w.s.StatsOffers(ctx, w.b.ID)
	if err != nil || len(offers) != 1 || offers[0].ID != w.offerB.ID {
		t.Errorf("B's offers: %+v, %v", offers, err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

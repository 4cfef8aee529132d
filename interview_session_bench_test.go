package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkConvoke measures the transaction of a bulk convocation of 500
// applications: interviews, slots, history, outbox rows.
func BenchmarkConvoke(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	a := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, a); err != nil {
		b.Fatal(err)
	}
	ag := &vivier.Agent{Email: "rh@a.fr", FirstName: "Agent"}
	if err := s.UpsertAgent(ctx, ag); err != nil {
		b.Fatal(err)
	}
	if err := s.AssignRole(ctx, ag.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(a.ID)); err != nil {
		b.Fatal(err)
	}
	o := sampleOffer("BENCH-1")
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		b.Fatal(err)
	}
	ids := manyApplications(b, s, a.ID, o.ID, "a", 500)
	actor := vivier.Actor{AgentID: ag.ID, Email: ag.Email}
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	for b.Loop() {
		b.StopTimer()
		sess, err := s.CreateSession(ctx, a.ID, o.ID, sessionRequest(vivier.SessionIndividual, start, ag.ID), actor, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if res, err := s.Convoke(ctx, a.ID, sess.ID, ids, actor, time.Now()); err != nil || len(res.Convoked) != 500 {
			b.Fatalf("%d convoked, %v", len(res.Convoked), err)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "convocations/s")
}

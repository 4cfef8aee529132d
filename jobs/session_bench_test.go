package jobs_test

import (
	"context"
	"testing"
	"time"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// BenchmarkBulkConvocation measures a bulk convocation of 500 applications
// from the click to the SMTP sink: one transaction of 500 outbox rows, then
// the relay, Asynq, the handler (email, ICS, tracking link, sent_emails) and
// SMTP, until the 500 candidates' emails and the interviewers' are in.
func BenchmarkBulkConvocation(b *testing.B) {
	ctx := context.Background()
	f := &fixture{store: vivier.NewStore(dbtest.New(b)), smtp: jobstest.NewSMTP(b), redis: jobstest.Redis(b)}
	s, sink := f.store, f.smtp
	adm := &vivier.Administration{Slug: "mairie", Name: "Mairie de Lille", Versant: vivier.VersantTerritoriale}
	if err := s.UpsertAdministration(ctx, adm); err != nil {
		b.Fatal(err)
	}
	rec := &vivier.Agent{Email: "rh@mairie.test", FirstName: "Rémi"}
	if err := s.UpsertAgent(ctx, rec); err != nil {
		b.Fatal(err)
	}
	if err := s.AssignRole(ctx, rec.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(adm.ID)); err != nil {
		b.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "L-1", Versant: vivier.VersantTerritoriale, Title: "Jardinier·ère",
		CVPolicy: "optional"}
	if err := s.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		b.Fatal(err)
	}
	base := &vivier.Application{AdministrationID: adm.ID, OfferID: &o.ID}
	ids := moreApplications(b, s, base, "", 500)
	w := f.newWorker(b, jobs.Config{RelayInterval: 10 * time.Millisecond, TaskCheckInterval: 10 * time.Millisecond})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Shutdown()
	sent, candidates := 0, 0
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	for b.Loop() {
		b.StopTimer()
		// A new session each round: the applications are convoked anew.
		sess, actor := newSession(b, s, base, start)
		b.StartTimer()
		res, err := s.Convoke(ctx, adm.ID, sess.ID, ids, actor, time.Now())
		if err != nil || len(res.Convoked) != 500 {
			b.Fatalf("convoked %d, %v", len(res.Convoked), err)
		}
		sent += 500 + 2 // the candidates, then the agent and the outside member
		candidates += 500
		sink.Wait(b, sent, 5*time.Minute)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "emails/s")
	b.ReportMetric(float64(candidates)/b.Elapsed().Seconds(), "convocations/s")
}

package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
)

func TestOffersDueTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	adm := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(100 * time.Millisecond)
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "R", Versant: vivier.VersantEtat, Title: "Chargé·e de mission", PublishAt: &at}
	if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferScheduled, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if err := f.worker.Mux().ProcessTask(ctx, asynq.NewTask(jobs.TypeOffersDue, nil)); err != nil {
		t.Fatal(err)
	}
	got, _ := f.store.OfferByID(ctx, adm.ID, o.ID)
	if got.Status != vivier.OfferPublished {
		t.Fatalf("status after the task = %s", got.Status)
	}
}

package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

func TestOffersDueTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	adm := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "R", Versant: vivier.VersantEtat, Title: "Chargé·e de mission", PublishAt: &at}
	if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferScheduled, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Its date comes (moved rather than waited for: a loaded machine must not
	// make the test depend on timing).
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE offers SET publish_at = now() - interval '1 second' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.worker.Mux().ProcessTask(ctx, asynq.NewTask(vivier.TaskOffersDue, nil)); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.OfferByID(ctx, adm.ID, o.ID)
	if err != nil || got.Status != vivier.OfferPublished {
		t.Fatalf("offer after the task = %+v, %v", got, err)
	}
}

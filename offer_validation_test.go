package vivier

import (
	"testing"
	"time"
)

func TestSubstanceChangesOnContentNotDates(t *testing.T) {
	base := &Offer{Title: "Archiviste", Mission: "Classer.", Profile: "Rigueur.",
		Conditions: JSONB[Conditions]{V: Conditions{SalaryContractuel: "2 400 € brut", WorkingTime: "TEMPS_PLEIN"}},
		Contacts:   JSONB[[]Contact]{V: []Contact{{Email: "a@exemple.fr"}}}}
	before, err := substanceOf(base)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	for name, edit := range map[string]func(o *Offer){
		"contacts":       func(o *Offer) { o.Contacts.V = []Contact{{Email: "b@exemple.fr"}} },
		"contract start": func(o *Offer) { o.Conditions.V.ContractStart = &start },
		"publication":    func(o *Offer) { o.PublishAt = &start },
	} {
		o := *base
		edit(&o)
		after, err := substanceOf(&o)
		if err != nil {
			t.Fatal(err)
		}
		if before.changed(after) {
			t.Errorf("a change of %s counts as a change of content", name)
		}
	}
	for name, edit := range map[string]func(o *Offer){
		"title":      func(o *Offer) { o.Title = "Archiviste principal·e" },
		"long title": func(o *Offer) { o.LongTitle = "Archiviste du service historique" },
		"mission":    func(o *Offer) { o.Mission = "Classer et numériser." },
		"profile":    func(o *Offer) { o.Profile = "Rigueur et patience." },
		"salary":     func(o *Offer) { o.Conditions.V.SalaryContractuel = "2 600 € brut" },
	} {
		o := *base
		edit(&o)
		after, err := substanceOf(&o)
		if err != nil {
			t.Fatal(err)
		}
		if !before.changed(after) {
			t.Errorf("a change of %s does not count as a change of content", name)
		}
	}
}

func TestValidationMoves(t *testing.T) {
	all := []OfferStatus{OfferDraft, OfferPending, OfferScheduled, OfferPublished, OfferClosed, OfferArchived}
	for _, c := range []struct {
		v    OfferValidation
		from OfferStatus
		want string
	}{
		{OfferValidation{}, OfferDraft, "scheduled,published"},
		{OfferValidation{Required: true}, OfferDraft, "pending"},
		{OfferValidation{Required: true, Validated: true}, OfferDraft, "scheduled,published"},
		{OfferValidation{Required: true}, OfferPending, "draft"},
		{OfferValidation{Required: true}, OfferClosed, "pending,archived"},
		{OfferValidation{Required: true, Validated: true}, OfferPublished, "closed"},
	} {
		var got string
		for i, s := range c.v.Moves(c.from, all) {
			if i > 0 {
				got += ","
			}
			got += string(s)
		}
		if got != c.want {
			t.Errorf("%+v from %s: moves %q, want %q", c.v, c.from, got, c.want)
		}
	}
}

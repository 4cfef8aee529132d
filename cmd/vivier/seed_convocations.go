package main

import (
	"context"
	"fmt"
	"time"

	"vivier"
)

// seedDemoConvocations gives ministere-demo's first offer two sessions: a
// morning of individual interviews a week ahead, and slots that candidates
// choose the week after, so that the sitting's page, the attendance sheet
// and the candidate's slot choice have something to show. The convocations
// go out as emails to the mail sink. Once: an offer that has sessions is
// left alone.
func (m *Main) seedDemoConvocations(ctx context.Context) (int, error) {
	adm, err := m.store.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		return 0, err
	}
	o, err := m.store.OfferByReference(ctx, adm.ID, "vivier", "DEMO-ministere-demo-000")
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if have, err := m.store.SessionsOfOffer(ctx, adm.ID, o.ID); err != nil || len(have) > 0 {
		return 0, err
	}
	recruiters, err := m.store.Recruiters(ctx, adm.ID)
	if err != nil || len(recruiters) == 0 {
		return 0, err
	}
	var pending []int64
	if err := m.db.SelectContext(ctx, &pending, `SELECT id FROM applications
		WHERE offer_id = $1 AND category IN ('nouvelle', 'en_cours') ORDER BY created_at, id LIMIT 10`, o.ID); err != nil {
		return 0, err
	}
	if len(pending) < 2 {
		return 0, nil
	}
	actor := vivier.Actor{AgentID: recruiters[0].ID, Email: recruiters[0].Email}
	paris := vivier.Paris()
	day := time.Now().In(paris).AddDate(0, 0, 8)
	at := func(d time.Time, h, min int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, paris)
	}
	place := "Ministère de la démonstration, 20 avenue de Ségur, 75007 Paris — salle 204"
	interviews := vivier.SessionRequest{Title: "Entretiens individuels", Mode: vivier.SessionIndividual,
		StartsAt: at(day, 9, 30), DurationMinutes: 30, Place: place,
		Instructions: "Présentez-vous à l'accueil dix minutes avant l'heure, muni·e d'une pièce d'identité.",
		Interviewers: []int64{recruiters[0].ID}, OutsideMembers: "Claire Martin <claire.martin@exemple.fr>"}
	choice := interviews
	choice.Title, choice.Mode = "Entretiens, créneaux au choix", vivier.SessionChoice
	later := day.AddDate(0, 0, 7)
	choice.StartsAt, choice.OutsideMembers = at(later, 14, 0), ""
	deadline := at(later.AddDate(0, 0, -2), 18, 0)
	choice.ChoiceDeadline = &deadline
	for i := range 6 {
		choice.Slots = append(choice.Slots, vivier.SlotRequest{StartsAt: at(later, 14, 0).Add(time.Duration(i*45) * time.Minute), Capacity: 1})
	}
	half := len(pending) / 2
	n := 0
	for _, s := range []struct {
		r    vivier.SessionRequest
		apps []int64
	}{{interviews, pending[:half]}, {choice, pending[half:]}} {
		sess, err := m.store.CreateSession(ctx, adm.ID, o.ID, s.r, actor, time.Now())
		if err != nil {
			return n, fmt.Errorf("demo session %q: %w", s.r.Title, err)
		}
		res, err := m.store.Convoke(ctx, adm.ID, sess.ID, s.apps, actor, time.Now())
		if err != nil {
			return n, err
		}
		n += len(res.Convoked)
	}
	return n, nil
}

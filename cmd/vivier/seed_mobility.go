package main

import (
	"context"
	"strings"

	"vivier"
)

// demoMobilityAgent is the demo's public agent, whose profile recruiters of
// every demo administration find at /admin/{slug}/mobilite/profils; its
// domain is one the demo ministry lists, so that anyone may sign in to
// /mobilite as another of its agents.
const demoMobilityAgent = "claire.martin@ministere-demo.fr"

// seedDemoMobility lists the demo administrations' email domains, opens a
// few demo offers of each to internal mobility (the ministry's first one
// reserved to public agents) and makes the demo agent's visible profile.
// Once: offers already open to mobility and a profile already there are
// left as they are.
func (m *Main) seedDemoMobility(ctx context.Context) (bool, error) {
	actor := vivier.Actor{Email: "démonstration"}
	changed := false
	for _, slug := range []string{"ministere-demo", "ville-demo"} {
		adm, err := m.store.AdministrationBySlug(ctx, slug)
		if err != nil {
			return false, err
		}
		if domains, err := m.store.EmailDomains(ctx, adm.ID); err != nil {
			return false, err
		} else if len(domains) == 0 {
			if err := m.store.SetEmailDomains(ctx, adm.ID, slug+".fr", actor); err != nil {
				return false, err
			}
			changed = true
		}
		offers, err := m.store.OffersOf(ctx, adm.ID, vivier.OfferPublished, 500)
		if err != nil {
			return false, err
		}
		opened := 0
		for _, o := range offers {
			if o.OpenToInternal {
				opened = 3 // opened by an earlier run: leave them
				break
			}
		}
		for i := range offers {
			o := &offers[i]
			if opened >= 3 || o.Kind != vivier.KindEmploi || !strings.HasPrefix(o.Reference, "DEMO-") {
				continue
			}
			o.OpenToInternal = true
			reserve := slug == "ministere-demo" && opened == 0
			o.ReserveToAgents = &reserve
			if err := m.store.UpdateOffer(ctx, adm.ID, o, actor); err != nil {
				return false, err
			}
			opened++
			changed = true
		}
	}
	agent, err := m.store.EnsureMobilityAgent(ctx, demoMobilityAgent)
	if err != nil {
		return false, err
	}
	if _, err := m.store.MobilityProfileOf(ctx, agent.ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return changed, err
	}
	p := &vivier.MobilityProfile{FirstName: "Claire", LastName: "Martin", Categorie: "A", Grade: "Attachée principale d'administration",
		CurrentEmployer: "Ministère de la Démonstration", RegionCodes: []string{"11", "84"}, Visibility: vivier.VisibilityAll}
	skills, err := m.store.Competences(ctx, true)
	if err != nil {
		return false, err
	}
	for _, s := range skills {
		switch s.Slug {
		case "gestion-rh", "recrutement", "gestion-de-projet", "management":
			p.CompetenceIDs = append(p.CompetenceIDs, s.ID)
		}
	}
	if metiers, err := m.store.Metiers(ctx, true); err != nil {
		return false, err
	} else if len(metiers) > 0 {
		p.MetierID = &metiers[0].ID
	}
	return true, m.store.SaveMobilityProfile(ctx, agent.ID, p, nil, m.files)
}

package main

import (
	"context"
	"fmt"
	"strings"

	"vivier"
)

// DemoPassword is the password of every demo account. The accounts exist
// only where `vivier seed --demo` was run: never on a real instance.
const DemoPassword = "demo-vivier-2026"

type demoAdministration struct {
	slug, name, short string
	versant           vivier.Versant
	siret             string
	parent            string
}

// The demo administrations: a ministry with two directions, and a city. The
// acceptance tests rely on these slugs and on the accounts made from them.
var demoAdministrations = []demoAdministration{
	{slug: "ministere-demo", name: "Ministère de la Démonstration", short: "MinDémo", versant: vivier.VersantEtat, siret: "11000000000015"},
	{slug: "ministere-demo-dnum", name: "Direction du numérique du ministère de la Démonstration", short: "DNUM", versant: vivier.VersantEtat, siret: "11000000000023", parent: "ministere-demo"},
	{slug: "ministere-demo-drh", name: "Direction des ressources humaines du ministère de la Démonstration", short: "DRH", versant: vivier.VersantEtat, siret: "11000000000031", parent: "ministere-demo"},
	{slug: "ville-demo", name: "Ville de Démo-sur-Loire", short: "Démo-sur-Loire", versant: vivier.VersantTerritoriale, siret: "21750000000013"},
}

var demoRoles = []vivier.Role{vivier.RoleAdmin, vivier.RoleRecruteur, vivier.RoleMarque, vivier.RoleLecteur}

// seed writes reference data and, with demo, the demo administrations and
// accounts. Running it again changes nothing. An https BASE_URL is a real
// instance, where accounts whose password is in the README would be an open
// door: the demo goes there only with force.
func (m *Main) seed(ctx context.Context, demo, force bool) error {
	if demo && !force && strings.HasPrefix(m.Config.BaseURL, "https://") {
		return fmt.Errorf("BASE_URL=%s est en https : les comptes de démonstration, dont le mot de passe est public, "+
			"n'ont rien à faire sur une instance réelle. Ajoutez --force si c'est bien une instance de démonstration", m.Config.BaseURL)
	}
	if err := m.open(ctx); err != nil {
		return err
	}
	if !demo {
		fmt.Fprintln(m.Out, "Rien à faire sans --demo : les données de référence arrivent avec les migrations.")
		return nil
	}
	n, err := m.seedDemoAccounts(ctx)
	if err != nil {
		return err
	}
	offers, err := m.seedDemoOffers(ctx, []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh", "ville-demo"})
	if err != nil {
		return err
	}
	if offers > 0 {
		fmt.Fprintf(m.Out, "%d offres de démonstration publiées.\n", offers)
	}
	if mob, err := m.seedDemoMobility(ctx); err != nil {
		return err
	} else if mob {
		fmt.Fprintf(m.Out, "Espace mobilité de démonstration prêt\u00a0: des offres ouvertes à la mobilité interne, une réservée aux agents publics, le profil de %s.\n", demoMobilityAgent)
	}
	brands, err := m.seedDemoBrands(ctx)
	if err != nil {
		return err
	}
	if brands > 0 {
		fmt.Fprintf(m.Out, "%d pages employeur de démonstration publiées.\n", brands)
	}
	apps, err := m.seedDemoApplications(ctx)
	if err != nil {
		return err
	}
	if apps > 0 {
		fmt.Fprintf(m.Out, "%d candidatures de démonstration reçues.\n", apps)
	}
	convoked, err := m.seedDemoConvocations(ctx)
	if err != nil {
		return err
	}
	if convoked > 0 {
		fmt.Fprintf(m.Out, "%d personnes candidates convoquées à deux sessions d'entretiens.\n", convoked)
	}
	fmt.Fprintf(m.Out, "Données de démonstration prêtes\u00a0: %d administrations, %d comptes (mot de passe %s).\n",
		len(demoAdministrations), n, DemoPassword)
	return nil
}

// seedDemoAccounts writes the demo administrations and accounts (the tests'
// fixtures too) and returns how many accounts there are.
func (m *Main) seedDemoAccounts(ctx context.Context) (int, error) {
	hash, err := vivier.HashPassword(DemoPassword)
	if err != nil {
		return 0, err
	}
	ids := map[string]int64{}
	for _, d := range demoAdministrations {
		a := &vivier.Administration{Slug: d.slug, Name: d.name, ShortName: d.short, Versant: d.versant,
			ContactEmail: "contact@" + d.slug + ".vivier.test"}
		siret := d.siret
		a.SIRET = &siret
		if d.parent != "" {
			p := ids[d.parent]
			a.ParentID = &p
		}
		if err := m.store.UpsertAdministration(ctx, a); err != nil {
			return 0, fmt.Errorf("seed %s: %w", d.slug, err)
		}
		ids[d.slug] = a.ID
	}
	agent := func(email, first, last string, role vivier.Role, domain string) error {
		a := &vivier.Agent{Email: email, FirstName: first, LastName: last, PasswordHash: hash}
		if err := m.store.UpsertAgent(ctx, a); err != nil {
			return fmt.Errorf("seed %s: %w", email, err)
		}
		return m.store.AssignRole(ctx, a.ID, role, domain)
	}
	if err := agent("plateforme@demo.vivier.test", "Camille", "Plateforme", vivier.RolePlateforme, vivier.PlatformDomain); err != nil {
		return 0, err
	}
	n := 1
	for _, slug := range []string{"ministere-demo", "ville-demo"} {
		for _, role := range demoRoles {
			email := fmt.Sprintf("%s@%s.vivier.test", role, slug)
			if err := agent(email, "Démo", role.Label(), role, vivier.AdministrationDomain(ids[slug])); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}

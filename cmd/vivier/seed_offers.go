package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vivier"
)

// demoOffers are the titles the demo draws from: French public-service jobs,
// with inclusive spellings, over the four kinds.
var demoOffers = []struct {
	kind    vivier.OfferKind
	title   string
	domaine string
	cat     string
}{
	{vivier.KindEmploi, "Développeur·se back-end", "NUM", "A"},
	{vivier.KindEmploi, "Chargé·e de mission données", "NUM", "A"},
	{vivier.KindEmploi, "Administrateur·rice systèmes et réseaux", "NUM", "B"},
	{vivier.KindEmploi, "Responsable de la sécurité des systèmes d'information", "NUM", "A"},
	{vivier.KindEmploi, "Designer de services", "NUM", "A"},
	{vivier.KindEmploi, "Infirmier·ère de santé scolaire", "MED", "A"},
	{vivier.KindEmploi, "Gestionnaire des ressources humaines", "GRH", "B"},
	{vivier.KindEmploi, "Acheteur·se public·que", "ACH", "A"},
	{vivier.KindEmploi, "Agent·e d'accueil", "USA", "C"},
	{vivier.KindEmploi, "Juriste en droit public", "JUR", "A"},
	{vivier.KindEmploi, "Chargé·e de communication", "COM", "B"},
	{vivier.KindEmploi, "Technicien·ne bâtiment", "BAT", "B"},
	{vivier.KindConcours, "Concours externe d'attaché·e d'administration de l'État", "DIR", "A"},
	{vivier.KindConcours, "Concours interne de secrétaire administratif·ve", "DIR", "B"},
	{vivier.KindStage, "Stage en développement web", "NUM", "HORS_CATEGORIE"},
	{vivier.KindStage, "Stage en analyse de données", "NUM", "HORS_CATEGORIE"},
	{vivier.KindApprentissage, "Apprenti·e technicien·ne support informatique", "NUM", "HORS_CATEGORIE"},
	{vivier.KindApprentissage, "Apprenti·e en gestion administrative", "DIR", "HORS_CATEGORIE"},
}

const (
	demoMission = "Au sein d'une équipe engagée, vous contribuez à un service public de qualité : " +
		"vous menez les missions du poste, travaillez avec les usagers et les partenaires, et proposez des améliorations."
	demoProfile = "Rigueur, sens du service public et goût du travail en équipe. Les candidatures de toute personne " +
		"en situation de handicap sont les bienvenues."
)

var demoPlaces = []struct{ dep, label string }{
	{"75", "Paris"}, {"69", "Lyon"}, {"13", "Marseille"}, {"44", "Nantes"}, {"33", "Bordeaux"}, {"59", "Lille"},
	{"31", "Toulouse"}, {"67", "Strasbourg"}, {"35", "Rennes"}, {"974", "Saint-Denis (La Réunion)"}, {"45", "Orléans"},
}

// seedDemoOffers publishes about 200 offers over the demo administrations,
// once: an administration that already has offers is left alone.
func (m *Main) seedDemoOffers(ctx context.Context, slugs []string) (int, error) {
	deps, err := m.store.Departements(ctx)
	if err != nil {
		return 0, err
	}
	regionOf := map[string]string{}
	for _, d := range deps {
		regionOf[d.Code] = d.RegionCode
	}
	domaines, err := m.store.Domaines(ctx)
	if err != nil {
		return 0, err
	}
	known := map[string]bool{}
	for _, d := range domaines {
		known[d.Code] = true
	}
	cityNamed := map[string]vivier.City{}
	for _, c := range vivier.Cities() {
		cityNamed[c.Name] = c
	}
	n := 0
	for si, slug := range slugs {
		adm, err := m.store.AdministrationBySlug(ctx, slug)
		if err != nil {
			return n, err
		}
		if existing, err := m.store.OffersOf(ctx, adm.ID, "", 1); err != nil || len(existing) > 0 {
			continue
		}
		for i := 0; i < 50; i++ {
			spec := demoOffers[(i+si*7)%len(demoOffers)]
			place := demoPlaces[(i*3+si)%len(demoPlaces)]
			end := time.Now().AddDate(0, 1+i%3, 0)
			o := &vivier.Offer{Kind: spec.kind, Reference: fmt.Sprintf("DEMO-%s-%03d", slug, i), Versant: adm.Versant,
				Title: spec.title, OrganisationName: adm.Name, Categories: []string{spec.cat},
				ContractType: "TITULAIRE_CONTRACTUEL", ContractForms: []string{[]string{"CDD", "CDI", "PERMANENT"}[i%3]},
				Workplace:  []string{"SUR_SITE", "TELETRAVAIL", "NON_DEFINI"}[i%3],
				Experience: []string{"DEBUTANT", "CONFIRME", "EXPERT"}[i%3],
				Mission:    demoMission,
				Profile:    demoProfile,
				EndAt:      &end,
				Locations:  []vivier.Location{{Country: "FRA", Departement: place.dep, Region: regionOf[place.dep], Label: place.label}},
			}
			if c, ok := cityNamed[place.label]; ok {
				o.Locations[0].Latitude, o.Locations[0].Longitude = &c.Lat, &c.Lng
			}
			if known[spec.domaine] {
				d := spec.domaine
				o.DomaineCode = &d
			}
			demoBlocks(o, adm, i)
			if err := m.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "démonstration"}); err != nil {
				return n, fmt.Errorf("demo offer %s: %w", o.Reference, err)
			}
			if err := m.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "démonstration"}); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// demoBlocks fills the blocks that candidates read on a demo offer's page.
func demoBlocks(o *vivier.Offer, adm *vivier.Administration, i int) {
	o.Conditions.V = vivier.Conditions{SalaryTitulaire: "Selon la grille indiciaire du corps",
		SalaryContractuel: "Selon l'expérience", WorkingTime: "TEMPS_PLEIN"}
	o.Criteria.V.DiplomaLevel = []int{4, 5, 6, 7}[i%4]
	if i%2 == 0 {
		o.Criteria.V.Languages = []vivier.Language{{ISOCode: "en", Level: "B1"}}
	}
	o.Contacts.V = []vivier.Contact{{Name: "Service des ressources humaines", Email: "recrutement@" + adm.Slug + ".vivier.test"}}
	o.OpenToContractuals = o.Kind == vivier.KindEmploi
	switch o.Kind {
	case vivier.KindConcours:
		d := vivier.Details{Ministry: adm.Name, Posts: 10 + i%20, ExamDates: "Épreuves écrites au printemps"}
		if strings.Contains(o.Title, "interne") {
			d.Corps, d.Grade, d.AccessModalities = "Secrétaires administratifs", "Secrétaire administratif de classe normale", []string{"INTERNE"}
		} else {
			d.Corps, d.Grade, d.AccessModalities = "Attachés d'administration de l'État", "Attaché d'administration", []string{"EXTERNE"}
		}
		o.Details.V = d
		o.Criteria.V.RequiredDocuments = []string{"Copie du diplôme [PDF, image]", "Pièce d'identité [PDF, image]",
			"État des services (facultatif) [PDF, ODT-DOCX]"}
	case vivier.KindStage:
		o.Details.V = vivier.Details{Duration: "6 mois", Gratification: "Selon la réglementation en vigueur", WeeklyHours: 35, StudyLevel: "Master"}
	case vivier.KindApprentissage:
		o.Details.V = vivier.Details{Duration: "2 ans", Gratification: "Selon l'âge et l'année du contrat", WeeklyHours: 35}
	}
}

// seedBulkOffers loads n published offers over the demo administrations with
// COPY (`vivier seed --offers N`), for benchmarks.
func (m *Main) seedBulkOffers(ctx context.Context, n int) error {
	if _, err := m.seedDemoAccounts(ctx); err != nil {
		return err
	}
	var adms []*vivier.Administration
	for _, slug := range []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh", "ville-demo"} {
		a, err := m.store.AdministrationBySlug(ctx, slug)
		if err != nil {
			return err
		}
		adms = append(adms, a)
	}
	deps, err := m.store.Departements(ctx)
	if err != nil {
		return err
	}
	regionOf := map[string]string{}
	for _, d := range deps {
		regionOf[d.Code] = d.RegionCode
	}
	cities := vivier.Cities()
	run := time.Now().Format("20060102150405")
	start := time.Now()
	end := time.Now().AddDate(0, 2, 0)
	yes, no := true, false
	times, err := bulkOffers(ctx, m.db, n, func(i int) (int64, vivier.Offer) {
		adm := adms[i%len(adms)]
		spec := demoOffers[i%len(demoOffers)]
		city := cities[(i/7)%len(cities)]
		// Spread around the city, up to about 30 km, so that the radius
		// matters.
		lat := city.Lat + float64(i%61-30)*0.005
		lng := city.Lng + float64(i%43-21)*0.007
		d := spec.domaine
		return adm.ID, vivier.Offer{Kind: spec.kind, Reference: fmt.Sprintf("BULK-%s-%08d", run, i), Versant: adm.Versant,
			Title: spec.title, OrganisationName: adm.Name, DomaineCode: &d, Categories: []string{spec.cat},
			ContractType: "TITULAIRE_CONTRACTUEL", ContractForms: []string{[]string{"CDD", "CDI", "PERMANENT"}[i%3]},
			Workplace: []string{"SUR_SITE", "TELETRAVAIL", "NON_DEFINI"}[i%3], Experience: []string{"DEBUTANT", "CONFIRME", "EXPERT"}[i%3],
			Management: []*bool{&yes, &no, nil}[i%3], Mission: demoMission, Profile: demoProfile, EndAt: &end,
			Locations: []vivier.Location{{Country: "FRA", Departement: city.Departement, Region: regionOf[city.Departement],
				Label: city.Name, Latitude: &lat, Longitude: &lng}}}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Out, "%d offres chargées en %s (COPY %s, index et contraintes %s).\n", n,
		time.Since(start).Round(time.Millisecond), times.Copy.Round(time.Millisecond), times.Indexes.Round(time.Millisecond))
	return nil
}

package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

// Each rule of the blocks names its field.
func TestOfferBlocksValidation(t *testing.T) {
	t.Parallel()
	day := func(d int) *time.Time { v := time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC); return &v }
	for field, mutate := range map[string]func(o *vivier.Offer){
		"diplome_niveau":           func(o *vivier.Offer) { o.Criteria.V.DiplomaLevel = 9 },
		"langues":                  func(o *vivier.Offer) { o.Criteria.V.Languages = []vivier.Language{{ISOCode: "en", Level: "D1"}} },
		"salaire":                  func(o *vivier.Offer) { o.Conditions.V.SalaryContractuel = string(make([]rune, 101)) },
		"temps_travail":            func(o *vivier.Offer) { o.Conditions.V.WorkingTime = "MI_TEMPS" },
		"ouvert_aux_militaires":    func(o *vivier.Offer) { o.Conditions.V.OpenToMilitary = "PEUT_ETRE" },
		"bases_legales":            func(o *vivier.Offer) { o.Conditions.V.LegalBases = string(make([]rune, 1501)) },
		"fin_contrat":              func(o *vivier.Offer) { o.Conditions.V.ContractStart, o.Conditions.V.ContractEnd = day(5), day(2) },
		"note_ouverture_poste_url": func(o *vivier.Offer) { o.Conditions.V.OpeningNoteURL = "javascript:alert(1)" },
		"contacts":                 func(o *vivier.Offer) { o.Contacts.V = []vivier.Contact{{Email: "pas une adresse"}} },
		"nor": func(o *vivier.Offer) {
			o.Kind = vivier.KindConcours
			o.Details.V.NOR = "ABC123"
		},
		"modalites_acces":      func(o *vivier.Offer) { o.Details.V.AccessModalities = []string{"PISTON"} },
		"nombre_postes":        func(o *vivier.Offer) { o.Details.V.Posts = -1 },
		"cloture_inscriptions": func(o *vivier.Offer) { o.Details.V.RegistrationOpens, o.Details.V.RegistrationCloses = day(9), day(1) },
		"heures_hebdomadaires": func(o *vivier.Offer) { o.Details.V.WeeklyHours = 60 },
		"diplome":              func(o *vivier.Offer) { o.Criteria.V.RequiredDocuments = []string{string(make([]rune, 301))} },
		"duree_contrat":        func(o *vivier.Offer) { o.Conditions.V.ContractDuration = string(make([]rune, 101)) },
		"corps":                func(o *vivier.Offer) { o.Details.V.Grade = string(make([]rune, 301)) },
		"duree":                func(o *vivier.Offer) { o.Details.V.Gratification = string(make([]rune, 101)) },
		"questions": func(o *vivier.Offer) {
			o.Questions.V = []vivier.Question{{Label: "Couleur ?", Kind: "choice", Choices: []string{"bleu"}}}
		},
	} {
		o := sampleOffer("R")
		mutate(o)
		if err := o.Validate(); vivier.ErrorCode(err) != vivier.EINVALID || fieldOf(err) != field {
			t.Errorf("%s: Validate = %v", field, err)
		}
	}
	// A contact with a phone too long, too many contacts.
	for name, cs := range map[string][]vivier.Contact{
		"long phone":  {{Email: "a@b.fr", Phone: string(make([]rune, 31))}},
		"11 contacts": make([]vivier.Contact, 11),
	} {
		o := sampleOffer("R")
		o.Contacts.V = cs
		if err := o.Validate(); fieldOf(err) != "contacts" {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
	// A question without a label, of an unknown kind, too many questions.
	for name, qs := range map[string][]vivier.Question{
		"no label":     {{Kind: "short"}},
		"unknown kind": {{Label: "Pourquoi ?", Kind: "essay"}},
		"21 questions": make21(),
	} {
		o := sampleOffer("R")
		o.Questions.V = qs
		if err := o.Validate(); fieldOf(err) != "questions" {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
	// Tidied: NOR upper-cased, contact addresses trimmed, question ids given.
	o := sampleOffer("R")
	o.Kind = vivier.KindConcours
	o.Details.V.NOR = " inta2412345a "
	o.Contacts.V = []vivier.Contact{{Email: " rh@exemple.gouv.fr "}}
	o.Questions.V = []vivier.Question{{Label: " Disponibilité ? ", Kind: "short"}}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Details.V.NOR != "INTA2412345A" || o.Contacts.V[0].Email != "rh@exemple.gouv.fr" || o.Questions.V[0].ID != "q1" || o.Questions.V[0].Label != "Disponibilité ?" {
		t.Fatalf("tidied = %+v %+v %+v", o.Details.V, o.Contacts.V, o.Questions.V)
	}
}

func make21() []vivier.Question {
	var qs []vivier.Question
	for i := 0; i < 21; i++ {
		qs = append(qs, vivier.Question{Label: "Question", Kind: "yesno"})
	}
	return qs
}

func TestDuplicateOffer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	skills, err := s.Competences(ctx, true)
	if err != nil || len(skills) < 2 {
		t.Fatalf("Competences = %d, %v", len(skills), err)
	}
	o := sampleOffer("REF-D")
	end := time.Now().Add(48 * time.Hour)
	o.EndAt = &end
	o.CompetenceIDs = []int64{skills[0].ID, skills[1].ID}
	o.Criteria.V.Diploma = "Master"
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DuplicateOffer(ctx, b.ID, o.ID, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("duplicate through another administration: %v", err)
	}
	c1, err := s.DuplicateOffer(ctx, a.ID, o.ID, vivier.Actor{Email: "r@a.fr"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.DuplicateOffer(ctx, a.ID, o.ID, vivier.Actor{Email: "r@a.fr"})
	if err != nil {
		t.Fatal(err)
	}
	if c1.Status != vivier.OfferDraft || c1.Title != "Copie de Développeur·se back-end" || c1.Reference != "REF-D-copie" ||
		c2.Reference != "REF-D-copie-2" || c1.EndAt != nil || c1.PublishedAt != nil || c1.Criteria.V.Diploma != "Master" {
		t.Fatalf("copies = %+v / %+v", c1, c2)
	}
	if got, err := s.OfferCompetences(ctx, a.ID, c1.ID); err != nil || len(got) != 2 {
		t.Fatalf("the copy has %d skills, want 2 (%v)", len(got), err)
	}
	log, err := s.AuditLog(ctx, a.ID, vivier.AuditFilter{Action: "offer.duplicated"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].AgentEmail != "r@a.fr" {
		t.Fatalf("audit = %+v", log)
	}
}

func TestReferentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	m := &vivier.Metier{DomaineCode: "NUM", Label: " Développeur ou développeuse "}
	if err := s.AddMetier(ctx, m, vivier.Actor{}); err != nil || m.ID == 0 || m.Label != "Développeur ou développeuse" || !m.Active {
		t.Fatalf("AddMetier = %+v, %v", m, err)
	}
	if err := s.AddMetier(ctx, &vivier.Metier{DomaineCode: "XXX", Label: "Rien"}, vivier.Actor{}); fieldOf(err) != "domaine" {
		t.Fatalf("unknown domaine: %v", err)
	}
	if err := s.RenameReferential(ctx, "metiers", m.ID, "Développeur·se", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetReferentialActive(ctx, "metiers", m.ID, false, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if active, err := s.Metiers(ctx, true); err != nil || len(active) != 0 {
		t.Fatalf("active métiers = %+v (%v)", active, err)
	}
	if all, err := s.Metiers(ctx, false); err != nil || len(all) != 1 || all[0].Label != "Développeur·se" || all[0].Active {
		t.Fatalf("métiers = %+v (%v)", all, err)
	}
	c := &vivier.Competence{Label: "Qualité des données", Family: "Numérique"}
	if err := s.AddCompetence(ctx, c, vivier.Actor{}); err != nil || c.Slug != "qualite-des-donnees" {
		t.Fatalf("AddCompetence = %+v, %v", c, err)
	}
	if err := s.AddCompetence(ctx, &vivier.Competence{Label: "Qualité des données"}, vivier.Actor{}); fieldOf(err) != "label" {
		t.Fatalf("the same skill twice: %v", err)
	}
	if err := s.RenameReferential(ctx, "agents", 1, "x", vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("another table: %v", err)
	}
	if err := s.SetReferentialActive(ctx, "competences", 999999, false, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("unknown skill: %v", err)
	}
}

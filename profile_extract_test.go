package vivier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vivier"
)

// A CV's profile: the referential's skills, the highest diploma level, the
// years of experience (said, or from its periods, overlaps once), languages
// with their levels, postal codes; and what must not be read as such (a
// Scrum Master, "dans le but de", a salary, French without a level).
func TestExtractCVProfile(t *testing.T) {
	t.Parallel()
	skills, err := newStore(t).Competences(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	m := vivier.NewSkillMatcher(skills)
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, cv        string
		diploma, years  int
		languages       string
		postal, someOne string // someOne: a skill's slug that must be found
	}{
		{"nurse", `Marie Durand — 12 rue des Lilas, 69003 Lyon. Infirmière diplômée d'État (DEI), 2014.
			Expériences : 2016 - 2019 CHU de Lyon, urgences ; 2019 à aujourd'hui EHPAD Les Tilleuls.
			Langues : anglais courant, espagnol notions.`, 6, 10, "en:C1 es:A2", "69003", "soins-infirmiers"},
		{"developer", `Développeur Go et Python. Master 2 informatique (2012). 8 ans d'expérience en développement web.
			Scrum Master certifié. Anglais B2. Mobile sur Paris 75011 et Nantes 44000.`, 7, 8, "en:B2", "75011 44000", "developpement-web"},
		{"agent", `Agent d'accueil, CAP petite enfance puis Bac pro accueil. Accueil du public en mairie depuis 2020,
			dans le but de servir les usagers. Prétentions : 24000 euros. Français langue maternelle.`, 4, 6, "fr:C2", "", "accueil-usagers"},
		{"researcher", `Docteur en biologie (thèse de doctorat, 2010). Post-doctorat 01/2011 - 06/2014, chercheur de 2014 à 2020
			puis de 2018 à 2023 (en parallèle). Publications scientifiques. Allemand (C1), anglais bilingue.`, 8, 12, "de:C1 en:C2", "", "recherche-scientifique"},
		{"none", `Motivé et curieux, je souhaite rejoindre la fonction publique.`, 0, 0, "", "", ""},
	} {
		p := vivier.ExtractCVProfile(tc.cv, m, now)
		if p.DiplomaLevel != tc.diploma {
			t.Errorf("%s: diploma level %d (%q), want %d", tc.name, p.DiplomaLevel, p.Diploma, tc.diploma)
		}
		if p.YearsExperience != tc.years {
			t.Errorf("%s: %d years of experience, want %d", tc.name, p.YearsExperience, tc.years)
		}
		langs := ""
		for i, l := range p.Languages {
			if i > 0 {
				langs += " "
			}
			langs += l.ISOCode + ":" + l.Level
		}
		if langs != tc.languages {
			t.Errorf("%s: languages %q, want %q", tc.name, langs, tc.languages)
		}
		if got := fmt.Sprint(p.PostalCodes); got != "["+tc.postal+"]" {
			t.Errorf("%s: postal codes %s, want [%s]", tc.name, got, tc.postal)
		}
		found := false
		for _, s := range p.Skills {
			found = found || s.Slug == tc.someOne
		}
		if tc.someOne != "" && !found {
			t.Errorf("%s: skill %s not found in %+v", tc.name, tc.someOne, p.Skills)
		}
		if tc.someOne == "" && len(p.Skills) != 0 {
			t.Errorf("%s: skills %+v in a CV that names none", tc.name, p.Skills)
		}
	}
}

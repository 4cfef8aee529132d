package vivier_test

import (
	"testing"

	"vivier"
)

func TestInclusiveForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Infirmier·ère de santé":          "Infirmière",
		"Développeur·se back-end":         "Développeuse",
		"Chargé·e de mission":             "Chargée",
		"Directeur·rice des achats":       "Directrice",
		"Technicien·ne et conseiller·ère": "Technicienne conseillère",
		"Agent.e·s d'accueil":             "Agente",
		"Sans forme inclusive":            "",
	} {
		if got := vivier.InclusiveForms(in); got != want {
			t.Errorf("InclusiveForms(%q) = %q, want %q", in, got, want)
		}
	}
}

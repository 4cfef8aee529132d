package vivier

import (
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
)

// Metier is a métier of the RMFP, in a domaine fonctionnel. Platform
// administrators keep the list; a deactivated métier stays on the offers
// that name it but is no longer offered.
type Metier struct {
	ID          int64   `db:"id"`
	Code        *string `db:"code"`
	DomaineCode string  `db:"domaine_code"`
	Label       string  `db:"label"`
	Active      bool    `db:"active"`
	Source      string  `db:"source"` // MetierManual, MetierImport or MetierINGRES
	// What the RMFP says of it, when it came from there.
	LabelLong    string `db:"label_long"`
	DomaineLabel string `db:"domaine_label"`
	FamilyLabel  string `db:"family_label"`
	Definition   string `db:"definition"`
}

// Competence is a skill of the shared referential. Its synonyms are the
// words a CV or an offer uses for it ("commande publique" for "Achat
// public"); its domaines, the RMFP domaines fonctionnels it belongs to.
type Competence struct {
	ID       int64          `db:"id"`
	Slug     string         `db:"slug"`
	Label    string         `db:"label"`
	Family   string         `db:"family"`
	Active   bool           `db:"active"`
	Synonyms pq.StringArray `db:"synonyms"`
	Domaines pq.StringArray `db:"domaine_codes"`
}

func cleanLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 200 {
		return "", FieldError("label", "Le libellé est obligatoire (200 caractères au plus).")
	}
	return label, nil
}

// referentialTables are the tables RenameReferential and SetReferentialActive
// may touch, with the audit action's prefix.
var referentialTables = map[string]string{"metiers": "metier", "competences": "competence"}

func unique(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Slugify turns a label into lowercase ASCII words joined by dashes
// ("Sécurité des SI" → "securite-des-si").
func Slugify(s string) string {
	plain := fold(s)
	var b strings.Builder
	dash := false
	for _, r := range plain {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// SynonymsText is the synonyms as a form shows them, comma-separated.
func (c Competence) SynonymsText() string { return strings.Join(c.Synonyms, ", ") }

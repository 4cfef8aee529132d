package vivier

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Metiers lists the métiers by domaine and label; activeOnly leaves out the
// deactivated ones.
func (s *Store) Metiers(ctx context.Context, activeOnly bool) ([]Metier, error) {
	var out []Metier
	err := s.db.SelectContext(ctx, &out, `SELECT id, code, domaine_code, label, active, source, family_label FROM metiers
		WHERE active OR NOT $1 ORDER BY domaine_code, label`, activeOnly)
	return out, wrap("Metiers", err)
}

// Competences lists the skills by family and label; activeOnly leaves out
// the deactivated ones.
func (s *Store) Competences(ctx context.Context, activeOnly bool) ([]Competence, error) {
	var out []Competence
	err := s.db.SelectContext(ctx, &out, `SELECT id, slug, label, family, active, synonyms, domaine_codes FROM competences
		WHERE active OR NOT $1 ORDER BY family, label`, activeOnly)
	return out, wrap("Competences", err)
}

// AddMetier adds a métier to the referential.
func (s *Store) AddMetier(ctx context.Context, m *Metier, actor Actor) error {
	label, err := cleanLabel(m.Label)
	if err != nil {
		return err
	}
	m.Label = label
	if m.Code != nil {
		if c := strings.TrimSpace(*m.Code); c == "" {
			m.Code = nil
		} else if len(c) > 50 {
			return FieldError("code", "Le code compte 50 caractères au plus.")
		} else {
			m.Code = &c
		}
	}
	return s.inTx(ctx, "AddMetier", func(tx *sqlx.Tx) error {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM domaines_fonctionnels WHERE code = $1)`, m.DomaineCode); err != nil {
			return err
		}
		if !ok {
			return FieldError("domaine", "Choisissez un domaine fonctionnel dans la liste.")
		}
		err := tx.GetContext(ctx, m, `INSERT INTO metiers (code, domaine_code, label) VALUES ($1, $2, $3)
			RETURNING id, code, domaine_code, label, active`, m.Code, m.DomaineCode, m.Label)
		if ErrorCode(wrap("", err)) == ECONFLICT {
			return FieldError("code", "Un autre métier porte déjà ce code.")
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, nil, actor, "metier.created", m.Label, map[string]string{"domaine": m.DomaineCode})
	})
}

// AddCompetence adds a skill to the referential; its slug comes from the
// label.
func (s *Store) AddCompetence(ctx context.Context, c *Competence, actor Actor) error {
	label, err := cleanLabel(c.Label)
	if err != nil {
		return err
	}
	c.Label, c.Family, c.Slug = label, strings.TrimSpace(c.Family), Slugify(label)
	if c.Slug == "" {
		return FieldError("label", "Le libellé doit contenir des lettres ou des chiffres.")
	}
	return s.inTx(ctx, "AddCompetence", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, c, `INSERT INTO competences (slug, label, family) VALUES ($1, $2, $3)
			RETURNING id, slug, label, family, active`, c.Slug, c.Label, c.Family)
		if ErrorCode(wrap("", err)) == ECONFLICT {
			return FieldError("label", "Cette compétence existe déjà.")
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, nil, actor, "competence.created", c.Label, map[string]string{"famille": c.Family})
	})
}

// RenameReferential renames a métier or a skill (table "metiers" or
// "competences"); the slug of a skill stays, so links keep working.
func (s *Store) RenameReferential(ctx context.Context, table string, id int64, label string, actor Actor) error {
	prefix, ok := referentialTables[table]
	if !ok {
		return Errorf(EINVALID, "Référentiel inconnu.")
	}
	label, err := cleanLabel(label)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "RenameReferential", func(tx *sqlx.Tx) error {
		var before string
		// The table name comes from referentialTables, never from the caller's text.
		if err := tx.GetContext(ctx, &before, `SELECT label FROM `+table+` WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET label = $2 WHERE id = $1`, id, label); err != nil {
			return err
		}
		return insertAudit(ctx, tx, nil, actor, prefix+".renamed", label, map[string]string{"avant": before, "après": label})
	})
}

// SetReferentialActive deactivates or reactivates a métier or a skill.
func (s *Store) SetReferentialActive(ctx context.Context, table string, id int64, active bool, actor Actor) error {
	prefix, ok := referentialTables[table]
	if !ok {
		return Errorf(EINVALID, "Référentiel inconnu.")
	}
	return s.inTx(ctx, "SetReferentialActive", func(tx *sqlx.Tx) error {
		var label string
		if err := tx.GetContext(ctx, &label, `UPDATE `+table+` SET active = $2 WHERE id = $1 RETURNING label`, id, active); err != nil {
			return err
		}
		action := prefix + ".deactivated"
		if active {
			action = prefix + ".reactivated"
		}
		return insertAudit(ctx, tx, nil, actor, action, label, nil)
	})
}

// OfferCompetences returns the referential skills linked to an offer of
// the administration.
func (s *Store) OfferCompetences(ctx context.Context, adminID, offerID int64) ([]Competence, error) {
	var out []Competence
	err := s.db.SelectContext(ctx, &out, `SELECT c.id, c.slug, c.label, c.family, c.active
		FROM offer_competences oc JOIN competences c ON c.id = oc.competence_id JOIN offers o ON o.id = oc.offer_id
		WHERE oc.offer_id = $1 AND o.administration_id = $2 ORDER BY c.family, c.label`, offerID, adminID)
	return out, wrap("OfferCompetences", err)
}

// setOfferCompetences replaces the skills of an offer; ids unknown to the
// referential are refused.
func setOfferCompetences(ctx context.Context, tx *sqlx.Tx, offerID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM offer_competences WHERE offer_id = $1`, offerID); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO offer_competences (offer_id, competence_id)
		SELECT $1, id FROM competences WHERE id = ANY($2) ON CONFLICT DO NOTHING`, offerID, pq.Array(ids))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); int(n) != len(unique(ids)) {
		return FieldError("competences", "Une compétence choisie n'existe pas dans le référentiel.")
	}
	return nil
}

// MaxSynonyms bounds a skill's synonyms; each is 100 characters at most.
const MaxSynonyms = 40

// SetCompetenceSynonyms replaces a skill's synonyms with the comma- or
// line-separated words of text, trimmed, without duplicates (ignoring case
// and accents) nor the label itself.
func (s *Store) SetCompetenceSynonyms(ctx context.Context, id int64, text string, actor Actor) error {
	words := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
	var synonyms []string
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.Join(strings.Fields(w), " ")
		if w == "" || seen[fold(w)] {
			continue
		}
		if utf8.RuneCountInString(w) > 100 {
			return FieldError("synonyms", "Un synonyme compte 100 caractères au plus.")
		}
		seen[fold(w)] = true
		synonyms = append(synonyms, w)
	}
	if len(synonyms) > MaxSynonyms {
		return FieldError("synonyms", fmt.Sprintf("%d synonymes au plus.", MaxSynonyms))
	}
	return s.inTx(ctx, "SetCompetenceSynonyms", func(tx *sqlx.Tx) error {
		var before struct {
			Label    string         `db:"label"`
			Synonyms pq.StringArray `db:"synonyms"`
		}
		if err := tx.GetContext(ctx, &before, `SELECT label, synonyms FROM competences WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		kept := synonyms[:0:0]
		for _, w := range synonyms {
			if fold(w) != fold(before.Label) {
				kept = append(kept, w)
			}
		}
		if kept == nil {
			kept = []string{}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE competences SET synonyms = $2 WHERE id = $1`, id, pq.Array(kept)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, nil, actor, "competence.synonyms", before.Label, map[string]string{
			"avant": strings.Join(before.Synonyms, ", "), "après": strings.Join(kept, ", ")})
	})
}

package vivier

import (
	"context"
	"encoding/json"
	"fmt"
)

// PublicOfferView is what an offer's public page shows of the database:
// the offer, its administration, its skills, its RMFP métier and its
// employer page's theme.
type PublicOfferView struct {
	Offer  *Offer
	Adm    *Administration
	Skills []Competence
	Metier *Metier     // nil when the offer names none; a retired one too
	Brand  *BrandTheme // nil when the administration has no published page
}

// publicOfferRow is the one row PublicOfferPage reads.
type publicOfferRow struct {
	offerRow
	Adm        Administration `db:"adm"`
	SkillsJSON []byte         `db:"skills_json"`
	MetierJSON []byte         `db:"metier_json"`
	HasBrand   bool           `db:"has_brand"`
	Accent     string         `db:"brand_accent"`
	Logo       string         `db:"brand_logo"`
}

// PublicOfferPage reads, in one query, an offer the public may open (as
// PublicOffer) with what its page shows beside it.
func (s *Store) PublicOfferPage(ctx context.Context, id int64) (*PublicOfferView, error) {
	st, err := s.offerPage.build(ctx, s.db, publicOfferPageQuery)
	if err != nil {
		return nil, wrap("PublicOfferPage", err)
	}
	var row publicOfferRow
	if err := st.GetContext(ctx, &row, id); err != nil {
		return nil, wrap("PublicOfferPage", err)
	}
	o, err := row.offer()
	if err != nil {
		return nil, err
	}
	v := &PublicOfferView{Offer: o, Adm: &row.Adm}
	if err := json.Unmarshal(row.SkillsJSON, &v.Skills); err != nil {
		return nil, fmt.Errorf("offer %d skills: %w", id, err)
	}
	if row.MetierJSON != nil {
		if err := json.Unmarshal(row.MetierJSON, &v.Metier); err != nil {
			return nil, fmt.Errorf("offer %d métier: %w", id, err)
		}
	}
	if row.HasBrand {
		v.Brand = &BrandTheme{Accent: row.Accent, Logo: row.Logo}
	}
	return v, nil
}

// publicOfferPageQuery reads an offer the public may open, with its
// administration, skills, métier (its keys are Metier's fields) and employer
// page's theme, by id ($1).
func publicOfferPageQuery() string {
	return `SELECT ` + prefixed("o.", offerColumns) + `, ` + nested("a.", "adm", administrationColumns) + `,
			coalesce((SELECT json_agg(json_build_object('id', c.id, 'slug', c.slug, 'label', c.label, 'family', c.family,
					'active', c.active) ORDER BY c.family, c.label)
				FROM offer_competences oc JOIN competences c ON c.id = oc.competence_id WHERE oc.offer_id = o.id), '[]') AS skills_json,
			(SELECT json_build_object('ID', m.id, 'Code', m.code, 'DomaineCode', m.domaine_code, 'Label', m.label,
					'Active', m.active, 'Source', m.source, 'LabelLong', m.label_long, 'DomaineLabel', d.label,
					'FamilyLabel', m.family_label, 'Definition', m.definition)
				FROM metiers m JOIN domaines_fonctionnels d ON d.code = m.domaine_code WHERE m.id = o.metier_id) AS metier_json,
			v.version IS NOT NULL AS has_brand,
			coalesce(v.content->>'accent', '') AS brand_accent, coalesce(v.content->>'logo', '') AS brand_logo
		FROM offers o JOIN administrations a ON a.id = o.administration_id
		LEFT JOIN brand_pages p ON p.administration_id = o.administration_id
		LEFT JOIN brand_versions v ON v.administration_id = p.administration_id AND v.version = p.published_version
		WHERE o.id = $1 AND o.status IN ('published', 'closed', 'archived')
			AND NOT (o.status = 'closed' AND o.validation_admin_id IS NOT NULL AND o.validated_at IS NULL)`
}

package vivier

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// shortQuery is the length up to which a query also matches titles by
// trigram likeness (typos in a short word).
const shortQuery = 6

// OfferSearch is a public search: every field is optional.
type OfferSearch struct {
	Q           string
	Kind        string
	Versant     string
	Categorie   string
	Region      string
	Departement string
	Domaine     string
	Contrat     string
	Teletravail bool
	ByDate      bool // most recent first, instead of relevance
	Page        int  // from 1
	PerPage     int
}

// OfferHit is one result of a search.
type OfferHit struct {
	ID                 int64      `db:"id"`
	Kind               OfferKind  `db:"kind"`
	Title              string     `db:"title"`
	OrganisationName   string     `db:"organisation_name"`
	AdministrationName string     `db:"administration_name"`
	Versant            Versant    `db:"versant"`
	Workplace          string     `db:"workplace"`
	LocationLabel      string     `db:"location_label"`
	PublishedAt        *time.Time `db:"published_at"`
}

// FacetCount is how many results have one value of a filter.
type FacetCount struct {
	Value string `db:"value"`
	Count int    `db:"count"`
}

// OfferResults is a page of results, the total, and facet counts over the
// whole result set.
type OfferResults struct {
	Hits   []OfferHit
	Total  int
	Facets map[string][]FacetCount
}

// where builds the filter shared by the page, the count and the facets.
func (q OfferSearch) where() (string, []any) {
	conds := []string{"o.status = 'published'"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if q.Q != "" {
		// French stems without accents; for a short query (a few letters,
		// often misspelt), also a trigram likeness of the title.
		args = append(args, q.Q)
		n := len(args)
		if utf8.RuneCountInString(q.Q) <= shortQuery {
			conds = append(conds, fmt.Sprintf("(o.search @@ websearch_to_tsquery('french_unaccent', $%d) OR word_similarity(unaccent($%d), unaccent(o.title)) > 0.5)", n, n))
		} else {
			conds = append(conds, fmt.Sprintf("o.search @@ websearch_to_tsquery('french_unaccent', $%d)", n))
		}
	}
	if q.Kind != "" {
		add("o.kind = ?", q.Kind)
	}
	if q.Versant != "" {
		add("o.versant = ?", q.Versant)
	}
	if q.Categorie != "" {
		add("? = ANY(o.categories)", q.Categorie)
	}
	if q.Region != "" {
		add("? = ANY(o.region_codes)", q.Region)
	}
	if q.Departement != "" {
		add("? = ANY(o.departement_codes)", q.Departement)
	}
	if q.Domaine != "" {
		add("o.domaine_code = ?", q.Domaine)
	}
	if q.Contrat != "" {
		add("o.contract_type = ?", q.Contrat)
	}
	if q.Teletravail {
		conds = append(conds, "o.workplace = 'TELETRAVAIL'")
	}
	return strings.Join(conds, " AND "), args
}

// SearchOffers runs a public search over published offers.
func (s *Store) SearchOffers(ctx context.Context, q OfferSearch) (*OfferResults, error) {
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 20
	}
	if q.Page < 1 {
		q.Page = 1
	}
	where, args := q.where()
	order := "o.published_at DESC, o.id DESC"
	if q.Q != "" && !q.ByDate {
		order = "ts_rank_cd(o.search, websearch_to_tsquery('french_unaccent', $1)) DESC, " + order
	}
	res := &OfferResults{Facets: map[string][]FacetCount{}}
	page := append(append([]any{}, args...), q.PerPage, (q.Page-1)*q.PerPage)
	err := s.db.SelectContext(ctx, &res.Hits, fmt.Sprintf(`
		SELECT o.id, o.kind, o.title, o.organisation_name, ad.name AS administration_name, o.versant, o.workplace,
		       coalesce(o.locations->0->>'label', '') AS location_label, o.published_at
		FROM offers o JOIN administrations ad ON ad.id = o.administration_id
		WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`, where, order, len(args)+1, len(args)+2), page...)
	if err != nil {
		return nil, wrap("SearchOffers", err)
	}
	if err := s.db.GetContext(ctx, &res.Total, `SELECT count(*) FROM offers o WHERE `+where, args...); err != nil {
		return nil, wrap("SearchOffers count", err)
	}
	for name, expr := range map[string]string{
		"type": "o.kind", "versant": "o.versant", "categorie": "unnest(o.categories)", "region": "unnest(o.region_codes)",
		"domaine": "o.domaine_code", "contrat": "nullif(o.contract_type, '')",
	} {
		var counts []FacetCount
		if err := s.db.SelectContext(ctx, &counts, fmt.Sprintf(`SELECT value, count(*) AS count FROM
			(SELECT %s AS value FROM offers o WHERE %s) f WHERE value IS NOT NULL GROUP BY value ORDER BY count DESC, value`,
			expr, where), args...); err != nil {
			return nil, wrap("SearchOffers facets", err)
		}
		res.Facets[name] = counts
	}
	return res, nil
}

// PublicOffer returns an offer the public may open: published, closed (shown
// as closed) or archived (the caller answers 410); drafts do not exist.
func (s *Store) PublicOffer(ctx context.Context, id int64) (*Offer, *Administration, error) {
	var row offerRow
	err := s.db.GetContext(ctx, &row, `SELECT `+offerColumns+` FROM offers WHERE id = $1 AND status IN ('published', 'closed', 'archived')`, id)
	if err != nil {
		return nil, nil, wrap("PublicOffer", err)
	}
	o, err := row.offer()
	if err != nil {
		return nil, nil, err
	}
	adm, err := s.AdministrationByID(ctx, o.AdministrationID)
	if err != nil {
		return nil, nil, err
	}
	return o, adm, nil
}

// OfferStamp is an offer's id and last change, for the sitemap.
type OfferStamp struct {
	ID        int64     `db:"id"`
	UpdatedAt time.Time `db:"updated_at"`
}

// PublishedOfferStamps pages through published offers by id.
func (s *Store) PublishedOfferStamps(ctx context.Context, offset, limit int) ([]OfferStamp, error) {
	var out []OfferStamp
	err := s.db.SelectContext(ctx, &out, `SELECT id, updated_at FROM offers WHERE status = 'published'
		ORDER BY id LIMIT $1 OFFSET $2`, limit, offset)
	return out, wrap("PublishedOfferStamps", err)
}

// CountPublishedOffers counts the published offers.
func (s *Store) CountPublishedOffers(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM offers WHERE status = 'published'`)
	return n, wrap("CountPublishedOffers", err)
}

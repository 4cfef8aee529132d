package vivier

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Matching reads the published offers that could suit a profile (one skill
// in common) with what the score needs of each, and ranks them in the
// process. The skills an offer's text names are found once per save by
// RefreshOfferMatches (the worker's sweep, each minute) and kept in
// offer_match; an offer saved within matchFreshWindow is read again here,
// so that a ranking does not miss an edit the sweep has not reached.

// matchFreshWindow is how long after its save an offer's skills are found
// by the ranking itself: well past the sweep's minute.
const matchFreshWindow = 10 * time.Minute

// SkillMatcher reads the referential's active skills and prepares their
// matcher.
func (s *Store) SkillMatcher(ctx context.Context) (*SkillMatcher, error) {
	skills, err := s.Competences(ctx, true)
	if err != nil {
		return nil, err
	}
	return NewSkillMatcher(skills), nil
}

// Version is a digest of the terms the matcher knows: offer_match rows
// found with another version are found again.
func (m *SkillMatcher) Version() string {
	skills := slices.Clone(m.skills)
	slices.SortFunc(skills, func(a, b Competence) int { return cmp.Compare(a.ID, b.ID) })
	var b strings.Builder
	for _, c := range skills {
		fmt.Fprintf(&b, "%d:%s|%s\n", c.ID, c.Label, strings.Join(c.Synonyms, "|"))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// MatchFilter narrows the offers a profile is matched with, as the
// search's filters do.
type MatchFilter struct {
	Kind        string
	Region      string
	Teletravail bool
	Mobilite    bool
}

// MatchResult is a ranked offer with what a page shows of it.
type MatchResult struct {
	MatchScore
	OfferHit
}

// matchRow is what the candidates' query returns of an offer.
type matchRow struct {
	ID           int64          `db:"id"`
	Kind         OfferKind      `db:"kind"`
	DomaineCode  string         `db:"domaine_code"`
	MetierID     *int64         `db:"metier_id"`
	Categories   pq.StringArray `db:"categories"`
	DiplomaLevel int            `db:"diploma_level"`
	Experience   string         `db:"experience"`
	Workplace    string         `db:"workplace"`
	Languages    []byte         `db:"languages"`
	Places       []byte         `db:"places"`
	SkillIDs     pq.Int64Array  `db:"skill_ids"`
	TitleIDs     pq.Int64Array  `db:"title_skill_ids"`
	Stale        bool           `db:"stale"`
}

// MatchOffers ranks the published offers and concours for p, best first,
// and returns the limit first with their display fields.
func (s *Store) MatchOffers(ctx context.Context, p MatchProfile, f MatchFilter, skills *SkillMatcher, limit int) ([]MatchResult, error) {
	q := OfferSearch{Kind: f.Kind, Region: f.Region, Teletravail: f.Teletravail, Mobilite: f.Mobilite}
	where, args := q.where()
	ids := []int64{} // never NULL in SQL
	for _, c := range p.Skills {
		ids = append(ids, c.ID)
	}
	args = append(args, pq.Array(ids), s.now().Add(-matchFreshWindow), skills.Version())
	n := len(args)
	// The offers with a skill in common (offer_match's index), and those
	// saved lately, whose skills the sweep may not have found yet. With
	// vectors, an offer may suit a profile by its meaning alone: every offer
	// the filters let through is scored.
	candidates := fmt.Sprintf(`AND o.id IN (SELECT offer_id FROM offer_match WHERE skill_ids && $%[1]d::bigint[]
			UNION ALL SELECT id FROM offers WHERE status = 'published' AND updated_at > $%[2]d)`, n-2, n-1)
	var vectors map[int64][]float32
	if p.Vector != nil {
		candidates = fmt.Sprintf("AND cardinality($%[1]d::bigint[]) >= 0 AND $%[2]d::timestamptz IS NOT NULL", n-2, n-1)
		var err error
		if vectors, err = s.offerVectors(ctx, p.Model); err != nil {
			return nil, err
		}
	}
	var rows []matchRow
	err := s.db.SelectContext(ctx, &rows, fmt.Sprintf(`
		SELECT o.id, o.kind, coalesce(o.domaine_code, '') AS domaine_code, o.metier_id, o.categories,
			coalesce((o.criteria->>'diplome_niveau')::int, 0) AS diploma_level, o.experience, o.workplace,
			coalesce(o.criteria->'langues', '[]') AS languages,
			coalesce((SELECT json_agg(json_build_object('Lat', (l->>'latitude')::float8, 'Lng', (l->>'longitude')::float8))
				FROM jsonb_array_elements(o.locations) l WHERE l ? 'latitude' AND l ? 'longitude'), '[]') AS places,
			coalesce(m.skill_ids, '{}') AS skill_ids, coalesce(m.title_skill_ids, '{}') AS title_skill_ids,
			(m.offer_id IS NULL OR m.skills_for IS DISTINCT FROM o.updated_at OR m.version <> $%[1]d) AS stale
		FROM offers o LEFT JOIN offer_match m ON m.offer_id = o.id
		WHERE %[2]s %[3]s`, n, where, candidates), args...)
	if err != nil {
		return nil, wrap("MatchOffers", err)
	}
	if err := s.freshSkills(ctx, rows, skills); err != nil {
		return nil, err
	}
	byID := map[int64]Competence{}
	for _, c := range skills.skills {
		byID[c.ID] = c
	}
	offers := make([]MatchOffer, 0, len(rows))
	for _, r := range rows {
		o := MatchOffer{ID: r.ID, Kind: r.Kind, DomaineCode: r.DomaineCode, MetierID: r.MetierID, Categories: r.Categories,
			DiplomaLevel: r.DiplomaLevel, Experience: r.Experience, Workplace: r.Workplace, Vector: vectors[r.ID]}
		if err := json.Unmarshal(r.Places, &o.Places); err != nil {
			return nil, wrap("MatchOffers", err)
		}
		if err := json.Unmarshal(r.Languages, &o.Languages); err != nil {
			return nil, wrap("MatchOffers", err)
		}
		for _, id := range r.SkillIDs {
			if c, ok := byID[id]; ok {
				o.Skills = append(o.Skills, c)
			}
		}
		o.TitleSkills = r.TitleIDs
		offers = append(offers, o)
	}
	// The most recent first, so that ties go to it.
	sort.Slice(offers, func(a, b int) bool { return offers[a].ID > offers[b].ID })
	ranked := RankMatches(p, offers)
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	hitIDs := make([]int64, len(ranked))
	for i, r := range ranked {
		hitIDs[i] = r.OfferID
	}
	hits, err := s.offerHits(ctx, hitIDs)
	if err != nil {
		return nil, err
	}
	byHit := make(map[int64]OfferHit, len(hits))
	for _, h := range hits {
		byHit[h.ID] = h
	}
	out := make([]MatchResult, 0, len(ranked))
	for _, r := range ranked {
		// An offer deleted between the two queries is left out, alone.
		if h, ok := byHit[r.OfferID]; ok {
			out = append(out, MatchResult{MatchScore: r, OfferHit: h})
		}
	}
	return out, nil
}

// offerSkillText is the text of an offer in which its skills are looked
// for, and the skills it lists.
type offerSkillText struct {
	ID        int64         `db:"id"`
	UpdatedAt time.Time     `db:"updated_at"`
	Title     string        `db:"title"`
	Text      string        `db:"text"`
	Listed    pq.Int64Array `db:"listed"`
}

const offerSkillTextSQL = `SELECT o.id, o.updated_at, o.title,
		concat_ws(' ', o.title, o.long_title, o.mission, o.profile, o.criteria->>'diplome',
			(SELECT string_agg(s, ' ') FROM jsonb_array_elements_text(coalesce(o.criteria->'competences_requises', '[]')) s)) AS text,
		ARRAY(SELECT competence_id FROM offer_competences oc WHERE oc.offer_id = o.id ORDER BY competence_id) AS listed
	FROM offers o`

// titleSkills is the skills an offer's title names.
func titleSkills(t offerSkillText, skills *SkillMatcher) []int64 {
	ids := []int64{} // never NULL in SQL
	for _, h := range skills.Find(t.Title) {
		ids = append(ids, h.ID)
	}
	return ids
}

// offerSkills is the skills an offer lists and those its text names.
func offerSkills(t offerSkillText, skills *SkillMatcher) []int64 {
	seen := map[int64]bool{}
	ids := []int64{} // never NULL in SQL
	for _, id := range t.Listed {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, h := range skills.Find(t.Text) {
		if !seen[h.ID] {
			seen[h.ID] = true
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// freshSkills finds again the skills of the stale rows, in the process.
func (s *Store) freshSkills(ctx context.Context, rows []matchRow, skills *SkillMatcher) error {
	var stale []int64
	at := map[int64]int{}
	for i, r := range rows {
		if r.Stale {
			stale = append(stale, r.ID)
			at[r.ID] = i
		}
	}
	if len(stale) == 0 {
		return nil
	}
	var texts []offerSkillText
	if err := s.db.SelectContext(ctx, &texts, offerSkillTextSQL+` WHERE o.id = ANY($1)`, pq.Array(stale)); err != nil {
		return wrap("MatchOffers skills", err)
	}
	for _, t := range texts {
		rows[at[t.ID]].SkillIDs = offerSkills(t, skills)
		rows[at[t.ID]].TitleIDs = titleSkills(t, skills)
	}
	return nil
}

// RefreshOfferMatches finds the skills of up to limit published offers
// whose offer_match row is missing or older than their last save or than
// the referential, and says how many it did.
func (s *Store) RefreshOfferMatches(ctx context.Context, skills *SkillMatcher, limit int) (int, error) {
	version := skills.Version()
	n := 0
	err := s.inTx(ctx, "RefreshOfferMatches", func(tx *sqlx.Tx) error {
		var texts []offerSkillText
		if err := tx.SelectContext(ctx, &texts, offerSkillTextSQL+`
			LEFT JOIN offer_match m ON m.offer_id = o.id
			WHERE o.status = 'published' AND (m.offer_id IS NULL OR m.skills_for IS DISTINCT FROM o.updated_at OR m.version <> $1)
			ORDER BY m.offer_id IS NULL DESC, o.updated_at DESC LIMIT $2 FOR UPDATE OF o SKIP LOCKED`, version, limit); err != nil {
			return err
		}
		for _, t := range texts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO offer_match (offer_id, skill_ids, title_skill_ids, version, computed_at, skills_for)
				VALUES ($1, $2, $3, $4, now(), $5) ON CONFLICT (offer_id) DO UPDATE
				SET skill_ids = excluded.skill_ids, title_skill_ids = excluded.title_skill_ids,
					version = excluded.version, computed_at = excluded.computed_at, skills_for = excluded.skills_for`,
				t.ID, pq.Array(offerSkills(t, skills)), pq.Array(titleSkills(t, skills)), version, t.UpdatedAt); err != nil {
				return err
			}
		}
		n = len(texts)
		return nil
	})
	return n, err
}

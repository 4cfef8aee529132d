package vivier

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// Possible duplicate candidates. A candidate is one per email, so the same
// person applying with two addresses makes two candidates; within one
// administration's applications, two candidates with the same name (case
// ignored) and the same phone number (digits and + only) are flagged.
//
// Candidates are platform-wide rows that several administrations share,
// and a merge moves every application of the candidate removed. So a merge
// is offered only when it is safe for one administration to decide it:
// both candidates have applications in this administration and in no other,
// neither is erased, and they did not both apply to one offer (one
// application per offer and candidate). Otherwise the pair is still listed,
// with the reason why it cannot be merged here: an administration must not
// move, nor make visible to itself, what a candidate sent to another.
//
// The merge keeps the older candidate (the one with the first application):
// the other's applications (with their events, files and messages, which
// follow their application) and pool invitations move to it, its phone
// fills the kept one's if empty, the removed row is deleted with its
// tracking links (a merge decided on a name and a phone must not open the
// kept person's space to whoever holds the other address: the person follows
// everything from the kept address's link),
// and the audit log records both ids (not the addresses: the log outlives
// an erasure).

// DuplicatePair is two candidates who look like the same person.
type DuplicatePair struct {
	Keep, Other DuplicateSide
	Blocked     string // why the merge is not offered; empty when it is
}

// DuplicateSide is one candidate of a pair.
type DuplicateSide struct {
	ID           int64     `db:"id"`
	FirstName    string    `db:"first_name"`
	LastName     string    `db:"last_name"`
	Email        string    `db:"email"`
	Phone        string    `db:"phone"`
	Applications int       `db:"applications"` // in this administration
	Elsewhere    int       `db:"elsewhere"`    // in other administrations
	SameOffer    bool      `db:"-"`            // both applied to one offer
	FirstAt      time.Time `db:"first_at"`     // the older is kept
}

// Duplicates lists the possible duplicates among the administration's
// candidates.
func (s *Store) Duplicates(ctx context.Context, adminID int64) ([]DuplicatePair, error) {
	var rows []struct {
		K         DuplicateSide `db:"k"`
		O         DuplicateSide `db:"o"`
		SameOffer bool          `db:"same_offer"`
	}
	side := func(p string) string {
		return p + `.id AS "` + p + `.id", ` + p + `.first_name AS "` + p + `.first_name", ` + p + `.last_name AS "` + p + `.last_name", ` +
			`coalesce(` + p + `.email::text, '') AS "` + p + `.email", ` + p + `.phone AS "` + p + `.phone", ` +
			`(SELECT count(*) FROM applications a WHERE a.candidate_id = ` + p + `.id AND a.administration_id = $1) AS "` + p + `.applications", ` +
			`(SELECT count(*) FROM applications a WHERE a.candidate_id = ` + p + `.id AND a.administration_id <> $1) AS "` + p + `.elsewhere", ` +
			`(SELECT min(a.created_at) FROM applications a WHERE a.candidate_id = ` + p + `.id) AS "` + p + `.first_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `WITH mine AS (
			SELECT DISTINCT c.id, c.first_name, c.last_name, c.email, c.phone,
				lower(c.first_name || ' ' || c.last_name) AS nname, regexp_replace(c.phone, '[^0-9+]', '', 'g') AS nphone
			FROM candidates c JOIN applications a ON a.candidate_id = c.id
			WHERE a.administration_id = $1 AND c.erased_at IS NULL AND c.phone <> '')
		SELECT `+side("k")+`, `+side("o")+`,
			EXISTS (SELECT 1 FROM applications x JOIN applications y ON y.offer_id = x.offer_id
				WHERE x.candidate_id = k.id AND y.candidate_id = o.id) AS same_offer
		FROM mine k JOIN mine o ON o.nname = k.nname AND o.nphone = k.nphone AND o.id > k.id
		ORDER BY k.last_name, k.first_name, k.id, o.id LIMIT 500`, adminID)
	if err != nil {
		return nil, wrap("Duplicates", err)
	}
	out := make([]DuplicatePair, len(rows))
	for i, r := range rows {
		k, o := r.K, r.O
		if o.FirstAt.Before(k.FirstAt) {
			k, o = o, k
		}
		p := DuplicatePair{Keep: k, Other: o}
		switch {
		case k.Elsewhere > 0 || o.Elsewhere > 0:
			p.Blocked = "L'une des deux fiches a aussi postulé auprès d'une autre administration : seule la plateforme peut les fusionner."
		case r.SameOffer:
			p.Blocked = "Les deux fiches ont postulé à la même offre : traitez l'une des deux candidatures en doublon (motif « Candidature en doublon »), sans fusion."
		}
		out[i] = p
	}
	return out, nil
}

// MergeCandidates merges the candidate other into keep, both candidates of
// the administration, when Duplicates would offer it.
func (s *Store) MergeCandidates(ctx context.Context, adminID, keepID, otherID int64, actor Actor) error {
	if keepID == otherID {
		return Errorf(EINVALID, "Choisissez deux fiches différentes à fusionner.")
	}
	return s.inTx(ctx, "MergeCandidates", func(tx *sqlx.Tx) error {
		var cands []Candidate
		if err := tx.SelectContext(ctx, &cands, `SELECT id, email, civility, first_name, last_name, phone, created_at, erased_at
			FROM candidates WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, keepID, otherID); err != nil {
			return err
		}
		var counts struct {
			Here      int  `db:"here"`
			Elsewhere int  `db:"elsewhere"`
			Keep      int  `db:"keep"`
			SameOffer bool `db:"same_offer"`
			Matches   bool `db:"matches"`
		}
		if err := tx.GetContext(ctx, &counts, `SELECT
				count(*) FILTER (WHERE administration_id = $1 AND candidate_id = $3) AS here,
				count(*) FILTER (WHERE administration_id <> $1) AS elsewhere,
				count(*) FILTER (WHERE administration_id = $1 AND candidate_id = $2) AS keep,
				EXISTS (SELECT 1 FROM applications x JOIN applications y ON y.offer_id = x.offer_id
					WHERE x.candidate_id = $2 AND y.candidate_id = $3) AS same_offer,
				(SELECT count(DISTINCT (lower(first_name || ' ' || last_name), regexp_replace(phone, '[^0-9+]', '', 'g'))) = 1
					FROM candidates WHERE id IN ($2, $3) AND phone <> '') AS matches
			FROM applications WHERE candidate_id IN ($2, $3)`, adminID, keepID, otherID); err != nil {
			return err
		}
		// Not found alike: a candidate of another administration, erased,
		// or that does not look like the other.
		if len(cands) != 2 || cands[0].ErasedAt != nil || cands[1].ErasedAt != nil || counts.Here == 0 || counts.Keep == 0 || !counts.Matches {
			return Errorf(ENOTFOUND, "Ces deux fiches ne sont pas des doublons possibles parmi les candidatures de votre administration.")
		}
		if counts.Elsewhere > 0 {
			return Errorf(ECONFLICT, "L'une des deux fiches a aussi postulé auprès d'une autre administration : seule la plateforme peut les fusionner.")
		}
		if counts.SameOffer {
			return Errorf(ECONFLICT, "Les deux fiches ont postulé à la même offre : la fusion n'est pas possible.")
		}
		keep, other := cands[0], cands[1]
		if keep.ID != keepID {
			keep, other = other, keep
		}
		stmts := []string{
			`UPDATE applications SET candidate_id = $1, updated_at = now() WHERE candidate_id = $2`,
			`DELETE FROM pool_invitations o WHERE o.candidate_id = $2
				AND EXISTS (SELECT 1 FROM pool_invitations k WHERE k.candidate_id = $1 AND k.offer_id = o.offer_id)`,
			`UPDATE pool_invitations SET candidate_id = $1 WHERE candidate_id = $2`,
			`UPDATE candidates k SET phone = CASE WHEN k.phone = '' THEN o.phone ELSE k.phone END, updated_at = now()
				FROM candidates o WHERE k.id = $1 AND o.id = $2`,
			`DELETE FROM candidates WHERE id = $2 AND id <> $1`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, keep.ID, other.ID); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "candidate.merged", keep.FirstName+" "+keep.LastName, map[string]string{
			"fiche conservée": strconv.FormatInt(keep.ID, 10), "fiche fusionnée": strconv.FormatInt(other.ID, 10),
			"candidatures déplacées": strconv.Itoa(counts.Here)})
	})
}

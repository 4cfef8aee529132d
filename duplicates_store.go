package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const mergeFrom = `FROM candidate_merges m JOIN administrations ad ON ad.id = m.administration_id
	JOIN candidates k ON k.id = m.keep_id JOIN candidates o ON o.id = m.other_id`

// duplicateMatches finds the pairs of the administration's candidates whose
// applications here match, with what matched. A name is compared lowercased
// with its spaces collapsed; a phone is E.164 since the form checks it.
const duplicateMatches = `WITH sent AS (
		SELECT a.candidate_id, regexp_replace(lower(trim(a.first_name || ' ' || a.last_name)), '\s+', ' ', 'g') AS nname,
			regexp_replace(a.phone, '[^0-9+]', '', 'g') AS nphone
		FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE a.administration_id = $1 AND a.category <> 'anonymisee' AND c.erased_at IS NULL AND NOT identity_masked(a)),
	cvs AS (
		SELECT DISTINCT a.candidate_id, regexp_replace(lower(trim(a.first_name || ' ' || a.last_name)), '\s+', ' ', 'g') AS nname,
			f.sha256, CASE WHEN length(f.text) >= 200 THEN md5(f.text) END AS text_md5
		FROM application_files f JOIN applications a ON a.id = f.application_id JOIN candidates c ON c.id = a.candidate_id
		WHERE a.administration_id = $1 AND f.kind = 'cv' AND f.deleted_at IS NULL AND a.category <> 'anonymisee' AND c.erased_at IS NULL AND NOT identity_masked(a)),
	pairs AS (
		SELECT DISTINCT x.candidate_id AS a, y.candidate_id AS b, 'le nom et le téléphone' AS why
		FROM sent x JOIN sent y ON y.nname = x.nname AND y.nphone = x.nphone AND y.candidate_id > x.candidate_id
		WHERE x.nphone <> ''
		UNION SELECT DISTINCT x.candidate_id, y.candidate_id, 'le nom et le même CV'
		FROM cvs x JOIN cvs y ON y.candidate_id > x.candidate_id AND y.nname = x.nname
			AND (y.sha256 = x.sha256 OR y.text_md5 = x.text_md5))
	SELECT a, b, array_agg(why ORDER BY why) AS matched FROM pairs GROUP BY a, b`

// sameOfferHere says whether candidates a and b applied to one offer of
// the administration adm (SQL expressions): whether they did elsewhere is not
// this administration's to know (the merge itself refuses it, to the person).
func sameOfferHere(a, b, adm string) string {
	return `EXISTS (SELECT 1 FROM applications x JOIN applications y ON y.offer_id = x.offer_id
		WHERE x.candidate_id = ` + a + ` AND y.candidate_id = ` + b + ` AND x.administration_id = ` + adm + `)`
}

// Duplicates lists the possible duplicates among the administration's
// candidates: the pairs, each side as this administration knows it, whether
// they applied to one of its offers, and the latest request about the pair,
// in two queries.
func (s *Store) Duplicates(ctx context.Context, adminID int64) ([]DuplicatePair, error) {
	side := func(p, id string) string {
		return `LEFT JOIN LATERAL (SELECT c.id AS "` + p + `.id", l.first_name AS "` + p + `.first_name", l.last_name AS "` + p + `.last_name",
				coalesce(c.email::text, '') AS "` + p + `.email", l.phone AS "` + p + `.phone",
				count(*) OVER () AS "` + p + `.applications", min(l.created_at) OVER () AS "` + p + `.first_at"
			FROM candidates c JOIN applications l ON l.candidate_id = c.id
			WHERE c.id = d.` + id + ` AND l.administration_id = $1 AND l.category <> 'anonymisee' AND NOT identity_masked(l)
			ORDER BY l.created_at DESC, l.id DESC LIMIT 1) ` + p + ` ON true`
	}
	var rows []struct {
		A         DuplicateSide  `db:"a"`
		B         DuplicateSide  `db:"b"`
		Matched   pq.StringArray `db:"matched"`
		SameOffer bool           `db:"same_offer"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT a.*, b.*, d.matched, `+sameOfferHere("d.a", "d.b", "$1")+` AS same_offer
		FROM (`+duplicateMatches+` ORDER BY a, b LIMIT 500) d `+side("a", "a")+` `+side("b", "b")+`
		ORDER BY d.a, d.b`, adminID); err != nil {
		return nil, wrap("Duplicates", err)
	}
	var merges []CandidateMerge
	if err := s.db.SelectContext(ctx, &merges, `SELECT DISTINCT ON (least(m.keep_id, m.other_id), greatest(m.keep_id, m.other_id)) `+
		mergeColumns+` `+mergeFrom+` WHERE m.administration_id = $1
		ORDER BY least(m.keep_id, m.other_id), greatest(m.keep_id, m.other_id), m.created_at DESC, m.id DESC`, adminID); err != nil {
		return nil, wrap("Duplicates", err)
	}
	latest := map[[2]int64]*CandidateMerge{}
	for i, m := range merges {
		latest[[2]int64{min(m.KeepID, m.OtherID), max(m.KeepID, m.OtherID)}] = &merges[i]
	}
	out := make([]DuplicatePair, 0, len(rows))
	for _, r := range rows {
		p := DuplicatePair{Keep: r.A, Other: r.B, Matched: r.Matched, Merge: latest[[2]int64{r.A.ID, r.B.ID}]}
		if p.Other.FirstAt.Before(p.Keep.FirstAt) {
			p.Keep, p.Other = p.Other, p.Keep
		}
		switch {
		case r.SameOffer:
			p.Blocked = "Les deux adresses ont postulé à une même offre : traitez l'une des deux candidatures en doublon (motif « Candidature en doublon »), sans regroupement."
		case p.Merge != nil && p.Merge.Pending():
			p.Blocked = "Une demande de confirmation attend la réponse de la personne."
		}
		out = append(out, p)
	}
	return out, nil
}

// RequestMerge asks the person behind two of the administration's
// candidates to confirm, from each address, that they are one. keepID is
// the address that keeps the applications.
func (s *Store) RequestMerge(ctx context.Context, adminID, keepID, otherID int64, actor Actor) (int64, error) {
	if keepID == otherID {
		return 0, Errorf(EINVALID, "Choisissez deux fiches différentes.")
	}
	var id int64
	err := s.inTx(ctx, "RequestMerge", func(tx *sqlx.Tx) error {
		var matched pq.StringArray
		err := tx.GetContext(ctx, &matched, `SELECT matched FROM (`+duplicateMatches+`) d
			WHERE d.a = least($2::bigint, $3::bigint) AND d.b = greatest($2::bigint, $3::bigint)`, adminID, keepID, otherID)
		if errors.Is(err, sql.ErrNoRows) {
			// Not found alike: a candidate of another administration, erased,
			// or that does not look like the other.
			return Errorf(ENOTFOUND, "Ces deux fiches ne sont pas des doublons possibles parmi les candidatures de votre administration.")
		}
		if err != nil {
			return err
		}
		var sameOffer bool
		if err := tx.GetContext(ctx, &sameOffer, `SELECT `+sameOfferHere("$1", "$2", "$3"), keepID, otherID, adminID); err != nil {
			return err
		}
		if sameOffer {
			return Errorf(ECONFLICT, "Les deux adresses ont postulé à une même offre : le regroupement n'est pas possible.")
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO candidate_merges (administration_id, keep_id, other_id, matched, agent_email, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
			adminID, keepID, otherID, strings.Join(matched, ", "), actor.Email, s.now().Add(MergeLifetime))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ECONFLICT, "Une demande de confirmation attend déjà la réponse de cette personne.")
		}
		if err != nil {
			return err
		}
		for _, cand := range []int64{keepID, otherID} {
			msg, err := NewOutboxMessage(TaskMergeConfirm, "critical", MergeConfirmTask{MergeID: id, CandidateID: cand})
			if err != nil {
				return err
			}
			msg.AdministrationID = &adminID
			if err := insertOutbox(ctx, tx, &msg); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "candidate.merge_requested", "fiches "+strconv.FormatInt(keepID, 10)+" et "+
			strconv.FormatInt(otherID, 10), map[string]string{"fiche conservée": strconv.FormatInt(keepID, 10),
			"fiche regroupée": strconv.FormatInt(otherID, 10), "correspondance": strings.Join(matched, ", ")})
	})
	return id, err
}

// MergeByID returns a merge request, for the worker.
func (s *Store) MergeByID(ctx context.Context, id int64) (*CandidateMerge, error) {
	var m CandidateMerge
	err := s.db.GetContext(ctx, &m, `SELECT `+mergeColumns+` `+mergeFrom+` WHERE m.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Demande introuvable.")
	}
	return &m, wrap("MergeByID", err)
}

// PendingMerges lists the requests that wait for the candidate's answer.
func (s *Store) PendingMerges(ctx context.Context, candidateID int64, now time.Time) ([]CandidateMerge, error) {
	var out []CandidateMerge
	err := s.db.SelectContext(ctx, &out, `SELECT `+mergeColumns+` `+mergeFrom+`
		WHERE $1 IN (m.keep_id, m.other_id) AND m.outcome = 'en_attente' AND m.expires_at > $2 ORDER BY m.id`, candidateID, now)
	return out, wrap("PendingMerges", err)
}

// AnswerMerge records the answer of one address. A refusal from either ends
// the request; the second confirmation merges. It says whether the merge
// was done.
func (s *Store) AnswerMerge(ctx context.Context, candidateID, mergeID int64, confirm bool, now time.Time) (bool, error) {
	merged := false
	err := s.inTx(ctx, "AnswerMerge", func(tx *sqlx.Tx) error {
		var m CandidateMerge
		err := tx.GetContext(ctx, &m, `SELECT m.id, m.administration_id, m.keep_id, m.other_id, m.keep_confirmed_at, m.other_confirmed_at,
				m.outcome, m.expires_at, m.matched, m.created_at
			FROM candidate_merges m WHERE m.id = $1 AND $2 IN (m.keep_id, m.other_id) FOR UPDATE`, mergeID, candidateID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Demande introuvable.")
		}
		if err != nil {
			return err
		}
		if !m.Pending() || !now.Before(m.ExpiresAt) {
			return Errorf(ECONFLICT, "Cette demande n'attend plus de réponse : elle a expiré ou a déjà reçu sa réponse.")
		}
		if !confirm {
			_, err := tx.ExecContext(ctx, `UPDATE candidate_merges SET outcome = 'refusee', decided_at = $2 WHERE id = $1`, m.ID, now)
			return err
		}
		col := "other_confirmed_at"
		if candidateID == m.KeepID {
			col = "keep_confirmed_at"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidate_merges SET `+col+` = $2 WHERE id = $1`, m.ID, now); err != nil {
			return err
		}
		if (candidateID == m.KeepID && m.OtherConfirmedAt == nil) || (candidateID == m.OtherID && m.KeepConfirmedAt == nil) {
			return nil // waits for the other address
		}
		merged = true
		return mergeCandidates(ctx, tx, &m, now)
	})
	return merged, err
}

// mergeCandidates moves the other address's applications and invitations
// to the kept one, once both addresses confirmed.
func mergeCandidates(ctx context.Context, tx *sqlx.Tx, m *CandidateMerge, now time.Time) error {
	var moved []struct {
		ID               int64 `db:"id"`
		AdministrationID int64 `db:"administration_id"`
	}
	if err := tx.SelectContext(ctx, &moved, `SELECT id, administration_id FROM applications WHERE candidate_id = $1 ORDER BY id FOR UPDATE`,
		m.OtherID); err != nil {
		return err
	}
	keepOther := []any{m.KeepID, m.OtherID}
	stmts := []struct {
		q    string
		args []any
	}{
		{`UPDATE applications SET candidate_id = $1, updated_at = now() WHERE candidate_id = $2`, keepOther},
		{`DELETE FROM pool_invitations o WHERE o.candidate_id = $2
			AND EXISTS (SELECT 1 FROM pool_invitations k WHERE k.candidate_id = $1 AND k.offer_id = o.offer_id)`, keepOther},
		{`UPDATE pool_invitations SET candidate_id = $1 WHERE candidate_id = $2`, keepOther},
		{`UPDATE tracking_links SET revoked_at = now() WHERE candidate_id = $1 AND revoked_at IS NULL`, []any{m.OtherID}},
		{`UPDATE candidate_merges SET outcome = 'fusionnee', decided_at = now() WHERE id = $1`, []any{m.ID}},
		// Other requests about either address are moot: the person answered.
		{`UPDATE candidate_merges SET outcome = 'annulee', decided_at = now() WHERE outcome = 'en_attente' AND id <> $3
			AND (keep_id IN ($1, $2) OR other_id IN ($1, $2))`, append(keepOther[:2:2], m.ID)},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			var pe *pq.Error
			if errors.As(err, &pe) && pe.Constraint == "applications_once_per_offer" {
				return Errorf(ECONFLICT, "Vos deux adresses ont postulé à une même offre : vos candidatures ne peuvent pas être regroupées.")
			}
			return err
		}
	}
	admins := map[int64]int{}
	for _, a := range moved {
		admins[a.AdministrationID]++
		if err := insertNote(ctx, tx, a.ID, now, "candidat·e",
			"Regroupée avec une autre adresse de la même personne, confirmée depuis les deux adresses"); err != nil {
			return err
		}
	}
	for adm, n := range admins {
		if err := insertAudit(ctx, tx, &adm, Actor{Email: "candidat·e"}, "candidate.merged", "fiches "+strconv.FormatInt(m.KeepID, 10)+
			" et "+strconv.FormatInt(m.OtherID, 10), map[string]string{"fiche conservée": strconv.FormatInt(m.KeepID, 10),
			"fiche regroupée": strconv.FormatInt(m.OtherID, 10), "candidatures déplacées": strconv.Itoa(n)}); err != nil {
			return err
		}
	}
	return nil
}

// ExpireMerges ends the requests past their lifetime, and returns how many.
func (s *Store) ExpireMerges(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE candidate_merges SET outcome = 'expiree', decided_at = $1
		WHERE outcome = 'en_attente' AND expires_at <= $1`, now)
	if err != nil {
		return 0, wrap("ExpireMerges", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

package vivier

import "context"

// The board: an offer's applications by step. Every query takes the
// administration id.

// BoardCards returns, per step, the most recent applications of an offer.
func (s *Store) BoardCards(ctx context.Context, adminID, offerID int64, perStep int, sc Scope) (map[int64][]PipelineRow, error) {
	var rows []PipelineRow
	// One index range per step (offer_id, stage_id, created_at), rather than
	// ranking every application of the offer.
	err := s.db.SelectContext(ctx, &rows, `
		SELECT x.id, x.category, x.stage_id, st.name AS stage_name, x.first_name, x.last_name, c.email,
			(c.erased_at IS NOT NULL OR x.category = 'anonymisee') AS erased, x.source, x.created_at, 0 AS total
		FROM pipeline_steps st CROSS JOIN LATERAL (
			SELECT a.id, a.category, a.stage_id, a.candidate_id, a.first_name, a.last_name, a.source, a.created_at FROM applications a
			WHERE a.offer_id = $2 AND a.stage_id = st.id AND a.administration_id = $1 AND `+scopeSQL(4, 1)+`
			ORDER BY a.created_at DESC, a.id DESC LIMIT $3) x
		JOIN candidates c ON c.id = x.candidate_id
		WHERE st.administration_id = $1 ORDER BY x.created_at DESC, x.id DESC`, adminID, offerID, perStep, sc.AssignedTo)
	out := map[int64][]PipelineRow{}
	for _, r := range rows {
		out[*r.StageID] = append(out[*r.StageID], r)
	}
	return out, wrap("BoardCards", err)
}

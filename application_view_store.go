package vivier

import "context"

// ApplicationFileTexts returns the text extracted from each file of an
// application at upload, by file id: the application view shows it beside
// the PDF viewer (for screen readers) and instead of the formats a browser
// does not show.
func (s *Store) ApplicationFileTexts(ctx context.Context, adminID, appID int64) (map[int64]string, error) {
	var rows []struct {
		ID   int64  `db:"id"`
		Text string `db:"text"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT f.id, f.text FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE f.application_id = $1 AND a.administration_id = $2 AND f.deleted_at IS NULL`, appID, adminID)
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Text
	}
	return out, wrap("ApplicationFileTexts", err)
}

package jobs

import (
	"context"
	"strconv"

	"vivier"
)

// The email to agents that a note mentions. It names who wrote and where,
// and links to the application; the note itself stays in the back-office,
// which checks who may read it. Each agent is mailed once per note,
// whatever the retries: the key is the note's, not the task's.

func (w *Worker) handleNoteMention(ctx context.Context, p vivier.NoteMentionTask) error {
	m, err := w.store.NoteMentionByID(ctx, p.NoteID)
	if err != nil {
		return err // ENOTFOUND: erased with its application meanwhile
	}
	data := map[string]any{"M": m, "URL": w.cfg.BaseURL + "/admin/" + m.AdminSlug + "/candidatures/" +
		strconv.FormatInt(m.ApplicationID, 10) + "#notes"}
	for _, ag := range m.Agents {
		key := vivier.TaskNoteMention + ":" + strconv.FormatInt(m.NoteID, 10) + ":" + strconv.FormatInt(ag.ID, 10)
		if _, err := w.sendTemplate(ctx, key, "note_mention", ag.Email, &m.AdminID, data); err != nil {
			return err // those sent are recorded: a retry skips them
		}
	}
	return nil
}

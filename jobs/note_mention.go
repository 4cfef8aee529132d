package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hibiken/asynq"

	"vivier"
)

// The email to agents that a note mentions. It names who wrote and where,
// and links to the application; the note itself stays in the back-office,
// which checks who may read it. Each agent is mailed once per note,
// whatever the retries: the key is the note's, not the task's.

func (w *Worker) handleNoteMention(ctx context.Context, t *asynq.Task) error {
	var p vivier.NoteMentionTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.NoteID == 0 {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	m, err := w.store.NoteMentionByID(ctx, p.NoteID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil // erased with its application meanwhile
	}
	if err != nil {
		return err
	}
	data := map[string]any{"M": m, "URL": w.cfg.BaseURL + "/admin/" + m.AdminSlug + "/candidatures/" +
		strconv.FormatInt(m.ApplicationID, 10) + "#notes"}
	for _, ag := range m.Agents {
		key := t.Type() + ":" + strconv.FormatInt(m.NoteID, 10) + ":" + strconv.FormatInt(ag.ID, 10)
		if _, err := w.sendTemplate(ctx, key, "note_mention", ag.Email, &m.AdminID, data); err != nil {
			return err // those sent are recorded: a retry skips them
		}
	}
	return nil
}

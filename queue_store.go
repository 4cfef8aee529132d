package vivier

import (
	"context"
	"strconv"
	"strings"
)

// The conditions of "Ma file"'s filters, the directions an administration's
// lists take in, and the mentions an agent has seen.

// queueConditions adds to pipelineConditions the filters about what waits:
// inAdm states the tenant of a subquery's table, arg adds a parameter.
func queueConditions(f PipelineFilter, inAdm func(col string) string, arg func(any) string) []string {
	var where []string
	if f.Pending || f.DueSoon {
		where = append(where, pendingSQL)
	}
	if f.Mentioned {
		where = append(where, `a.id IN (SELECT n.application_id FROM note_mentions m JOIN application_notes n ON n.id = m.note_id
			WHERE m.agent_id = `+arg(f.Me)+` AND m.seen_at IS NULL AND `+inAdm("n.administration_id")+`)`)
	}
	if f.UnreadMessages {
		// A candidate's message that no recruiter's came after. Found from
		// the messages (few) rather than probed for every application.
		where = append(where, `a.id IN (SELECT m.application_id FROM application_messages m
			JOIN applications x ON x.id = m.application_id AND `+inAdm("x.administration_id")+`
			WHERE m.from_candidate AND NOT EXISTS (SELECT 1 FROM application_messages r
				WHERE r.application_id = m.application_id AND NOT r.from_candidate AND (r.created_at, r.id) > (m.created_at, m.id)))`)
	}
	if f.ToConfirm {
		// Waiting for the candidate's answer, or for another slot they asked.
		where = append(where, `EXISTS (SELECT 1 FROM interviews i WHERE i.application_id = a.id
			AND i.status IN ('propose', 'autre_creneau') AND `+inAdm("i.administration_id")+`)`)
	}
	if f.DueSoon {
		// Not past the promise yet (the dashboard's overdue block has
		// those). Each administration's promise is a range of creation
		// dates, read on the (administration, created_at) index.
		where = append(where, `a.id IN (SELECT x.id FROM administrations d JOIN applications x ON x.administration_id = d.id
			AND x.created_at >= now() - make_interval(days => d.response_days)
			AND x.created_at < now() - make_interval(days => d.response_days) + make_interval(days => `+strconv.Itoa(DueSoonDays)+`)
			WHERE `+inAdm("d.id")+`)`)
	}
	return where
}

// Subtree returns an administration and its directions at any depth, the
// administration first, then by name; a suspended direction and what is
// under it are left out, since their pages refuse the agents.
func (s *Store) Subtree(ctx context.Context, adminID int64) ([]Administration, error) {
	var out []Administration
	err := s.db.SelectContext(ctx, &out, `WITH RECURSIVE tree AS (
			SELECT id, 0 AS depth FROM administrations WHERE id = $1
			UNION ALL
			SELECT c.id, t.depth + 1 FROM administrations c JOIN tree t ON c.parent_id = t.id
			WHERE c.status <> 'suspended' AND t.depth < 32)
		SELECT `+administrationColumns+` FROM administrations WHERE id IN (SELECT id FROM tree)
		ORDER BY id <> $1, name, id`, adminID)
	return out, wrap("Subtree", err)
}

// QueueCounts counts, for each kind, the applications of the list that f
// describes (scope, administrations) that wait for agent me.
func (s *Store) QueueCounts(ctx context.Context, adminID int64, f PipelineFilter, me int64) ([]QueueCount, error) {
	out := make([]QueueCount, 0, len(QueueKinds))
	for _, k := range QueueKinds {
		where, args := pipelineConditions(adminID, 0, k.Filter(f, me))
		var n int
		if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM applications a WHERE `+strings.Join(where, " AND "), args...); err != nil {
			return nil, wrap("QueueCounts", err)
		}
		out = append(out, QueueCount{Kind: k, N: n})
	}
	return out, nil
}

// MarkMentionsSeen records that the agent saw the notes of an application of
// the administration that mention them.
func (s *Store) MarkMentionsSeen(ctx context.Context, adminID, appID, agentID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE note_mentions m SET seen_at = now() FROM application_notes n
		WHERE n.id = m.note_id AND n.application_id = $1 AND n.administration_id = $2 AND m.agent_id = $3 AND m.seen_at IS NULL`,
		appID, adminID, agentID)
	return wrap("MarkMentionsSeen", err)
}

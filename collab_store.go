package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The queries of recruiters' collaboration. Each takes the administration
// id; those that read or write one application first check that it is the
// administration's and, for a jury member, assigned to them.

// readerRoles are the roles of policy.csv that read applications (all of
// them, or those assigned): a brand editor is neither mentioned nor
// assigned, since the link would lead them nowhere.
const readerRoles = `('admin', 'recruteur', 'lecteur', 'membre_jury')`

// Members lists the active agents holding, in the administration, a role
// that reads applications.
func (s *Store) Members(ctx context.Context, adminID int64) ([]Member, error) {
	return members(ctx, s.db, adminID)
}

func members(ctx context.Context, q sqlx.QueryerContext, adminID int64) ([]Member, error) {
	var out []Member
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT a.id, a.email, a.first_name, a.last_name, bool_and(r.v1 = 'membre_jury') AS jury_only
		FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
		WHERE r.ptype = 'g' AND r.v2 = $1 AND a.status = 'active' AND r.v1 IN `+readerRoles+`
		GROUP BY a.id ORDER BY a.last_name, a.first_name, a.email`, AdministrationDomain(adminID))
	return out, wrap("Members", err)
}

// Notes lists an application's notes, oldest first.
func (s *Store) Notes(ctx context.Context, adminID, appID int64) ([]Note, error) {
	var out []Note
	err := s.db.SelectContext(ctx, &out, `
		SELECT n.id, n.author_email, coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), n.author_email) AS author_name,
			n.body, n.created_at
		FROM application_notes n LEFT JOIN agents ag ON ag.id = n.author_id
		WHERE n.application_id = $1 AND n.administration_id = $2 ORDER BY n.created_at, n.id`, appID, adminID)
	return out, wrap("Notes", err)
}

// AddNote writes a note and, when it mentions agents of the
// administration, the task that emails them, in the same transaction. A
// jury member mentioned is told only about an application assigned to
// them: the link would lead them nowhere otherwise.
func (s *Store) AddNote(ctx context.Context, adminID, appID int64, body string, sc Scope, actor Actor) (*Note, []Member, error) {
	body, err := CheckNote(body)
	if err != nil {
		return nil, nil, err
	}
	n := &Note{AuthorEmail: actor.Email, Body: body}
	var told []Member
	err = s.inTx(ctx, "AddNote", func(tx *sqlx.Tx) error {
		if err := inScope(ctx, tx, adminID, appID, sc); err != nil {
			return err
		}
		var author *int64
		if actor.AgentID != 0 {
			author = &actor.AgentID
		}
		if err := tx.QueryRowxContext(ctx, `INSERT INTO application_notes (administration_id, application_id, author_id, author_email, body)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`, adminID, appID, author, actor.Email, body).Scan(&n.ID, &n.CreatedAt); err != nil {
			return err
		}
		ms, err := members(ctx, tx, adminID)
		if err != nil {
			return err
		}
		for _, m := range Mentions(body, ms) {
			if m.ID == actor.AgentID {
				continue
			}
			if m.JuryOnly && inScope(ctx, tx, adminID, appID, Scope{AssignedTo: m.ID}) != nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO note_mentions (note_id, agent_id) VALUES ($1, $2)`, n.ID, m.ID); err != nil {
				return err
			}
			told = append(told, m)
		}
		if len(told) == 0 {
			return nil
		}
		msg, err := NewOutboxMessage(TaskNoteMention, "default", NoteMentionTask{NoteID: n.ID})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		return insertOutbox(ctx, tx, &msg)
	})
	if err != nil {
		return nil, nil, err
	}
	return n, told, nil
}

// NoteMention is what a mention email says.
type NoteMention struct {
	NoteID        int64   `db:"note_id"`
	ApplicationID int64   `db:"application_id"`
	AdminSlug     string  `db:"administration_slug"`
	AdminID       int64   `db:"administration_id"`
	AdminName     string  `db:"administration_name"`
	Author        string  `db:"author"`
	OfferTitle    *string `db:"offer_title"`
	Agents        []Agent `db:"-"`
}

// NoteMentionByID returns a note's mention, with the agents still active
// to tell; ENOTFOUND once the note is gone (erased with its application).
func (s *Store) NoteMentionByID(ctx context.Context, noteID int64) (*NoteMention, error) {
	var m NoteMention
	err := s.db.GetContext(ctx, &m, `
		SELECT n.id AS note_id, n.application_id, d.slug AS administration_slug, d.id AS administration_id, d.name AS administration_name,
			coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), n.author_email) AS author, o.title AS offer_title
		FROM application_notes n JOIN applications a ON a.id = n.application_id AND a.administration_id = n.administration_id
		JOIN administrations d ON d.id = n.administration_id LEFT JOIN agents ag ON ag.id = n.author_id
		LEFT JOIN offers o ON o.id = a.offer_id WHERE n.id = $1`, noteID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Note introuvable.")
	}
	if err != nil {
		return nil, wrap("NoteMentionByID", err)
	}
	err = s.db.SelectContext(ctx, &m.Agents, `SELECT a.id, a.email, a.first_name, a.last_name, a.password_hash, a.status,
			a.last_login_at, a.created_at, a.updated_at
		FROM note_mentions nm JOIN agents a ON a.id = nm.agent_id WHERE nm.note_id = $1 AND a.status = 'active' ORDER BY a.id`, noteID)
	return &m, wrap("NoteMentionByID", err)
}

// RatingsOf returns an application's ratings as the agent may see them:
// blind marks a jury member, who sees the others' once they have rated.
func (s *Store) RatingsOf(ctx context.Context, adminID, appID, agentID int64, blind bool) (Ratings, error) {
	var all []Rating
	err := s.db.SelectContext(ctx, &all, `
		SELECT r.agent_id, ag.email, coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), ag.email) AS name,
			r.score, r.comment, r.rated_at, r.agent_id = $3 AS mine
		FROM application_ratings r JOIN agents ag ON ag.id = r.agent_id
		WHERE r.application_id = $1 AND r.administration_id = $2 ORDER BY r.rated_at, r.agent_id`, appID, adminID, agentID)
	if err != nil {
		return Ratings{}, wrap("RatingsOf", err)
	}
	var out Ratings
	sum := 0
	for i := range all {
		if all[i].Mine {
			out.Mine = &all[i]
		} else {
			out.Others = append(out.Others, all[i])
		}
		sum += all[i].Score
	}
	if blind && out.Mine == nil {
		return Ratings{Hidden: len(all) > 0}, nil
	}
	out.Count = len(all)
	if out.Count > 0 {
		out.Average = float64(sum) / float64(out.Count)
	}
	return out, nil
}

// Rate records the agent's rating of an application, replacing theirs:
// only its assigned reviewers rate it.
func (s *Store) Rate(ctx context.Context, adminID, appID int64, score int, comment string, actor Actor) error {
	if score < 1 || score > 4 {
		return FieldError("score", "Choisissez une note de 1 à 4.")
	}
	if len([]rune(comment)) > 2000 {
		return FieldError("comment", "Le commentaire compte au plus 2 000 caractères.")
	}
	return s.inTx(ctx, "Rate", func(tx *sqlx.Tx) error {
		if err := inScope(ctx, tx, adminID, appID, Scope{}); err != nil {
			return err
		}
		if err := inScope(ctx, tx, adminID, appID, Scope{AssignedTo: actor.AgentID}); err != nil {
			return Errorf(EFORBIDDEN, "Seules les personnes assignées à cette candidature la notent : assignez-vous-la d'abord.")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO application_ratings (application_id, agent_id, administration_id, score, comment)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id, agent_id)
			DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, rated_at = now()`,
			appID, actor.AgentID, adminID, score, comment)
		return err
	})
}

// Tags lists the administration's tags.
func (s *Store) Tags(ctx context.Context, adminID int64) ([]Tag, error) {
	var out []Tag
	err := s.db.SelectContext(ctx, &out, `SELECT id, label FROM tags WHERE administration_id = $1 ORDER BY lower(label), id`, adminID)
	return out, wrap("Tags", err)
}

// TagsOf lists an application's tags.
func (s *Store) TagsOf(ctx context.Context, adminID, appID int64) ([]Tag, error) {
	var out []Tag
	err := s.db.SelectContext(ctx, &out, `SELECT t.id, t.label FROM application_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.application_id = $1 AND x.administration_id = $2 ORDER BY lower(t.label), t.id`, appID, adminID)
	return out, wrap("TagsOf", err)
}

// AddTag puts a label on applications of the administration, creating the
// label the first time. Ids of another administration are ignored; it
// returns how many applications got the label.
func (s *Store) AddTag(ctx context.Context, adminID int64, ids []int64, label string) (int, error) {
	label, err := CheckTag(label)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, FieldError("ids", "Cochez au moins une candidature.")
	}
	var n int64
	err = s.inTx(ctx, "AddTag", func(tx *sqlx.Tx) error {
		var tagID int64
		if err := tx.GetContext(ctx, &tagID, `INSERT INTO tags (administration_id, label) VALUES ($1, $2)
			ON CONFLICT (administration_id, label) DO UPDATE SET label = tags.label RETURNING id`, adminID, label); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO application_tags (application_id, tag_id, administration_id)
			SELECT a.id, $3, a.administration_id FROM applications a WHERE a.id = ANY($1) AND a.administration_id = $2
			ON CONFLICT DO NOTHING`, pq.Array(ids), adminID, tagID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// RemoveTag takes a label off an application of the administration.
func (s *Store) RemoveTag(ctx context.Context, adminID, appID, tagID int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM application_tags WHERE application_id = $1 AND tag_id = $2 AND administration_id = $3`,
		appID, tagID, adminID)
	if err != nil {
		return wrap("RemoveTag", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(ENOTFOUND, "Cette étiquette n'est pas sur la candidature.")
	}
	return nil
}

// Assignee is a reviewer assigned to an application.
type Assignee struct {
	Member
	AssignedBy string    `db:"assigned_by"`
	AssignedAt time.Time `db:"assigned_at"`
}

// AssigneesOf lists an application's reviewers.
func (s *Store) AssigneesOf(ctx context.Context, adminID, appID int64) ([]Assignee, error) {
	var out []Assignee
	err := s.db.SelectContext(ctx, &out, `SELECT ag.id, ag.email, ag.first_name, ag.last_name, false AS jury_only, x.assigned_by, x.assigned_at
		FROM application_assignees x JOIN agents ag ON ag.id = x.agent_id
		WHERE x.application_id = $1 AND x.administration_id = $2 ORDER BY ag.last_name, ag.first_name, ag.email`, appID, adminID)
	return out, wrap("AssigneesOf", err)
}

// Assign makes an agent of the administration a reviewer of applications
// of the administration (ids of another one are ignored), and returns how
// many were newly assigned. It changes what a jury member may read, so it
// is audited.
func (s *Store) Assign(ctx context.Context, adminID int64, ids []int64, agentID int64, actor Actor) (int, error) {
	if len(ids) == 0 {
		return 0, FieldError("ids", "Cochez au moins une candidature.")
	}
	var n int64
	err := s.inTx(ctx, "Assign", func(tx *sqlx.Tx) error {
		var email string
		err := tx.GetContext(ctx, &email, `SELECT a.email FROM agents a WHERE a.id = $1 AND a.status = 'active'
			AND EXISTS (SELECT 1 FROM casbin_rules r WHERE r.ptype = 'g' AND r.v0 = 'agent:' || a.id AND r.v2 = $2
			            AND r.v1 IN `+readerRoles+`)`,
			agentID, AdministrationDomain(adminID))
		if errors.Is(err, sql.ErrNoRows) {
			return FieldError("agent", "Choisissez un agent de l'administration dans la liste.")
		}
		if err != nil {
			return err
		}
		var assigned []int64
		if err := tx.SelectContext(ctx, &assigned, `INSERT INTO application_assignees (application_id, agent_id, administration_id, assigned_by)
			SELECT a.id, $3, a.administration_id, $4 FROM applications a WHERE a.id = ANY($1) AND a.administration_id = $2
			ON CONFLICT DO NOTHING RETURNING application_id`, pq.Array(ids), adminID, agentID, actor.Email); err != nil {
			return err
		}
		n = int64(len(assigned))
		if n == 0 {
			return nil
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.assigned", email, map[string]any{"candidatures": assigned})
	})
	return int(n), err
}

// Unassign takes a reviewer off an application; their rating stays.
func (s *Store) Unassign(ctx context.Context, adminID, appID, agentID int64, actor Actor) error {
	return s.inTx(ctx, "Unassign", func(tx *sqlx.Tx) error {
		var email string
		err := tx.GetContext(ctx, &email, `DELETE FROM application_assignees x USING agents ag
			WHERE x.application_id = $1 AND x.agent_id = $2 AND x.administration_id = $3 AND ag.id = x.agent_id RETURNING ag.email`,
			appID, agentID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Cette personne n'est pas assignée à la candidature.")
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.unassigned", email, map[string]any{"candidatures": []int64{appID}})
	})
}

// OtherApplications lists the candidate's other applications to the
// administration, within the agent's scope, newest first.
func (s *Store) OtherApplications(ctx context.Context, adminID, candidateID, exceptID int64, sc Scope) ([]ApplicationRow, error) {
	var out []ApplicationRow
	err := s.db.SelectContext(ctx, &out, `
		SELECT a.id, a.offer_id, o.title AS offer_title, a.category, a.first_name, a.last_name, (c.erased_at IS NOT NULL OR a.category = 'anonymisee') AS erased,
			a.domaine_code, a.source, a.created_at
		FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.administration_id = $1 AND a.candidate_id = $2 AND a.id <> $3 AND `+scopeSQL(4, 1)+`
		ORDER BY a.created_at DESC, a.id DESC LIMIT 50`, adminID, candidateID, exceptID, sc.AssignedTo)
	return out, wrap("OtherApplications", err)
}

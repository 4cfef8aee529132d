package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// A recruiter writes to a candidate from the application page; the worker
// emails the message. The candidate's address never shows in the sender's
// mailbox and the exchange stays in the application's record.

// MessageTask is the payload of TaskRecruiterMessage.
type MessageTask struct {
	ApplicationID int64 `json:"application_id"`
	MessageID     int64 `json:"message_id"`
}

// ApplicationMessage is one message of an application's exchange.
type ApplicationMessage struct {
	ID            int64     `db:"id"`
	FromCandidate bool      `db:"from_candidate"`
	AgentEmail    *string   `db:"agent_email"`
	Body          string    `db:"body"`
	CreatedAt     time.Time `db:"created_at"`
}

// SendRecruiterMessage records a recruiter's message to the candidate of one
// of the administration's applications and queues its email.
func (s *Store) SendRecruiterMessage(ctx context.Context, adminID, appID int64, body string, actor Actor) error {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return FieldError("message", "Écrivez votre message (5 000 caractères au plus).")
	}
	return s.inTx(ctx, "SendRecruiterMessage", func(tx *sqlx.Tx) error {
		apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
		if err != nil {
			return err
		}
		if len(apps) == 0 {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		a := apps[0]
		if a.Category == CategoryErased || a.Category == CategoryWithdrawn {
			return Errorf(ECONFLICT, "Cette candidature est %s : la personne candidate ne peut plus être contactée par Vivier.", StatusLabel(a.Category, false))
		}
		var agentID *int64
		if actor.AgentID != 0 {
			agentID = &actor.AgentID
		}
		var msgID int64
		if err := tx.GetContext(ctx, &msgID, `INSERT INTO application_messages (application_id, from_candidate, agent_id, body)
			VALUES ($1, false, $2, $3) RETURNING id`, a.ID, agentID, body); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, &adminID, actor, "application.message", "candidature "+strconv.FormatInt(a.ID, 10), nil); err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskRecruiterMessage, "critical", MessageTask{ApplicationID: a.ID, MessageID: msgID})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		return insertOutbox(ctx, tx, &msg)
	})
}

// ApplicationMessages lists the exchange of one of the administration's
// applications, oldest first.
func (s *Store) ApplicationMessages(ctx context.Context, adminID, appID int64) ([]ApplicationMessage, error) {
	var out []ApplicationMessage
	err := s.db.SelectContext(ctx, &out, `SELECT m.id, m.from_candidate, g.email AS agent_email, m.body, m.created_at
		FROM application_messages m JOIN applications a ON a.id = m.application_id LEFT JOIN agents g ON g.id = m.agent_id
		WHERE m.application_id = $1 AND a.administration_id = $2 ORDER BY m.created_at, m.id`, appID, adminID)
	return out, wrap("ApplicationMessages", err)
}

// ApplicationMessageByID returns one message of an application, for the worker.
func (s *Store) ApplicationMessageByID(ctx context.Context, appID, msgID int64) (*ApplicationMessage, error) {
	var m ApplicationMessage
	err := s.db.GetContext(ctx, &m, `SELECT m.id, m.from_candidate, g.email AS agent_email, m.body, m.created_at
		FROM application_messages m LEFT JOIN agents g ON g.id = m.agent_id WHERE m.id = $2 AND m.application_id = $1`, appID, msgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Message introuvable.")
	}
	return &m, wrap("ApplicationMessageByID", err)
}

// CandidateTask is the payload of the data rights' emails. The erasure's
// carries the address, which the erasure removed from the candidate.
type CandidateTask struct {
	CandidateID int64     `json:"candidate_id"`
	Email       string    `json:"email,omitempty"`
	At          time.Time `json:"at"`
}

// NoteDataExport queues the email that tells a candidate a copy of their
// data was taken from their space: a link forwarded by mistake shows.
func (s *Store) NoteDataExport(ctx context.Context, candidateID int64) error {
	msg, err := NewOutboxMessage(TaskDataExport, "critical", CandidateTask{CandidateID: candidateID, At: time.Now()})
	if err != nil {
		return err
	}
	return s.AddOutbox(ctx, &msg)
}

func insertErasureDone(ctx context.Context, tx *sqlx.Tx, candidateID int64, email string) error {
	msg, err := NewOutboxMessage(TaskErasureDone, "critical", CandidateTask{CandidateID: candidateID, Email: email, At: time.Now()})
	if err != nil {
		return err
	}
	return insertOutbox(ctx, tx, &msg)
}

// ForgetErasedAddress removes the address from the erasure confirmation's
// outbox rows once the email is sent: after an erasure, that pending row is
// the one place of PostgreSQL still naming the candidate, and only until the
// worker has mailed them.
func (s *Store) ForgetErasedAddress(ctx context.Context, email string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET payload = payload - 'email' WHERE task_type = $1 AND payload->>'email' = $2`,
		TaskErasureDone, email)
	return wrap("ForgetErasedAddress", err)
}

// CandidateByID returns a candidate, erased or not.
func (s *Store) CandidateByID(ctx context.Context, id int64) (*Candidate, error) {
	var c Candidate
	err := s.db.GetContext(ctx, &c, `SELECT `+candidateColumns+` FROM candidates WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidat·e introuvable.")
	}
	return &c, wrap("CandidateByID", err)
}

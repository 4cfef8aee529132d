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
	"github.com/lib/pq"
)

// A recruiter's requests for documents: recorded with the history, the audit
// and the candidate's email in one transaction; answered by AddPiece.

const documentRequestColumns = `r.id, r.application_id, r.label, r.types, r.message,
	coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), ag.email::text, '') AS asked_by,
	r.asked_at, r.deadline, r.fulfilled_at, r.file_id`

type requestRow struct {
	DocumentRequest
	TypesArr pq.StringArray `db:"types"`
}

func (r requestRow) request() DocumentRequest {
	d := r.DocumentRequest
	d.Types = r.TypesArr
	return d
}

func (s *Store) documentRequests(ctx context.Context, appID int64) ([]DocumentRequest, error) {
	var rows []requestRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+documentRequestColumns+`
		FROM document_requests r LEFT JOIN agents ag ON ag.id = r.asked_by WHERE r.application_id = $1 ORDER BY r.asked_at, r.id`, appID)
	out := make([]DocumentRequest, len(rows))
	for i := range rows {
		out[i] = rows[i].request()
	}
	return out, wrap("documentRequests", err)
}

// DocumentRequestForm is what a recruiter asks for.
type DocumentRequestForm struct {
	Labels   []string // lines of documents_requis' syntax: picked from the offer's, or typed
	Deadline string   // yyyy-mm-dd
	Message  string
}

// RequestDocuments records a recruiter's request for documents of an
// application of the administration, and mails the candidate once for the
// whole request, with a link to their space.
func (s *Store) RequestDocuments(ctx context.Context, adminID, appID int64, f DocumentRequestForm, actor Actor) error {
	var docs []OfferDocument
	for _, l := range f.Labels {
		if strings.TrimSpace(l) == "" {
			continue
		}
		d, err := ParseOfferDocument(l)
		if err != nil {
			return FieldError("documents", ErrorMessage(err))
		}
		if utf8.RuneCountInString(d.Label) > 300 {
			return FieldError("documents", "Le nom d'une pièce compte 300 caractères au plus.")
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return FieldError("documents", "Choisissez ou écrivez au moins une pièce à demander.")
	}
	n := s.now().In(Paris())
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	deadline, err := time.Parse("2006-01-02", f.Deadline)
	switch {
	case err != nil:
		return FieldError("deadline", "Indiquez la date limite au format jj/mm/aaaa.")
	case deadline.Before(today.AddDate(0, 0, 1)) || deadline.After(today.AddDate(1, 0, 0)):
		return FieldError("deadline", "La date limite tombe entre demain et dans un an.")
	}
	message := strings.TrimSpace(f.Message)
	if utf8.RuneCountInString(message) > 2000 {
		return FieldError("message", "Le message compte 2 000 caractères au plus.")
	}
	return s.inTx(ctx, "RequestDocuments", func(tx *sqlx.Tx) error {
		apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
		if err != nil {
			return err
		}
		if len(apps) == 0 {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		a := &apps[0]
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature est %s : aucune pièce ne peut plus être demandée.", StatusLabel(a.Category, false))
		}
		var agentID *int64
		if actor.AgentID != 0 {
			agentID = &actor.AgentID
		}
		var first int64
		var labels []string
		for _, d := range docs {
			var types []string
			for _, t := range d.Types {
				types = append(types, string(t))
			}
			var id int64
			if err := tx.GetContext(ctx, &id, `INSERT INTO document_requests (administration_id, application_id, label, types, message, asked_by, deadline)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, adminID, a.ID, d.Label, pq.Array(types), message, agentID, deadline); err != nil {
				return err
			}
			if first == 0 {
				first = id
			}
			labels = append(labels, d.Label)
		}
		what := "Pièces demandées : " + strings.Join(labels, ", ")
		if err := insertDocumentEvent(ctx, tx, a, actor.Email, what, "avant le "+FrenchDate(deadline), true); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, &adminID, actor, "application.documents_requested", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"pieces": strings.Join(labels, ", "), "date_limite": f.Deadline}); err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskDocumentRequest, "critical", DocumentRequestTask{RequestID: first})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		return insertOutbox(ctx, tx, &msg)
	})
}

func insertDocumentEvent(ctx context.Context, tx *sqlx.Tx, a *Application, actor, what, detail string, email bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, from_category, to_category, step, reason, email_sent, stage_id, documents)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, true)`, a.ID, actor, a.Category, what, detail, email, a.StageID)
	return err
}

// DocumentRequestMail is what a request's email and its reminder say: the
// request, its siblings asked at once, and the application.
type DocumentRequestMail struct {
	Request  DocumentRequest
	Asked    []DocumentRequest // every open request of the application
	Deadline string            // in French
}

// DocumentRequestByID returns a request with the open requests of its
// application, for the worker; nil Asked when nothing is awaited any more.
func (s *Store) DocumentRequestByID(ctx context.Context, id int64) (*DocumentRequestMail, error) {
	var row requestRow
	err := s.db.GetContext(ctx, &row, `SELECT `+documentRequestColumns+`
		FROM document_requests r LEFT JOIN agents ag ON ag.id = r.asked_by WHERE r.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Demande de pièces introuvable.")
	}
	if err != nil {
		return nil, wrap("DocumentRequestByID", err)
	}
	all, err := s.documentRequests(ctx, row.ApplicationID)
	if err != nil {
		return nil, err
	}
	m := &DocumentRequestMail{Request: row.request(), Deadline: FrenchDate(row.Deadline)}
	for _, r := range all {
		if r.FulfilledAt == nil {
			m.Asked = append(m.Asked, r)
		}
	}
	return m, nil
}

// DocumentReminder is one reminder due: an application's open requests of
// one deadline, named by the first of them.
type DocumentReminder struct {
	RequestID     int64 `db:"request_id"`
	ApplicationID int64 `db:"application_id"`
}

// DocumentRemindersDue returns the open requests whose deadline is day (a
// date), one per application and deadline: the reminder names them all.
func (s *Store) DocumentRemindersDue(ctx context.Context, day time.Time) ([]DocumentReminder, error) {
	var out []DocumentReminder
	err := s.db.SelectContext(ctx, &out, `SELECT min(r.id) AS request_id, r.application_id
		FROM document_requests r JOIN applications a ON a.id = r.application_id
		WHERE r.deadline = $1 AND r.fulfilled_at IS NULL AND a.category IN ('nouvelle', 'en_cours')
		GROUP BY r.application_id, r.deadline ORDER BY 1`, day.Format("2006-01-02"))
	return out, wrap("DocumentRemindersDue", err)
}

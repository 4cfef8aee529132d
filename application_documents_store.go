package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// What an application's file lacks, in SQL over an application a and (for
// the first three) its offer o. The board shows each on its card; the lists'
// "dossier incomplet" filter is their union (incompleteSQL). This is the one
// definition of an incomplete file.
const (
	sqlMissingCV = `(o.cv_policy <> 'none' AND NOT EXISTS (SELECT 1 FROM application_files f
		WHERE f.application_id = a.id AND f.kind = 'cv' AND f.deleted_at IS NULL))`
	sqlMissingAnswers = `EXISTS (SELECT 1 FROM jsonb_array_elements(o.questions) q
		WHERE coalesce((q->>'required')::boolean, false) AND coalesce(a.answers->>(q->>'id'), '') = '')`
	// A document the offer requires, of which no piece was sent.
	sqlMissingOfferDocuments = `EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(o.criteria->'documents_requis', '[]')) d(line)
		WHERE NOT offer_document_optional(d.line) AND NOT EXISTS (SELECT 1 FROM application_files f
			WHERE f.application_id = a.id AND f.kind = 'piece' AND f.deleted_at IS NULL
			AND lower(f.label) = lower(offer_document_label(d.line))))`
	// A recruiter's request still unanswered.
	sqlOpenRequests = `EXISTS (SELECT 1 FROM document_requests r WHERE r.application_id = a.id AND r.fulfilled_at IS NULL)`
	// sqlMissingDocuments is the board's "missing documents" mark.
	sqlMissingDocuments = `(` + sqlOpenRequests + ` OR ` + sqlMissingOfferDocuments + `)`
)

// incompleteSQL is the condition "the file of a lacks something".
const incompleteSQL = `(` + sqlOpenRequests + ` OR EXISTS (SELECT 1 FROM offers o WHERE o.id = a.offer_id
	AND (` + sqlMissingCV + ` OR ` + sqlMissingAnswers + ` OR ` + sqlMissingOfferDocuments + `)))`

// ChecklistItem is one document of an application's checklist: asked by
// the offer, by a recruiter, or both.
type ChecklistItem struct {
	OfferDocument
	FromOffer bool
	File      *StoredFile      // the latest piece received for it
	Request   *DocumentRequest // the latest request for it
}

// Missing says whether the document is still awaited: required by the
// offer or asked for, and not received.
func (i ChecklistItem) Missing() bool {
	if i.Request != nil && i.Request.FulfilledAt == nil {
		return true
	}
	return i.File == nil && i.FromOffer && !i.Optional
}

// Checklist is what an application's file holds of the documents asked.
type Checklist struct {
	Items    []ChecklistItem
	Offered  []OfferDocument // the offer's documents, for the request form
	Complete bool            // by incompleteSQL
	// What else the file lacks (see BoardCard), said beside the documents.
	MissingCV      bool `db:"missing_cv"`
	MissingAnswers bool `db:"missing_answers"`
}

// pieceFile is a received piece with its label.
type pieceFile struct {
	StoredFile
	Label string `db:"label"`
}

// ApplicationChecklist returns the checklist of an application of the
// administration.
func (s *Store) ApplicationChecklist(ctx context.Context, adminID, appID int64) (*Checklist, error) {
	var head struct {
		Criteria       *JSONB[Criteria] `db:"criteria"`
		Incomplete     bool             `db:"incomplete"`
		MissingCV      bool             `db:"missing_cv"`
		MissingAnswers bool             `db:"missing_answers"`
	}
	err := s.db.GetContext(ctx, &head, `SELECT o.criteria, `+incompleteSQL+` AS incomplete,
			coalesce(`+sqlMissingCV+`, false) AS missing_cv, coalesce(`+sqlMissingAnswers+`, false) AS missing_answers
		FROM applications a LEFT JOIN offers o ON o.id = a.offer_id WHERE a.id = $1 AND a.administration_id = $2`, appID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	if err != nil {
		return nil, wrap("ApplicationChecklist", err)
	}
	var offered []OfferDocument
	if head.Criteria != nil {
		offered = head.Criteria.V.Documents()
	}
	requests, err := s.documentRequests(ctx, appID)
	if err != nil {
		return nil, err
	}
	files, err := s.pieceFiles(ctx, appID, "a.administration_id", adminID)
	if err != nil {
		return nil, err
	}
	return &Checklist{Items: checklistItems(offered, requests, files), Offered: offered, Complete: !head.Incomplete,
		MissingCV: head.MissingCV, MissingAnswers: head.MissingAnswers}, nil
}

// checklistItems lists the offer's documents in their order, then those
// asked for beyond them, each with its latest piece and request.
func checklistItems(offered []OfferDocument, requests []DocumentRequest, files []pieceFile) []ChecklistItem {
	var items []ChecklistItem
	index := map[string]int{}
	item := func(d OfferDocument) *ChecklistItem {
		k := strings.ToLower(d.Label)
		if i, ok := index[k]; ok {
			return &items[i]
		}
		index[k] = len(items)
		items = append(items, ChecklistItem{OfferDocument: d})
		return &items[len(items)-1]
	}
	for _, d := range offered {
		item(d).FromOffer = true
	}
	for i := range requests {
		it := item(requests[i].Document())
		it.Request = &requests[i]
	}
	for i := range files {
		if it, ok := index[strings.ToLower(files[i].Label)]; ok {
			items[it].File = &files[i].StoredFile
		}
	}
	return items
}

// pieceFiles lists an application's live pieces, the application reached
// through owner (its administration's or its candidate's column) = ownerID.
func (s *Store) pieceFiles(ctx context.Context, appID int64, owner string, ownerID int64) ([]pieceFile, error) {
	var files []pieceFile
	err := s.db.SelectContext(ctx, &files, `SELECT f.id, f.application_id, f.kind, f.file_key, f.name, f.content_type, f.size,
			f.sha256, f.created_at, f.label
		FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE f.application_id = $1 AND `+owner+` = $2 AND f.kind = 'piece' AND f.deleted_at IS NULL ORDER BY f.id`, appID, ownerID)
	return files, wrap("pieceFiles", err)
}

// SpaceDocument is a document a candidate may send from their space for one
// of their applications: one the offer asks for, or one a recruiter asked.
type SpaceDocument struct {
	ChecklistItem
	Field string // the form's id
}

// CandidateDocuments returns, per open application of the candidate, the
// documents they may send: the offer's and the requested ones.
func (s *Store) CandidateDocuments(ctx context.Context, candidateID int64) (map[int64][]SpaceDocument, error) {
	var apps []struct {
		ID       int64            `db:"id"`
		Criteria *JSONB[Criteria] `db:"criteria"`
	}
	if err := s.db.SelectContext(ctx, &apps, `SELECT a.id, o.criteria FROM applications a LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.candidate_id = $1 AND a.category IN ('nouvelle', 'en_cours') ORDER BY a.id`, candidateID); err != nil {
		return nil, wrap("CandidateDocuments", err)
	}
	out := map[int64][]SpaceDocument{}
	for _, a := range apps {
		var offered []OfferDocument
		if a.Criteria != nil {
			offered = a.Criteria.V.Documents()
		}
		requests, err := s.documentRequests(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		files, err := s.pieceFiles(ctx, a.ID, "a.candidate_id", candidateID)
		if err != nil {
			return nil, err
		}
		for i, it := range checklistItems(offered, requests, files) {
			out[a.ID] = append(out[a.ID], SpaceDocument{ChecklistItem: it, Field: "piece-" + strconv.FormatInt(a.ID, 10) + "-" + strconv.Itoa(i)})
		}
	}
	return out, nil
}

// AddPiece adds a document to one of the candidate's own open applications,
// from their space: the candidate id in the WHERE clause keeps a link to its
// own applications. A piece is only ever added (the recruiters keep every
// one received); it answers the open requests for its label. The recruiters
// see it in the history and on the board's unread mark.
func (s *Store) AddPiece(ctx context.Context, candidateID, appID int64, p Piece, files FileStore) error {
	key := "applications/" + uuid.NewString() + "/piece"
	if err := files.Put(ctx, key, p.Upload.Data, p.Upload.ContentType); err != nil {
		return err
	}
	err := s.inTx(ctx, "AddPiece", func(tx *sqlx.Tx) error {
		a, err := candidateApplication(ctx, tx, candidateID, appID)
		if err != nil {
			return err
		}
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature est close : aucune pièce ne peut plus y être ajoutée.")
		}
		up := p.Upload
		var fileID int64
		if err := tx.GetContext(ctx, &fileID, `INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text, label)
			VALUES ($1, 'piece', $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.ID, key, up.Name, up.ContentType, up.Size, up.SHA256, up.Text, p.Label); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE document_requests SET fulfilled_at = now(), file_id = $3
			WHERE application_id = $1 AND lower(label) = lower($2) AND fulfilled_at IS NULL`, a.ID, p.Label, fileID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now(), updated_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		// The candidate's message is what the board's unread mark counts:
		// the recruiters see that something came without another flag.
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_messages (application_id, from_candidate, body) VALUES ($1, true, $2)`,
			a.ID, "Pièce ajoutée depuis l'espace de suivi : "+p.Label+" ("+up.Name+")"); err != nil {
			return err
		}
		return insertDocumentEvent(ctx, tx, a, "candidat·e", "Pièce ajoutée : "+p.Label, up.Name, false)
	})
	if err != nil {
		_ = files.Delete(context.WithoutCancel(ctx), key)
	}
	return err
}

package jobs

import (
	"context"
	"fmt"
	"io"

	"github.com/hibiken/asynq"

	"vivier"
)

// The emails of convocation sessions: the candidate's convocation, its
// update and its cancellation (each with the calendar file of its current
// state), the invitation to choose a slot, and the interviewers' event
// listing the candidates of their sitting.

// maxSessionDocument bounds the document joined to convocations.
const maxSessionDocument = 10 << 20

// sendConvocation sends the invitation or its update, with the ICS REQUEST
// at the interview's sequence: in own, the administration's "entretien"
// template, when given, else in the built-in convocation email.
func (w *Worker) sendConvocation(ctx context.Context, key string, iv *vivier.Interview, a *vivier.ApplicationSummary,
	sess *vivier.InterviewSession, own *vivier.EmailTemplate) error {
	name := "convocation"
	if sess == nil {
		name = "interview_invitation"
	}
	var err error
	atts := []Attachment{icsAttachment(InterviewICS(iv, a, w.cfg.BaseURL), false)}
	if atts, err = w.withSessionDocument(ctx, sess, atts); err != nil {
		return err
	}
	to := *a.Candidate.Email
	_, err = w.sendTokenEmail(ctx, key, name, to, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) (Outgoing, error) {
			link := w.cfg.BaseURL + "/suivi/" + token
			var o Outgoing
			var err error
			if own != nil {
				v := vivier.ApplicationValues(a, link)
				for k, val := range vivier.InterviewValues(iv, vivier.Paris()) {
					v[k] = val
				}
				o, err = w.customOutgoing(to, *own, v)
			} else {
				o.To = to
				o.Email, err = w.renderer.Email("convocation", vivier.NewConvocationEmail(iv, a, sess, link))
			}
			o.Attachments = atts
			return o, err
		})
	return err
}

// sendChooseSlot invites the candidate to choose a slot from their space,
// with a new link to it; there is no calendar event before the choice.
func (w *Worker) sendChooseSlot(ctx context.Context, key string, iv *vivier.Interview, a *vivier.ApplicationSummary,
	sess *vivier.InterviewSession) error {
	atts, err := w.withSessionDocument(ctx, sess, nil)
	if err != nil {
		return err
	}
	to := *a.Candidate.Email
	_, err = w.sendTokenEmail(ctx, key, "choose_slot", to, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) (Outgoing, error) {
			email, err := w.renderer.Email("choose_slot", vivier.NewConvocationEmail(iv, a, sess, w.cfg.BaseURL+"/suivi/"+token))
			return Outgoing{To: to, Email: email, Attachments: atts}, err
		})
	return err
}

// sendCancellation tells the candidate their interview is cancelled, with
// the reason; an interview that had a time in their calendar comes with
// its METHOD:CANCEL.
func (w *Worker) sendCancellation(ctx context.Context, key string, iv *vivier.Interview, a *vivier.ApplicationSummary,
	sess *vivier.InterviewSession) error {
	data := vivier.NewConvocationEmail(iv, a, sess, "") // Instructions: the reason, for a cancelled one
	var atts []Attachment
	if sess == nil || iv.SlotID != nil {
		atts = append(atts, icsAttachment(InterviewICS(iv, a, w.cfg.BaseURL), true))
	}
	return w.sendWithAttachments(ctx, key, "convocation_cancelled", *a.Candidate.Email, &a.AdministrationID, data, atts)
}

// withSessionDocument joins the session's document, read from the file
// store, to atts.
func (w *Worker) withSessionDocument(ctx context.Context, sess *vivier.InterviewSession, atts []Attachment) ([]Attachment, error) {
	if sess == nil || sess.DocumentKey == "" || w.cfg.Files == nil {
		return atts, nil
	}
	r, err := w.cfg.Files.Open(ctx, sess.DocumentKey)
	if err != nil {
		return nil, fmt.Errorf("session %d document: %w", sess.ID, err)
	}
	defer func() { _ = r.Close() }()
	data, err := io.ReadAll(io.LimitReader(r, maxSessionDocument+1))
	if err != nil {
		return nil, fmt.Errorf("session %d document: %w", sess.ID, err)
	}
	if len(data) > maxSessionDocument {
		return nil, fmt.Errorf("session %d document over %d bytes: %w", sess.ID, maxSessionDocument, asynq.SkipRetry)
	}
	ct := sess.DocumentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	return append(atts, Attachment{Name: sess.DocumentName, ContentType: ct, Data: data}), nil
}

// sendWithAttachments sends a built-in email with files, once under key.
func (w *Worker) sendWithAttachments(ctx context.Context, key, name, to string, adminID *int64, data any, atts []Attachment) error {
	email, err := w.renderer.Email(name, data)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	rec := &vivier.SentEmail{MessageKey: key, Template: name, Recipient: to, Subject: email.Subject, AdministrationID: adminID}
	_, err = w.sendOnce(ctx, rec, func() (string, error) {
		return w.deliver(ctx, Outgoing{To: to, Email: email, Attachments: atts}, rec)
	})
	return err
}

// sessionLine is a candidate of the interviewers' email.
type sessionLine struct {
	When string
	Name string
}

// handleSessionInterviewers sends each interviewer of the session, agent or
// outside member, its event as it stands: the candidates convoked and their
// times, or its cancellation. Each task mails each interviewer once.
func (w *Worker) handleSessionInterviewers(ctx context.Context, p vivier.SessionTask) error {
	d, err := w.store.InterviewSessionByID(ctx, p.SessionID)
	if err != nil {
		return err
	}
	task, err := taskKey(ctx)
	if err != nil {
		return err
	}
	adm, err := w.store.AdministrationByID(ctx, d.AdministrationID)
	if err != nil {
		return err
	}
	var lines []sessionLine
	for _, c := range d.Live() {
		when := "créneau à choisir"
		if c.Status != vivier.InterviewToChoose {
			when = vivier.FrenchDateTime(c.StartsAt, vivier.Paris())
		}
		lines = append(lines, sessionLine{When: when, Name: c.CandidateName})
	}
	where := vivier.Interview{Place: d.Place, VideoURL: d.VideoURL}
	data := map[string]any{"S": d, "AdminName": adm.Name, "When": vivier.FrenchDateTime(d.StartsAt, vivier.Paris()),
		"Where": where.Where(), "Canceled": d.CanceledAt != nil, "Lines": lines}
	att := icsAttachment(SessionICS(d, adm.Name, w.cfg.BaseURL), d.CanceledAt != nil)
	for _, m := range d.Interviewers {
		data["Name"] = m.Name
		if err := w.sendWithAttachments(ctx, task+":"+m.Email, "session_interviewers", m.Email, &d.AdministrationID, data,
			[]Attachment{att}); err != nil {
			return err // the ones sent are recorded: a retry skips them
		}
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// What recruiters add to applications, drawn per application from its id
// (the same database gives the same workspace): a third are tagged, a
// quarter rated, four in ten assigned, one in five has notes (a quarter of
// them mentioning a colleague), one in seven a conversation with the
// candidate, and those past or at an interview step have an interview.

var workspaceNotes = []string{
	"Profil solide, expérience proche du poste.",
	"Parcours atypique mais motivation évidente : à rencontrer.",
	"Prétentions salariales au-dessus de la grille, à vérifier avec le bureau du budget.",
	"Références vérifiées, rien à signaler.",
	"Disponible dans trois mois seulement (préavis).",
	"Très bon entretien, **à retenir** pour le jury.",
}

var workspaceMessages = []struct {
	fromCandidate bool
	body          string
}{
	{true, "Bonjour, pourriez-vous me dire où en est ma candidature ? Merci."},
	{false, "Bonjour, votre candidature est en cours d'étude ; nous revenons vers vous sous quinze jours."},
	{true, "Merci pour votre retour. Je reste disponible pour un entretien en visioconférence."},
	{false, "Pourriez-vous nous transmettre votre dernier arrêté de classement ?"},
	{true, "Voici les informations demandées. Bien cordialement."},
}

// workspaceRows are the rows of each table, in COPY's column order.
type workspaceRows struct {
	tags, ratings, assignees, notes, mentions, messages, interviews, interviewers [][]any
}

// workspaceCollaboration writes the collaboration of the applications in
// one transaction, with COPY, and says what it wrote.
func (m *Main) workspaceCollaboration(ctx context.Context, adms []*workspaceAdmin, apps []workspaceApp) (string, error) {
	byID := map[int64]*workspaceAdmin{}
	for _, a := range adms {
		byID[a.ID] = a
	}
	var w workspaceRows
	now := time.Now()
	// Ids are taken from the sequences ahead, so that mentions and
	// interviewers can name their rows without a round trip each.
	noteID := m.sequence(ctx, "application_notes_id_seq")
	interviewID := m.sequence(ctx, "interviews_id_seq")
	for _, a := range apps {
		adm := byID[a.AdminID]
		r := rand.New(rand.NewPCG(17, uint64(a.ID)))
		until := earliest(now, a.UpdatedAt.Add(10*24*time.Hour))
		at := func() time.Time {
			if !until.After(a.CreatedAt) {
				return a.CreatedAt
			}
			return a.CreatedAt.Add(time.Duration(r.Int64N(int64(until.Sub(a.CreatedAt)))))
		}
		member := func() workspaceAgent { return adm.members[r.IntN(len(adm.members))] }
		if r.IntN(3) == 0 {
			first := r.IntN(len(adm.tags))
			w.tags = append(w.tags, []any{a.ID, adm.tags[first], a.AdminID})
			if second := r.IntN(len(adm.tags)); second != first && r.IntN(3) == 0 {
				w.tags = append(w.tags, []any{a.ID, adm.tags[second], a.AdminID})
			}
		}
		var assignee workspaceAgent
		if r.IntN(10) < 4 || (adm.recruiter.ID != 0 && a.Category == "nouvelle" && r.IntN(3) == 0) {
			assignee = member()
			if adm.recruiter.ID != 0 && r.IntN(3) == 0 {
				assignee = adm.recruiter // the demo account has a queue of its own
			}
			w.assignees = append(w.assignees, []any{a.ID, assignee.ID, a.AdminID, adm.members[0].Email, at()})
		}
		if r.IntN(4) == 0 {
			raters := []workspaceAgent{member()}
			if other := member(); other.ID != raters[0].ID && r.IntN(2) == 0 {
				raters = append(raters, other)
			}
			for _, who := range raters {
				w.ratings = append(w.ratings, []any{a.ID, who.ID, a.AdminID, 1 + r.IntN(4), workspaceNotes[r.IntN(len(workspaceNotes))], at()})
			}
		}
		if r.IntN(5) == 0 {
			for range 1 + r.IntN(3) {
				author, body := member(), workspaceNotes[r.IntN(len(workspaceNotes))]
				id := noteID.next()
				if other := member(); other.ID != author.ID && r.IntN(4) == 0 {
					body = "@" + other.mention + " " + body
					w.mentions = append(w.mentions, []any{id, other.ID})
				}
				w.notes = append(w.notes, []any{id, a.AdminID, a.ID, author.ID, author.Email, body, at()})
			}
		}
		if r.IntN(7) == 0 {
			t := at()
			for k := range 1 + r.IntN(len(workspaceMessages)) {
				msg := workspaceMessages[k]
				var agent any
				if !msg.fromCandidate {
					agent = member().ID
				}
				t = earliest(now, t.Add(time.Duration(1+r.IntN(72))*time.Hour))
				w.messages = append(w.messages, []any{a.ID, msg.fromCandidate, agent, msg.body, t})
			}
		}
		if a.StageID != nil {
			w.interview(r, adm, a, interviewID.next, now)
		}
	}
	if err := cmpOr(noteID.err, interviewID.err); err != nil {
		return "", fmt.Errorf("seed workspace: %w", err)
	}
	err := inSeedTx(ctx, m.db, func(tx *sqlx.Tx) error {
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"application_tags", []string{"application_id", "tag_id", "administration_id"}, w.tags},
			{"application_assignees", []string{"application_id", "agent_id", "administration_id", "assigned_by", "assigned_at"}, w.assignees},
			{"application_ratings", []string{"application_id", "agent_id", "administration_id", "score", "comment", "rated_at"}, w.ratings},
			{"application_notes", []string{"id", "administration_id", "application_id", "author_id", "author_email", "body", "created_at"}, w.notes},
			{"note_mentions", []string{"note_id", "agent_id"}, w.mentions},
			{"application_messages", []string{"application_id", "from_candidate", "agent_id", "body", "created_at"}, w.messages},
			{"interviews", []string{"id", "administration_id", "application_id", "starts_at", "duration_minutes", "place", "video_url",
				"message", "organizer", "status", "candidate_message", "answered_at", "created_at"}, w.interviews},
			{"interview_interviewers", []string{"interview_id", "agent_id"}, w.interviewers},
		} {
			if err := copyRows(ctx, tx, t.table, t.cols, t.rows); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE applications SET interview_planned = true
			WHERE id IN (SELECT application_id FROM interviews WHERE application_id = ANY($1))`, pq.Array(appIDs(apps)))
		return err
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d étiquettes posées, %d affectations, %d notes (%d mentions), %d évaluations, %d messages, %d entretiens",
		len(w.tags), len(w.assignees), len(w.notes), len(w.mentions), len(w.ratings), len(w.messages), len(w.interviews)), nil
}

// interview adds the interview of an application at an interview step
// (coming, answered or not) or past one (held).
func (w *workspaceRows) interview(r *rand.Rand, adm *workspaceAdmin, a workspaceApp, nextID func() int64, now time.Time) {
	step := ""
	for name, s := range adm.history.steps {
		if s.ID == *a.StageID {
			step = name
		}
	}
	var starts time.Time
	status, answered := "accepte", time.Time{} // zero: not answered
	switch step {
	case "Entretien RH", "Entretien technique":
		if a.Category != "en_cours" {
			return
		}
		starts = now.Add(time.Duration(24+r.IntN(14*24)) * time.Hour).Truncate(time.Hour)
		switch x := r.IntN(10); {
		case x < 4:
			status = "propose"
		case x < 9:
			answered = a.UpdatedAt.Add(time.Duration(1+r.IntN(24)) * time.Hour)
		default:
			status, answered = "autre_creneau", a.UpdatedAt.Add(time.Duration(1+r.IntN(24))*time.Hour)
		}
	case "Jury", "Proposition", "Recrutée":
		starts = a.UpdatedAt.Add(-time.Duration(2+r.IntN(5)) * 24 * time.Hour).Truncate(time.Hour)
		if !starts.After(a.CreatedAt) {
			return
		}
	default:
		return
	}
	organizer := adm.members[r.IntN(len(adm.members))]
	place, video := "Salle 204, 12 rue de la Démonstration, Paris", ""
	if r.IntN(2) == 0 {
		place, video = "", "https://webconf.numerique.gouv.fr/entretien-"+fmt.Sprint(a.ID)
	}
	candidateMsg := ""
	if status == "autre_creneau" {
		candidateMsg = "Je ne suis pas disponible ce jour-là : serait-il possible de décaler d'une semaine ?"
	}
	created := earliest(now, a.UpdatedAt)
	if starts.Before(now) { // held: planned a week before
		created = starts.Add(-7 * 24 * time.Hour)
		if created.Before(a.CreatedAt) {
			created = a.CreatedAt
		}
		answered = created.Add(time.Duration(1+r.IntN(48)) * time.Hour)
	}
	var answeredAt any
	if !answered.IsZero() {
		answeredAt = earliest(answered, now)
	}
	id := nextID()
	w.interviews = append(w.interviews, []any{id, adm.ID, a.ID, starts, 30 + 15*r.IntN(4), place, video,
		"Nous vous proposons un entretien avec le service recruteur.", organizer.Email, status, candidateMsg, answeredAt, created})
	w.interviewers = append(w.interviewers, []any{id, organizer.ID})
}

// idSequence hands out ids of a table's sequence, fetched a thousand at a
// time; the first error stops it (next returns 0) and stays in err.
type idSequence struct {
	ctx  context.Context
	db   *sqlx.DB
	name string
	ids  []int64
	err  error
}

func (m *Main) sequence(ctx context.Context, name string) *idSequence {
	return &idSequence{ctx: ctx, db: m.db, name: name}
}

func (s *idSequence) next() int64 {
	if len(s.ids) == 0 && s.err == nil {
		s.err = s.db.SelectContext(s.ctx, &s.ids, `SELECT nextval($1::regclass) FROM generate_series(1, 1000)`, s.name)
	}
	if s.err != nil || len(s.ids) == 0 {
		return 0
	}
	id := s.ids[0]
	s.ids = s.ids[1:]
	return id
}

func appIDs(apps []workspaceApp) []int64 {
	out := make([]int64, len(apps))
	for i, a := range apps {
		out[i] = a.ID
	}
	return out
}

// copyRows copies rows into table within tx.
func copyRows(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	stmt, err := tx.PrepareContext(ctx, "COPY "+pq.QuoteIdentifier(table)+" ("+strings.Join(quoted, ", ")+") FROM STDIN")
	if err != nil {
		return err
	}
	for _, row := range rows {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			_ = stmt.Close() // the COPY's error is the one to report
			return err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		_ = stmt.Close()
		return err
	}
	return stmt.Close()
}

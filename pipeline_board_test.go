package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// cardOf finds an application's card on a board, nil when it is not there.
func cardOf(b vivier.Board, id int64) *vivier.BoardCard {
	for _, cards := range b.Cards {
		for i := range cards {
			if cards[i].ID == id {
				return &cards[i]
			}
		}
	}
	return nil
}

func boardOf(t *testing.T, s *vivier.Store, adminID, offerID int64, q vivier.BoardQuery) vivier.Board {
	t.Helper()
	b, err := s.BoardCards(context.Background(), adminID, offerID, q)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func execSQL(t *testing.T, s *vivier.Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// A card says how long its application has been at its step: since the
// last move into it, or since it was received; interviews and other events
// at the step do not restart the count.
func TestBoardDaysInStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _, ids, ag := collabWorld(t, 2)
	offer := mustOfferOf(t, s, ids[0])
	jury := stepNamed(t, s, a.ID, "Jury")
	if _, err := s.MoveApplication(ctx, a.ID, ids[0], vivier.Move{StageID: jury.ID}, act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	execSQL(t, s, `UPDATE applications SET created_at = now() - interval '10 days 1 hour' WHERE id = ANY(ARRAY[$1, $2]::bigint[])`, ids[0], ids[1])
	execSQL(t, s, `UPDATE application_events SET at = now() - interval '3 days 1 hour' WHERE application_id = $1 AND step <> ''`, ids[0])
	// A later event that moves nothing (a change of details).
	execSQL(t, s, `INSERT INTO application_events (application_id, actor, from_category, to_category, stage_id, reason)
		SELECT id, 'rh@a.fr', category, category, stage_id, 'Coordonnées corrigées' FROM applications WHERE id = $1`, ids[0])
	b := boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: ag["rh"].ID})
	moved, waiting := cardOf(b, ids[0]), cardOf(b, ids[1])
	if moved == nil || waiting == nil {
		t.Fatalf("board = %+v", b)
	}
	if moved.Days != 3 || moved.DaysText() != "Depuis 3 jours" || *moved.StageID != jury.ID {
		t.Errorf("moved card: %d days (%s) at step %d", moved.Days, moved.DaysText(), *moved.StageID)
	}
	if waiting.Days != 10 {
		t.Errorf("card never moved: %d days, want 10 (since received)", waiting.Days)
	}
	if b.Counts[jury.ID] != 1 || b.Counts[stepNamed(t, s, a.ID, "Nouvelle").ID] != 1 {
		t.Errorf("counts = %v", b.Counts)
	}
}

// A note by another agent or a candidate's message marks the card unread
// for an agent until they open the application; their own note does not.
func TestBoardUnreadMark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, other, ids, ag := collabWorld(t, 2)
	offer := mustOfferOf(t, s, ids[0])
	unread := func(reader string) bool {
		t.Helper()
		c := cardOf(boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: ag[reader].ID}), ids[0])
		if c == nil {
			t.Fatal("no card")
		}
		return c.Unread
	}
	if unread("rh") || unread("rh2") {
		t.Fatal("a new application without notes or messages is unread")
	}
	if _, _, err := s.AddNote(ctx, a.ID, ids[0], "Profil solide, à voir en entretien.", vivier.Scope{}, act(ag["rh2"])); err != nil {
		t.Fatal(err)
	}
	if !unread("rh") {
		t.Error("another agent's note does not mark the card unread")
	}
	if unread("rh2") {
		t.Error("the author's own note marks the card unread for them")
	}
	if err := s.MarkApplicationRead(ctx, a.ID, ag["rh"].ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if unread("rh") {
		t.Error("still unread after the agent opened the application")
	}
	execSQL(t, s, `INSERT INTO application_messages (application_id, from_candidate, body) VALUES ($1, true, 'Avez-vous reçu mon CV ?')`, ids[0])
	if !unread("rh") || !unread("rh2") {
		t.Error("a candidate's message does not mark the card unread")
	}
	// Another administration's id reaches nothing.
	if err := s.MarkApplicationRead(ctx, other.ID, ag["rh"].ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if !unread("rh") {
		t.Error("marked read through another administration")
	}
	if err := s.MarkApplicationRead(ctx, a.ID, ag["rh"].ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if unread("rh") || !unread("rh2") {
		t.Error("reading is per agent")
	}
	if c := cardOf(boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: ag["rh"].ID}), ids[1]); c == nil || c.Unread {
		t.Errorf("the other card: %+v", c)
	}
}

// A file without a CV, or without the answer to a required question, is
// marked incomplete.
func TestBoardIncompleteMark(t *testing.T) {
	t.Parallel()
	s, a, _, ids, ag := collabWorld(t, 3)
	offer := mustOfferOf(t, s, ids[0])
	execSQL(t, s, `UPDATE application_files SET deleted_at = now() WHERE application_id = $1 AND kind = 'cv'`, ids[0])
	execSQL(t, s, `UPDATE applications SET answers = '{}' WHERE id = $1`, ids[1])
	b := boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: ag["rh"].ID})
	noCV, noAnswer, full := cardOf(b, ids[0]), cardOf(b, ids[1]), cardOf(b, ids[2])
	if !noCV.MissingCV || noCV.MissingAnswers || !noCV.Incomplete() || noCV.MissingText() != "pas de CV" {
		t.Errorf("without a CV: %+v", noCV)
	}
	if noAnswer.MissingCV || !noAnswer.MissingAnswers || noAnswer.MissingText() != "réponse obligatoire manquante" {
		t.Errorf("without the required answer: %+v", noAnswer)
	}
	if full.Incomplete() {
		t.Errorf("complete file marked incomplete: %+v", full)
	}
	// An offer that asks for no CV does not want one.
	execSQL(t, s, `UPDATE offers SET cv_policy = 'none' WHERE id = $1`, offer)
	if c := cardOf(boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: ag["rh"].ID}), ids[0]); c.Incomplete() {
		t.Errorf("no CV for an offer without CVs: %+v", c)
	}
}

// The board reads the list's filters, shows the ratings, tags and
// assignees, pages its columns, and stays in its administration.
func TestBoardFiltersAndColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, other, ids, ag := collabWorld(t, 5)
	offer := mustOfferOf(t, s, ids[0])
	nouvelle := stepNamed(t, s, a.ID, "Nouvelle").ID
	if _, err := s.AddTag(ctx, a.ID, ids[1:3], "À revoir"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, a.ID, ids[2:3], ag["rh"].ID, act(ag["rh2"])); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, a.ID, ids[2:4], ag["jury"].ID, act(ag["rh2"])); err != nil {
		t.Fatal(err)
	}
	if err := s.Rate(ctx, a.ID, ids[2], 3, "", act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	tags, err := s.Tags(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	reader := ag["rh"].ID
	b := boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{TagID: tags[0].ID}})
	if len(b.Cards[nouvelle]) != 2 || b.Counts[nouvelle] != 2 || cardOf(b, ids[0]) != nil {
		t.Errorf("by tag: %d cards, counts %v", len(b.Cards[nouvelle]), b.Counts)
	}
	c := cardOf(b, ids[2])
	if c == nil || len(c.TagList()) != 1 || c.TagList()[0] != "À revoir" || c.RatingText() != "3,0" {
		t.Fatalf("card = %+v", c)
	}
	if len(c.Assignees) != 2 || c.Assignees[0].Name != "Rémi Hérault" || c.Assignees[0].Initials() != "RH" || c.Assignees[1].Initials() != "JU" {
		t.Errorf("assignees = %+v", c.Assignees)
	}
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{AssigneeID: ag["jury"].ID, MinRating: 3}})
	if b.Counts[nouvelle] != 1 || cardOf(b, ids[2]) == nil {
		t.Errorf("assigned and rated: %v", b.Counts)
	}
	// The full text, alone and with another filter.
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{Query: "Martin"}})
	if b.Counts[nouvelle] != 5 || len(b.Cards[nouvelle]) != 5 {
		t.Errorf("full text: %v, %d cards", b.Counts, len(b.Cards[nouvelle]))
	}
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{Query: "Martin", TagID: tags[0].ID}})
	if b.Counts[nouvelle] != 2 || len(b.Cards[nouvelle]) != 2 || cardOf(b, ids[2]) == nil {
		t.Errorf("full text and tag: %v, %d cards", b.Counts, len(b.Cards[nouvelle]))
	}
	if b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{Query: "introuvable"}}); len(b.Cards) != 0 {
		t.Errorf("full text without a match: %+v", b)
	}
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, Filter: vivier.PipelineFilter{Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}})
	if b.Counts[nouvelle] != 2 || cardOf(b, ids[0]) != nil {
		t.Errorf("a jury member's board: %v", b.Counts)
	}
	// Paging: two cards per column, then a column asked for three.
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, PerStep: 2, Filter: vivier.PipelineFilter{Sort: "anciennes"}})
	if len(b.Cards[nouvelle]) != 2 || b.Counts[nouvelle] != 5 || b.More(nouvelle) != 3 || b.Cards[nouvelle][0].ID != ids[0] {
		t.Errorf("first page: %d cards, %d more", len(b.Cards[nouvelle]), b.More(nouvelle))
	}
	b = boardOf(t, s, a.ID, offer, vivier.BoardQuery{Reader: reader, PerStep: 2, Shown: map[int64]int{nouvelle: 3}})
	if len(b.Cards[nouvelle]) != 3 || b.Cards[nouvelle][0].ID != ids[4] {
		t.Errorf("a column with more: %d cards", len(b.Cards[nouvelle]))
	}
	// Another administration sees nothing of the offer.
	if b = boardOf(t, s, other.ID, offer, vivier.BoardQuery{Reader: ag["other"].ID}); len(b.Cards) != 0 || len(b.Counts) != 0 {
		t.Errorf("another administration's board: %+v", b)
	}
}

func TestAssigneeInitials(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Jeanne Du Pont": "JP", "élodie martin": "ÉM", "Camille": "C", "jury@mairie.fr": "J", "Anne-Sophie Roux": "AR",
	} {
		if got := (vivier.BoardAssignee{Name: name}).Initials(); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// BenchmarkBoardCards times the store's part of an offer's board with
// 10 000 applications over two steps: plain, filtered, sorted by name, the
// full text, and a column paged further.
func BenchmarkBoardCards(b *testing.B) {
	s, adminID, offerID, agentID, tagID := seedPipeline(b, 10000)
	ctx := context.Background()
	steps, err := s.Steps(ctx, adminID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET stage_id = CASE WHEN id % 3 = 0 THEN $1::bigint ELSE $2::bigint END`,
		steps[1].ID, steps[0].ID); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for name, q := range map[string]vivier.BoardQuery{
		"plain":    {},
		"source":   {Filter: vivier.PipelineFilter{Source: "linkedin"}},
		"tag":      {Filter: vivier.PipelineFilter{TagID: tagID}},
		"nom":      {Filter: vivier.PipelineFilter{Sort: "nom"}},
		"fulltext": {Filter: vivier.PipelineFilter{Query: "haies"}},
		"more":     {Shown: map[int64]int{steps[0].ID: 60}},
		"known":    {Known: map[int64]int{steps[0].ID: 6667, steps[1].ID: 3333}},
	} {
		q.Reader = agentID
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				board, err := s.BoardCards(ctx, adminID, offerID, q)
				if err != nil || len(board.Cards) == 0 {
					b.Fatalf("%v, %d columns", err, len(board.Cards))
				}
			}
		})
	}
}

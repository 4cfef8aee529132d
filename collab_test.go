package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

func TestMentions(t *testing.T) {
	t.Parallel()
	members := []vivier.Member{
		{ID: 1, Email: "c.martin@mairie.fr", FirstName: "Camille", LastName: "Martin"},
		{ID: 2, Email: "rh@mairie.fr", FirstName: "Élodie", LastName: "Du Pont"},
		{ID: 3, Email: "jury@mairie.fr"},
	}
	cases := map[string][]int64{
		"@camille.martin peux-tu regarder ?":      {1},
		"Vu avec @c.martin. Et @elodie.du-pont.":  {1, 2},
		"@Élodie.Du-Pont et @rh, @rh encore":      {2},
		"écrire à rh@mairie.fr n'est pas mention": nil,
		"(@jury)":  {3},
		"@inconnu": nil,
	}
	for body, want := range cases {
		got := vivier.Mentions(body, members)
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		if len(ids) != len(want) {
			t.Errorf("%q mentions %v, want %v", body, ids, want)
			continue
		}
		for i := range ids {
			if ids[i] != want[i] {
				t.Errorf("%q mentions %v, want %v", body, ids, want)
			}
		}
	}
}

// collabWorld adds agents to pipelineWorld's administration A: a
// recruiter, a second recruiter and a jury member, and one to B.
func collabWorld(t *testing.T, n int) (s *vivier.Store, a, b *vivier.Administration, ids []int64, agents map[string]*vivier.Agent) {
	t.Helper()
	ctx := context.Background()
	s, a, b, ids = pipelineWorld(t, n)
	agents = map[string]*vivier.Agent{}
	for _, x := range []struct {
		key, email, first, last string
		role                    vivier.Role
		adm                     int64
	}{
		{"rh", "rh@a.fr", "Rémi", "Hérault", vivier.RoleRecruteur, a.ID},
		{"rh2", "camille@a.fr", "Camille", "Martin", vivier.RoleRecruteur, a.ID},
		{"jury", "jury@a.fr", "Jules", "Ury", vivier.RoleMembreJury, a.ID},
		{"other", "rh@b.fr", "Bob", "Autre", vivier.RoleRecruteur, b.ID},
		{"brand", "marque@a.fr", "Marc", "Marque", vivier.RoleMarque, a.ID},
	} {
		ag := &vivier.Agent{Email: x.email, FirstName: x.first, LastName: x.last}
		if err := s.UpsertAgent(ctx, ag); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignRole(ctx, ag.ID, x.role, vivier.AdministrationDomain(x.adm)); err != nil {
			t.Fatal(err)
		}
		agents[x.key] = ag
	}
	return s, a, b, ids, agents
}

func act(ag *vivier.Agent) vivier.Actor { return vivier.Actor{AgentID: ag.ID, Email: ag.Email} }

func TestNotesMentionAndScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids, ag := collabWorld(t, 2)
	// The jury member is mentioned but not assigned: not told; the author
	// mentioning themselves: not told; an agent of B: unknown here.
	_, told, err := s.AddNote(ctx, a.ID, ids[0], "Profil **solide**. @camille @jules.ury @rh @bob.autre @marc.marque", vivier.Scope{}, act(ag["rh"]))
	if err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0].ID != ag["rh2"].ID {
		t.Fatalf("told %+v, want Camille only", told)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskNoteMention); n != 1 {
		t.Errorf("%d mention tasks, want 1", n)
	}
	if _, err := s.Assign(ctx, a.ID, ids[:1], ag["jury"].ID, act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	n, told, err := s.AddNote(ctx, a.ID, ids[0], "@jules.ury à vous", vivier.Scope{}, act(ag["rh"]))
	if err != nil || len(told) != 1 || told[0].ID != ag["jury"].ID {
		t.Fatalf("assigned jury member told: %+v, %v", told, err)
	}
	m, err := s.NoteMentionByID(ctx, n.ID)
	if err != nil || len(m.Agents) != 1 || m.Agents[0].Email != "jury@a.fr" || m.Author != "Rémi Hérault" || m.AdminSlug != a.Slug {
		t.Fatalf("mention = %+v, %v", m, err)
	}
	// A jury member writes only on what is assigned to them; another
	// administration writes nothing.
	if _, _, err := s.AddNote(ctx, a.ID, ids[1], "x", vivier.Scope{AssignedTo: ag["jury"].ID}, act(ag["jury"])); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("jury note outside scope: %v", err)
	}
	if _, _, err := s.AddNote(ctx, b.ID, ids[0], "x", vivier.Scope{}, act(ag["other"])); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("note from B: %v", err)
	}
	if _, _, err := s.AddNote(ctx, a.ID, ids[0], "   ", vivier.Scope{}, act(ag["rh"])); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("empty note: %v", err)
	}
	notes, err := s.Notes(ctx, a.ID, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].AuthorName != "Rémi Hérault" {
		t.Fatalf("notes = %+v", notes)
	}
	if notes, err := s.Notes(ctx, b.ID, ids[0]); err != nil || len(notes) != 0 {
		t.Errorf("B reads A's notes (%v)", err)
	}
	// Erasing the application erases what was written about the person.
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET category = 'anonymisee', stage_id = NULL WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if notes, err := s.Notes(ctx, a.ID, ids[0]); err != nil || len(notes) != 0 {
		t.Errorf("notes survive the erasure: %+v (%v)", notes, err)
	}
}

func TestRatingsVisibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids, ag := collabWorld(t, 1)
	app := ids[0]
	if err := s.Rate(ctx, a.ID, app, 3, "", act(ag["rh"])); vivier.ErrorCode(err) != vivier.EFORBIDDEN {
		t.Fatalf("rating before being assigned: %v", err)
	}
	for _, k := range []string{"rh", "rh2", "jury"} {
		if _, err := s.Assign(ctx, a.ID, []int64{app}, ag[k].ID, act(ag["rh"])); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"other", "brand"} {
		if _, err := s.Assign(ctx, a.ID, []int64{app}, ag[k].ID, act(ag["rh"])); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("assigning %s, who reads no application here: %v", k, err)
		}
	}
	if err := s.Rate(ctx, a.ID, app, 5, "", act(ag["rh"])); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("score 5: %v", err)
	}
	if err := s.Rate(ctx, a.ID, app, 4, "Excellent", act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	if err := s.Rate(ctx, a.ID, app, 2, "Réservé", act(ag["rh2"])); err != nil {
		t.Fatal(err)
	}
	if err := s.Rate(ctx, b.ID, app, 1, "", act(ag["other"])); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("rating from B: %v", err)
	}
	// The jury member, blind, sees nothing of the others until they rate.
	r, err := s.RatingsOf(ctx, a.ID, app, ag["jury"].ID, true)
	if err != nil || !r.Hidden || len(r.Others) != 0 || r.Count != 0 || r.Mine != nil {
		t.Fatalf("jury before rating: %+v, %v", r, err)
	}
	if err := s.Rate(ctx, a.ID, app, 3, "", act(ag["jury"])); err != nil {
		t.Fatal(err)
	}
	r, err = s.RatingsOf(ctx, a.ID, app, ag["jury"].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Hidden || len(r.Others) != 2 || r.Mine == nil || r.Mine.Score != 3 || r.AverageText() != "3,0" {
		t.Fatalf("jury after rating: %+v", r)
	}
	// A recruiter sees all, with the average.
	r, err = s.RatingsOf(ctx, a.ID, app, ag["rh2"].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Count != 3 || r.Average != 3 || r.Mine.Comment != "Réservé" {
		t.Fatalf("recruiter: %+v", r)
	}
	// Rating again replaces.
	if err := s.Rate(ctx, a.ID, app, 1, "", act(ag["jury"])); err != nil {
		t.Fatal(err)
	}
	if r, err = s.RatingsOf(ctx, a.ID, app, 0, false); err != nil || r.Count != 3 || r.AverageText() != "2,3" {
		t.Fatalf("after a new rating: %+v (%v)", r, err)
	}
	if r, err = s.RatingsOf(ctx, b.ID, app, 0, false); err != nil || r.Count != 0 {
		t.Errorf("B reads A's ratings (%v)", err)
	}
}

func TestPipelineListCollabFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids, ag := collabWorld(t, 4)
	offer := mustOfferOf(t, s, ids[0])
	if n, err := s.AddTag(ctx, a.ID, ids[:2], "  À  revoir "); err != nil || n != 2 {
		t.Fatalf("tag = %d, %v", n, err)
	}
	if n, err := s.AddTag(ctx, b.ID, ids, "Pirate"); err != nil || n != 0 {
		t.Errorf("B tagged %d of A's applications (%v)", n, err)
	}
	tags, err := s.Tags(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 1 || tags[0].Label != "À revoir" {
		t.Fatalf("tags = %+v", tags)
	}
	if n, err := s.Assign(ctx, a.ID, ids[1:3], ag["jury"].ID, act(ag["rh"])); err != nil || n != 2 {
		t.Fatalf("assigned %d (%v)", n, err)
	}
	if _, err := s.Assign(ctx, a.ID, ids[:1], ag["rh"].ID, act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	if err := s.Rate(ctx, a.ID, ids[1], 4, "", act(ag["jury"])); err != nil {
		t.Fatal(err)
	}
	if err := s.Rate(ctx, a.ID, ids[0], 2, "", act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	list := func(f vivier.PipelineFilter) []int64 {
		t.Helper()
		rows, total, err := s.PipelineList(ctx, a.ID, offer, f)
		if err != nil || total != len(rows) {
			t.Fatalf("%+v: %d rows, total %d, %v", f, len(rows), total, err)
		}
		var out []int64
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	same := func(got, want []int64) bool {
		if len(got) != len(want) {
			return false
		}
		m := map[int64]bool{}
		for _, id := range want {
			m[id] = true
		}
		for _, id := range got {
			if !m[id] {
				return false
			}
		}
		return true
	}
	for name, c := range map[string]struct {
		f    vivier.PipelineFilter
		want []int64
	}{
		"tag":        {vivier.PipelineFilter{TagID: tags[0].ID}, ids[:2]},
		"assignee":   {vivier.PipelineFilter{AssigneeID: ag["jury"].ID}, ids[1:3]},
		"rated ≥ 3":  {vivier.PipelineFilter{MinRating: 3}, ids[1:2]},
		"rated ≥ 2":  {vivier.PipelineFilter{MinRating: 2}, ids[:2]},
		"unrated":    {vivier.PipelineFilter{Unrated: true}, ids[2:]},
		"jury scope": {vivier.PipelineFilter{Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}, ids[1:3]},
		"scope+tag":  {vivier.PipelineFilter{TagID: tags[0].ID, Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}, ids[1:2]},
	} {
		if got := list(c.f); !same(got, c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
	rows, _, err := s.PipelineList(ctx, a.ID, offer, vivier.PipelineFilter{IDs: ids[1:2]})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Tags == nil || *rows[0].Tags != "À revoir" || rows[0].Rating == nil || *rows[0].Rating != 4 {
		t.Errorf("row = %+v", rows[0])
	}
	counts, err := s.StepCounts(ctx, a.ID, offer, vivier.Scope{AssignedTo: ag["jury"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if counts[stepNamed(t, s, a.ID, "Nouvelle").ID] != 2 {
		t.Errorf("jury counts = %v", counts)
	}
	board, err := s.BoardCards(ctx, a.ID, offer, vivier.BoardQuery{Filter: vivier.PipelineFilter{Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(board.Cards[stepNamed(t, s, a.ID, "Nouvelle").ID]); n != 2 {
		t.Errorf("jury board shows %d cards", n)
	}
	if apps, total, err := s.ApplicationList(ctx, a.ID, vivier.PipelineFilter{Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}); err != nil || len(apps) != 2 || total != 2 {
		t.Errorf("jury list shows %d of %d (%v)", len(apps), total, err)
	}
	if err := s.InScope(ctx, a.ID, ids[0], vivier.Scope{AssignedTo: ag["jury"].ID}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("unassigned application in the jury's scope: %v", err)
	}
	if err := s.RemoveTag(ctx, b.ID, ids[0], tags[0].ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B removes A's tag: %v", err)
	}
	if err := s.Unassign(ctx, b.ID, ids[1], ag["jury"].ID, act(ag["other"])); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B unassigns: %v", err)
	}
	if err := s.Unassign(ctx, a.ID, ids[1], ag["jury"].ID, act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	if got := list(vivier.PipelineFilter{Scope: vivier.Scope{AssignedTo: ag["jury"].ID}}); !same(got, ids[2:3]) {
		t.Errorf("after unassigning: %v", got)
	}
}

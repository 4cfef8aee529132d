package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vivier"
)

// A jury member from outside (membre_jury) reads the applications given to
// a board they sit on, from the marking page, and no other of the offer.
func TestBoardMemberReadsWhatTheBoardMarks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	s := p.Store()
	min, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := openOfferOf(t, p, "ministere-demo", "JURY-LECTURE", "Offre lue par le jury")
	ids := seedApplications(t, p, o, 2)
	given, other := ids[0], ids[1]
	jury := juryMember(t, p, "ministere-demo", "jury-lecture@exemple.fr")
	actor := vivier.Actor{Email: "recruteur@ministere-demo.vivier.test"}
	b, err := s.CreateBoard(ctx, min.ID, o.ID, vivier.BoardJury, "Jury de lecture", 20, actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddBoardMember(ctx, min.ID, b.ID, jury.ID, "", "", actor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignToBoard(ctx, min.ID, b.ID, []int64{given}, actor); err != nil {
		t.Fatal(err)
	}
	c, _ := signInAs(t, p, jury.Email)
	view := func(id int64) string { return fmt.Sprintf("/admin/ministere-demo/candidatures/%d", id) }
	if resp, body := get(t, c, fmt.Sprintf("%s/admin/ministere-demo/jurys/%d/notation", p.URL, b.ID)); resp.StatusCode != 200 ||
		!strings.Contains(body, `href="`+view(given)+`"`) {
		t.Fatalf("marking page = %d, or no link to the application's file", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+view(given)); resp.StatusCode != 200 {
		t.Errorf("the member reads the application given to the board: %d, want 200", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+view(other)); resp.StatusCode != 404 {
		t.Errorf("the member reads an application not given to the board: %d, want 404", resp.StatusCode)
	}
}

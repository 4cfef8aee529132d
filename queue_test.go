package vivier_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"vivier"
)

// queueWorld is a parent administration A with a direction C (and C's own
// direction G), a stranger B, an offer and applications in each, and agent
// "me" holding a role in A.
type queueWorld struct {
	s          *vivier.Store
	a, b, c, g *vivier.Administration
	me, other  *vivier.Agent
	apps       map[string]int64 // by name: a1, a2, a3, c1, c2, g1, b1
	adminOf    map[string]int64
}

func newQueueWorld(t *testing.T) *queueWorld {
	t.Helper()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	w := &queueWorld{s: s, a: a, b: b, apps: map[string]int64{}, adminOf: map[string]int64{}}
	w.c = &vivier.Administration{Slug: "a-direction", Name: "Direction de A", Versant: vivier.VersantEtat, ParentID: &a.ID}
	if err := s.UpsertAdministration(ctx, w.c); err != nil {
		t.Fatal(err)
	}
	w.g = &vivier.Administration{Slug: "a-direction-service", Name: "Service de la direction", Versant: vivier.VersantEtat, ParentID: &w.c.ID}
	if err := s.UpsertAdministration(ctx, w.g); err != nil {
		t.Fatal(err)
	}
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		adm  *vivier.Administration
		ref  string
		apps []string
	}{{a, "QA-1", []string{"a1", "a2", "a3"}}, {w.c, "QC-1", []string{"c1", "c2"}}, {w.g, "QG-1", []string{"g1"}}, {b, "QB-1", []string{"b1"}}} {
		o := openOffer(t, s, x.adm.ID, x.ref)
		for _, name := range x.apps {
			sub := submission(t, name+"@exemple.fr")
			sub.LastName = "Nom" + name
			if err := sub.Validate(o); err != nil {
				t.Fatal(err)
			}
			app, _, err := s.Apply(ctx, sub, o, files)
			if err != nil {
				t.Fatal(err)
			}
			w.apps[name], w.adminOf[name] = app.ID, x.adm.ID
		}
	}
	for i, email := range []string{"moi@a.fr", "autre@a.fr"} {
		ag := &vivier.Agent{Email: email, FirstName: "Agent", LastName: email}
		if err := s.UpsertAgent(ctx, ag); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignRole(ctx, ag.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(a.ID)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			w.me = ag
		} else {
			w.other = ag
		}
	}
	return w
}

func (w *queueWorld) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := w.s.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// list returns the names of the applications A's list shows with f.
func (w *queueWorld) list(t *testing.T, f vivier.PipelineFilter) []string {
	t.Helper()
	rows, total, err := w.s.ApplicationList(context.Background(), w.a.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(rows) {
		t.Errorf("total %d for %d rows", total, len(rows))
	}
	var names []string
	for _, r := range rows {
		for name, id := range w.apps {
			if id == r.ID {
				names = append(names, name)
				if w.adminOf[name] != r.AdministrationID {
					t.Errorf("%s: administration %d, want %d", name, r.AdministrationID, w.adminOf[name])
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

func (w *queueWorld) within(t *testing.T) []int64 {
	t.Helper()
	adms, err := w.s.Subtree(context.Background(), w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, a := range adms {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestSubtreeAndDirectionsNeverLeak(t *testing.T) {
	t.Parallel()
	w := newQueueWorld(t)
	within := w.within(t)
	if want := []int64{w.a.ID, w.c.ID, w.g.ID}; !slices.Equal(within, want) {
		t.Fatalf("subtree of A = %v, want %v (A first, then by name)", within, want)
	}
	all := []string{"a1", "a2", "a3", "c1", "c2", "g1"}
	for _, tc := range []struct {
		name string
		f    vivier.PipelineFilter
		want []string
	}{
		{"A alone", vivier.PipelineFilter{}, []string{"a1", "a2", "a3"}},
		{"A and its directions", vivier.PipelineFilter{Within: within}, all},
		{"direction C", vivier.PipelineFilter{Within: within, Direction: w.c.ID}, []string{"c1", "c2"}},
		{"direction G", vivier.PipelineFilter{Within: within, Direction: w.g.ID}, []string{"g1"}},
		{"B named as a direction", vivier.PipelineFilter{Within: within, Direction: w.b.ID}, nil},
		{"C named as a direction of A alone", vivier.PipelineFilter{Direction: w.c.ID}, nil},
		{"sorted by name", vivier.PipelineFilter{Within: within, Sort: "nom"}, all},
		{"searched by name", vivier.PipelineFilter{Within: within, Query: "Nomc2"}, []string{"c2"}},
		{"B's name searched", vivier.PipelineFilter{Within: within, Query: "Nomb1"}, nil},
		{"spontaneous only", vivier.PipelineFilter{Within: within, Spontaneous: true}, nil},
	} {
		if got := w.list(t, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// One offer's, across the directions; B's offer shows nothing.
	var offerOfC, offerOfB int64
	if err := w.s.DB().Get(&offerOfC, `SELECT offer_id FROM applications WHERE id = $1`, w.apps["c1"]); err != nil {
		t.Fatal(err)
	}
	if err := w.s.DB().Get(&offerOfB, `SELECT offer_id FROM applications WHERE id = $1`, w.apps["b1"]); err != nil {
		t.Fatal(err)
	}
	if got := w.list(t, vivier.PipelineFilter{Within: within, OfferID: offerOfC}); !slices.Equal(got, []string{"c1", "c2"}) {
		t.Errorf("offer of C: %v", got)
	}
	if got := w.list(t, vivier.PipelineFilter{Within: within, OfferID: offerOfB}); got != nil {
		t.Errorf("offer of B from A: %v", got)
	}
	// Sorted by name: the rows come in the names' order.
	rows, _, err := w.s.ApplicationList(context.Background(), w.a.ID, vivier.PipelineFilter{Within: within, Sort: "nom"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(rows, func(x, y vivier.ApplicationListRow) int {
		return strings.Compare(strings.ToLower(x.LastName), strings.ToLower(y.LastName))
	}) {
		t.Errorf("not sorted by name: %+v", rows)
	}
	if rows[0].AdminSlug == "" || rows[0].OfferTitle == nil {
		t.Errorf("row without its administration or offer: %+v", rows[0])
	}
	// A suspended direction leaves the subtree, with what is under it.
	w.exec(t, `UPDATE administrations SET status = 'suspended' WHERE id = $1`, w.c.ID)
	if got := w.within(t); !slices.Equal(got, []int64{w.a.ID}) {
		t.Errorf("subtree with C suspended = %v", got)
	}
}

// Each filter of what waits matches its applications and no other, in A
// and its directions, never in B; the queue's counts are the lists' totals.
func TestQueueFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newQueueWorld(t)
	within := w.within(t)
	me, other := w.me.ID, w.other.ID
	// Assigned to me: a1 (pending), c1 (refused), g1 (pending); a2 to the
	// other agent; b1 to me in B.
	for name, agent := range map[string]int64{"a1": me, "c1": me, "g1": me, "a2": other, "b1": me} {
		w.exec(t, `INSERT INTO application_assignees (application_id, agent_id, administration_id) VALUES ($1, $2, $3)`,
			w.apps[name], agent, w.adminOf[name])
	}
	w.exec(t, `UPDATE applications SET category = 'refusee' WHERE id = $1`, w.apps["c1"])
	w.exec(t, `UPDATE applications SET category = 'acceptee' WHERE id = $1`, w.apps["a3"])
	// Mentions: of me on a2 and c2 (c2's seen later), of the other on a1,
	// of me on b1.
	for _, m := range []struct {
		app   string
		agent int64
	}{{"a2", me}, {"c2", me}, {"a1", other}, {"b1", me}} {
		w.exec(t, `WITH n AS (INSERT INTO application_notes (administration_id, application_id, author_email, body)
			VALUES ($1, $2, 'x@a.fr', 'Avis ?') RETURNING id) INSERT INTO note_mentions (note_id, agent_id) SELECT id, $3 FROM n`,
			w.adminOf[m.app], w.apps[m.app], m.agent)
	}
	// Messages: the candidate wrote last on a1 and g1 (and b1); a recruiter
	// answered on a2; none on the rest.
	for _, m := range []struct {
		app       string
		candidate []bool
	}{{"a1", []bool{false, true}}, {"g1", []bool{true}}, {"a2", []bool{true, false}}, {"b1", []bool{true}}} {
		for i, fromCandidate := range m.candidate {
			w.exec(t, `INSERT INTO application_messages (application_id, from_candidate, body, created_at)
				VALUES ($1, $2, 'Bonjour', now() - make_interval(mins => $3))`, w.apps[m.app], fromCandidate, 10-i)
		}
	}
	// Interviews: proposed on c2, another slot asked on a2, accepted on a1,
	// replaced on g1, proposed on b1.
	for app, status := range map[string]string{"c2": "propose", "a2": "autre_creneau", "a1": "accepte", "g1": "remplace", "b1": "propose"} {
		w.exec(t, `INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, place, organizer, status)
			VALUES ($1, $2, now() + interval '3 days', 30, 'Salle 1', 'moi@a.fr', $3)`, w.adminOf[app], w.apps[app], status)
	}
	// Promises (15 days): due in 5 days for a1 and c2 (and b1), overdue for
	// a2, due in 14 days for g1, refused c1 due in 5 days.
	for app, ago := range map[string]int{"a1": 10, "c2": 10, "b1": 10, "a2": 20, "g1": 1, "c1": 10, "a3": 10} {
		w.exec(t, `UPDATE applications SET created_at = now() - make_interval(days => $2) WHERE id = $1`, w.apps[app], ago)
	}
	cases := []struct {
		kind vivier.QueueKind
		want []string
	}{
		{vivier.QueueAssigned, []string{"a1", "g1"}},
		{vivier.QueueMentions, []string{"a2", "c2"}},
		{vivier.QueueMessages, []string{"a1", "g1"}},
		{vivier.QueueToConfirm, []string{"a2", "c2"}},
		{vivier.QueueDueSoon, []string{"a1", "c2"}},
	}
	base := vivier.PipelineFilter{Within: within}
	counts, err := w.s.QueueCounts(ctx, w.a.ID, base, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != len(cases) {
		t.Fatalf("counts = %+v", counts)
	}
	for i, tc := range cases {
		got := w.list(t, tc.kind.Filter(base, me))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.kind, got, tc.want)
		}
		if counts[i].Kind != tc.kind || counts[i].N != len(got) {
			t.Errorf("count of %s = %+v, the list shows %d", tc.kind, counts[i], len(got))
		}
	}
	// The filters one by one, and two together.
	for _, tc := range []struct {
		name string
		f    vivier.PipelineFilter
		want []string
	}{
		{"pending", vivier.PipelineFilter{Within: within, Pending: true}, []string{"a1", "a2", "c2", "g1"}},
		{"assigned to me", vivier.PipelineFilter{Within: within, AssigneeID: me}, []string{"a1", "c1", "g1"}},
		{"assigned to me in A alone", vivier.PipelineFilter{AssigneeID: me}, []string{"a1"}},
		{"messages in direction G", vivier.PipelineFilter{Within: within, Direction: w.g.ID, UnreadMessages: true}, []string{"g1"}},
		{"mentions in B's name", vivier.PipelineFilter{Within: within, Direction: w.b.ID, Mentioned: true, Me: me}, nil},
		{"mentions without an agent", vivier.PipelineFilter{Within: within, Mentioned: true}, nil},
		{"jury scope", vivier.PipelineFilter{Within: within, UnreadMessages: true, Scope: vivier.Scope{AssignedTo: me}}, []string{"a1", "g1"}},
		{"jury scope of the other", vivier.PipelineFilter{Within: within, UnreadMessages: true, Scope: vivier.Scope{AssignedTo: other}}, nil},
	} {
		if got := w.list(t, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// The offer's list reads the same filters.
	var offerOfA int64
	if err := w.s.DB().Get(&offerOfA, `SELECT offer_id FROM applications WHERE id = $1`, w.apps["a1"]); err != nil {
		t.Fatal(err)
	}
	rows, _, err := w.s.PipelineList(ctx, w.a.ID, offerOfA, vivier.PipelineFilter{UnreadMessages: true, DueSoon: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ID != w.apps["a1"] {
		t.Errorf("offer list, unread and due soon: %+v", rows)
	}
	// Seeing the application takes its mention out of the queue, for me
	// only, and only in its administration.
	if err := w.s.MarkMentionsSeen(ctx, w.a.ID, w.apps["c2"], me); err != nil {
		t.Fatal(err)
	}
	if got := w.list(t, vivier.QueueMentions.Filter(base, me)); !slices.Equal(got, []string{"a2", "c2"}) {
		t.Errorf("c2 seen through A, not its administration: %v", got)
	}
	if err := w.s.MarkMentionsSeen(ctx, w.c.ID, w.apps["c2"], me); err != nil {
		t.Fatal(err)
	}
	if got := w.list(t, vivier.QueueMentions.Filter(base, me)); !slices.Equal(got, []string{"a2"}) {
		t.Errorf("mentions after seeing c2: %v", got)
	}
	if got := w.list(t, vivier.QueueMentions.Filter(base, other)); !slices.Equal(got, []string{"a1"}) {
		t.Errorf("the other agent's mentions: %v", got)
	}
}

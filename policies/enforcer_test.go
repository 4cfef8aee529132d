package policies_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
	"vivier/policies"
)

type world struct {
	store            *vivier.Store
	ministry, dnum   *vivier.Administration
	city             *vivier.Administration
	admin, reader    *vivier.Agent
	platform, nobody *vivier.Agent
}

func newWorld(t *testing.T) (*world, string) { return newWorldTB(t) }

func newWorldTB(t testing.TB) (*world, string) {
	t.Helper()
	ctx := context.Background()
	url := dbtest.NewURL(t)
	db, err := vivier.OpenDB(ctx, url, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, db) })
	w := &world{store: vivier.NewStore(db)}
	mk := func(slug string, parent *vivier.Administration) *vivier.Administration {
		a := &vivier.Administration{Slug: slug, Name: slug, Versant: vivier.VersantEtat}
		if parent != nil {
			a.ParentID = &parent.ID
		}
		if err := w.store.UpsertAdministration(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.ministry = mk("ministere", nil)
	w.dnum = mk("ministere-dnum", w.ministry)
	w.city = mk("ville", nil)
	agent := func(email string, role vivier.Role, domain string) *vivier.Agent {
		a := &vivier.Agent{Email: email}
		if err := w.store.UpsertAgent(ctx, a); err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := w.store.AssignRole(ctx, a.ID, role, domain); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	w.admin = agent("admin@m.fr", vivier.RoleAdmin, vivier.AdministrationDomain(w.ministry.ID))
	w.reader = agent("lecteur@dnum.fr", vivier.RoleLecteur, vivier.AdministrationDomain(w.dnum.ID))
	w.platform = agent("plateforme@p.fr", vivier.RolePlateforme, vivier.PlatformDomain)
	w.nobody = agent("personne@p.fr", "", "")
	return w, url
}

func perm(t testing.TB, s string) policies.Permission {
	t.Helper()
	p, err := policies.ParsePermission(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRolesFollowTheTree(t *testing.T) {
	t.Parallel()
	w, _ := newWorld(t)
	e, err := policies.New(context.Background(), w.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		agent *vivier.Agent
		adm   *vivier.Administration
		perm  string
		want  bool
	}{
		{w.admin, w.ministry, "agents:manage", true},
		{w.admin, w.dnum, "agents:manage", true},        // held on the parent, holds on the child
		{w.admin, w.dnum, "offers:publish", true},       // admin inherits recruteur
		{w.admin, w.city, "offers:read", false},         // another administration
		{w.reader, w.dnum, "offers:read", true},         // lecteur reads
		{w.reader, w.dnum, "offers:publish", false},     // and does nothing else
		{w.reader, w.ministry, "offers:read", false},    // a child's role does not climb to the parent
		{w.platform, w.city, "agents:manage", true},     // plateforme everywhere
		{w.nobody, w.ministry, "dashboard:read", false}, // no role, nothing
	}
	for _, c := range cases {
		got, err := e.Allowed(c.agent.ID, c.adm.ID, perm(t, c.perm))
		if err != nil || got != c.want {
			t.Errorf("%s on %s %s = %v (%v), want %v", c.agent.Email, c.adm.Slug, c.perm, got, err, c.want)
		}
	}
	if ok, err := e.AllowedOnPlatform(w.platform.ID, perm(t, "platform:manage")); err != nil || !ok {
		t.Errorf("plateforme cannot manage the platform (%v)", err)
	}
	if ok, err := e.AllowedOnPlatform(w.admin.ID, perm(t, "platform:manage")); err != nil || ok {
		t.Errorf("an administrator manages the platform (%v)", err)
	}
	if !e.Known(perm(t, "offers:publish")) || e.Known(perm(t, "offers:publsh")) {
		t.Error("Known does not reflect policy.csv")
	}
}

// A change made through one database connection reaches an enforcer that
// listens, and the suspension of a parent reaches its child.
func TestReloadOnNotify(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, url := newWorld(t)
	e, err := policies.New(ctx, w.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Listen(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	publish := perm(t, "offers:publish")
	if ok, err := e.Allowed(w.reader.ID, w.dnum.ID, publish); err != nil || ok {
		t.Fatalf("a reader may publish (%v)", err)
	}
	if err := w.store.ChangeRole(ctx, w.dnum.ID, w.reader.ID, vivier.RoleRecruteur, vivier.Actor{AgentID: w.admin.ID}); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "the reader made a recruiter may publish", func() (bool, error) {
		return e.Allowed(w.reader.ID, w.dnum.ID, publish)
	})

	if err := w.store.SetChildStatus(ctx, w.ministry.ID, w.dnum.ID, "suspended", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "the child suspended", func() (bool, error) { return e.Suspended(w.dnum.ID), nil })
	if e.Suspended(w.ministry.ID) {
		t.Fatal("suspending a child suspended its parent")
	}
	if err := w.store.RemoveAgent(ctx, w.dnum.ID, w.reader.ID, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "the removed agent may no longer publish", func() (bool, error) {
		ok, err := e.Allowed(w.reader.ID, w.dnum.ID, publish)
		return !ok, err
	})
}

func FuzzParsePermission(f *testing.F) {
	for _, s := range []string{"offers:publish", "a:b", ":", "offers:", "Offers:Publish", "a:b:c", "offres:publier "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := policies.ParsePermission(s)
		if err != nil {
			return
		}
		if p.String() != s || p.Resource() == "" || p.Action() == "" {
			t.Fatalf("ParsePermission(%q) = %+v", s, p)
		}
		again, err := policies.ParsePermission(p.String())
		if err != nil || again != p {
			t.Fatalf("round trip of %q: %+v, %v", s, again, err)
		}
	})
}

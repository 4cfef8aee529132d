package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"vivier"
)

// The recruiter's workspace at scale (`vivier seed --workspace`): the demo
// ministry and its two directions get thousands of offers and tens of
// thousands of applications with everything recruiters add to them (tags,
// ratings, assignees, notes and mentions, messages, interviews), so that the
// lists and the application view are tried, and measured, at the size of a
// real ministry. Offers go in with COPY, applications in batches of
// multi-row statements, and the rest with COPY.

// workspaceSlugs are the administrations the workspace spreads over: the
// ministry first (half of everything), then its directions.
var workspaceSlugs = []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh"}

// workspaceRefPrefix marks the workspace's offers: their presence is how a
// second run knows the workspace is there.
const workspaceRefPrefix = "WS-"

// workspaceSize is what `seed --workspace` loads.
type workspaceSize struct {
	Offers, Applications int
}

// parseWorkspaceArgs reads `seed --workspace [--offers N] [--applications M]`.
func parseWorkspaceArgs(args []string) (workspaceSize, error) {
	size := workspaceSize{Offers: 5000, Applications: 50000}
	if len(args) == 0 || args[0] != "--workspace" {
		return size, errUsage
	}
	for i := 1; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return size, errUsage
		}
		n, err := strconv.Atoi(args[i+1])
		if err != nil {
			return size, errUsage
		}
		switch args[i] {
		case "--offers":
			if n < 1 || n > 100_000 {
				return size, errUsage
			}
			size.Offers = n
		case "--applications":
			if n < 0 || n > 1_000_000 {
				return size, errUsage
			}
			size.Applications = n
		default:
			return size, errUsage
		}
	}
	return size, nil
}

// workspaceAdmin is one administration of the workspace and what the
// generator draws from for it.
type workspaceAdmin struct {
	*vivier.Administration
	history   *demoHistory
	tags      []int64
	members   []workspaceAgent // who assigns, rates, writes notes and messages
	recruiter workspaceAgent   // the demo account's, when it holds a role here
}

type workspaceAgent struct {
	ID                 int64
	Email, First, Last string
	mention            string // the handle a note uses to mention them
}

// seedWorkspace loads the workspace once. A second run with the same size
// says so and changes nothing; with another size, it refuses: the
// benchmarks' figures would no longer say what they measured.
func (m *Main) seedWorkspace(ctx context.Context, size workspaceSize) error {
	start := time.Now()
	if _, err := m.seedDemoAccounts(ctx); err != nil {
		return err
	}
	adms, err := m.workspaceAdmins(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(adms))
	for i, a := range adms {
		ids[i] = a.ID
	}
	var have workspaceSize
	if err := m.db.GetContext(ctx, &have.Offers, `SELECT count(*) FROM offers WHERE administration_id = ANY($1) AND reference LIKE $2`,
		pq.Array(ids), workspaceRefPrefix+"%"); err != nil {
		return fmt.Errorf("seed workspace: %w", err)
	}
	if have.Offers > 0 {
		if err := m.db.GetContext(ctx, &have.Applications, `SELECT count(*) FROM applications a JOIN offers o ON o.id = a.offer_id
			WHERE o.administration_id = ANY($1) AND o.reference LIKE $2`, pq.Array(ids), workspaceRefPrefix+"%"); err != nil {
			return fmt.Errorf("seed workspace: %w", err)
		}
		if have.Offers == size.Offers {
			fmt.Fprintf(m.Out, "L'espace de travail est déjà chargé (%d offres, %d candidatures à des offres) : rien à faire.\n",
				have.Offers, have.Applications)
			return nil
		}
		return fmt.Errorf("un espace de travail de %d offres est déjà chargé dans ministere-demo : "+
			"repartez d'une base vide pour en charger un de %d offres", have.Offers, size.Offers)
	}
	if err := m.workspaceMembers(ctx, adms); err != nil {
		return err
	}
	offers, err := m.workspaceOffers(ctx, adms, size.Offers)
	if err != nil {
		return err
	}
	tOffers := time.Since(start)
	apps, err := m.workspaceApplications(ctx, adms, offers, size.Applications)
	if err != nil {
		return err
	}
	tApps := time.Since(start) - tOffers
	extra, err := m.workspaceCollaboration(ctx, adms, apps)
	if err != nil {
		return err
	}
	// Statistics for the planner, and the visibility map that lets the
	// lists read their pages from the indexes alone, as autovacuum would
	// give them some minutes later.
	if _, err := m.db.ExecContext(ctx, `VACUUM (ANALYZE) offers, candidates, applications, application_files, application_events,
		application_tags, application_assignees, application_ratings, application_notes, note_mentions, application_messages,
		interviews, interview_interviewers`); err != nil {
		return fmt.Errorf("seed workspace: vacuum: %w", err)
	}
	fmt.Fprintf(m.Out, "Espace de travail chargé en %s (offres %s, candidatures %s) : %d offres et %d candidatures "+
		"dans ministere-demo et ses directions ; %s.\n", time.Since(start).Round(time.Millisecond), tOffers.Round(time.Millisecond),
		tApps.Round(time.Millisecond), size.Offers, len(apps), extra)
	return nil
}

// workspaceAdmins returns the ministry and its directions, with their steps
// and refusal reasons.
func (m *Main) workspaceAdmins(ctx context.Context) ([]*workspaceAdmin, error) {
	var out []*workspaceAdmin
	for _, slug := range workspaceSlugs {
		a, err := m.store.AdministrationBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		steps, err := m.store.Steps(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		reasons, err := m.store.RefusalReasons(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		g := &demoHistory{steps: map[string]vivier.Step{}, reasons: reasons, now: time.Now()}
		for _, s := range steps {
			g.steps[s.Name] = s
		}
		for _, name := range demoPath {
			if _, ok := g.steps[name]; !ok {
				return nil, fmt.Errorf("seed workspace: %s has no step %q", slug, name)
			}
		}
		out = append(out, &workspaceAdmin{Administration: a, history: g})
	}
	return out, nil
}

// workspaceMembers gives each administration three recruiters of its own
// (the ministry also has the demo's), and its tags.
func (m *Main) workspaceMembers(ctx context.Context, adms []*workspaceAdmin) error {
	hash, err := vivier.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	for ai, adm := range adms {
		if ai == 0 {
			demo, err := m.store.AgentByEmail(ctx, "recruteur@ministere-demo.vivier.test")
			if err != nil {
				return err
			}
			adm.recruiter = workspaceAgent{ID: demo.ID, Email: demo.Email, First: demo.FirstName, Last: demo.LastName, mention: "recruteur"}
			adm.members = append(adm.members, adm.recruiter)
		}
		for k := range 3 {
			first, last := demoFirstNames[(ai*5+k*3+2)%len(demoFirstNames)], demoLastNames[(ai*7+k*4+3)%len(demoLastNames)]
			local := asciiSlug(first) + "." + asciiSlug(last)
			a := &vivier.Agent{Email: local + "@" + adm.Slug + ".vivier.test", FirstName: first, LastName: last, PasswordHash: hash}
			if err := m.store.UpsertAgent(ctx, a); err != nil {
				return fmt.Errorf("seed workspace %s: %w", a.Email, err)
			}
			if err := m.store.AssignRole(ctx, a.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(adm.ID)); err != nil {
				return err
			}
			adm.members = append(adm.members, workspaceAgent{ID: a.ID, Email: a.Email, First: first, Last: last, mention: local})
		}
		if err := m.db.SelectContext(ctx, &adm.tags, `INSERT INTO tags (administration_id, label)
			SELECT $1, l FROM unnest($2::text[]) l ON CONFLICT (administration_id, label) DO UPDATE SET label = EXCLUDED.label RETURNING id`,
			adm.ID, pq.Array(workspaceTags)); err != nil {
			return fmt.Errorf("seed workspace tags: %w", err)
		}
	}
	return nil
}

var workspaceTags = []string{"À recontacter", "Profil rare", "Mobilité interne", "Télétravail souhaité", "Bilingue", "Handicap (RQTH)",
	"Apprentissage", "Vivier 2026", "Recommandé·e", "Salaire à discuter", "Disponible immédiatement", "Contractuel·le"}

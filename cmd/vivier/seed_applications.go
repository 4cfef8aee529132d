package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/google/uuid"

	"vivier"
)

// Demo applications: candidates in every step of several offers of both
// demo administrations (one offer with 200 of them), spontaneous
// applications, a talent pool, and histories spread over the last months,
// so that the pipeline and the statistics have something to show. Each
// application has a fixed idempotency key: seeding again adds nothing.

// demoApplicationPlan says how many applications each demo offer gets, by
// the offer's rank among its administration's demo offers; spontaneous
// ones have no offer.
var demoApplicationPlan = []struct {
	slug        string
	perOffer    []int
	spontaneous int
	recruiter   string
}{
	{"ministere-demo", []int{200, 14, 9, 6, 4, 2}, 10, "recruteur@ministere-demo.vivier.test"},
	{"ministere-demo-dnum", []int{15, 8, 4}, 5, "recruteur@ministere-demo.vivier.test"},
	{"ville-demo", []int{30, 14, 8, 5, 3}, 10, "recruteur@ville-demo.vivier.test"},
}

// demoApplicationNamespace makes the demo's idempotency keys.
var demoApplicationNamespace = uuid.MustParse("5b0c6f7e-2d1a-4c55-9a57-1f3f4f6b2a10")

var (
	demoFirstNames = []string{"Camille", "Dominique", "Alex", "Sacha", "Inès", "Mohamed", "Léa", "Hugo", "Aïcha", "Thomas",
		"Manon", "Yanis", "Chloé", "Lucas", "Fatou", "Nicolas", "Emma", "Karim", "Sarah", "Julien", "Zoé", "Mathis", "Nour", "Élodie"}
	demoLastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
		"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "N'Diaye", "Nguyen"}
	demoJobs = []string{"Développeuse back-end, Go et PostgreSQL", "Chargé de mission données et statistiques",
		"Gestionnaire des ressources humaines", "Juriste en droit public", "Agent d'accueil et d'orientation",
		"Technicienne bâtiment, suivi de chantiers"}
)

// seedDemoApplications loads the demo applications that are not there yet
// and returns how many it made.
func (m *Main) seedDemoApplications(ctx context.Context) (int, error) {
	cvs, err := demoCVs()
	if err != nil {
		return 0, err
	}
	domaines, err := m.store.Domaines(ctx)
	if err != nil {
		return 0, err
	}
	var codes []string
	for _, d := range domaines {
		codes = append(codes, d.Code)
	}
	now := time.Now()
	var all []seedApplication
	for pi, plan := range demoApplicationPlan {
		adm, err := m.store.AdministrationBySlug(ctx, plan.slug)
		if err != nil {
			return 0, err
		}
		steps, err := m.store.Steps(ctx, adm.ID)
		if err != nil {
			return 0, err
		}
		reasons, err := m.store.RefusalReasons(ctx, adm.ID)
		if err != nil {
			return 0, err
		}
		g := &demoHistory{steps: map[string]vivier.Step{}, reasons: reasons, actor: plan.recruiter, now: now}
		for _, s := range steps {
			g.steps[s.Name] = s
		}
		for _, name := range demoPath {
			if _, ok := g.steps[name]; !ok {
				return 0, fmt.Errorf("demo applications: %s has no step %q", plan.slug, name)
			}
		}
		candidate := 0
		for rank, count := range plan.perOffer {
			o, err := m.store.OfferByReference(ctx, adm.ID, "vivier", fmt.Sprintf("DEMO-%s-%03d", plan.slug, rank))
			if vivier.ErrorCode(err) == vivier.ENOTFOUND {
				continue // demo offers of an older seed: leave them be
			}
			if err != nil {
				return 0, err
			}
			for i := range count {
				// The first candidates of each offer applied to the first
				// offer too: some people apply twice.
				who := candidate
				if rank > 0 && i < 2 {
					who = i
				} else {
					candidate++
				}
				r := rand.New(rand.NewPCG(uint64(pi), uint64(rank*1000+i)))
				// The first eight of an administration's first offer end in
				// each step, so that every step shows someone.
				forced := -1
				if rank == 0 && i < len(g.steps) {
					forced = i
				}
				days := 150
				if rank == 0 {
					days = 85 // the big offer fits the default 90-day period
				}
				a := demoApplicant(r, plan.slug, who, cvs)
				a.AdministrationID, a.OfferID = adm.ID, &o.ID
				a.IdempotencyKey = uuid.NewSHA1(demoApplicationNamespace, fmt.Appendf(nil, "%s/%d/%d", plan.slug, rank, i)).String()
				a.TalentPool = r.IntN(10) < 3
				a.CreatedAt = now.Add(-time.Duration(r.Float64()*float64(days*24)) * time.Hour).Add(-time.Hour)
				if forced >= 0 { // old enough to have gone the whole way
					a.CreatedAt = now.AddDate(0, 0, -75-i)
				}
				a.Moves = g.path(r, a.CreatedAt, forced)
				all = append(all, a)
			}
		}
		for i := range plan.spontaneous {
			r := rand.New(rand.NewPCG(uint64(pi), uint64(900_000+i)))
			a := demoApplicant(r, plan.slug, 10_000+i, cvs)
			a.AdministrationID = adm.ID
			if len(codes) > 0 {
				d := codes[r.IntN(len(codes))]
				a.DomaineCode = &d
			}
			a.IdempotencyKey = uuid.NewSHA1(demoApplicationNamespace, fmt.Appendf(nil, "%s/spontanee/%d", plan.slug, i)).String()
			a.TalentPool = r.IntN(10) < 7
			a.LetterText = "Je souhaite rejoindre vos équipes et mettre mon expérience au service des usagers."
			a.CreatedAt = now.Add(-time.Duration(r.Float64()*150*24) * time.Hour).Add(-time.Hour)
			a.Moves = g.path(r, a.CreatedAt, -1)
			all = append(all, a)
		}
	}
	return loadSeedApplications(ctx, m.db, all, m.files)
}

func demoApplicant(r *rand.Rand, slug string, n int, cvs []*vivier.Upload) seedApplication {
	first := demoFirstNames[(n*7+len(slug))%len(demoFirstNames)]
	last := demoLastNames[(n*5+n/len(demoFirstNames))%len(demoLastNames)]
	email := fmt.Sprintf("%s.%s.%s-%d@candidats.vivier.test", asciiSlug(first), asciiSlug(last), slug, n)
	source := ""
	if r.IntN(10) > 0 {
		source = vivier.Sources[r.IntN(len(vivier.Sources))]
	}
	return seedApplication{FirstName: first, LastName: last, Email: email, Phone: fmt.Sprintf("06 %02d %02d %02d %02d", n%100, r.IntN(100), r.IntN(100), r.IntN(100)),
		Source: source, CV: cvs[n%len(cvs)]}
}

// asciiSlug keeps the letters of a name that an email address takes.
func asciiSlug(s string) string {
	s = strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ï", "i", "î", "i", "É", "e", "'", "").Replace(strings.ToLower(s))
	return s
}

// demoPath is the way a recruitment goes, step by step.
var demoPath = []string{"Nouvelle", "Présélection", "Entretien RH", "Entretien technique", "Jury", "Proposition", "Recrutée", "Non retenue"}

// demoHistory makes plausible histories with the administration's steps.
type demoHistory struct {
	steps   map[string]vivier.Step
	reasons []vivier.RefusalReason
	actor   string
	now     time.Time
}

// path draws what happened to an application received at created: where it
// ends (forced: that index of demoPath), and when each move was made. A
// move that would fall in the future is not made: the application waits.
func (g *demoHistory) path(r *rand.Rand, created time.Time, forced int) []seedMove {
	end := forced
	if end < 0 {
		// Where applications end: new 20 %, in review 35 %, refused 35 %,
		// hired 4 %, withdrawn 6 %.
		switch x := r.IntN(100); {
		case x < 20:
			end = 0
		case x < 55:
			end = 1 + r.IntN(5)
		case x < 90:
			end = 7
		case x < 94:
			end = 6
		default:
			end = -2
		}
	}
	var moves []seedMove
	at, from := created, vivier.CategoryNew
	move := func(name string, days int) bool {
		next := at.Add(time.Duration(days*24+r.IntN(10)) * time.Hour)
		if next.After(g.now) {
			return false
		}
		st := g.steps[name]
		m := seedMove{At: next, StageID: st.ID, Step: st.Name, From: from, To: st.Category, Actor: g.actor}
		if st.Category == vivier.CategoryRefused && len(g.reasons) > 0 {
			reason := g.reasons[r.IntN(len(g.reasons))]
			m.ReasonID, m.Reason = reason.ID, reason.Label
		}
		moves, at, from = append(moves, m), next, st.Category
		return true
	}
	switch {
	case end == 0:
	case end == -2: // withdrawn, from nouvelle or after the first look
		if r.IntN(2) == 0 && !move("Présélection", 2+r.IntN(10)) {
			return moves
		}
		next := at.Add(time.Duration(1+r.IntN(10)) * 24 * time.Hour)
		if next.Before(g.now) {
			moves = append(moves, seedMove{At: next, From: from, To: vivier.CategoryWithdrawn, Actor: "candidat·e",
				Reason: "J'ai accepté un autre poste."})
		}
	case end == 7: // refused: straight away, or after some steps
		for k := 1; k <= r.IntN(4); k++ {
			if !move(demoPath[k], 2+r.IntN(12)) {
				return moves
			}
		}
		move("Non retenue", 1+r.IntN(15))
	default: // in review up to a step, or hired through every step
		for k := 1; k <= end; k++ {
			if !move(demoPath[k], 1+r.IntN(12)) {
				return moves
			}
		}
	}
	return moves
}

// demoCVs makes a handful of distinct CVs, checked as the apply form checks
// a candidate's file; the demo applications share them.
func demoCVs() ([]*vivier.Upload, error) {
	var out []*vivier.Upload
	for i, job := range demoJobs {
		f := fpdf.New("P", "mm", "A4", "")
		f.SetTitle("Curriculum vitae", true)
		f.AddPage()
		tr := f.UnicodeTranslatorFromDescriptor("")
		f.SetFont("Helvetica", "B", 18)
		f.Cell(0, 12, tr(fmt.Sprintf("%s %s", demoFirstNames[i], demoLastNames[i])))
		f.Ln(14)
		f.SetFont("Helvetica", "", 13)
		f.Cell(0, 8, tr(job))
		f.Ln(12)
		f.SetFont("Helvetica", "", 11)
		for _, l := range []string{"Expérience", fmt.Sprintf("2019-2025 : %s dans une collectivité territoriale.", job),
			"2015-2019 : poste équivalent dans le secteur privé.", "Formation", "Master ou diplôme équivalent.",
			"Langues : anglais (B2).", "Ce CV a été généré pour la démonstration de Vivier."} {
			f.MultiCell(0, 6, tr(l), "", "L", false)
		}
		var b bytes.Buffer
		if err := f.Output(&b); err != nil {
			return nil, fmt.Errorf("demo CV: %w", err)
		}
		name := fmt.Sprintf("cv-%s.pdf", asciiSlug(demoLastNames[i]))
		d, err := vivier.CheckDocument(name, b.Bytes(), 10<<20)
		if err != nil {
			return nil, fmt.Errorf("demo CV %s: %w", name, err)
		}
		out = append(out, &vivier.Upload{Document: *d, Data: b.Bytes()})
	}
	return out, nil
}

package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"vivier"
)

// workspaceNamespace makes the workspace applications' idempotency keys.
var workspaceNamespace = uuid.MustParse("9d3c1b52-8e0f-4a7d-b6a1-3f2e5c4d7a80")

// workspaceLastNames add to the demo's, so that a search by name finds a
// handful of people, not a thousand.
var workspaceLastNames = []string{"Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
	"Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
	"Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Diallo",
	"Benali", "Traoré", "Hoarau", "Payet", "Le Gall", "Kerboull", "Da Silva"}

var workspaceLetters = []string{
	"Madame, Monsieur, fort d'une expérience de cinq ans dans la fonction publique territoriale, je souhaite mettre mes compétences au service de votre ministère.",
	"Après un master en droit public et un stage en préfecture, je candidate avec enthousiasme à ce poste ouvert aux contractuels.",
	"Développeuse depuis huit ans, je connais bien Go, PostgreSQL et l'accessibilité numérique (RGAA) ; je cherche un projet d'intérêt général.",
	"Actuellement en disponibilité, je souhaite reprendre un poste en administration centrale, idéalement avec deux jours de télétravail.",
	"Reconnu travailleur handicapé, j'ai besoin d'un poste de travail adapté ; mon expérience de gestionnaire RH me semble répondre à votre besoin.",
}

// workspaceApp is a loaded application, as the collaboration generator
// needs it.
type workspaceApp struct {
	ID        int64     `db:"id"`
	AdminID   int64     `db:"administration_id"`
	Category  string    `db:"category"`
	StageID   *int64    `db:"stage_id"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// workspaceApplications loads n applications over the offers (a few offers
// draw many, most a few dozen; one in sixteen is spontaneous), made by
// fewer people than applications (some apply several times), with a CV,
// sometimes a letter, and a history that fits their age: old ones are
// mostly decided.
func (m *Main) workspaceApplications(ctx context.Context, adms []*workspaceAdmin, offers []workspaceOffer, n int) ([]workspaceApp, error) {
	if n == 0 {
		return nil, nil
	}
	cvs, err := demoCVs()
	if err != nil {
		return nil, err
	}
	byID := map[int64]*workspaceAdmin{}
	for _, a := range adms {
		a.history.actor = a.members[0].Email
		byID[a.ID] = a
	}
	domaines, err := m.store.Domaines(ctx)
	if err != nil {
		return nil, err
	}
	// Offers that took applications, each with a weight: heavy-tailed, and
	// the ministry's latest published offer draws one application in 25.
	var open []workspaceOffer
	for _, o := range offers {
		if o.Status != "draft" {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		return nil, fmt.Errorf("seed workspace: no published offer to apply to")
	}
	sort.Slice(open, func(i, j int) bool { return open[i].ID < open[j].ID })
	big := -1
	for i, o := range open {
		if o.AdminID == adms[0].ID && o.Status == "published" {
			big = i
		}
	}
	cum := make([]float64, len(open))
	total := 0.0
	for i := range open {
		r := rand.New(rand.NewPCG(11, uint64(i)))
		total += math.Pow(r.Float64(), 3)*20 + 1
		cum[i] = total
	}
	people := max(1, n*85/100)
	used := map[[2]int64]bool{}
	now := time.Now()
	all := make([]seedApplication, 0, n)
	for i := range n {
		r := rand.New(rand.NewPCG(13, uint64(i)))
		var a seedApplication
		var from, to time.Time
		switch x := r.IntN(100); {
		case x < 6: // spontaneous
			adm := adms[[]int{0, 0, 1, 2}[r.IntN(4)]]
			a.AdministrationID = adm.ID
			if len(domaines) > 0 {
				d := domaines[r.IntN(len(domaines))].Code
				a.DomaineCode = &d
			}
			from, to = now.Add(-workspaceSpan), now
		default:
			k := sort.SearchFloat64s(cum, r.Float64()*total)
			if x < 10 && big >= 0 {
				k = big
			}
			o := open[min(k, len(open)-1)]
			a.AdministrationID, a.OfferID = o.AdminID, &o.ID
			from, to = o.CreatedAt.Add(2*time.Hour), earliest(o.ClosedAt, o.CreatedAt.Add(60*24*time.Hour), now.Add(-time.Hour))
		}
		who := r.IntN(people)
		if a.OfferID != nil {
			for used[[2]int64{*a.OfferID, int64(who)}] {
				who = (who + 1 + r.IntN(people)) % people
			}
			used[[2]int64{*a.OfferID, int64(who)}] = true
		}
		fill := workspaceApplicant(r, who, cvs)
		fill.AdministrationID, fill.OfferID, fill.DomaineCode = a.AdministrationID, a.OfferID, a.DomaineCode
		a = fill
		if !to.After(from) {
			to = from.Add(time.Hour)
		}
		a.CreatedAt = from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))))
		a.IdempotencyKey = uuid.NewSHA1(workspaceNamespace, fmt.Appendf(nil, "ws/%d", i)).String()
		a.TalentPool = r.IntN(4) == 0
		if r.IntN(10) < 3 || a.OfferID == nil {
			a.LetterText = workspaceLetters[r.IntN(len(workspaceLetters))]
		}
		forced := -1
		if now.Sub(a.CreatedAt) > 90*24*time.Hour {
			switch x := r.IntN(100); {
			case x < 80:
				forced = 7 // refused
			case x < 86:
				forced = 6 // recruited
			}
		}
		a.Moves = byID[a.AdministrationID].history.path(r, a.CreatedAt, forced)
		all = append(all, a)
	}
	const batch = 5000
	for start := 0; start < len(all); start += batch {
		if _, err := loadSeedApplications(ctx, m.db, all[start:min(start+batch, len(all))], m.files); err != nil {
			return nil, err
		}
	}
	keys := make([]string, len(all))
	for i, a := range all {
		keys[i] = a.IdempotencyKey
	}
	var out []workspaceApp
	if err := m.db.SelectContext(ctx, &out, `SELECT id, administration_id, category, stage_id, created_at, updated_at
		FROM applications WHERE idempotency_key = ANY($1::uuid[]) ORDER BY id`, pq.Array(keys)); err != nil {
		return nil, fmt.Errorf("seed workspace applications: %w", err)
	}
	return out, nil
}

// workspaceApplicant is person n: the same n is the same person (email,
// name and phone) whatever the offer.
func workspaceApplicant(r *rand.Rand, n int, cvs []*vivier.Upload) seedApplication {
	lasts := slices.Concat(demoLastNames, workspaceLastNames)
	first := demoFirstNames[(n*7)%len(demoFirstNames)]
	last := lasts[(n*5+n/len(demoFirstNames))%len(lasts)]
	word := strings.NewReplacer(" ", "-", "ç", "c").Replace
	email := fmt.Sprintf("%s.%s.ws%d@candidats.vivier.test", word(asciiSlug(first)), word(asciiSlug(last)), n)
	source := ""
	if r.IntN(10) > 0 {
		source = vivier.Sources[r.IntN(len(vivier.Sources))]
	}
	civility := []string{"", "madame", "monsieur"}[n%3]
	return seedApplication{Civility: civility, FirstName: first, LastName: last, Email: email,
		Phone: fmt.Sprintf("06 %02d %02d %02d %02d", n%100, (n/100)%100, (n/10000)%100, (n*37)%100), Source: source, CV: cvs[n%len(cvs)]}
}

// earliest is the first of times.
func earliest(times ...time.Time) time.Time {
	out := times[0]
	for _, t := range times[1:] {
		if t.Before(out) {
			out = t
		}
	}
	return out
}

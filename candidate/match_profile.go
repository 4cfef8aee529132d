package candidate

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The profile a ranking reads, as the form sends it in the query: competence
// (ids, repeated), diplome (CNCP level), experience (years), langue (ISO
// codes, repeated) with niveau-<code> (CEFR), lieu (a commune) and rayon
// (km, 0 for anywhere), and the search's type, region, teletravail and
// mobilite.

const (
	matchResultsShown = 20
	maxProfileSkills  = 60
)

var matchRadii = []int{20, 50, 100, 200, 0}

var diplomaLabels = []struct {
	Level int
	Label string
}{
	{3, "CAP, BEP (niveau 3)"}, {4, "Baccalauréat (niveau 4)"}, {5, "Bac + 2 : BTS, DUT (niveau 5)"},
	{6, "Bac + 3 : licence, BUT (niveau 6)"}, {7, "Bac + 5 : master, diplôme d'ingénieur (niveau 7)"}, {8, "Doctorat (niveau 8)"},
}

var cefrLevels = []string{"A1", "A2", "B1", "B2", "C1", "C2"}

// profileInput is the profile as sent, and what it gives for the score.
type profileInput struct {
	Skills      []int64
	Core        []int64 // of Skills, those the CV is most about
	Mentioned   []int64 // skills the CV only mentions, offered unticked
	Metier      int64   // an RMFP métier, 0: none
	Diploma     int
	Years       int
	Languages   []vivier.LanguageSkill
	Lieu        string
	Radius      int
	Kind        string
	Region      string
	Teletravail bool
	Mobilite    bool
	profile     vivier.MatchProfile
}

func (in profileInput) filter() vivier.MatchFilter {
	return vivier.MatchFilter{Kind: in.Kind, Region: in.Region, Teletravail: in.Teletravail, Mobilite: in.Mobilite}
}

// parseProfile reads the profile in the query; what it could read is kept
// in the input even when another field is refused, to show it again.
func (h *Handler) parseProfile(c *fiber.Ctx, ref *profileReferential) (profileInput, error) {
	v, qerr := parseQuery(rawQuery(c))
	in := profileInput{Kind: v.Get("type"), Region: v.Get("region"), Teletravail: v.Get("teletravail") == "oui",
		Mobilite: v.Get("mobilite") == "oui", Lieu: strings.TrimSpace(v.Get("lieu")), Radius: vivier.DefaultMatchRadiusKm}
	var errs vivier.FormErrors
	bad := func(field, msg string) { errs = append(errs, vivier.FieldError(field, msg)) }
	if _, ok := kindLabels[in.Kind]; in.Kind != "" && !ok {
		bad("type", "Choisissez un type d'offre dans la liste.")
	}
	for _, raw := range v["competence"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			bad("competence", "Une compétence choisie est inconnue : choisissez-les dans la liste.")
			break
		}
		if !slices.Contains(in.Skills, id) {
			in.Skills = append(in.Skills, id)
		}
	}
	for _, raw := range v["principale"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && slices.Contains(in.Skills, id) {
			in.Core = append(in.Core, id)
		}
	}
	if len(in.Skills) > maxProfileSkills {
		bad("competence", fmt.Sprintf("Choisissez %d compétences au plus.", maxProfileSkills))
	}
	if m := v.Get("metier"); m != "" {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil || id <= 0 {
			bad("metier", "Choisissez un métier dans la liste.")
		}
		in.Metier = id
	}
	if d := v.Get("diplome"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 3 || n > 8 {
			bad("diplome", "Choisissez un niveau de diplôme dans la liste.")
		}
		in.Diploma = n
	}
	if y := strings.TrimSpace(v.Get("experience")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 0 || n > 60 {
			bad("experience", "Les années d'expérience sont un nombre entier entre 0 et 60.")
		}
		in.Years = n
	}
	for _, iso := range v["langue"] {
		if slices.ContainsFunc(in.Languages, func(l vivier.LanguageSkill) bool { return l.ISOCode == iso }) {
			continue
		}
		if _, ok := vivier.LanguageNames[iso]; !ok {
			bad("langue", "Une langue choisie est inconnue : choisissez-la dans la liste.")
			break
		}
		level := v.Get("niveau-" + iso)
		if level != "" && !slices.Contains(cefrLevels, level) {
			bad("langue", "Le niveau d'une langue va de A1 à C2.")
			break
		}
		in.Languages = append(in.Languages, vivier.LanguageSkill{ISOCode: iso, Level: level})
	}
	if r := v.Get("rayon"); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || !slices.Contains(matchRadii, n) {
			bad("rayon", "Choisissez une distance dans la liste.")
		}
		in.Radius = n
	}
	if len(errs) > 0 {
		return in, errs
	}
	if qerr != nil {
		return in, qerr
	}
	return in, h.resolveProfile(c, ref, &in)
}

// resolveProfile fills the score's profile: the skills from the referential
// (an id it does not know is refused) and the place's centre.
func (h *Handler) resolveProfile(c *fiber.Ctx, ref *profileReferential, in *profileInput) error {
	ctx := c.UserContext()
	byID := make(map[int64]vivier.Competence, len(ref.skills))
	for _, s := range ref.skills {
		byID[s.ID] = s
	}
	p := vivier.MatchProfile{DiplomaLevel: in.Diploma, YearsExperience: in.Years, Languages: in.Languages, Core: in.Core}
	for _, id := range in.Skills {
		s, ok := byID[id]
		if !ok {
			return vivier.FieldError("competence", "Une compétence choisie est inconnue : choisissez-les dans la liste.")
		}
		p.Skills = append(p.Skills, s)
	}
	if in.Metier != 0 {
		if !slices.ContainsFunc(ref.metiers, func(m vivier.Metier) bool { return m.ID == in.Metier }) {
			return vivier.FieldError("metier", "Choisissez un métier dans la liste.")
		}
		p.MetierID = &in.Metier
	}
	if in.Lieu != "" {
		com, err := h.Store.ResolveCommune(ctx, "lieu", in.Lieu)
		if err != nil {
			return err
		}
		centre := com.Centre()
		if centre == nil {
			return vivier.FieldError("lieu", fmt.Sprintf("La position de %s n'est pas encore connue : choisissez une commune voisine.", com.Display()))
		}
		in.Lieu = com.Display()
		if in.Radius > 0 {
			p.Near, p.RadiusKm = centre, float64(in.Radius)
		}
	}
	in.profile = p
	return nil
}

// matchProfilePage is the profile form (read from a CV, or as sent) and,
// on the results page, the offers ranked for it.
type matchProfilePage struct {
	templates.Page
	Read        *vivier.CVProfile // the profile read from a CV just sent
	Text        bool              // the CV had text to read
	Chosen      []skillBox        // the profile's skills, first
	Mentioned   []skillBox        // those the CV only mentions, unticked
	Families    []matchFamily     // every other skill, by family
	Metiers     []optionGroup     // the RMFP métiers, by domaine
	Diplomas    []option
	Years       string
	Languages   []languageRow
	Lieu        string
	Radii       []option
	Kinds       []option
	Regions     []option
	Teletravail bool
	Mobilite    bool
	Query       string // the profile as a query, for "modifier"
	Results     []vivier.MatchResult
	Ranked      bool
	Semantic    bool // the ranking compared meanings too
	Capped      bool // more offers matched than are shown
	KindLabels  map[string]string
}

type optionGroup struct {
	Label   string
	Options []option
}

type skillBox struct {
	ID      int64
	Label   string
	Checked bool
	Core    bool // one of the skills the CV is most about
}

type matchFamily struct {
	Name   string
	Skills []skillBox
}

type languageRow struct {
	ISO, Name string
	Checked   bool
	Levels    []option
}

// profilePage fills the form with in.
func (h *Handler) profilePage(c *fiber.Ctx, ref *profileReferential, in profileInput) (*matchProfilePage, error) {
	ctx := c.UserContext()
	regions, err := h.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	p := &matchProfilePage{Lieu: in.Lieu, Teletravail: in.Teletravail, Mobilite: in.Mobilite, KindLabels: kindLabels,
		Query: rawQuery(c)}
	chosen := map[int64]bool{}
	for _, id := range append(slices.Clone(in.Skills), in.Mentioned...) {
		chosen[id] = true
	}
	byID := map[int64]vivier.Competence{}
	for _, s := range ref.skills {
		byID[s.ID] = s
		if chosen[s.ID] || !s.Active { // a deactivated skill shows only when chosen
			continue
		}
		if n := len(p.Families); n == 0 || p.Families[n-1].Name != s.Family {
			p.Families = append(p.Families, matchFamily{Name: s.Family})
		}
		f := &p.Families[len(p.Families)-1]
		f.Skills = append(f.Skills, skillBox{ID: s.ID, Label: s.Label})
	}
	for _, id := range in.Skills {
		if s, ok := byID[id]; ok {
			p.Chosen = append(p.Chosen, skillBox{ID: s.ID, Label: s.Label, Checked: true, Core: slices.Contains(in.Core, id)})
		}
	}
	for _, id := range in.Mentioned {
		if s, ok := byID[id]; ok {
			p.Mentioned = append(p.Mentioned, skillBox{ID: s.ID, Label: s.Label})
		}
	}
	domaines, err := h.reference(c)
	if err != nil {
		return nil, err
	}
	for _, m := range ref.metiers {
		if !m.Active && m.ID != in.Metier {
			continue
		}
		if n := len(p.Metiers); n == 0 || p.Metiers[n-1].Label != domaines.domaines[m.DomaineCode] {
			p.Metiers = append(p.Metiers, optionGroup{Label: domaines.domaines[m.DomaineCode]})
		}
		g := &p.Metiers[len(p.Metiers)-1]
		g.Options = append(g.Options, option{Value: strconv.FormatInt(m.ID, 10), Label: m.Label, Selected: m.ID == in.Metier})
	}
	for _, d := range diplomaLabels {
		p.Diplomas = append(p.Diplomas, option{Value: strconv.Itoa(d.Level), Label: d.Label, Selected: d.Level == in.Diploma})
	}
	if in.Years > 0 {
		p.Years = strconv.Itoa(in.Years)
	}
	p.Languages = languageRows(in.Languages)
	for _, r := range matchRadii {
		label := fmt.Sprintf("%d km", r)
		if r == 0 {
			label = "Toute la France"
		}
		p.Radii = append(p.Radii, option{Value: strconv.Itoa(r), Label: label, Selected: r == in.Radius})
	}
	for _, k := range []string{"emploi", "concours", "stage", "apprentissage"} {
		p.Kinds = append(p.Kinds, option{Value: k, Label: kindLabels[k], Selected: in.Kind == k})
	}
	for _, r := range regions {
		p.Regions = append(p.Regions, option{Value: r.Code, Label: r.Name, Selected: in.Region == r.Code})
	}
	return p, nil
}

// languageRows lists every language, those of the profile first and
// ticked, each with its level.
func languageRows(mine []vivier.LanguageSkill) []languageRow {
	level := map[string]string{}
	var rows, others []languageRow
	for _, l := range mine {
		level[l.ISOCode] = l.Level
	}
	for iso, name := range vivier.LanguageNames {
		lv, ticked := level[iso]
		r := languageRow{ISO: iso, Name: name, Checked: ticked}
		for _, c := range cefrLevels {
			r.Levels = append(r.Levels, option{Value: c, Label: c, Selected: c == lv})
		}
		if ticked {
			rows = append(rows, r)
		} else {
			others = append(others, r)
		}
	}
	byName := func(rs []languageRow) {
		sort.Slice(rs, func(a, b int) bool { return rs[a].Name < rs[b].Name })
	}
	byName(rows)
	byName(others)
	return append(rows, others...)
}

// profileReferential is the skills and métiers a profile page reads, once
// per request, deactivated ones included: a profile or a link saved before
// a deactivation still reads (the skills matcher leaves them out itself).
type profileReferential struct {
	skills  []vivier.Competence
	metiers []vivier.Metier
}

func (h *Handler) profileReferential(ctx context.Context) (*profileReferential, error) {
	skills, err := h.Store.Competences(ctx, false)
	if err != nil {
		return nil, err
	}
	metiers, err := h.Store.Metiers(ctx, false)
	if err != nil {
		return nil, err
	}
	return &profileReferential{skills: skills, metiers: metiers}, nil
}

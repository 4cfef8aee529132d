package vivier

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// The matching of a profile (a CV read by ExtractCVProfile, corrected by
// its owner, or an agent's profile) with offers and concours is a score
// that says its reasons: the skills in common, the domaine fonctionnel, the
// diploma level against the offer's and its catégorie, the distance. Each
// part adds or takes away points; nothing is hidden in a weight the person
// cannot read.

// MatchProfile is what the score reads of a person.
type MatchProfile struct {
	Skills          []Competence
	Core            []int64 // of Skills, those the person's CV is most about
	MetierID        *int64  // an agent's métier
	DiplomaLevel    int     // 0: not known
	YearsExperience int
	Languages       []LanguageSkill
	Near            *GeoPoint
	RadiusKm        float64 // with Near: how far the person would go
	// Vector is the profile's meaning, by the Embedder's Model, when an
	// embeddings service is configured.
	Vector []float32
	Model  string
}

// MatchOffer is what the score reads of an offer or a concours: its skills
// (those it lists and those its text names), domaine, required diploma
// level, catégories and places with coordinates.
type MatchOffer struct {
	ID           int64
	Kind         OfferKind
	Skills       []Competence
	TitleSkills  []int64 // of Skills, those its title names: the post's own trade
	DomaineCode  string
	MetierID     *int64
	DiplomaLevel int // 0: none required
	Experience   string
	Workplace    string // TELETRAVAIL: the distance does not count
	Categories   []string
	Languages    []Language
	Places       []GeoPoint
	Vector       []float32 // by the profile's Model, when known
}

// MatchScore is an offer's score for a profile and why, in French.
type MatchScore struct {
	OfferID int64
	Score   int
	Common  []Competence // the skills in common, for display
	Reasons []string
	// Semantic is the points of the meaning, when vectors were compared.
	Semantic int
}

// Points of each part of the score.
const (
	pointsPerSkill     = 3 // up to maxScoredSkills skills
	maxScoredSkills    = 5
	pointsDomaine      = 2
	pointsDiplomaOK    = 2
	pointsDiplomaShort = -4 // two levels or more below
	pointsCategoryLow  = -2
	pointsNear         = 2
	pointsFar          = -10
	pointsMetier       = 3
	pointsTooJunior    = -2
	pointsLanguage     = 1
	pointsTitleSkill   = 3 // a skill in common that the offer's title names, once
	pointsCoreSkill    = 3 // each skill in common of the person's main ones, up to maxCoreSkills
	maxCoreSkills      = 2
	pointsTraining     = -6 // a stage or an apprenticeship, for someone with years of work
	pointsOverLevel    = -3 // a post three diploma levels or more below the person's
)

// trainedYears is the experience past which a stage or an apprenticeship
// is not what a person looks for.
const trainedYears = 3

// expertYears is the experience an offer for an expert asks.
const expertYears = 5

// kindNoun names a stage and an apprenticeship in a sentence.
var kindNoun = map[OfferKind]string{KindStage: "stage", KindApprentissage: "apprentissage"}

// minLevel is the diploma level a catégorie asks of external candidates.
var minLevel = map[string]int{"APLUS": 7, "A": 6, "B": 4}

// ScoreMatch scores o for p.
func ScoreMatch(p MatchProfile, o MatchOffer) MatchScore {
	s := MatchScore{OfferID: o.ID}
	mine := map[int64]bool{}
	domaines := map[string]bool{}
	for _, c := range p.Skills {
		mine[c.ID] = true
		for _, d := range c.Domaines {
			domaines[d] = true
		}
	}
	seen := map[int64]bool{}
	for _, c := range o.Skills {
		if mine[c.ID] && !seen[c.ID] {
			seen[c.ID] = true
			s.Common = append(s.Common, c)
		}
	}
	if n := len(s.Common); n > 0 {
		s.Score += pointsPerSkill * min(n, maxScoredSkills)
		labels := make([]string, n)
		for i, c := range s.Common {
			labels[i] = c.Label
		}
		if n == 1 {
			s.Reasons = append(s.Reasons, "1 compétence en commun : "+labels[0])
		} else {
			s.Reasons = append(s.Reasons, fmt.Sprintf("%d compétences en commun : %s", n, strings.Join(labels, ", ")))
		}
	}
	var core []string
	for _, c := range s.Common {
		if slices.Contains(p.Core, c.ID) && len(core) < maxCoreSkills {
			core = append(core, c.Label)
		}
	}
	if len(core) > 0 {
		s.Score += pointsCoreSkill * len(core)
		if len(core) == 1 {
			s.Reasons = append(s.Reasons, "Votre compétence principale : "+core[0])
		} else {
			s.Reasons = append(s.Reasons, "Vos compétences principales : "+strings.Join(core, ", "))
		}
	}
	for _, c := range s.Common {
		if slices.Contains(o.TitleSkills, c.ID) {
			s.Score += pointsTitleSkill
			s.Reasons = append(s.Reasons, "Le cœur du poste : "+c.Label)
			break
		}
	}
	if (o.Kind == KindStage || o.Kind == KindApprentissage) && p.YearsExperience >= trainedYears {
		s.Score += pointsTraining
		s.Reasons = append(s.Reasons, fmt.Sprintf("Un %s, pour qui se forme : vous avez %d ans d'expérience", kindNoun[o.Kind], p.YearsExperience))
	}
	if p.MetierID != nil && o.MetierID != nil && *p.MetierID == *o.MetierID {
		s.Score += pointsMetier
		s.Reasons = append(s.Reasons, "Votre métier")
	}
	if o.DomaineCode != "" && domaines[o.DomaineCode] {
		s.Score += pointsDomaine
		s.Reasons = append(s.Reasons, "Dans le domaine de vos compétences")
	}
	if p.DiplomaLevel > 0 {
		switch {
		case o.DiplomaLevel > 0 && p.DiplomaLevel >= o.DiplomaLevel+3 && o.Kind != KindConcours:
			s.Score += pointsOverLevel
			s.Reasons = append(s.Reasons, fmt.Sprintf("Un poste de niveau %d, bien en deçà de votre diplôme (niveau %d)", o.DiplomaLevel, p.DiplomaLevel))
		case o.DiplomaLevel > 0 && p.DiplomaLevel >= o.DiplomaLevel:
			s.Score += pointsDiplomaOK
			s.Reasons = append(s.Reasons, fmt.Sprintf("Votre diplôme (niveau %d) répond au niveau demandé (%d)", p.DiplomaLevel, o.DiplomaLevel))
		case o.DiplomaLevel > 0 && p.DiplomaLevel <= o.DiplomaLevel-2:
			s.Score += pointsDiplomaShort
			s.Reasons = append(s.Reasons, fmt.Sprintf("Niveau de diplôme demandé : %d (le vôtre : %d)", o.DiplomaLevel, p.DiplomaLevel))
		}
		if need, low := categoryNeed(o.Categories, p.DiplomaLevel); low {
			s.Score += pointsCategoryLow
			s.Reasons = append(s.Reasons, fmt.Sprintf("Catégorie %s : un diplôme de niveau %d est en général attendu", need.cat, need.level))
		}
	}
	if o.Experience == "EXPERT" && p.YearsExperience > 0 && p.YearsExperience < expertYears {
		s.Score += pointsTooJunior
		s.Reasons = append(s.Reasons, fmt.Sprintf("Poste pour un profil expert (%d ans d'expérience ou plus)", expertYears))
	}
	for _, l := range o.Languages {
		for _, mine := range p.Languages {
			if mine.ISOCode == l.ISOCode && (l.Level == "" || mine.Level >= l.Level) {
				s.Score += pointsLanguage
				s.Reasons = append(s.Reasons, "Langue demandée : "+LanguageNames[l.ISOCode]+" "+l.Level)
			}
		}
	}
	if p.Vector != nil && o.Vector != nil {
		sim := cosine(p.Vector, o.Vector)
		if pts := semanticPoints(sim); pts > 0 {
			s.Score += pts
			s.Semantic = pts
			s.Reasons = append(s.Reasons, fmt.Sprintf("Proche de votre profil par le sens (similarité %s)", strings.Replace(fmt.Sprintf("%.2f", sim), ".", ",", 1)))
		}
	}
	// A concours's places are those of its tests, not of the posts.
	if p.Near != nil && len(o.Places) > 0 && o.Kind != KindConcours && o.Workplace == "TELETRAVAIL" {
		s.Reasons = append(s.Reasons, "En télétravail : la distance ne compte pas")
	} else if p.Near != nil && len(o.Places) > 0 && o.Kind != KindConcours {
		d := math.Inf(1)
		for _, pl := range o.Places {
			d = math.Min(d, distanceKm(*p.Near, pl))
		}
		if d <= p.RadiusKm {
			s.Score += pointsNear
			if d < 1 {
				s.Reasons = append(s.Reasons, "À moins de 1 km")
			} else {
				s.Reasons = append(s.Reasons, fmt.Sprintf("À %.0f km", d))
			}
		} else {
			s.Score += pointsFar
			s.Reasons = append(s.Reasons, fmt.Sprintf("À %.0f km, au-delà de %.0f km", d, p.RadiusKm))
		}
	}
	return s
}

type categoryLevel struct {
	cat   string
	level int
}

// categoryNeed tells whether every catégorie of the offer asks more than
// level (an offer open to A and B suits a level-4 diploma through B).
func categoryNeed(cats []string, level int) (categoryLevel, bool) {
	if len(cats) == 0 {
		return categoryLevel{}, false
	}
	lowest := categoryLevel{level: 99}
	for _, c := range cats {
		need := minLevel[c]
		if need < lowest.level {
			lowest = categoryLevel{cat: strings.Replace(c, "APLUS", "A+", 1), level: need}
		}
	}
	return lowest, level < lowest.level
}

// RankMatches scores every offer and keeps those with a skill in common or
// near by their meaning (a domaine, a diploma or a place alone do not make
// a match), best first; ties go to the most skills in common, then
// to the offer listed first (the most recent).
func RankMatches(p MatchProfile, offers []MatchOffer) []MatchScore {
	var out []MatchScore
	for _, o := range offers {
		s := ScoreMatch(p, o)
		if len(s.Common) > 0 || s.Semantic > 0 {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		return len(out[a].Common) > len(out[b].Common)
	})
	return out
}

// distanceKm is the great-circle distance, on the Earth's mean radius.
func distanceKm(a, b GeoPoint) float64 {
	const r = 6371.0088
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dla, dlo := la2-la1, (b.Lng-a.Lng)*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

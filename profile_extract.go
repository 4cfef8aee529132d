package vivier

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CVProfile is what a CV says of a person, as the matching reads it: the
// skills of the referential it names, the highest diploma level, the years
// of experience, the languages and their levels, the postal codes of the
// places it gives. The person sees it and corrects it before any matching.
type CVProfile struct {
	Skills          []SkillHit
	DiplomaLevel    int    // CNCP level 3 to 8, 0 when none is recognised
	Diploma         string // the words that gave it ("Master")
	YearsExperience int    // 0 when none is recognised
	Languages       []LanguageSkill
	PostalCodes     []string
	// Mobile: the CV says its author would move anywhere in France.
	Mobile bool
}

// LanguageSkill is a language (ISO 639-1) and its level (CEFR A1 to C2,
// "" when not said).
type LanguageSkill struct {
	ISOCode string
	Level   string
}

// diplomas are the words that name a diploma, highest level first; each
// is matched as whole words of the folded text.
var diplomas = []struct {
	level int
	re    *regexp.Regexp
}{
	{8, regexp.MustCompile(`\b(doctorat|phd|docteure? (en|es|de) [a-z]+|these de doctorat|these d exercice|diplome d etudes specialisees|des de (pharmacie|medecine|biologie)[a-z ]*)\b`)},
	{7, regexp.MustCompile(`\b(master ?[12]?|mastere|msc|mba|dess|dea|bac ?\+ ?5|diplome d ingenieur|ingenieure? diplomee?|ecole d ingenieurs?|sciences po|institut regional d administration|ecole nationale d administration|inspa|diplome de formation approfondie en sciences [a-z]+)\b`)},
	{6, regexp.MustCompile(`\b(licence( professionnelle| pro)?|bachelor|bachelor universitaire de technologie|maitrise|bac ?\+ ?[34]|diplome d etat (d )?infirmiere?|dei|diplome d etat d assistante? de service social|deass|diplome d etat d educat(eur|rice) (specialisee?|de jeunes enfants)|deeje|dees|diplome d etat de conseill(er|ere) en economie sociale familiale|dn made)\b`)},
	{5, regexp.MustCompile(`\b(bts|dut|deug|deust|bac ?\+ ?2|brevet de technicien superieur|diplome universitaire de technologie|dejeps|titre professionnel [a-z ]{3,60} niveau 5)\b`)},
	{4, regexp.MustCompile(`\b(baccalaureat|bac (pro|professionnel|general|technologique|s|es|l|stmg|st2s|sti2d|stt|sti)|bac|brevet professionnel|bpjeps|diplome (d etat|professionnel) d (aide soignante?|auxiliaire de puericulture)|dpas|deas|deap|diplome d etat de monit(eur|rice) educat(eur|rice))\b`)},
	{3, regexp.MustCompile(`\b(cap|bep|certificat d aptitude professionnelle|brevet d etudes professionnelles)\b`)},
}

var (
	yearsSaid  = regexp.MustCompile(`\b(\d{1,2}) (ans|annees?) d (experience|anciennete)\b|\bexperience (professionnelle )?de (\d{1,2}) (ans|annees?)\b`)
	yearRange  = regexp.MustCompile(`\b((?:19|20)\d\d) ?(?:a|-|–|—|/) ?(?:\d{1,2}/|[a-z]+ )?((?:19|20)\d\d|aujourd hui|ce jour|present|maintenant|actuellement)\b|\bdepuis ((?:19|20)\d\d)\b`)
	postalCode = regexp.MustCompile(`\b(0[1-9]|[1-8]\d|9[0-5]|97[1-6])\d{3}\b`)
	mobile     = regexp.MustCompile(`\bmobil(e|ite)( geographique)? ?:? ?(nationale|sur toute la france|toute la france|france entiere|sur tout le territoire|totale)\b`)
	cefr       = regexp.MustCompile(`^(a1|a2|b1|b2|c1|c2)$`)
	levelWords = map[string]string{"bilingue": "C2", "maternelle": "C2", "courant": "C1", "couramment": "C1", "professionnel": "B2", "intermediaire": "B1", "scolaire": "A2", "notion": "A2", "debutant": "A1"}
	// languageISO is LanguageNames the other way, folded: "neerlandais" → "nl".
	languageISO = func() map[string]string {
		m := map[string]string{}
		for iso, name := range LanguageNames {
			m[fold(name)] = iso
		}
		return m
	}()
)

// ExtractCVProfile reads a CV's text (as CheckDocument extracts it) with
// the skills matcher of the referential; now dates "depuis 2019".
func ExtractCVProfile(text string, skills *SkillMatcher, now time.Time) CVProfile {
	p := CVProfile{Skills: skills.Find(text)}
	// Folded, with punctuation but "+" and "-" turned into spaces, so that
	// the patterns see words: "Bac+5" stays "bac+5", "d'État" is "d etat".
	flat := strings.Join(strings.FieldsFunc(fold(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '–' || r == '/')
	}), " ")
	// A "Scrum Master" is a role, not a diploma.
	flat = strings.ReplaceAll(flat, "scrum master", "scrum")
	for _, d := range diplomas {
		if m := d.re.FindString(flat); m != "" {
			p.DiplomaLevel, p.Diploma = d.level, strings.TrimSpace(m)
			break
		}
	}
	p.YearsExperience = experienceYears(flat, now.Year())
	p.Languages = languagesOf(flat)
	p.Mobile = mobile.MatchString(flat)
	seen := map[string]bool{}
	for _, at := range postalCode.FindAllStringIndex(flat, -1) {
		c := flat[at[0]:at[1]]
		// "24000 euros" is a salary, not Périgueux.
		if next := strings.Fields(flat[at[1]:]); len(next) > 0 && (strings.HasPrefix(next[0], "eur") || next[0] == "brut" || next[0] == "net") {
			continue
		}
		if !seen[c] {
			seen[c] = true
			p.PostalCodes = append(p.PostalCodes, c)
		}
	}
	return p
}

// experienceYears is the years a CV says ("8 ans d'expérience"), or else
// those its periods cover ("2015 - 2019", "depuis 2021"), overlaps counted
// once; a period of more than 45 years is not one.
func experienceYears(flat string, thisYear int) int {
	said := 0
	for _, m := range yearsSaid.FindAllStringSubmatch(flat, -1) {
		n, _ := strconv.Atoi(m[1] + m[4])
		said = max(said, n)
	}
	if said > 0 {
		return said
	}
	var spans [][2]int
	for _, m := range yearRange.FindAllStringSubmatch(flat, -1) {
		from, _ := strconv.Atoi(m[1] + m[3])
		to := thisYear
		if y, err := strconv.Atoi(m[2]); err == nil {
			to = y
		}
		if to >= from && to-from <= 45 && to <= thisYear {
			spans = append(spans, [2]int{from, to})
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a][0] < spans[b][0] })
	total, end := 0, 0
	for _, s := range spans {
		if s[0] > end {
			total += s[1] - s[0]
		} else if s[1] > end {
			total += s[1] - end
		}
		end = max(end, s[1])
	}
	return total
}

// languagesOf finds the languages a CV names, each with the level said in
// the few words after its name ("anglais courant", "espagnol (B1)").
func languagesOf(flat string) []LanguageSkill {
	words := strings.Fields(flat)
	var out []LanguageSkill
	seen := map[string]int{}
	for i, w := range words {
		iso, ok := languageISO[w]
		if !ok || iso == "fr" && !(i+1 < len(words) && (words[i+1] == "langue" || words[i+1] == "natif" || words[i+1] == "native")) {
			continue
		}
		level := ""
		for j := i + 1; j < len(words) && j <= i+4 && level == ""; j++ {
			if cefr.MatchString(words[j]) {
				level = strings.ToUpper(words[j])
			} else if l, ok := levelWords[strings.TrimSuffix(words[j], "s")]; ok {
				level = l
			}
			if _, other := languageISO[words[j]]; other {
				break
			}
		}
		if k, ok := seen[iso]; ok {
			if out[k].Level < level {
				out[k].Level = level
			}
			continue
		}
		seen[iso] = len(out)
		out = append(out, LanguageSkill{ISOCode: iso, Level: level})
	}
	return out
}

// DefaultMatchRadiusKm is how far from home a profile read from a CV looks
// at first, unless the CV says its author would move anywhere.
const DefaultMatchRadiusKm = 100

// MatchProfile is the profile a ranking reads, before any correction:
// home is the commune of the CV's address (CVHome), nil when unknown.
func (p CVProfile) MatchProfile(home *Commune) MatchProfile {
	m := MatchProfile{DiplomaLevel: p.DiplomaLevel, YearsExperience: p.YearsExperience, Languages: p.Languages}
	main, _ := p.MainSkills()
	for _, s := range main {
		m.Skills = append(m.Skills, s.Competence)
	}
	m.Core = p.CoreSkills()
	if home != nil && home.Centre() != nil && !p.Mobile {
		m.Near, m.RadiusKm = home.Centre(), DefaultMatchRadiusKm
	}
	return m
}

// minMainSkills is how many of a CV's skills are taken as its own even when
// each is named once (a short CV names each once).
const minMainSkills = 5

// MainSkills parts the CV's skills into those it is about (named twice or
// more, or the most named up to minMainSkills) and those it only mentions
// ("laboratoire" in a list of systems secured): a profile starts with the
// first, and its owner may tick the others.
func (p CVProfile) MainSkills() (main, mentioned []SkillHit) {
	for i, s := range p.Skills {
		if i < minMainSkills || s.Count >= 2 {
			main = append(main, s)
		} else {
			mentioned = append(mentioned, s)
		}
	}
	return main, mentioned
}

// maxCore is how many skills a CV may be most about.
const maxCore = 3

// CoreSkills is the skills the CV is most about: named twice or more, and
// at least half as often as the most named (a RSSI's CV names security
// twenty times, management five: security is its trade).
func (p CVProfile) CoreSkills() []int64 {
	var core []int64
	for _, s := range p.Skills {
		if s.Count >= 2 && 2*s.Count >= p.Skills[0].Count && len(core) < maxCore {
			core = append(core, s.ID)
		}
	}
	return core
}

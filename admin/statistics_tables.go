package admin

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"vivier"
)

// statTable is one figure of the statistics page: its rows as French text,
// the same in the page and in the CSV, and the chart drawn from them.
type statTable struct {
	ID, Title, Caption string
	Columns            []string
	Rows               [][]string
	Chart              *barChart
	Note               string // what the figure counts, under the table
	Summary            string // the figure in words, above the table, where it has no chart
}

// keyFigure is one of the headline numbers.
type keyFigure struct{ Value, Label string }

func keyFigures(st *vivier.Stats) []keyFigure {
	return []keyFigure{
		{strconv.Itoa(st.Received), noun(st.Received, "candidature reçue", "candidatures reçues")},
		{days(st.AnswerMedianDays), "délai médian de première réponse"},
		{days(st.HireMedianDays), "délai médian de recrutement"},
		{percent(st.InTime, st.Due), "de réponses dans le délai promis"},
	}
}

func statsTables(st *vivier.Stats) []statTable {
	promised := fmt.Sprintf("%d jours", st.ResponseDaysMin)
	if st.ResponseDaysMin != st.ResponseDaysMax {
		promised = fmt.Sprintf("de %d à %d jours selon l'administration", st.ResponseDaysMin, st.ResponseDaysMax)
	}
	summary := statTable{ID: "indicateurs", Title: "Indicateurs", Caption: "Indicateurs de la période",
		Columns: []string{"Indicateur", "Valeur"},
		Rows: [][]string{
			{"Candidatures reçues", strconv.Itoa(st.Received)},
			{"dont candidatures spontanées", strconv.Itoa(st.Spontaneous)},
			{"dont consentement au vivier de talents", strconv.Itoa(st.TalentPool)},
			{"Candidatures ayant reçu une première réponse", strconv.Itoa(st.Answered)},
			{"Délai médian de première réponse (jours)", num(st.AnswerMedianDays)},
			{"Délai moyen de première réponse (jours)", num(st.AnswerAvgDays)},
			{"Recrutements", strconv.Itoa(st.Hired)},
			{"Délai médian de recrutement (jours)", num(st.HireMedianDays)},
			{"Délai moyen de recrutement (jours)", num(st.HireAvgDays)},
			{"Délai de réponse promis", promised},
			{"Candidatures dont le délai promis est échu ou qui ont reçu une réponse", strconv.Itoa(st.Due)},
			{"dont réponses dans le délai promis", strconv.Itoa(st.InTime)},
			{"Part des réponses dans le délai promis (%)", share(st.InTime, st.Due)},
		},
		Note: "La première réponse est le premier passage d'une candidature hors de l'étape « nouvelle » ; le recrutement, son premier passage à une étape acceptée. Les délais se comptent depuis la réception."}

	months := statTable{ID: "mois", Title: "Candidatures reçues par mois", Caption: "Candidatures reçues par mois",
		Columns: []string{"Mois", "Candidatures"}}
	var bars []barValue
	for _, m := range st.ByMonth {
		label := monthLabel(m.Key)
		months.Rows = append(months.Rows, []string{label, strconv.Itoa(m.N)})
		bars = append(bars, barValue{Label: label, N: float64(m.N), Text: strconv.Itoa(m.N)})
	}
	months.Chart = newBarChart("chart-mois", months.Title, "Nombre de candidatures reçues chaque mois de la période.", bars, nil)

	sources := statTable{ID: "sources", Title: "Candidatures par source", Caption: "Candidatures par source : où les candidats ont connu l'offre",
		Columns: []string{"Source", "Candidatures", "Part (%)"}}
	bars = nil
	for _, s := range st.BySource {
		label := vivier.SourceLabel(s.Key)
		sources.Rows = append(sources.Rows, []string{label, strconv.Itoa(s.N), share(s.N, st.Received)})
		bars = append(bars, barValue{Label: label, N: float64(s.N), Text: strconv.Itoa(s.N)})
	}
	sources.Chart = newBarChart("chart-sources", sources.Title, "Nombre de candidatures par réponse à « Comment avez-vous connu cette offre ? », de la plus fréquente à la moins fréquente.", bars, nil)

	cats := statTable{ID: "categories", Title: "Où en sont les candidatures", Caption: "Candidatures de la période par catégorie, aujourd'hui",
		Columns: []string{"Catégorie", "Candidatures", "Part (%)"}}
	bars = nil
	for _, s := range st.ByCategory {
		cat := vivier.Category(s.Key)
		cats.Rows = append(cats.Rows, []string{vivier.CategoryLabel(cat), strconv.Itoa(s.N), share(s.N, st.Received)})
		bars = append(bars, barValue{Label: vivier.CategoryLabel(cat), N: float64(s.N), Text: strconv.Itoa(s.N), Category: cat})
	}
	cats.Chart = newBarChart("chart-categories", cats.Title, "Nombre de candidatures de la période dans chaque catégorie aujourd'hui ; le motif de chaque barre indique sa catégorie.", bars, st.ByCategory)

	funnel := statTable{ID: "etapes", Title: "Entonnoir par étape", Caption: "Candidatures de la période passées par chaque étape",
		Columns: []string{"Étape", "Catégorie", "Passées par l'étape", "Part des reçues (%)", "À cette étape aujourd'hui"},
		Note:    "Une candidature compte à chaque étape par laquelle elle est passée ; les étapes de même nom des directions sont réunies."}
	durations := statTable{ID: "durees", Title: "Temps passé à chaque étape", Caption: "Durée des passages terminés à chaque étape, en jours",
		Columns: []string{"Étape", "Catégorie", "Passages terminés", "Durée médiane (jours)", "Durée moyenne (jours)"},
		Note:    "Un passage dure de l'entrée dans l'étape au mouvement suivant ; ceux qui durent encore ne sont pas comptés."}
	bars = nil
	var dbars []barValue
	var used []vivier.StatCount
	for _, s := range st.Steps {
		funnel.Rows = append(funnel.Rows, []string{s.Name, vivier.CategoryLabel(s.Category), strconv.Itoa(s.Reached),
			share(s.Reached, st.Received), strconv.Itoa(s.Current)})
		bars = append(bars, barValue{Label: s.Name, N: float64(s.Reached), Text: strconv.Itoa(s.Reached), Category: s.Category})
		used = append(used, vivier.StatCount{Key: string(s.Category)})
		durations.Rows = append(durations.Rows, []string{s.Name, vivier.CategoryLabel(s.Category), strconv.Itoa(s.Stays), num(s.MedianDays), num(s.AvgDays)})
		if s.Category == vivier.CategoryNew || s.Category == vivier.CategoryReview {
			d := barValue{Label: s.Name, Text: "aucun passage terminé"}
			if s.MedianDays != nil {
				d.N, d.Text = *s.MedianDays, num(s.MedianDays)+" j"
			}
			dbars = append(dbars, d)
		}
	}
	funnel.Chart = newBarChart("chart-etapes", funnel.Title, "Nombre de candidatures de la période passées par chaque étape, dans l'ordre du parcours ; le motif de chaque barre indique la catégorie de l'étape.", bars, used)
	durations.Chart = newBarChart("chart-durees", durations.Title, "Durée médiane, en jours, des passages terminés dans chaque étape avant décision.", dbars, nil)

	without := statTable{ID: "sans-candidature", Title: "Offres publiées sans candidature", Caption: "Offres publiées n'ayant reçu aucune candidature sur la période",
		Columns: []string{"Offre", "Référence", "Administration", "Publiée le"}}
	for _, o := range st.OffersWithout {
		published := ""
		if o.PublishedAt != nil {
			published = o.PublishedAt.In(vivier.Paris()).Format("02/01/2006")
		}
		without.Rows = append(without.Rows, []string{o.Title, o.Reference, o.Administration, published})
	}
	if st.OffersWithoutAll > len(st.OffersWithout) {
		without.Note = fmt.Sprintf("%d offres en tout ; les %d publiées depuis le plus longtemps sont listées.", st.OffersWithoutAll, len(st.OffersWithout))
	}
	return []statTable{summary, months, sources, cats, funnel, durations, equalityTable(st), without}
}

func noun(n int, one, many string) string {
	if n < 2 {
		return one
	}
	return many
}

// num writes a number of days the French way, with one decimal.
func num(p *float64) string {
	if p == nil {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(*p, 'f', 1, 64), ".", ",", 1)
}

func days(p *float64) string {
	if p == nil {
		return "–"
	}
	return num(p) + "\u00a0j"
}

func share(n, of int) string {
	if of == 0 {
		return "–"
	}
	v := 100 * float64(n) / float64(of)
	return num(&v)
}

func percent(n, of int) string {
	if of == 0 {
		return "–"
	}
	return share(n, of) + "\u00a0%"
}

var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func monthLabel(key string) string {
	t, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	return frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

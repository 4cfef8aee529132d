package admin

import (
	"strconv"
	"strings"

	"vivier"
)

// equalityTable is the "Égalité femmes-hommes" figure: at each stage, the
// women, men and those who gave no civility, published under the
// small-count rule of vivier.EqualityPublish; the CSV writes the same
// cells, so a count hidden on the page is hidden in the file.
func equalityTable(st *vivier.Stats) statTable {
	t := statTable{ID: "egalite", Title: "Égalité femmes-hommes",
		Caption: "Femmes et hommes à chaque étape du recrutement, parmi les candidatures reçues sur la période",
		Columns: []string{"Étape", "Femmes", "Part des femmes (%)", "Hommes", "Part des hommes (%)", "Non précisée", "Total"},
		Note: "Le filtre « Offre » donne les chiffres d'une offre. La civilité est celle que la personne candidate a indiquée ; une candidature dont les données ont été effacées compte en « non précisée ». " +
			"Les parts se calculent parmi les personnes qui ont indiqué une civilité. " +
			"Présélectionnée : sortie de l'étape « nouvelle » vers une étape en cours ou acceptée ; reçue en entretien : passée par une étape d'entretien, de jury ou d'oral, ou convoquée à un entretien (sauf annulation, refus ou absence) ; recrutée : passée par une étape acceptée. " +
			"Pour qu'aucune personne ne puisse être reconnue, un effectif inférieur à 5 s'affiche « < 5 », ainsi que le plus petit des autres effectifs de la ligne quand il permettrait de le retrouver par différence avec le total, et les parts ne s'affichent alors pas (« — »)."}
	var summary []string
	for _, s := range st.Equality {
		r := vivier.EqualityPublish(s)
		womenShare, menShare := "—", "—"
		if r.SharesShown {
			w, m := r.WomenShare, r.MenShare
			womenShare, menShare = num(&w), num(&m)
			summary = append(summary, strings.ToLower(r.Label)+", "+womenShare+"\u00a0% de femmes et "+menShare+"\u00a0% d'hommes")
		} else {
			summary = append(summary, strings.ToLower(r.Label)+", parts non publiées (effectifs trop faibles)")
		}
		t.Rows = append(t.Rows, []string{r.Label, equalityCount(r.Women), womenShare, equalityCount(r.Men), menShare,
			equalityCount(r.Unspecified), equalityCount(r.Total)})
	}
	if len(summary) > 0 {
		t.Summary = "En résumé, parmi les personnes qui ont indiqué leur civilité : " + strings.Join(summary, " ; ") + "."
	}
	return t
}

func equalityCount(c vivier.EqualityCell) string {
	if c.Hidden {
		return "< " + strconv.Itoa(vivier.EqualityThreshold)
	}
	return strconv.Itoa(c.N)
}

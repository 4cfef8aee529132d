package vivier

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// StepCategories are the categories a step belongs to, in the board's order.
var StepCategories = []Category{CategoryNew, CategoryReview, CategoryAccepted, CategoryRefused}

// StepUsage is a step with how many applications stand at it.
type StepUsage struct {
	Step
	Applications int `db:"applications"`
}

func checkStepName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return "", FieldError("name", "Le nom d'une étape compte de 1 à 60 caractères.")
	}
	return name, nil
}

func stepConflict(err error) error {
	if ErrorCode(wrap("", err)) == ECONFLICT {
		return FieldError("name", "Une autre étape porte déjà ce nom : choisissez-en un autre.")
	}
	return err
}

func countWords(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ReasonUsage is a refusal reason as its editing screen shows it.
type ReasonUsage struct {
	RefusalReason
	Active bool `db:"active"`
	Used   int  `db:"used"`
}

func checkReason(label, text string) (string, string, error) {
	label, text = strings.TrimSpace(label), strings.TrimSpace(text)
	if label == "" || utf8.RuneCountInString(label) > 100 {
		return "", "", FieldError("label", "Le libellé d'un motif compte de 1 à 100 caractères.")
	}
	if utf8.RuneCountInString(text) > 1000 {
		return "", "", FieldError("candidate_text", "Le texte adressé à la personne candidate compte 1 000 caractères au plus.")
	}
	return label, text, nil
}

func reasonConflict(err error) error {
	if ErrorCode(wrap("", err)) == ECONFLICT {
		return FieldError("label", "Un autre motif porte déjà ce libellé : choisissez-en un autre.")
	}
	return err
}

package vivier

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Recruiters working together on an application: internal notes that may
// mention colleagues, one rating per assigned reviewer, the
// administration's tags and the reviewers assigned. A jury member
// (membre_jury, who holds applications:read_assigned but not
// applications:read) reads only the applications assigned to them: the
// handlers pass a Scope, and every query of a list or of one application
// applies it.

// NoteMentionTask is the payload of TaskNoteMention: the note's mentions
// were resolved when it was written.
type NoteMentionTask struct {
	NoteID int64 `json:"note_id"`
}

// Note is an internal note on an application.
type Note struct {
	ID          int64     `db:"id"`
	AuthorEmail string    `db:"author_email"`
	AuthorName  string    `db:"author_name"`
	Body        string    `db:"body"` // Markdown, rendered and sanitised when shown
	CreatedAt   time.Time `db:"created_at"`
}

// Rating is a reviewer's opinion of an application, from 1 to 4.
type Rating struct {
	AgentID int64     `db:"agent_id"`
	Email   string    `db:"email"`
	Name    string    `db:"name"`
	Score   int       `db:"score"`
	Comment string    `db:"comment"`
	RatedAt time.Time `db:"rated_at"`
	Mine    bool      `db:"mine"`
}

// RatingLabels are the four scores' words, from the lowest.
var RatingLabels = []string{"Défavorable", "Réservé", "Favorable", "Très favorable"}

// ScoreChoice is a score and its words, for the forms.
type ScoreChoice struct {
	N     int
	Label string
}

// Scores lists the four scores, from the lowest.
func Scores() []ScoreChoice {
	out := make([]ScoreChoice, len(RatingLabels))
	for i, l := range RatingLabels {
		out[i] = ScoreChoice{N: i + 1, Label: l}
	}
	return out
}

// Label returns the rating's words.
func (r Rating) Label() string { return ScoreLabel(r.Score) }

// AverageText is the average as French writes it ("2,5").
func (r Ratings) AverageText() string {
	return strings.Replace(strconv.FormatFloat(r.Average, 'f', 1, 64), ".", ",", 1)
}

// ScoreLabel returns a score's words.
func ScoreLabel(score int) string {
	if score < 1 || score > len(RatingLabels) {
		return ""
	}
	return RatingLabels[score-1]
}

// Ratings are an application's ratings as one agent may see them. A jury
// member sees the others' only once they have given their own, so that
// their opinion is their own.
type Ratings struct {
	Mine    *Rating
	Others  []Rating
	Hidden  bool // the others exist but are not shown yet
	Count   int
	Average float64
}

// Tag is one of an administration's free labels.
type Tag struct {
	ID    int64  `db:"id"`
	Label string `db:"label"`
}

// Member is an agent holding a role in the administration, whom a note
// may mention and a recruiter may assign.
type Member struct {
	ID        int64  `db:"id"`
	Email     string `db:"email"`
	FirstName string `db:"first_name"`
	LastName  string `db:"last_name"`
	JuryOnly  bool   `db:"jury_only"` // reads assigned applications only
}

// Name is how the interface names the member.
func (m Member) Name() string {
	if n := strings.TrimSpace(m.FirstName + " " + m.LastName); n != "" {
		return n
	}
	return m.Email
}

// Handles are the words that mention the member after an "@": the local
// part of their email, and prenom.nom without accents.
func (m Member) Handles() []string {
	local, _, _ := strings.Cut(strings.ToLower(m.Email), "@")
	out := []string{local}
	if m.FirstName != "" && m.LastName != "" {
		out = append(out, handleWord(m.FirstName)+"."+handleWord(m.LastName))
	}
	return out
}

func handleWord(s string) string {
	return strings.Join(strings.Fields(fold(s)), "-")
}

// mentionRE finds "@word" not inside an email address (the character
// before the "@" is not a letter, a digit or a dot).
var mentionRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}._+-])@([\p{L}\p{N}][\p{L}\p{N}._+-]*)`)

// Mentions returns the members a note's text mentions, each once.
func Mentions(body string, members []Member) []Member {
	byHandle := map[string]int{}
	for i, m := range members {
		for _, h := range m.Handles() {
			byHandle[handleWord(h)] = i
		}
	}
	seen := map[int]bool{}
	var out []Member
	for _, match := range mentionRE.FindAllStringSubmatch(body, -1) {
		h := strings.ToLower(strings.TrimRight(match[1], ".-_+"))
		if i, ok := byHandle[handleWord(h)]; ok && !seen[i] {
			seen[i] = true
			out = append(out, members[i])
		}
	}
	return out
}

// CheckNote validates a note's text.
func CheckNote(body string) (string, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return "", FieldError("body", "Écrivez le texte de la note.")
	case len([]rune(body)) > 10000:
		return "", FieldError("body", "Une note compte au plus 10 000 caractères.")
	}
	return body, nil
}

// CheckTag validates a tag's label.
func CheckTag(label string) (string, error) {
	label = strings.Join(strings.Fields(label), " ")
	switch {
	case label == "":
		return "", FieldError("tag", "Saisissez l'étiquette.")
	case len([]rune(label)) > 40:
		return "", FieldError("tag", "Une étiquette compte au plus 40 caractères.")
	}
	return label, nil
}

package admin

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The application view as a workspace: the documents' tabs, the choices of
// the decision side (the steps of the move menu, the refusal steps), the
// open tab, and the way along the list the view was opened from.

// docTab is one tab of the documents side: a file, or (File nil) what the
// candidate wrote.
type docTab struct {
	ID    string
	Label string
	File  *vivier.StoredFile
	PDF   bool
	Text  string // extracted from the file at upload
}

// sideTab is one tab under the decision.
type sideTab struct {
	ID, Label string
}

func (h *Handler) workspaceOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	p.Wide = true
	nav, err := h.listNavOf(c, d.ID)
	if err != nil {
		return err
	}
	if nav != nil {
		p.Walk, p.After = nav, nav.After
	}
	p.Docs = documentTabs(d)
	if err := h.checklistOfApplication(c, d, p); err != nil {
		return err
	}
	for _, s := range p.Steps {
		if s.ID == p.CurrentStage || vivier.CheckMove(d.Category, s.Category) != nil {
			continue
		}
		if s.Category == vivier.CategoryRefused {
			p.RefuseSteps = append(p.RefuseSteps, s)
		} else {
			p.MoveSteps = append(p.MoveSteps, s)
		}
	}
	slices.Reverse(p.Notes) // newest first
	p.SideTabs = sideTabs(p)
	p.Tab = "notes"
	if p.MessageForm != nil {
		p.Tab = "messages" // a refused message, shown again in its tab
	}
	return nil
}

func documentTabs(d *vivier.ApplicationDetail) []docTab {
	var tabs []docTab
	seen := map[string]int{}
	for i := range d.Files {
		f := &d.Files[i]
		label := map[string]string{"cv": "CV", "lettre": "Lettre"}[f.Kind]
		if label == "" {
			label = "Document"
		}
		if seen[label]++; seen[label] > 1 {
			label += " " + strconv.Itoa(seen[label])
		}
		tabs = append(tabs, docTab{ID: strconv.FormatInt(f.ID, 10), Label: label, File: f,
			PDF: f.ContentType == "application/pdf", Text: f.Text})
	}
	if d.LetterText != "" || len(d.Questions) > 0 {
		tabs = append(tabs, docTab{ID: "reponses", Label: "Motivation et réponses"})
	}
	return tabs
}

func sideTabs(p *applicationPage) []sideTab {
	count := func(label string, n int) string {
		if n == 0 {
			return label
		}
		return label + " (" + strconv.Itoa(n) + ")"
	}
	tabs := []sideTab{{"notes", count("Notes", len(p.Notes))}, {"messages", count("Messages", len(p.Messages))},
		{"entretiens", count("Entretiens", len(p.Interviews))}, {"historique", "Historique"}}
	if len(p.Others) > 0 {
		tabs = append(tabs, sideTab{"autres", count("Autres candidatures", len(p.Others))})
	}
	return append(tabs, sideTab{"actions", "Plus d'actions"})
}

// markRead records that the agent opened the application, which clears the
// board's unread mark for them; it is a part of the application's page.
func (h *Handler) markRead(c *fiber.Ctx, d *vivier.ApplicationDetail, _ *applicationPage) error {
	return h.Store.MarkApplicationRead(c.UserContext(), currentAdministration(c).ID, currentAgent(c).ID, d.ID)
}

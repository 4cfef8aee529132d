package admin

import (
	"io"
	"mime"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Applications as the back-office first sees them: the list, the
// spontaneous ones with "attach to an offer", one application, and its files
// served through the app, to agents of its administration only.

// applicationPage is one application, with all an agent does on it; each
// part is filled by the file of its feature.
type applicationPage struct {
	templates.Page
	App       *vivier.ApplicationDetail
	CanDecide bool

	// Pipeline (pipelineOfApplication).
	Steps        []vivier.Step
	Reasons      []vivier.RefusalReason
	History      []vivier.HistoryEvent
	Stage        *vivier.Step // the current one, if any
	CurrentStage int64
	HireStep     string
	Movable      bool

	// Transfer (transferOfApplication).
	Transfer *transferView

	// Interviews (interviewsOfApplication).
	Interviews []vivier.Interview
	CanInvite  bool

	// Messages (applicationNotifications).
	Messages    []vivier.ApplicationMessage
	CanWrite    bool
	MessageForm *messageForm // a refused message, shown again
	Bounces     []vivier.EmailBounce

	// Collaboration (collabOfApplication).
	Notes               []vivier.Note
	Ratings             vivier.Ratings
	Tags, AllTags       []vivier.Tag
	Assignees           []vivier.Assignee
	Others              []vivier.ApplicationRow
	Members             []vivier.Member
	CanComment, CanRate bool
	CanTag              bool
	Scores              []vivier.ScoreChoice

	// Workspace (workspaceOfApplication).
	Walk        *listNav // the list it was opened from; nil when none
	After       string   // where a decision goes on to
	Docs        []docTab
	MoveSteps   []vivier.Step // the move menu: every step it may go to but refusals
	RefuseSteps []vivier.Step // the refusal steps it may go to
	SideTabs    []sideTab
	Tab         string // the open one

	Checklist *checklistView // the documents asked and received (checklistOfApplication)

	// Anonymised screening (maskApplication): the mask, nil when the
	// identity shows; the step until which the offer masks.
	Mask        *vivier.Mask
	MaskedUntil *vivier.Step
	CanReveal   bool
}

func (h *Handler) applicationPage(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	d, err := h.Store.ApplicationForAgents(c.UserContext(), currentAdministration(c).ID, id)
	if err != nil {
		return err
	}
	p := &applicationPage{App: d, CanDecide: h.can(c, policies.ApplicationsDecide)}
	for _, part := range []func(*fiber.Ctx, *vivier.ApplicationDetail, *applicationPage) error{
		h.pipelineOfApplication, h.transferOfApplication, h.interviewsOfApplication, h.applicationNotifications, h.collabOfApplication,
		h.markRead, h.workspaceOfApplication, h.maskApplication,
	} {
		if err := part(c, d, p); err != nil {
			return err
		}
	}
	status := fiber.StatusOK
	if c.Response().StatusCode() == fiber.StatusUnprocessableEntity {
		status = fiber.StatusUnprocessableEntity // a refused message, shown again
	}
	return h.page(c, status, "admin/application", p)
}

// downloadFile streams a candidate's file as an attachment: never shown
// inline from our origin, whatever it contains.
func (h *Handler) downloadFile(c *fiber.Ctx) error {
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	fileID, err := templates.ParamID(c, "file")
	if err != nil {
		return err
	}
	if err := h.refuseMaskedFile(c, appID); err != nil {
		return err
	}
	f, err := h.Store.ApplicationFile(c.UserContext(), currentAdministration(c).ID, appID, fileID)
	if err != nil {
		return err
	}
	r, err := h.Files.Open(c.UserContext(), f.Key)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }() // read only: a failed close loses nothing
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(c.Response().BodyWriter(), r)
	return err
}

func (h *Handler) attachToOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	offerID, err := templates.FormID(c, "offer")
	if err != nil {
		return err
	}
	if err := h.Store.AttachToOffer(c.UserContext(), adm.ID, appID, offerID, actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, appID), "La candidature est rattachée à l'offre.")
}

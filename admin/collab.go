package admin

import (
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Recruiters working together on an application: notes with mentions,
// ratings by the assigned reviewers, tags, assignments, and the PDF
// preview. A jury member reaches the application routes with
// applications:read_assigned; withinReach (authz.go) refuses, as not
// found, what is not assigned to them, and scope narrows the lists.

func (h *Handler) collabRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/candidatures/:application/fichiers/:file/apercu", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.previewFile},
		{Method: "POST", Path: "/:adm/candidatures/:application/notes", Access: administration, perm: policies.ApplicationsComment, handler: h.addNote},
		{Method: "POST", Path: "/:adm/candidatures/:application/evaluation", Access: administration, perm: policies.ApplicationsComment, handler: h.rate},
		{Method: "POST", Path: "/:adm/candidatures/:application/etiquettes", Access: administration, perm: policies.ApplicationsDecide, handler: h.addTag},
		{Method: "POST", Path: "/:adm/candidatures/:application/etiquettes/retrait", Access: administration, perm: policies.ApplicationsDecide, handler: h.removeTag},
		{Method: "POST", Path: "/:adm/candidatures/:application/assignations", Access: administration, perm: policies.ApplicationsDecide, handler: h.assign},
		{Method: "POST", Path: "/:adm/candidatures/:application/assignations/retrait", Access: administration, perm: policies.ApplicationsDecide, handler: h.unassign},
		{Method: "POST", Path: "/:adm/offres/:offer/candidatures/lot/etiquette", Access: administration, perm: policies.ApplicationsDecide, handler: h.bulkTag},
		{Method: "POST", Path: "/:adm/offres/:offer/candidatures/lot/assignation", Access: administration, perm: policies.ApplicationsDecide, handler: h.bulkAssign},
	}
}

// collabOfApplication adds notes, ratings, tags, reviewers and the
// candidate's other applications to the application page.
func (h *Handler) collabOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	ctx, adm, sc := c.UserContext(), currentAdministration(c), h.scope(c)
	notes, err := h.Store.Notes(ctx, adm.ID, d.ID)
	if err != nil {
		return err
	}
	if err := h.Store.MarkMentionsSeen(ctx, adm.ID, d.ID, currentAgent(c).ID); err != nil { // leaves "Ma file"
		return err
	}
	ratings, err := h.Store.RatingsOf(ctx, adm.ID, d.ID, currentAgent(c).ID, sc.Narrowed())
	if err != nil {
		return err
	}
	tags, err := h.Store.TagsOf(ctx, adm.ID, d.ID)
	if err != nil {
		return err
	}
	assignees, err := h.Store.AssigneesOf(ctx, adm.ID, d.ID)
	if err != nil {
		return err
	}
	others, err := h.Store.OtherApplications(ctx, adm.ID, d.CandidateID, d.ID, sc)
	if err != nil {
		return err
	}
	assigned := false
	for _, a := range assignees {
		assigned = assigned || a.ID == currentAgent(c).ID
	}
	canDecide := h.can(c, policies.ApplicationsDecide)
	if canDecide {
		members, err := h.Store.Members(ctx, adm.ID)
		if err != nil {
			return err
		}
		allTags, err := h.Store.Tags(ctx, adm.ID)
		if err != nil {
			return err
		}
		p.Members, p.AllTags = members, allTags
	}
	pdf := false
	for _, f := range d.Files {
		pdf = pdf || f.ContentType == "application/pdf"
	}
	if pdf {
		// The page frames its own previews, and nothing else.
		csp := string(c.Response().Header.Peek(fiber.HeaderContentSecurityPolicy))
		c.Set(fiber.HeaderContentSecurityPolicy, strings.Replace(csp, "frame-src 'none'", "frame-src 'self'", 1))
	}
	p.Notes, p.Ratings, p.Tags, p.Assignees, p.Others = notes, ratings, tags, assignees, others
	p.CanComment, p.CanRate, p.CanTag = h.can(c, policies.ApplicationsComment), assigned && h.can(c, policies.ApplicationsComment), canDecide
	p.Scores = vivier.Scores()
	return nil
}

// previewFile shows a PDF inline, for the page's frame: only a file whose
// bytes were checked as a PDF at upload, under a policy that runs nothing
// and lets only our own pages frame it.
func (h *Handler) previewFile(c *fiber.Ctx) error {
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
	if f.ContentType != "application/pdf" {
		return vivier.Errorf(vivier.ENOTFOUND, "Seuls les PDF s'affichent dans la page : téléchargez ce fichier.")
	}
	r, err := h.Files.Open(c.UserContext(), f.Key)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }() // read only: a failed close loses nothing
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("inline", map[string]string{"filename": f.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	_, err = io.Copy(c.Response().BodyWriter(), r)
	return err
}

func (h *Handler) addNote(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	_, told, err := h.Store.AddNote(c.UserContext(), currentAdministration(c).ID, id, c.FormValue("body"), h.scope(c), actor(c))
	if err != nil {
		return err
	}
	msg := "La note est enregistrée."
	if len(told) > 0 {
		var names []string
		for _, m := range told {
			names = append(names, m.Name())
		}
		msg = fmt.Sprintf("La note est enregistrée ; %s %s prévenu·e%s par courriel.", strings.Join(names, ", "),
			map[bool]string{true: "est", false: "sont"}[len(told) == 1], map[bool]string{true: "", false: "s"}[len(told) == 1])
		msg = strings.ReplaceAll(msg, " ;", "\u202f;")
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#notes", msg)
}

func (h *Handler) rate(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	score, ok := templates.ParseID(c.FormValue("score"))
	if !ok || score > 4 {
		return vivier.FieldError("score", "Choisissez une note de 1 à 4.")
	}
	if err := h.Store.Rate(c.UserContext(), currentAdministration(c).ID, id, int(score), strings.TrimSpace(c.FormValue("comment")), actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#evaluations", "Votre évaluation est enregistrée.")
}

func (h *Handler) addTag(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.AddTag(c.UserContext(), currentAdministration(c).ID, []int64{id}, c.FormValue("tag")); err != nil {
		return err
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#etiquettes", "L'étiquette est ajoutée.")
}

func (h *Handler) removeTag(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	tagID, err := templates.FormID(c, "tag")
	if err != nil {
		return err
	}
	if err := h.Store.RemoveTag(c.UserContext(), currentAdministration(c).ID, id, tagID); err != nil {
		return err
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#etiquettes", "L'étiquette est retirée.")
}

func (h *Handler) assign(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	agentID, err := templates.FormID(c, "agent")
	if err != nil {
		return err
	}
	n, err := h.Store.Assign(c.UserContext(), currentAdministration(c).ID, []int64{id}, agentID, actor(c))
	if err != nil {
		return err
	}
	msg := "Cette personne est assignée à la candidature."
	if n == 0 {
		msg = "Cette personne était déjà assignée à la candidature."
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#assignations", msg)
}

func (h *Handler) unassign(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	agentID, err := templates.FormID(c, "agent")
	if err != nil {
		return err
	}
	if err := h.Store.Unassign(c.UserContext(), currentAdministration(c).ID, id, agentID, actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(currentAdministration(c), id)+"#assignations", "Cette personne n'est plus assignée à la candidature.")
}

func (h *Handler) bulkTag(c *fiber.Ctx) error {
	o, ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	n, err := h.Store.AddTag(c.UserContext(), currentAdministration(c).ID, ids, c.FormValue("tag"))
	if err != nil {
		return err
	}
	return h.back(c, formBack(c, offerApplicationsURL(currentAdministration(c), o.ID)),
		fmt.Sprintf("Étiquette ajoutée à %s.", plural(n, "candidature", "candidatures")))
}

func (h *Handler) bulkAssign(c *fiber.Ctx) error {
	o, ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	agentID, err := templates.FormID(c, "agent")
	if err != nil {
		return err
	}
	n, err := h.Store.Assign(c.UserContext(), currentAdministration(c).ID, ids, agentID, actor(c))
	if err != nil {
		return err
	}
	return h.back(c, formBack(c, offerApplicationsURL(currentAdministration(c), o.ID)),
		fmt.Sprintf("%s à cette personne.", plural(n, "candidature assignée", "candidatures assignées")))
}

// collabOfPipeline adds the filters' and the bulk actions' choices to an
// offer's list.
func (h *Handler) collabOfPipeline(c *fiber.Ctx, p *listFilters) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	tags, err := h.Store.Tags(ctx, adm.ID)
	if err != nil {
		return err
	}
	members, err := h.Store.Members(ctx, adm.ID)
	if err != nil {
		return err
	}
	p.AllTags, p.Members, p.Scores = tags, members, vivier.Scores()
	p.SeesRatings = !h.scope(c).Narrowed()
	return nil
}

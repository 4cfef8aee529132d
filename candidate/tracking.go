package candidate

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The candidate's space, opened by the link sent by email. Opening it
// changes nothing (mail scanners open links); every action is a POST with
// the CSRF token. The link itself is the credential, so its pages are never
// cached nor sent as a referrer, and it shows only the applications of its
// own address.

const askedForLink = "Si des candidatures existent pour cette adresse, un lien pour les suivre vient d'y être envoyé. Pensez à regarder dans les courriers indésirables."

// trackingAskPage is the page that sends a link to the space: the form,
// or what became of a request.
type trackingAskPage struct {
	templates.Page
	Email string // what was typed, when refused
}

func (h *Handler) trackingAsk(c *fiber.Ctx) error {
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", &trackingAskPage{})
}

// trackingAsked shows the ask page with what became of the candidate's
// request.
func (h *Handler) trackingAsked(c *fiber.Ctx, flash string) error {
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", &trackingAskPage{Page: templates.Page{Flash: flash}})
}

func (h *Handler) trackingRequest(c *fiber.Ctx) error {
	raw := c.FormValue("email")
	email, err := vivier.ParseEmail(raw)
	f := form{name: "candidate/tracking_ask", summary: "L'adresse électronique n'est pas valide.",
		page: func() (templates.Model, error) { return &trackingAskPage{Email: raw}, nil }}
	return h.finish(c, err, f, func() error {
		if err := h.allow(c, time.Hour, "Trop de demandes de lien en peu de temps. Patientez une heure avant de réessayer.",
			clientLimit(c, "track", 20), emailLimit("track", email, 5)); err != nil {
			return err
		}
		if err := h.Store.RequestTrackingLink(c.UserContext(), email); err != nil {
			return err
		}
		return h.trackingAsked(c, askedForLink)
	})
}

// private marks a page of the space: the token in its URL must not leak.
func private(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
}

var doneMessages = map[string]string{
	"retrait":       "Votre candidature est retirée. Le recruteur en est informé.",
	"relance":       "Votre message est envoyé au recruteur.",
	"coordonnees":   "Vos coordonnées sont mises à jour sur les candidatures choisies. Les recruteurs concernés en sont informés.",
	"transfert":     "Vous avez accepté le transfert : l'autre administration reçoit votre candidature.",
	"transfert-non": "Vous avez refusé le transfert : votre candidature reste où elle était.",
	"regroupement":  "Votre réponse est enregistrée.",
	"cv":            "Votre nouveau CV est joint à la candidature.",
	"vivier":        "Votre accord est renouvelé : l'employeur peut garder votre candidature pour de futures offres.",
	"entretien":     "Vous avez accepté l'entretien. Le recruteur en est informé.",
	"creneau":       "Votre demande d'un autre créneau est envoyée au recruteur.",
	doneSlot:        "Votre créneau est réservé. Vous recevez par courriel la convocation, avec l'événement pour votre agenda.",
	doneConfirm:     "Votre présence est confirmée. Le recruteur en est informé.",
	doneDecline:     "Votre réponse est envoyée au recruteur : vous ne pourrez pas venir.",
	doneOtherTime:   "Votre demande d'un autre horaire est envoyée au recruteur.",
	"piece":         "Votre pièce est envoyée. Le recruteur en est informé.",
}

// openSpace checks the link; an unknown, revoked or expired one gets the
// page that sends a new link, with a 404.
func (h *Handler) openSpace(c *fiber.Ctx) (*vivier.TrackingAccess, error) {
	private(c)
	cand, err := h.Store.CandidateByToken(c.UserContext(), c.Params("token"))
	if errors.Is(err, vivier.ErrTrackingLinkExpired) {
		p := &trackingAskPage{}
		p.Refuse(vivier.ErrorMessage(err), "", err)
		return nil, h.Renderer.Page(c, fiber.StatusNotFound, "candidate/tracking_ask", p)
	}
	return cand, err
}

// spacePage is the candidate's space.
type spacePage struct {
	templates.Page
	Cand        *vivier.TrackingAccess
	Apps        []vivier.TrackedApplication
	Token       string
	Now         time.Time
	UploadLimit string
	Interviews  map[int64]*vivier.Interview
	Documents   map[int64][]vivier.SpaceDocument // per application: what may be sent (CandidateDocuments)
	Transfers   []vivier.Transfer
	Merges      []vivier.CandidateMerge
	Details     details

	// Convocations are the convoked interviews' sessions and slots, by interview id.
	Convocations map[int64]*vivier.CandidateConvocation
}

func (h *Handler) space(c *fiber.Ctx) error {
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	p, err := h.spacePage(c, cand, false)
	if err != nil {
		return err
	}
	p.Flash = doneMessages[c.Query("fait")]
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_space", p)
}

// spacePage fills the space; refill shows in "Mes coordonnées" what was just
// sent rather than what is kept.
func (h *Handler) spacePage(c *fiber.Ctx, cand *vivier.TrackingAccess, refill bool) (*spacePage, error) {
	ctx, now := c.UserContext(), time.Now()
	apps, err := h.Store.CandidateApplications(ctx, cand.ID)
	if err != nil {
		return nil, err
	}
	interviews, err := h.Store.CandidateInterviews(ctx, cand.ID)
	if err != nil {
		return nil, err
	}
	transfers, err := h.Store.PendingTransfers(ctx, cand.ID, now)
	if err != nil {
		return nil, err
	}
	merges, err := h.Store.PendingMerges(ctx, cand.ID, now)
	if err != nil {
		return nil, err
	}
	convocations, err := h.convocations(ctx, cand.ID, now)
	if err != nil {
		return nil, err
	}
	documents, err := h.Store.CandidateDocuments(ctx, cand.ID)
	if err != nil {
		return nil, err
	}
	return &spacePage{Convocations: convocations, Cand: cand, Apps: apps, Token: c.Params("token"), Now: now, Documents: documents,
		UploadLimit: vivier.FormatSize(h.UploadLimit), Interviews: interviews, Transfers: transfers, Merges: merges,
		Details: detailsForm(cand, apps, c, refill)}, nil
}

// spaceForm is the space as a form of its own shows it again: with summary
// at the top ("" for the error's own message), and "Mes coordonnées" as
// they were sent when they are what was refused.
func (h *Handler) spaceForm(c *fiber.Ctx, cand *vivier.TrackingAccess, summary string) form {
	return form{name: "candidate/tracking_space", summary: summary, page: func() (templates.Model, error) {
		return h.spacePage(c, cand, strings.HasSuffix(c.Path(), "/coordonnees"))
	}}
}

// spaceAction runs an action of the space and comes back to it, saying
// done.
func (h *Handler) spaceAction(done string, act func(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error) fiber.Handler {
	return h.inSpace(func(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
		if err := act(c, cand, id); err != nil {
			return err
		}
		return backToSpace(c, done)
	})
}

// backToSpace sends the candidate back to their space, which says what
// was done.
func backToSpace(c *fiber.Ctx, done string) error {
	return c.Redirect("/suivi/"+c.Params("token")+"?fait="+done, fiber.StatusSeeOther)
}

// inSpace runs an action of the space that answers itself: the link is
// checked and noted as used, the id parameter read, and a refusal the form
// can show (invalid, conflict, too large) comes back on the space.
func (h *Handler) inSpace(act func(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cand, err := h.openSpace(c)
		if cand == nil {
			return err
		}
		if err := h.Store.TouchTrackingLink(c.UserContext(), c.Params("token")); err != nil {
			return err
		}
		id, err := optionalParamID(c, "id")
		if err != nil {
			return err
		}
		return h.finish(c, act(c, cand, id), h.spaceForm(c, cand, ""), func() error { return nil })
	}
}

func (h *Handler) withdraw(c *fiber.Ctx, cand *vivier.TrackingAccess, appID int64) error {
	return h.Store.Withdraw(c.UserContext(), cand.ID, appID, c.FormValue("reason"))
}

func (h *Handler) nudge(c *fiber.Ctx, cand *vivier.TrackingAccess, appID int64) error {
	return h.Store.SendCandidateMessage(c.UserContext(), cand.ID, appID, c.FormValue("message"))
}

// renewTalentPool renews the consent the retention task asked about by email.
func (h *Handler) renewTalentPool(c *fiber.Ctx, cand *vivier.TrackingAccess, appID int64) error {
	return h.Store.RenewTalentPool(c.UserContext(), cand.ID, appID, time.Now())
}

func (h *Handler) replaceCV(c *fiber.Ctx, cand *vivier.TrackingAccess, appID int64) error {
	up, err := h.readUpload(c, "cv")
	if err != nil {
		return err
	}
	if up == nil {
		return vivier.FieldError("cv", "Choisissez le fichier de votre nouveau CV.")
	}
	return h.Store.ReplaceCV(c.UserContext(), cand.ID, appID, up, h.Files)
}

// revokeLinks revokes every link, this one included, and sends a new one.
func (h *Handler) revokeLinks(c *fiber.Ctx) error {
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	if err := h.Store.RevokeTrackingLinks(c.UserContext(), cand.ID); err != nil {
		return err
	}
	if err := h.Store.RequestTrackingLink(c.UserContext(), *cand.Email); err != nil {
		return err
	}
	return h.trackingAsked(c, "Tous vos liens de suivi sont désactivés, celui-ci compris. Un nouveau lien vient de vous être envoyé par courriel.")
}

func (h *Handler) erase(c *fiber.Ctx) error {
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	var unconfirmed error
	if !ticked(c, "confirm") {
		unconfirmed = vivier.FieldError("confirm", "Cochez cette case pour confirmer la suppression.")
	}
	return h.finish(c, unconfirmed, h.spaceForm(c, cand, "Cochez la case de confirmation pour supprimer vos données."), func() error {
		if err := h.Store.EraseCandidate(c.UserContext(), cand.ID, h.Files); err != nil {
			return err
		}
		return h.trackingAsked(c, "Vos données sont supprimées : votre identité, vos réponses et vos fichiers. Les recruteurs voient désormais « candidat·e supprimé·e ».")
	})
}

// export sends everything Vivier keeps about the candidate: a JSON file and
// the files they sent, in one zip. A POST: it writes (the candidate is told
// that a copy was taken).
func (h *Handler) export(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	apps, err := h.Store.CandidateApplications(ctx, cand.ID)
	if err != nil {
		return err
	}
	files, err := h.Store.CandidateFiles(ctx, cand.ID)
	if err != nil {
		return err
	}
	// The candidate is told by email that a copy was taken: a link
	// forwarded by mistake shows.
	if err := h.Store.NoteDataExport(ctx, cand.ID); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="mes-donnees-vivier.zip"`)
	z := zip.NewWriter(c.Response().BodyWriter())
	w, err := z.Create("mes-donnees.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(exportDoc(cand, apps, files)); err != nil {
		return err
	}
	for _, f := range files {
		r, err := h.Files.Open(ctx, f.Key)
		if err != nil {
			return err
		}
		w, err := z.Create(fmt.Sprintf("fichiers/%d-%s-%s", f.ApplicationID, f.Kind, f.Name))
		if err == nil {
			_, err = io.Copy(w, r)
		}
		if err := errors.Join(err, r.Close()); err != nil {
			return err
		}
	}
	return z.Close()
}

func exportDoc(cand *vivier.TrackingAccess, apps []vivier.TrackedApplication, files []vivier.StoredFile) map[string]any {
	type event struct {
		Date   time.Time `json:"date"`
		Statut string    `json:"statut"`
	}
	var list []map[string]any
	for _, a := range apps {
		var events []event
		for _, e := range a.Events {
			events = append(events, event{e.At, e.Label})
		}
		list = append(list, map[string]any{
			"id": a.ID, "offre": a.OfferTitle, "employeur": a.AdminName, "envoyee_le": a.CreatedAt, "statut": a.Status(),
			"civilite": a.Civility, "prenom": a.FirstName, "nom": a.LastName, "telephone": a.Phone,
			"source": a.Source, "reponses": a.Answers.V, "lettre": a.LetterText, "vivier_talents": a.TalentPoolAt != nil,
			"motif_retrait": a.WithdrawReason, "historique": events,
		})
	}
	return map[string]any{
		"candidat":     map[string]any{"email": cand.Email, "depuis": cand.CreatedAt},
		"candidatures": list, "fichiers": files, "exporte_le": time.Now(),
	}
}

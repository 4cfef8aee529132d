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

func (h *Handler) trackingAsk(c *fiber.Ctx) error {
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", nil)
}

func (h *Handler) trackingRequest(c *fiber.Ctx) error {
	email, err := vivier.ParseEmail(c.FormValue("email"))
	if err != nil {
		return h.Renderer.Page(c, fiber.StatusUnprocessableEntity, "candidate/tracking_ask", templates.Map{
			"Email": c.FormValue("email"), "Fields": map[string]string{"email": vivier.ErrorMessage(err)},
			"Error": "L'adresse électronique n'est pas valide."})
	}
	for _, k := range []struct {
		key  string
		rate int
	}{{"track:ip:" + templates.ClientIP(c), 20}, {"track:email:" + email, 5}} {
		ok, _, err := h.Limiter.Allow(c.UserContext(), k.key, k.rate, time.Hour)
		if err != nil {
			return err
		}
		if !ok {
			return vivier.Errorf(vivier.ETOOMANY, "Trop de demandes de lien en peu de temps. Patientez une heure avant de réessayer.")
		}
	}
	if err := h.Store.RequestTrackingLink(c.UserContext(), email); err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", templates.Map{"Flash": askedForLink})
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
}

// openSpace checks the link; an unknown, revoked or expired one gets the
// page that sends a new link, with a 404.
func (h *Handler) openSpace(c *fiber.Ctx) (*vivier.TrackingAccess, error) {
	private(c)
	cand, err := h.Store.CandidateByToken(c.UserContext(), c.Params("token"))
	if errors.Is(err, vivier.ErrTrackingLinkExpired) {
		return nil, h.Renderer.Page(c, fiber.StatusNotFound, "candidate/tracking_ask", templates.Map{
			"Error": vivier.ErrorMessage(err), "Expired": true})
	}
	return cand, err
}

func (h *Handler) space(c *fiber.Ctx) error {
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	return h.renderSpace(c, fiber.StatusOK, cand, doneMessages[c.Query("fait")], "", nil)
}

func (h *Handler) renderSpace(c *fiber.Ctx, status int, cand *vivier.TrackingAccess, flash, msg string, fields map[string]string) error {
	ctx, now := c.UserContext(), time.Now()
	apps, err := h.Store.CandidateApplications(ctx, cand.ID)
	if err != nil {
		return err
	}
	interviews, err := h.Store.CandidateInterviews(ctx, cand.ID)
	if err != nil {
		return err
	}
	transfers, err := h.Store.PendingTransfers(ctx, cand.ID, now)
	if err != nil {
		return err
	}
	merges, err := h.Store.PendingMerges(ctx, cand.ID, now)
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, status, "candidate/tracking_space", templates.Map{
		"Cand": cand, "Apps": apps, "Token": c.Params("token"), "Flash": flash, "Error": msg, "Fields": fields,
		"Now": now, "UploadLimit": vivier.FormatSize(h.UploadLimit), "Interviews": interviews,
		"Transfers": transfers, "Merges": merges, "Details": detailsForm(cand, apps, c, fields != nil && strings.HasSuffix(c.Path(), "/coordonnees"))})
}

// spaceAction runs an action of the space and comes back to it.
func (h *Handler) spaceAction(done string, act func(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error) fiber.Handler {
	return h.inSpace(func(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
		if err := act(c, cand, id); err != nil {
			return err
		}
		return c.Redirect("/suivi/"+c.Params("token")+"?fait="+done, fiber.StatusSeeOther)
	})
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
		var appID int64
		if p := c.Params("id"); p != "" {
			if appID, err = templates.PathID(p); err != nil {
				return err
			}
		}
		if err := act(c, cand, appID); err != nil {
			code := vivier.ErrorCode(err)
			if code != vivier.EINVALID && code != vivier.ECONFLICT && code != vivier.ETOOLARGE {
				return err
			}
			fields := vivier.AsFormErrors(err).ByField()
			return h.renderSpace(c, templates.StatusFor(code), cand, "", vivier.ErrorMessage(err), fields)
		}
		return nil
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
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", templates.Map{
		"Flash": "Tous vos liens de suivi sont désactivés, celui-ci compris. Un nouveau lien vient de vous être envoyé par courriel."})
}

func (h *Handler) erase(c *fiber.Ctx) error {
	cand, err := h.openSpace(c)
	if cand == nil {
		return err
	}
	if c.FormValue("confirm") != "oui" {
		return h.renderSpace(c, fiber.StatusUnprocessableEntity, cand, "", "Cochez la case de confirmation pour supprimer vos données.",
			map[string]string{"confirm": "Cochez cette case pour confirmer la suppression."})
	}
	if err := h.Store.EraseCandidate(c.UserContext(), cand.ID, h.Files); err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/tracking_ask", templates.Map{
		"Flash": "Vos données sont supprimées : votre identité, vos réponses et vos fichiers. Les recruteurs voient désormais « candidat·e supprimé·e »."})
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
		r.Close()
		if err != nil {
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

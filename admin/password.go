package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func (h *Handler) forgotForm(c *fiber.Ctx) error {
	return h.page(c, fiber.StatusOK, "admin/forgot", &forgotPage{})
}

// forgotPage asks for the address to send a new password's link to.
type forgotPage struct {
	templates.Page
	Email string
}

// Reset emails one address may be sent, whatever the client's address
// (the route's limit per IP does not stop a botnet from filling a mailbox).
const (
	forgotPerAccount = 3
	forgotWindow     = time.Hour
)

// forgot answers the same whether the address has an account or not: the
// limit per address counts every address alike, so its refusal tells
// nothing either.
func (h *Handler) forgot(c *fiber.Ctx) error {
	email, err := vivier.ParseEmail(c.FormValue("email"))
	if err != nil {
		p := &forgotPage{Email: c.FormValue("email")}
		p.Refuse("Le formulaire comporte une erreur.", "email", err)
		return h.page(c, fiber.StatusUnprocessableEntity, "admin/forgot", p)
	}
	ok, retry, err := h.Limiter.Allow(c.UserContext(), accountKey("forgot", email), forgotPerAccount, forgotWindow)
	if err != nil {
		return err
	}
	if !ok {
		return templates.TooMany(c, retry, "Trop de demandes de lien pour cette adresse en peu de temps. "+
			"Patientez une heure avant de réessayer, et vérifiez vos courriels indésirables.")
	}
	if err := h.Store.RequestPasswordReset(c.UserContext(), email); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/message", &messagePage{
		Title: "Vérifiez votre messagerie",
		Text: "Si un compte correspond à l'adresse " + email + ", un courriel vient de lui être envoyé avec un lien " +
			"pour choisir un nouveau mot de passe. Le lien fonctionne pendant une heure.",
	})
}

func (h *Handler) resetForm(c *fiber.Ctx) error {
	if _, err := h.Store.PasswordResetByToken(c.UserContext(), c.Params("token")); err != nil {
		return h.linkError(c, err)
	}
	return h.page(c, fiber.StatusOK, "admin/reset", &templates.Page{})
}

func (h *Handler) reset(c *fiber.Ctx) error {
	password := c.FormValue("password")
	if password != c.FormValue("password_confirm") {
		p := &templates.Page{}
		p.RefuseFields("Le formulaire comporte une erreur.", map[string]string{"password_confirm": "Les deux mots de passe ne sont pas identiques."})
		return h.page(c, fiber.StatusUnprocessableEntity, "admin/reset", p)
	}
	agent, err := h.Store.ResetPassword(c.UserContext(), c.Params("token"), password, templates.ClientIP(c))
	if vivier.ErrorCode(err) == vivier.EINVALID && fieldOf(err) == "password" {
		p := &templates.Page{}
		p.Refuse("Le formulaire comporte une erreur.", "password", err)
		return h.page(c, fiber.StatusUnprocessableEntity, "admin/reset", p)
	}
	if err != nil {
		return h.linkError(c, err)
	}
	// Whoever chose this password holds the mailbox: the lock-out that the
	// wrong guesses (theirs or someone else's) set is over. Not being able
	// to lift it only delays the sign-in, so it does not fail the reset.
	if err := h.Limiter.Reset(c.UserContext(), accountKey("signin", agent.Email)); err != nil {
		h.Log.WarnContext(c.UserContext(), "lift the lock-out after a password reset", "agent_id", agent.ID, "err", err)
	}
	return h.back(c, signInURL, "Votre mot de passe a été changé. Connectez-vous avec le nouveau.")
}

// linkError shows why an emailed link does not work, with its status:
// unknown 404, used 409, expired 410.
func (h *Handler) linkError(c *fiber.Ctx, err error) error {
	return h.unusableLink(c, err, "Lien inutilisable", "", "/admin/mot-de-passe-oublie", "Demander un nouveau lien")
}

func (h *Handler) unusableLink(c *fiber.Ctx, err error, title, more, link, linkText string) error {
	code := vivier.ErrorCode(err)
	if code != vivier.ENOTFOUND && code != vivier.EINVALID && code != vivier.ECONFLICT {
		return err
	}
	status := templates.StatusFor(code)
	if code == vivier.EINVALID {
		status = fiber.StatusGone
	}
	p := &messagePage{Title: title, Text: vivier.ErrorMessage(err) + more, Link: link, LinkText: linkText}
	p.Refuse(vivier.ErrorMessage(err), "", err)
	return h.page(c, status, "admin/message", p)
}

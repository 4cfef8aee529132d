package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
)

// correctIdentity lets an agent who decides on an application correct what
// it says of its candidate (a typo in a name, a phone): checked as at
// application time, noted in the application's history and the audit log.
func (h *Handler) correctIdentity(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	ident := vivier.IdentityFrom(func(name string) string { return c.FormValue(name) })
	if err := h.Store.CorrectIdentity(c.UserContext(), adm.ID, id, ident, actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, id)+"#identite",
		"Les coordonnées sont corrigées ; l'historique de la candidature le dit.")
}

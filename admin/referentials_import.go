package admin

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// importMetiers adds and updates métiers from a CSV file (code, libellé,
// domaine…), as INGRES would: known codes are updated in place, new ones
// added; none is retired, since a file may hold a part of the list. Lines
// left out are listed in the message, by their number.
func (h *Handler) importMetiers(c *fiber.Ctx) error {
	content, _, refusal, err := uploadedCSV(c)
	if err != nil {
		return err
	}
	var res vivier.MetierSync
	var rejected []string
	if refusal != "" {
		err = vivier.FieldError("file", refusal)
	} else {
		var items []vivier.RMFPMetier
		if items, rejected, err = vivier.ParseMetiersCSV(content); err == nil {
			res, err = h.Store.SyncMetiers(c.UserContext(), vivier.MetierImport, items, false, actor(c))
		}
	}
	msg := fmt.Sprintf("Import terminé : %s, %s, %s, %s.", plural(res.Created, "métier ajouté", "métiers ajoutés"),
		plural(res.Updated, "modifié", "modifiés"), plural(res.Reactivated, "rétabli", "rétablis"),
		plural(res.Unchanged, "inchangé", "inchangés"))
	if rejected = append(rejected, res.Rejected...); len(rejected) > 0 {
		shown := rejected[:min(len(rejected), 10)]
		msg += fmt.Sprintf(" %s : %s", plural(len(rejected), "ligne écartée", "lignes écartées"), strings.Join(shown, " ; "))
		if len(rejected) > len(shown) {
			msg += " ; …"
		}
		msg += "."
	}
	return h.referentialDone(c, "metiers", err, "import-file", msg, &referentialPage{})
}

package admin

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// maxImportBytes bounds an uploaded concours file: 5 000 lines of a dozen
// columns fit well under it.
const maxImportBytes = 2 << 20

func (h *Handler) importPage(c *fiber.Ctx) error {
	return h.renderImport(c, fiber.StatusOK, &importPage{})
}

// importPage takes a CSV file of concours and reports, line by line, what
// it created, updated or rejected.
type importPage struct {
	templates.Page
	Columns    []string
	Modalities map[string]string
	Report     *vivier.ImportReport
	FileName   string
}

func (h *Handler) renderImport(c *fiber.Ctx, status int, p *importPage) error {
	p.Columns = vivier.ImportColumns
	p.Modalities = vivier.AccessModalityLabels
	return h.page(c, status, "admin/offer_import", p)
}

// importConcours reads the uploaded CSV and shows, line by line, what was
// created, updated or rejected.
func (h *Handler) importConcours(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	fail := func(msg string) error {
		p := &importPage{}
		p.RefuseFields("", map[string]string{"file": msg})
		return h.renderImport(c, fiber.StatusUnprocessableEntity, p)
	}
	content, name, refusal, err := uploadedCSV(c)
	if err != nil {
		return err
	}
	if refusal != "" {
		return fail(refusal)
	}
	rep, err := h.Store.ImportConcours(c.UserContext(), adm.ID, adm.Versant, content, actor(c))
	if f := fieldOf(err); f != "" {
		return fail(vivier.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if len(rep.Rejected) > 0 && len(rep.Created)+len(rep.Updated) == 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.renderImport(c, status, &importPage{Report: rep, FileName: name})
}

// uploadedCSV reads the CSV file of the form's "file" field, at most
// maxImportBytes, and its name; refusal says in French why there is none to
// read (its content is checked by the parser).
func uploadedCSV(c *fiber.Ctx) (content []byte, name, refusal string, err error) {
	tooBig := "Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, "", "Choisissez un fichier CSV à importer.", nil
	}
	if fh.Size > maxImportBytes {
		return nil, "", tooBig, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", "", err
	}
	defer func() { _ = f.Close() }() // read only: a failed close loses nothing
	content, err = io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return nil, "", "", err
	}
	if len(content) > maxImportBytes {
		return nil, "", tooBig, nil
	}
	return content, fh.Filename, "", nil
}

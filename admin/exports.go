package admin

import (
	"bufio"
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The SIRH export's screens: the history of an administration's batches
// (state, checksum, the file, "Relivrer"), and its settings, which only
// administrators change.

func (h *Handler) exportRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/exports", Access: administration, perm: policies.ExportsRun, handler: h.exportsPage},
		{Method: "GET", Path: "/:adm/exports/reglages", Access: administration, perm: policies.ExportsConfigure, handler: h.exportSettingsPage},
		{Method: "POST", Path: "/:adm/exports/reglages", Access: administration, perm: policies.ExportsConfigure, handler: h.saveExportSettings},
		{Method: "GET", Path: "/:adm/exports/:batch/fichier", Access: administration, perm: policies.ExportsRun, handler: h.downloadBatch},
		{Method: "POST", Path: "/:adm/exports/:batch/relivraison", Access: administration, perm: policies.ExportsRun, handler: h.redeliverBatch},
	}
}

// exportHistory is how many batches the history shows, newest first.
const exportHistory = 200

func (h *Handler) exportsPage(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	batches, err := h.Store.SIRHBatches(ctx, adm.ID, exportHistory)
	if err != nil {
		return err
	}
	waiting, err := h.Store.SIRHWaiting(ctx, adm.ID)
	if err != nil {
		return err
	}
	st, err := h.Store.SIRHSettingsOf(ctx, adm.ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/exports", &exportsPage{Batches: batches, Waiting: waiting, Settings: st,
		Versions: vivier.SIRHFormatVersions, CanConfigure: h.can(c, policies.ExportsConfigure)})
}

// exportsPage is the history of the SIRH exports, with what waits for the
// next one.
type exportsPage struct {
	templates.Page
	Batches      []vivier.SIRHBatch
	Waiting      int // hires not yet in a batch
	Settings     vivier.SIRHSettings
	Versions     map[string]string // the format's version, by format
	CanConfigure bool
}

// exportSettingsPage sets where and how hires go to the SIRH.
type exportSettingsPage struct {
	templates.Page
	Settings               vivier.SIRHSettings // stored, or a refused form's
	Formats                []string
	FormatLabels, Versions map[string]string
	Headers                struct{ Timestamp, Signature string } // the webhook's signature headers
}

func (h *Handler) exportBatch(c *fiber.Ctx) (*vivier.SIRHBatch, error) {
	id, err := templates.ParamID(c, "batch")
	if err != nil {
		return nil, err
	}
	return h.Store.SIRHBatchByID(c.UserContext(), currentAdministration(c).ID, id)
}

// downloadBatch sends the batch's file as the SIRH received it, written
// from the records as they stream from PostgreSQL.
func (h *Handler) downloadBatch(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	b, err := h.exportBatch(c)
	if err != nil {
		return err
	}
	// Personal data leaves the application: the log says who took it.
	if err := h.Store.Audit(c.UserContext(), &adm.ID, actor(c), "sirh.download", "lot "+strconv.FormatInt(b.ID, 10), nil); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, b.ContentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+b.FileName(adm.Slug)+`"`)
	store, log := h.Store, h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The request's context ends when the handler returns, before
		// this runs.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if _, err := store.WriteSIRHBatch(ctx, b, w); err != nil && log != nil {
			log.Error("sirh download", "batch", b.ID, "err", err)
		}
	})
	return nil
}

func (h *Handler) redeliverBatch(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	b, err := h.exportBatch(c)
	if err != nil {
		return err
	}
	if err := h.Store.RequestSIRHRedelivery(c.UserContext(), adm.ID, b.ID, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/exports"), "Nouvelle livraison du lot n° "+strconv.FormatInt(b.ID, 10)+
		" demandée : son état sera mis à jour dans quelques instants.")
}

func (h *Handler) exportSettingsPage(c *fiber.Ctx) error {
	st, err := h.sirhSettings(c)
	if err != nil {
		return err
	}
	return h.renderExportSettings(c, fiber.StatusOK, &exportSettingsPage{Settings: st})
}

// sirhSettings returns the administration's settings with the webhook's
// secret opened, for the page that shows it to its administrators.
func (h *Handler) sirhSettings(c *fiber.Ctx) (vivier.SIRHSettings, error) {
	st, err := h.Store.SIRHSettingsOf(c.UserContext(), currentAdministration(c).ID)
	if err != nil || !st.HasWebhookSecret() {
		return st, err
	}
	if _, err := st.OpenWebhookSecret(h.CSP.Box); err != nil && h.Log != nil {
		// Shown as none: renewing it gives a new one.
		h.Log.WarnContext(c.UserContext(), "SIRH webhook secret cannot be opened", "administration", st.AdministrationID, "err", err)
	}
	return st, nil
}

func (h *Handler) renderExportSettings(c *fiber.Ctx, status int, p *exportSettingsPage) error {
	p.Formats = []string{vivier.SIRHCSV, vivier.SIRHJSONLines, vivier.SIRHHROpen}
	p.FormatLabels, p.Versions = vivier.SIRHFormatLabels, vivier.SIRHFormatVersions
	p.Headers.Timestamp, p.Headers.Signature = "X-Vivier-Timestamp", "X-Vivier-Signature"
	// The secret is on this page: it must not stay in a cache.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.page(c, status, "admin/export_settings", p)
}

func (h *Handler) saveExportSettings(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	in := vivier.SIRHSettings{Destination: c.FormValue("destination"), Format: c.FormValue("format"),
		Cadence: c.FormValue("cadence"), WebhookURL: c.FormValue("webhook_url")}
	st, err := h.Store.SaveSIRHSettings(c.UserContext(), adm.ID, in, c.FormValue("renew") == "oui", h.CSP.Box, actor(c))
	if f := fieldOf(err); f != "" {
		cur, cerr := h.sirhSettings(c)
		if cerr != nil {
			return cerr
		}
		in.WebhookSecret = cur.WebhookSecret
		p := &exportSettingsPage{Settings: in}
		p.Refuse("Les réglages n'ont pas été enregistrés.", f, err)
		return h.renderExportSettings(c, fiber.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	msg := "Réglages de l'export SIRH enregistrés."
	if st.WebhookURL != "" {
		msg += " Le secret de signature du webhook est affiché plus bas."
	}
	return h.back(c, admURL(adm, "/exports/reglages"), msg)
}

// hireForm reads what the move form may say of a hire, for the SIRH: the
// planned start date and the nature, both optional.
func hireForm(c *fiber.Ctx) (vivier.HireDetails, error) {
	var d vivier.HireDetails
	if v := c.FormValue("start_date"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, time.UTC)
		if err != nil {
			t, err = time.ParseInLocation("02/01/2006", v, time.UTC)
		}
		if err != nil {
			return d, vivier.FieldError("start_date", "Saisissez la date de prise de poste au format jj/mm/aaaa.")
		}
		d.StartDate = &t
	}
	switch v := c.FormValue("nature"); v {
	case "", vivier.NatureTitulaire, vivier.NatureContractuel:
		d.Nature = v
	default:
		return d, vivier.FieldError("nature", "Choisissez la nature du recrutement : titulaire ou contractuel.")
	}
	return d, nil
}

// hireStep names the step that makes a hire: the last of the "acceptée"
// category.
func hireStep(steps []vivier.Step) string {
	name, pos := "", -1
	for _, s := range steps {
		if s.Category == vivier.CategoryAccepted && s.Position >= pos {
			name, pos = s.Name, s.Position
		}
	}
	return name
}

package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The brand page editor. Every change is a plain form post that redirects
// back to the editor (blocks are added, saved, moved and removed one form at
// a time), so it works without JavaScript. Changes go to the draft; the
// public page changes only on publication, and each publication is kept as a
// numbered version. Restoring a version copies it into the draft: editors
// check it in the preview, then publish it, as they would any change.

func (h *Handler) brandPage(c *fiber.Ctx) error {
	page, err := h.Store.BrandPage(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	return h.brandEditor(c, fiber.StatusOK, page, &brandPage{})
}

// brandPage is the brand page's editor: the draft's theme and blocks, and
// the published versions. The template reads the brand page as .Page, the
// name an embedded templates.Page would take: the common part is embedded
// under another name, its fields promoted all the same.
type brandPage struct {
	commonPage
	Page         *vivier.BrandPage
	Blocks       []editBlock
	Kinds        []vivier.BlockKind
	Versions     []vivier.BrandVersion
	Departements []vivier.Departement
	LogoURL      string
	// Accent is the draft's colour, or the one typed in a refused theme
	// form (typedAccent), even empty.
	Accent      string
	typedAccent bool
	blockErrors map[string]string // a refused block's error, by block id
}

type commonPage = templates.Page

// brandEditor renders the editor; p may carry the errors of a refused form
// and the draft may hold the refused values, so that the agent corrects
// them rather than types them again.
func (h *Handler) brandEditor(c *fiber.Ctx, status int, page *vivier.BrandPage, p *brandPage) error {
	adm := currentAdministration(c)
	versions, err := h.Store.BrandVersions(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	deps, err := h.Store.Departements(c.UserContext())
	if err != nil {
		return err
	}
	p.Page = page
	p.Blocks = editorBlocks(adm, page.Draft, p.blockErrors)
	p.Kinds = vivier.BlockKinds
	p.Versions = versions
	p.Departements = deps
	p.LogoURL = templates.DraftImageURL(adm.Slug, page.Draft.Logo)
	if !p.typedAccent {
		p.Accent = page.Draft.Accent
	}
	return h.page(c, status, "admin/brand", p)
}

// refused re-renders the editor with the error of a form, or returns err
// when it is not the agent's to correct. A block's error is shown in the
// block, a field's next to the field, any other at the top of the page.
func (h *Handler) refused(c *fiber.Ctx, err error, page *vivier.BrandPage, blockID string) error {
	if vivier.ErrorCode(err) != vivier.EINVALID {
		return err
	}
	p := &brandPage{}
	switch field := fieldOf(err); {
	case blockID != "":
		p.Refuse("Le bloc n'a pas été enregistré.", "", err)
		p.blockErrors = map[string]string{blockID: vivier.ErrorMessage(err)}
	case field == "kind" || field == "accent" || field == "logo":
		p.Refuse("La modification n'a pas été enregistrée.", field, err)
	default:
		p.Refuse(vivier.ErrorMessage(err), "", err)
	}
	if page == nil {
		if page, err = h.Store.BrandPage(c.UserContext(), currentAdministration(c).ID); err != nil {
			return err
		}
	}
	return h.brandEditor(c, fiber.StatusUnprocessableEntity, page, p)
}

// saveBrandTheme sets the accent colour and the logo.
func (h *Handler) saveBrandTheme(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	accent := c.FormValue("accent")
	logo, err := h.upload(c, adm, "logo-file", vivier.LogoWidth)
	if err == nil {
		err = h.Store.EditBrandDraft(c.UserContext(), adm.ID, actor(c), "brand.theme_updated", "page employeur", func(d *vivier.BrandContent) error {
			d.Accent = accent
			if logo != "" {
				d.Logo = logo
			} else if c.FormValue("logo-remove") == "oui" {
				d.Logo = ""
			}
			return nil
		})
	}
	if err != nil {
		if vivier.ErrorCode(err) == vivier.EINVALID {
			page, perr := h.Store.BrandPage(c.UserContext(), adm.ID)
			if perr != nil {
				return perr
			}
			field := fieldOf(err)
			if field == "image" {
				field = "logo"
			}
			p := &brandPage{Accent: accent, typedAccent: true}
			p.Refuse("Le thème n'a pas été enregistré.", field, err)
			return h.brandEditor(c, fiber.StatusUnprocessableEntity, page, p)
		}
		return err
	}
	return h.back(c, brandURL(adm)+"#theme", "Thème enregistré dans le brouillon.")
}

func (h *Handler) addBrandBlock(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	kind := vivier.BlockKind(c.FormValue("kind"))
	var id string
	err := h.Store.EditBrandDraft(c.UserContext(), adm.ID, actor(c), "brand.block_added", kind.Label(), func(d *vivier.BrandContent) error {
		b, err := d.AddBlock(kind)
		if err == nil {
			id = b.ID
		}
		return err
	})
	if err != nil {
		return h.refused(c, err, nil, "")
	}
	return h.back(c, brandURL(adm)+"#bloc-"+id, "Bloc « "+kind.Label()+" » ajouté à la fin de la page : remplissez-le puis enregistrez-le.")
}

func (h *Handler) saveBrandBlock(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	page, err := h.Store.BrandPage(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	old, err := page.Draft.Block(c.Params("block"))
	if err != nil {
		return err
	}
	nb, err := h.readBlockForm(c, adm, *old)
	if err == nil {
		err = h.Store.EditBrandDraft(c.UserContext(), adm.ID, actor(c), "brand.block_updated", old.Kind.Label(), func(d *vivier.BrandContent) error {
			return d.ReplaceBlock(nb)
		})
	}
	if vivier.ErrorCode(err) == vivier.EINVALID {
		if shown, e := page.Draft.Block(nb.ID); e == nil {
			*shown = nb // show what was typed, to be corrected
		}
		return h.refused(c, err, page, old.ID)
	}
	if err != nil {
		return err
	}
	return h.back(c, brandURL(adm)+"#bloc-"+old.ID, "Bloc « "+old.Kind.Label()+" » enregistré dans le brouillon.")
}

func (h *Handler) moveBrandBlock(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	delta := 1
	if c.FormValue("direction") == "haut" {
		delta = -1
	}
	id := c.Params("block")
	err := h.Store.EditBrandDraft(c.UserContext(), adm.ID, actor(c), "brand.block_moved", id, func(d *vivier.BrandContent) error {
		return d.MoveBlock(id, delta)
	})
	if err != nil {
		return h.refused(c, err, nil, "")
	}
	return h.back(c, brandURL(adm)+"#bloc-"+id, "Bloc déplacé.")
}

func (h *Handler) removeBrandBlock(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id := c.Params("block")
	err := h.Store.EditBrandDraft(c.UserContext(), adm.ID, actor(c), "brand.block_removed", id, func(d *vivier.BrandContent) error {
		return d.RemoveBlock(id)
	})
	if err != nil {
		return h.refused(c, err, nil, "")
	}
	return h.back(c, brandURL(adm)+"#blocs", "Bloc supprimé du brouillon.")
}

// brandPreviewPage is the public brand page's model, drawn from the draft.
type brandPreviewPage struct {
	templates.Page
	Brand   *templates.BrandView
	Preview bool // marks the page as a preview, kept out of search engines
}

// previewBrand shows the draft as the public will see it once published,
// to the agents of the administration only.
func (h *Handler) previewBrand(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	page, err := h.Store.BrandPage(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	around, err := h.Store.BrandSurroundingsOf(c.UserContext(), adm)
	if err != nil {
		return err
	}
	view := h.Renderer.NewBrandView(adm, page.Draft, around, h.BaseURL, templates.DraftImageURL)
	c.Locals(templates.LocalFrameSources, view.FrameOrigins)
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/employer", &brandPreviewPage{Brand: view, Preview: true})
}

// brandImage serves an image of the administration to its agents, for the
// editor and the preview: the draft's images are not public yet. The
// back-office sends no-store, like its pages.
func (h *Handler) brandImage(c *fiber.Ctx) error {
	img, err := h.Store.BrandImage(c.UserContext(), currentAdministration(c).ID, c.Params("digest"))
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette image n'existe pas dans la page de votre administration.")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, img.ContentType)
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(img.Data)
}

func (h *Handler) publishBrand(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	version, err := h.Store.PublishBrand(c.UserContext(), adm.ID, actor(c))
	if err != nil {
		return h.refused(c, err, nil, "")
	}
	return h.back(c, brandURL(adm), "Version "+strconv.Itoa(version)+" publiée : elle est maintenant visible sur /employeurs/"+adm.Slug+".")
}

func (h *Handler) restoreBrand(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	v, err := templates.ParamID(c, "version")
	if err != nil || v > 1<<31-1 {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette version n'existe pas.")
	}
	version := int(v)
	if err := h.Store.RestoreBrandVersion(c.UserContext(), adm.ID, version, actor(c)); err != nil {
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			return vivier.Errorf(vivier.ENOTFOUND, "Cette version n'existe pas.")
		}
		return err
	}
	return h.back(c, brandURL(adm), "Version "+strconv.Itoa(version)+" copiée dans le brouillon. Vérifiez-la dans l'aperçu, puis publiez-la pour la remettre en ligne.")
}

package candidate

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The agent's skills profile (/mobilite/profil): métier, catégorie and
// grade, current administration, skills of the shared referential, wished
// régions, an optional CV (checked by its content, as applications' are)
// and who may see it. Saving keeps it 12 months.

// skillFamily is one family of the skills referential, for a fieldset.
type skillFamily struct {
	Name  string
	Items []vivier.Competence
}

// mobilityProfilePage is the profile form.
type mobilityProfilePage struct {
	templates.Page
	MobilityAgent   *vivier.MobilityAgent
	Profile         *vivier.MobilityProfile
	Exists          bool
	Metiers         []vivier.Metier
	Families        []skillFamily
	Regions         []vivier.Region
	Administrations []vivier.Administration
	Categories      []string
	UploadLimit     string
	MetierID        int64 // the chosen one, 0 for none
	// Ticked sets, for the checkboxes.
	Skills, Chosen map[int64]bool
	Wished         map[string]bool
}

func (h *Handler) mobilityProfileForm(c *fiber.Ctx) error {
	agent := h.mobilityAgent(c)
	prof, err := h.Store.MobilityProfileOf(c.UserContext(), agent.ID)
	exists := err == nil
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		prof, err = &vivier.MobilityProfile{Visibility: vivier.VisibilityHidden}, nil
	}
	if err != nil {
		return err
	}
	p, err := h.mobilityProfilePage(c, prof)
	if err != nil {
		return err
	}
	p.Exists = exists
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/mobility_profile", p)
}

func (h *Handler) mobilityProfilePage(c *fiber.Ctx, prof *vivier.MobilityProfile) (*mobilityProfilePage, error) {
	ctx := c.UserContext()
	p := &mobilityProfilePage{MobilityAgent: h.mobilityAgent(c), Profile: prof, Categories: vivier.MobilityCategories,
		UploadLimit: vivier.FormatSize(h.UploadLimit), Skills: map[int64]bool{}, Wished: map[string]bool{}, Chosen: map[int64]bool{}}
	var err error
	if p.Metiers, err = h.Store.Metiers(ctx, true); err != nil {
		return nil, err
	}
	skills, err := h.Store.Competences(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, s := range skills {
		if n := len(p.Families); n == 0 || p.Families[n-1].Name != s.Family {
			p.Families = append(p.Families, skillFamily{Name: s.Family})
		}
		f := &p.Families[len(p.Families)-1]
		f.Items = append(f.Items, s)
	}
	if p.Regions, err = h.Store.Regions(ctx); err != nil {
		return nil, err
	}
	if p.Administrations, err = h.Store.AllAdministrations(ctx); err != nil {
		return nil, err
	}
	if prof.MetierID != nil {
		p.MetierID = *prof.MetierID
	}
	for _, id := range prof.CompetenceIDs {
		p.Skills[id] = true
	}
	for _, r := range prof.RegionCodes {
		p.Wished[r] = true
	}
	for _, id := range prof.AdministrationIDs {
		p.Chosen[id] = true
	}
	return p, nil
}

// readMobilityProfile reads the form; what does not parse is a field
// error.
func readMobilityProfile(c *fiber.Ctx) (*vivier.MobilityProfile, error) {
	prof := &vivier.MobilityProfile{FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"),
		Categorie: c.FormValue("categorie"), Grade: c.FormValue("grade"), CurrentEmployer: c.FormValue("current_employer"),
		Visibility: c.FormValue("visibility")}
	var errs vivier.FormErrors
	if v := c.FormValue("metier"); v != "" {
		id, ok := templates.ParseID(v)
		if !ok {
			errs = append(errs, vivier.FieldError("metier", "Choisissez un métier dans la liste."))
		}
		prof.MetierID = &id
	}
	values := formValues(c)
	ids := func(field, msg string) []int64 {
		var out []int64
		for _, v := range values[field] {
			id, ok := templates.ParseID(v)
			if !ok {
				errs = append(errs, vivier.FieldError(field, msg))
				continue
			}
			out = append(out, id)
		}
		return out
	}
	prof.CompetenceIDs = ids("competences", "Choisissez les compétences dans la liste.")
	prof.AdministrationIDs = ids("administrations", "Choisissez les administrations dans la liste.")
	for _, r := range values["regions"] {
		if len(r) > 3 {
			errs = append(errs, vivier.FieldError("regions", "Choisissez les régions dans la liste."))
			continue
		}
		prof.RegionCodes = append(prof.RegionCodes, r)
	}
	if len(errs) > 0 {
		return prof, errs
	}
	return prof, prof.Validate()
}

// formValues are the values of a form sent as multipart (with a file) or
// urlencoded.
func formValues(c *fiber.Ctx) map[string][]string {
	if mf, err := c.MultipartForm(); err == nil {
		return mf.Value
	}
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { out[string(k)] = append(out[string(k)], string(v)) })
	return out
}

func (h *Handler) mobilityProfileSave(c *fiber.Ctx) error {
	agent := h.mobilityAgent(c)
	prof, err := readMobilityProfile(c)
	var cv *vivier.Upload
	if err == nil {
		cv, err = h.readUpload(c, "cv")
	}
	if err == nil {
		err = h.Store.SaveMobilityProfile(c.UserContext(), agent.ID, prof, cv, h.Files)
	}
	f := form{name: "candidate/mobility_profile", summary: "Le profil n'a pas été enregistré.", field: "cv",
		page: func() (templates.Model, error) {
			p, err := h.mobilityProfilePage(c, prof)
			if err == nil {
				if kept, kerr := h.Store.MobilityProfileOf(c.UserContext(), agent.ID); kerr == nil {
					p.Exists, prof.CVName, prof.ExpiresAt = true, kept.CVName, kept.ExpiresAt
				}
			}
			return p, err
		}}
	return h.finish(c, err, f, func() error { return c.Redirect("/mobilite?fait=profil", fiber.StatusSeeOther) })
}

package candidate

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Offers for a profile. A candidate sends a CV, which is read in memory and
// never stored: the page shows the profile read from it (skills of the
// referential, diploma level, experience, languages, place) as a form to
// correct, or the candidate fills that form without a CV. The corrected
// profile is a GET to the results, which rank the published offers and
// concours by a score that says its reasons (vivier.ScoreMatch).

// suggestPage is the form that takes a CV.
type suggestPage struct {
	templates.Page
	UploadLimit string
	UploadBytes int64
}

func (h *Handler) suggestForm(c *fiber.Ctx) error {
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/suggest", h.newSuggestPage())
}

func (h *Handler) newSuggestPage() *suggestPage {
	return &suggestPage{UploadLimit: vivier.FormatSize(h.UploadLimit), UploadBytes: h.UploadLimit}
}

// limitSuggestions refuses a client that sends CVs faster than a person
// would: each one is a document to parse, for anyone, without an account.
func (h *Handler) limitSuggestions(c *fiber.Ctx) error {
	if err := h.allow(c, time.Minute, "Trop de demandes de suggestions en peu de temps. Patientez une minute avant d'envoyer un autre CV.",
		clientLimit(c, "suggest", h.SuggestPerMinute)); err != nil {
		return err
	}
	return c.Next()
}

// limitMatching refuses a client that asks for rankings faster than a
// person reads them: each scores many offers and, with an embeddings
// service, calls it.
func (h *Handler) limitMatching(c *fiber.Ctx) error {
	if err := h.allow(c, time.Minute, "Trop de classements demandés en peu de temps. Patientez une minute avant de modifier à nouveau votre profil.",
		clientLimit(c, "match", matchPerSuggestion*h.SuggestPerMinute)); err != nil {
		return err
	}
	return c.Next()
}

// matchPerSuggestion is how many rankings a client may ask for per CV it
// may send: a person corrects a profile a few times.
const matchPerSuggestion = 6

// suggest reads the CV and shows the profile it gives, for correction.
func (h *Handler) suggest(c *fiber.Ctx) error {
	up, err := h.readUpload(c, "cv")
	if err == nil && up == nil {
		err = vivier.FieldError("cv", "Choisissez le fichier de votre CV.")
	}
	f := form{name: "candidate/suggest", field: "cv", page: func() (templates.Model, error) { return h.newSuggestPage(), nil }}
	return h.finish(c, err, f, func() error {
		ctx := c.UserContext()
		ref, err := h.profileReferential(ctx)
		if err != nil {
			return err
		}
		read := vivier.ExtractCVProfile(up.Text, vivier.NewSkillMatcher(ref.skills), time.Now())
		in := profileInput{Diploma: read.DiplomaLevel, Years: read.YearsExperience, Languages: read.Languages,
			Radius: vivier.DefaultMatchRadiusKm, Kind: c.FormValue("type")}
		main, mentioned := read.MainSkills()
		for _, s := range main {
			in.Skills = append(in.Skills, s.ID)
		}
		for _, s := range mentioned {
			in.Mentioned = append(in.Mentioned, s.ID)
		}
		in.Core = read.CoreSkills()
		if read.Mobile {
			in.Radius = 0
		}
		if home, err := h.Store.CVHome(ctx, read.PostalCodes); err == nil {
			in.Lieu = home.Display()
		} else if vivier.ErrorCode(err) != vivier.ENOTFOUND {
			return err
		}
		p, err := h.profilePage(c, ref, in)
		if err != nil {
			return err
		}
		p.Read, p.Text = &read, up.Text != ""
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/match_profile", p)
	})
}

// matchForm is the profile form without a CV, or with what a results page
// sent back to correct.
func (h *Handler) matchForm(c *fiber.Ctx) error {
	ref, err := h.profileReferential(c.UserContext())
	if err != nil {
		return err
	}
	in, err := h.parseProfile(c, ref)
	if err != nil {
		return h.refuseProfile(c, ref, in, err)
	}
	p, err := h.profilePage(c, ref, in)
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/match_profile", p)
}

// matchResults ranks the offers for the profile in the query.
func (h *Handler) matchResults(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ref, err := h.profileReferential(ctx)
	if err != nil {
		return err
	}
	in, err := h.parseProfile(c, ref)
	if err != nil {
		return h.refuseProfile(c, ref, in, err)
	}
	skills := vivier.NewSkillMatcher(ref.skills)
	p, err := h.profilePage(c, ref, in)
	if err != nil {
		return err
	}
	h.embedProfile(c, &in.profile)
	p.Semantic = in.profile.Vector != nil
	p.Results, err = h.Store.MatchOffers(ctx, in.profile, in.filter(), skills, matchResultsShown)
	if err != nil {
		return err
	}
	p.Ranked, p.Capped = true, len(p.Results) == matchResultsShown
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/match_results", p)
}

// embedProfile adds the profile's meaning when an embeddings service is
// configured; when it fails, the ranking goes on with the transparent score
// alone.
func (h *Handler) embedProfile(c *fiber.Ctx, p *vivier.MatchProfile) {
	if h.Embedder == nil || len(p.Skills) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), embedTimeout)
	defer cancel()
	v, err := h.Embedder.Embed(ctx, []string{p.Text()})
	if err != nil {
		h.Log.WarnContext(ctx, "profile vector: the embeddings service failed, ranking without it", "error", err)
		return
	}
	p.Vector, p.Model = v[0], h.Embedder.Model()
}

// embedTimeout bounds the wait for the embeddings service: a person waits.
const embedTimeout = 3 * time.Second

// refuseProfile answers a profile that was refused with its form again:
// field by field, or the error's own message when it names no field (a
// query that is not text); an error that is not the visitor's goes on.
func (h *Handler) refuseProfile(c *fiber.Ctx, ref *profileReferential, in profileInput, err error) error {
	if vivier.ErrorCode(err) != vivier.EINVALID {
		return err
	}
	p, perr := h.profilePage(c, ref, in)
	if perr != nil {
		return perr
	}
	summary := vivier.ErrorMessage(err)
	if len(vivier.AsFormErrors(err)) > 0 {
		summary = "Le profil n'a pas pu être lu : corrigez les champs signalés."
	}
	refuse(p.Common(), summary, "", err)
	return h.Renderer.Page(c, fiber.StatusBadRequest, "candidate/match_profile", p)
}

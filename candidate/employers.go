package candidate

import (
	"regexp"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// employerCard is an administration in the /employeurs list.
type employerCard struct {
	Slug, Name, Tagline, LogoURL string
	Versant                      vivier.Versant
	Parent                       string
}

// employersPage is the list of employers, with its filters.
type employersPage struct {
	templates.Page
	Employers []employerCard
	Versants  []option
	Regions   []option
	Filtered  bool
}

// employers is /employeurs: the administrations with a public page, filtered
// by versant and région from the query string (a plain GET form, so it works
// without JavaScript and the URL can be shared).
func (h *Handler) employers(c *fiber.Ctx) error {
	pages, err := h.Store.PublishedBrands(c.UserContext())
	if err != nil {
		return err
	}
	ref, err := h.reference(c)
	if err != nil {
		return err
	}
	regions := ref.regions
	versant, region := c.Query("versant"), c.Query("region")
	names := map[int64]string{}
	for _, p := range pages {
		names[p.ID] = p.Name
	}
	var cards []employerCard
	versantCounts, regionCounts := map[string]int{}, map[string]int{}
	for _, p := range pages {
		inVersant := versant == "" || string(p.Versant) == versant
		inRegion := region == "" || contains(p.RegionCodes, region)
		// Each filter's counts follow the other filter, as on /offres.
		if inRegion {
			versantCounts[string(p.Versant)]++
		}
		if inVersant {
			for _, r := range p.RegionCodes {
				regionCounts[r]++
			}
		}
		if !inVersant || !inRegion {
			continue
		}
		card := employerCard{Slug: p.Slug, Name: p.Name, Versant: p.Versant,
			LogoURL: templates.BrandImageURL(p.Slug, p.Content.V.Logo)}
		if hero := p.Content.V.Hero(); hero != nil {
			card.Tagline = hero.Text
		}
		if p.ParentID != nil {
			card.Parent = names[*p.ParentID]
		}
		cards = append(cards, card)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/employers", &employersPage{Employers: cards,
		Versants: facetOptions(sortedCounts(versantCounts, versantLabels), versantLabels, versant),
		Regions:  facetOptions(sortedCounts(regionCounts, regions), regions, region),
		Filtered: versant != "" || region != ""})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// sortedCounts turns counts into facet values ordered by label.
func sortedCounts(counts map[string]int, labels map[string]string) []vivier.FacetCount {
	out := make([]vivier.FacetCount, 0, len(counts))
	for v, n := range counts {
		out = append(out, vivier.FacetCount{Value: v, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return labels[out[i].Value] < labels[out[j].Value] })
	return out
}

// employerPage is an administration's public page; the back office shows
// the same template as a preview of the draft.
type employerPage struct {
	templates.Page
	Brand   *templates.BrandView
	Preview bool
}

// employer is /employeurs/{slug}: the published version of the page, never
// the draft.
func (h *Handler) employer(c *fiber.Ctx) error {
	page, err := h.Store.PublishedBrandBySlug(c.UserContext(), c.Params("slug"))
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return vivier.Errorf(vivier.ENOTFOUND, "Cet employeur n'a pas de page sur Vivier.")
	}
	if err != nil {
		return err
	}
	around, err := h.Store.BrandSurroundingsOf(c.UserContext(), &page.Administration)
	if err != nil {
		return err
	}
	view := h.Renderer.NewBrandView(&page.Administration, page.Content.V, around, h.BaseURL, templates.BrandImageURL)
	c.Locals(templates.LocalFrameSources, view.FrameOrigins)
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/employer", &employerPage{Brand: view})
}

var digestRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// employerImage serves an image of the administration's published page
// (never one of the draft only). Its URL holds the digest of its bytes, so
// browsers and proxies may keep it for a year.
func (h *Handler) employerImage(c *fiber.Ctx) error {
	digest := c.Params("digest")
	if !digestRE.MatchString(digest) {
		return fiber.ErrNotFound
	}
	img, err := h.Store.PublishedBrandImage(c.UserContext(), c.Params("slug"), digest)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, img.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(img.Data)
}

var colourFileRE = regexp.MustCompile(`^([0-9a-f]{6})\.css$`)

// accentStylesheet is /employeurs-couleur/{hex}.css: a page's accent colour
// as a stylesheet, because the Content-Security-Policy forbids inline
// styles. Its URL names the colour, so it never changes.
func (h *Handler) accentStylesheet(c *fiber.Ctx) error {
	m := colourFileRE.FindStringSubmatch(strings.ToLower(c.Params("file")))
	if m == nil {
		return fiber.ErrNotFound
	}
	col := "#" + m[1]
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.SendString(".vivier-brand-hero { background-color: " + col + "; }\n" +
		".vivier-brand h2 { border-bottom-color: " + col + "; }\n")
}

package templates

import (
	"encoding/json"
	"html/template"
	"strings"

	"vivier"
)

// LocalFrameSources is the context key under which a handler lists the
// origins of the players its page embeds; the Content-Security-Policy then
// allows them as frame sources, for that response only.
const LocalFrameSources = "frame-sources"

// BrandView is a brand page ready to show: the public page and the
// back-office preview use the same view and the same template.
type BrandView struct {
	Adm          *vivier.Administration
	Accent       string // hex digits, without "#"
	LogoURL      string
	Title        string // the first hero's title, or the administration's name
	Tagline      string
	CoverURL     string
	Blocks       []BlockView
	Around       *vivier.BrandSurroundings
	URL          string // absolute URL of the public page
	ImageURL     string // absolute URL of og:image
	JSONLD       template.JS
	FrameOrigins []string
}

// BlockView is a block with what its template needs computed.
type BlockView struct {
	vivier.Block
	Heading  string        // the section's heading, "" for none
	HTML     template.HTML // a text block's Markdown, sanitised
	Video    vivier.Video
	ImageURL string
	Items    []ItemView
}

// ItemView is an item with its image's URL.
type ItemView struct {
	vivier.Item
	ImageURL string
}

// BrandImageURL is where the public gets an image of an administration's
// published page. The digest names the bytes, so the URL can be cached for
// ever.
func BrandImageURL(slug, digest string) string {
	if digest == "" {
		return ""
	}
	return "/employeurs/" + slug + "/images/" + digest
}

// DraftImageURL is where the administration's agents get an image of its
// draft: in the back-office, since the public URL serves only what is
// published.
func DraftImageURL(slug, digest string) string {
	if digest == "" {
		return ""
	}
	return "/admin/" + slug + "/marque/images/" + digest
}

// NewBrandView prepares content of adm for display; base is the site's
// public URL, for the absolute URLs of structured data; imageURL is
// BrandImageURL for the public page, DraftImageURL for the preview.
func (r *Renderer) NewBrandView(adm *vivier.Administration, content vivier.BrandContent, around *vivier.BrandSurroundings, base string,
	imageURL func(slug, digest string) string) *BrandView {
	img := func(d string) string { return imageURL(adm.Slug, d) }
	v := &BrandView{Adm: adm, Accent: strings.TrimPrefix(content.Accent, "#"), LogoURL: img(content.Logo), Title: adm.Name,
		Around: around, URL: base + "/employeurs/" + adm.Slug, FrameOrigins: content.FrameOrigins()}
	hero := content.Hero()
	if hero != nil {
		v.Title, v.Tagline, v.CoverURL = hero.Title, hero.Text, img(hero.Image)
	}
	for _, b := range content.Blocks {
		if hero != nil && b.ID == hero.ID {
			continue // shown as the page's header
		}
		bv := BlockView{Block: b, Heading: b.Title, ImageURL: img(b.Image)}
		switch b.Kind {
		case vivier.BlockText:
			bv.HTML = template.HTML(r.markdown.Render(b.Text)) // sanitised by the renderer's policy
		case vivier.BlockVideo:
			bv.Video, _ = vivier.VideoEmbed(b.URL)
		case vivier.BlockHero:
		default:
			if bv.Heading == "" {
				bv.Heading = b.Kind.Label()
			}
		}
		for _, it := range b.Items {
			bv.Items = append(bv.Items, ItemView{Item: it, ImageURL: img(it.Image)})
		}
		v.Blocks = append(v.Blocks, bv)
	}
	switch {
	case v.CoverURL != "":
		v.ImageURL = base + v.CoverURL
	case v.LogoURL != "":
		v.ImageURL = base + v.LogoURL
	default:
		v.ImageURL = base + r.assets.URL("dsfr/favicon/apple-touch-icon.png")
	}
	v.JSONLD = organization(v, content, base)
	return v
}

// Description is the page's summary for search engines and link previews.
func (v *BrandView) Description() string {
	if v.Tagline != "" {
		return v.Tagline
	}
	return "Découvrez " + v.Adm.Name + ", ses métiers et ses offres d'emploi dans la fonction publique."
}

// organization is the schema.org Organization of the page, as JSON that
// json.Marshal made safe inside a script element.
func organization(v *BrandView, content vivier.BrandContent, base string) template.JS {
	org := map[string]any{"@context": "https://schema.org", "@type": "Organization", "name": v.Adm.Name, "url": v.URL}
	if v.LogoURL != "" {
		org["logo"] = base + v.LogoURL
	}
	if v.Tagline != "" {
		org["description"] = v.Tagline
	}
	var addresses []any
	for _, b := range content.Blocks {
		if b.Kind != vivier.BlockPlaces {
			continue
		}
		for _, it := range b.Items {
			addresses = append(addresses, map[string]any{"@type": "PostalAddress", "name": it.Title,
				"streetAddress": it.Text, "addressCountry": "FR"})
		}
	}
	if len(addresses) == 1 {
		org["address"] = addresses[0]
	} else if len(addresses) > 1 {
		org["address"] = addresses
	}
	if p := v.Around; p != nil && p.Parent != nil {
		parent := map[string]any{"@type": "Organization", "name": p.Parent.Name}
		if p.ParentHasPage {
			parent["url"] = base + "/employeurs/" + p.Parent.Slug
		}
		org["parentOrganization"] = parent
	}
	b, _ := json.Marshal(org)
	return template.JS(b)
}

package candidate

import (
	"encoding/xml"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier/templates"
)

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate,omitempty"`
	Description string `xml:"description"`
}

// feed is /flux/offres.xml: the 50 latest offers matching the same query
// parameters as /offres, in RSS 2.0.
func (h *Handler) feed(c *fiber.Ctx) error {
	q, err := h.readSearch(c)
	if err != nil {
		return err
	}
	q.ByDate, q.Page, q.PerPage = true, 1, 50
	res, err := h.Store.SearchOffers(c.UserContext(), q)
	if err != nil {
		return err
	}
	link := h.BaseURL + "/offres"
	if qs := rawQuery(c); qs != "" {
		link += "?" + qs
	}
	ch := rssChannel{Title: "Vivier — offres du service public", Link: link,
		Description: "Les dernières offres d'emploi, concours, stages et apprentissage des employeurs publics.", Language: "fr"}
	for _, o := range res.Hits {
		link := h.BaseURL + offerPath(o.ID)
		it := rssItem{Title: o.Title, Link: link, GUID: link, Description: o.AdministrationName}
		if o.LocationLabel != "" {
			it.Description += " — " + o.LocationLabel
		}
		if o.PublishedAt != nil {
			it.PubDate = o.PublishedAt.Format(time.RFC1123Z)
		}
		ch.Items = append(ch.Items, it)
	}
	c.Type("xml", "utf-8")
	c.Set(fiber.HeaderContentType, "application/rss+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return writeXML(c, rss{Version: "2.0", Channel: ch})
}

func writeXML(c *fiber.Ctx, v any) error {
	b, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return c.Send(append([]byte(xml.Header), b...))
}

// sitemapSize is the most URLs a sitemap file may hold.
const sitemapSize = 50000

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemap is /sitemap.xml: the site's pages and every published offer; past
// 50 000 offers it is an index of /sitemap-offres-N.xml files.
func (h *Handler) sitemap(c *fiber.Ctx) error {
	n, err := h.Store.CountPublishedOffers(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	if n > sitemapSize-10 {
		idx := sitemapIndex{}
		for i := 0; i*sitemapSize < n; i++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: fmt.Sprintf("%s/sitemap-offres-%d.xml", h.BaseURL, i+1)})
		}
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: h.BaseURL + "/sitemap-employeurs.xml"})
		return writeXML(c, idx)
	}
	set := urlset{URLs: []sitemapURL{{Loc: h.BaseURL + "/"}, {Loc: h.BaseURL + "/offres"}}}
	if err := h.employerURLs(c, &set); err != nil {
		return err
	}
	return h.offerURLs(c, &set, 0)
}

// employerURLs adds /employeurs and the public brand pages, when there are
// some (an empty list is not worth indexing).
func (h *Handler) employerURLs(c *fiber.Ctx, set *urlset) error {
	pages, err := h.Store.PublishedBrands(c.UserContext())
	if err != nil || len(pages) == 0 {
		return err
	}
	set.URLs = append(set.URLs, sitemapURL{Loc: h.BaseURL + "/employeurs"})
	for _, p := range pages {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.BaseURL + "/employeurs/" + p.Slug, LastMod: p.PublishedAt.Format("2006-01-02")})
	}
	return nil
}

func (h *Handler) sitemapPart(c *fiber.Ctx) error {
	part, err := templates.ParamID(c, "part")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return h.offerURLs(c, &urlset{}, int(min(part-1, 1<<20))*sitemapSize)
}

// sitemapEmployers lists the brand pages when /sitemap.xml is an index.
func (h *Handler) sitemapEmployers(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	set := &urlset{}
	if err := h.employerURLs(c, set); err != nil {
		return err
	}
	return writeXML(c, set)
}

func (h *Handler) offerURLs(c *fiber.Ctx, set *urlset, offset int) error {
	stamps, err := h.Store.PublishedOfferStamps(c.UserContext(), offset, sitemapSize)
	if err != nil {
		return err
	}
	for _, s := range stamps {
		set.URLs = append(set.URLs, sitemapURL{Loc: h.BaseURL + offerPath(s.ID),
			LastMod: s.UpdatedAt.Format("2006-01-02")})
	}
	return writeXML(c, set)
}

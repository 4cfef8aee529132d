package vivier

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MarkdownRenderer turns the Markdown agents write into HTML that is safe to
// show: goldmark leaves raw HTML out, then bluemonday keeps only a small set of
// elements and http(s)/mailto links, so that neither a <script> nor a
// javascript: link survives even if one of the two lets something through.
type MarkdownRenderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewMarkdownRenderer returns the renderer of brand pages' text blocks.
func NewMarkdownRenderer() *MarkdownRenderer {
	md := goldmark.New(goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(headingShift{}, 100)),
	))
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6", "code", "pre", "hr")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	return &MarkdownRenderer{md: md, policy: p}
}

// Render returns the safe HTML of src.
func (r *MarkdownRenderer) Render(src string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		// Convert fails only on a writer error; show the text as is,
		// escaped by the policy below.
		buf.Reset()
		buf.WriteString(src)
	}
	return r.policy.Sanitize(buf.String())
}

// headingShift moves Markdown headings below the block's own heading (h2),
// so that the page's outline stays in order: "#" becomes h3.
type headingShift struct{}

func (headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+2, 6)
		}
		return ast.WalkContinue, nil
	})
}

// Contrast returns the WCAG contrast ratio of two #rrggbb colours.
func Contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), nil
}

func luminance(hex string) (float64, error) {
	if !accentRE.MatchString(strings.ToLower(hex)) {
		return 0, fmt.Errorf("not a #rrggbb colour: %q", hex)
	}
	var l [3]float64
	for i := range l {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2], nil
}

// CheckAccent refuses an accent colour that is not #rrggbb or that does not
// keep a 4.5:1 contrast with white: the accent is drawn on the DSFR's white
// background and used as the background of white text, the same pair.
func CheckAccent(accent string) error {
	if !accentRE.MatchString(accent) {
		return FieldError("accent", "La couleur d'accent s'écrit en hexadécimal, par exemple #000091.")
	}
	ratio, _ := Contrast(accent, "#ffffff")
	if ratio < 4.5 {
		return FieldError("accent", fmt.Sprintf("La couleur %s n'est pas assez contrastée avec le blanc (%.2f:1 ; il faut au moins 4,5:1 pour "+
			"rester lisible, en texte sur fond blanc comme en fond de texte blanc). Choisissez une teinte plus foncée.", accent, math.Floor(ratio*100)/100))
	}
	return nil
}

// Video is where a video block's player comes from.
type Video struct {
	Provider string // YouTube, Dailymotion or PeerTube
	EmbedURL string // the privacy-enhanced player
	Origin   string // scheme and host of the player, for the Content-Security-Policy
}

var (
	youtubeIDRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	dailymotionIDRE = regexp.MustCompile(`^x[a-z0-9]{4,10}$`)
	peertubeIDRE    = regexp.MustCompile(`^[A-Za-z0-9-]{6,64}$`)
	hostRE          = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

// VideoEmbed turns the URL of a video page into its privacy-enhanced
// player: youtube-nocookie.com for YouTube, Dailymotion's player, and
// /videos/embed/ on the PeerTube instance. Any other URL is refused.
func VideoEmbed(raw string) (Video, error) {
	bad := FieldError("url", "Vidéo : collez l'adresse d'une vidéo YouTube, Dailymotion ou PeerTube (https://…).")
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.User != nil || u.Port() != "" {
		return Video{}, bad
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch host {
	case "youtube.com", "m.youtube.com", "youtube-nocookie.com", "youtu.be":
		id := u.Query().Get("v")
		switch {
		case host == "youtu.be" && len(parts) == 1:
			id = parts[0]
		case len(parts) == 2 && (parts[0] == "embed" || parts[0] == "shorts" || parts[0] == "live"):
			id = parts[1]
		}
		if !youtubeIDRE.MatchString(id) {
			return Video{}, bad
		}
		return Video{Provider: "YouTube", EmbedURL: "https://www.youtube-nocookie.com/embed/" + id, Origin: "https://www.youtube-nocookie.com"}, nil
	case "dailymotion.com", "dai.ly", "geo.dailymotion.com":
		id := u.Query().Get("video")
		switch {
		case host == "dai.ly" && len(parts) == 1:
			id = parts[0]
		case len(parts) >= 2 && parts[0] == "video":
			id = parts[1]
		case len(parts) == 3 && parts[0] == "embed" && parts[1] == "video":
			id = parts[2]
		}
		if i := strings.IndexByte(id, '_'); i > 0 {
			id = id[:i] // dailymotion.com/video/x8abc12_some-title
		}
		if !dailymotionIDRE.MatchString(id) {
			return Video{}, bad
		}
		return Video{Provider: "Dailymotion", EmbedURL: "https://geo.dailymotion.com/player.html?video=" + id, Origin: "https://geo.dailymotion.com"}, nil
	}
	// PeerTube runs on many instances: recognised by its URL shapes.
	var id string
	switch {
	case len(parts) == 2 && parts[0] == "w":
		id = parts[1]
	case len(parts) == 3 && parts[0] == "videos" && (parts[1] == "watch" || parts[1] == "embed"):
		id = parts[2]
	}
	if u.Scheme != "https" || !hostRE.MatchString(host) || !peertubeIDRE.MatchString(id) {
		return Video{}, bad
	}
	origin := "https://" + strings.ToLower(u.Hostname())
	return Video{Provider: "PeerTube", EmbedURL: origin + "/videos/embed/" + id, Origin: origin}, nil
}

// FrameOrigins returns the origins of the content's video players, for the
// Content-Security-Policy of the page that shows them.
func (b *BrandContent) FrameOrigins() []string {
	var out []string
	seen := map[string]bool{}
	for _, bl := range b.Blocks {
		if bl.Kind != BlockVideo {
			continue
		}
		if v, err := VideoEmbed(bl.URL); err == nil && !seen[v.Origin] {
			seen[v.Origin] = true
			out = append(out, v.Origin)
		}
	}
	return out
}

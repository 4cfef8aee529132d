// Package templates owns what Vivier shows: the HTML pages (DSFR layouts,
// partials, one file per page), the emails (HTML and plain text) and the
// static assets, all embedded in the binary.
//
// Each page is parsed once, at start-up, into its own set with its layout and
// the partials, so that two pages' blocks of the same name never overwrite
// each other; a template that does not parse stops the boot. Every page sits
// in layouts/base.html, with the public pages' subset of the DSFR, or with
// the whole DSFR (layouts/backoffice.html) for the pages under pages/admin/;
// a back-office page of an administration also sits in
// layouts/admin.html (side navigation, heading, flash, error summary) and
// defines only its heading and its own part.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"time"

	"vivier"
)

//go:embed layouts partials pages email
var sources embed.FS

// Renderer renders pages and emails.
type Renderer struct {
	pages  map[string]*template.Template
	emails map[string]*emailSet
	assets *Assets
	// markdown renders the text blocks of brand pages.
	markdown *vivier.MarkdownRenderer
}

// New parses every page and email template. An error names the broken file.
func New() (*Renderer, error) {
	assets, err := newAssets()
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, emails: map[string]*emailSet{}, assets: assets,
		markdown: vivier.NewMarkdownRenderer()}
	if err := r.parsePages(); err != nil {
		return nil, err
	}
	if err := r.parseEmails(); err != nil {
		return nil, err
	}
	return r, nil
}

// Assets returns the static assets served with the pages.
func (r *Renderer) Assets() *Assets { return r.assets }

func (r *Renderer) funcs() template.FuncMap {
	paris := vivier.Paris()
	return template.FuncMap{
		"asset":       r.assets.URL,
		"year":        func() int { return time.Now().Year() },
		"date":        func(t time.Time) string { return t.Format("02/01/2006") },
		"datetime":    func(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") }, // agents read Paris time
		"statusLabel": func(c vivier.Category) string { return vivier.StatusLabel(c, false) },
		"frenchDate":  func(t time.Time) string { return vivier.FrenchDateTime(t, paris) },
		"list":        func(v ...string) []string { return v },
		// markdown shows agents' notes: goldmark, then bluemonday's policy.
		"markdown": func(s string) template.HTML { return template.HTML(r.markdown.Render(s)) },
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		// dict builds the data of a partial from key, value pairs.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

func (r *Renderer) parsePages() error {
	l, err := r.parseLayouts()
	if err != nil {
		return err
	}
	return fs.WalkDir(sources, "pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		set, err := parsePage(l, sources, p)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", p, err)
		}
		r.pages[strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".html")] = set
		return nil
	})
}

// layouts are the sets that pages are parsed over.
type layouts struct {
	// public is the base layout with the partials, and the public pages'
	// subset of the DSFR.
	public *template.Template
	// office is the same with the whole DSFR (layouts/backoffice.html), for
	// the back-office's pages that are not framed (sign-in, errors…).
	office *template.Template
	// framed adds layouts/admin.html to office: the back-office frame.
	framed *template.Template
}

// backOfficePages is where the pages laid out with the whole DSFR are.
const backOfficePages = "pages/admin/"

// parseLayouts returns the sets that pages are parsed over.
func (r *Renderer) parseLayouts() (*layouts, error) {
	var l layouts
	var err error
	l.public, err = template.New("").Funcs(r.funcs()).ParseFS(sources, "layouts/base.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: layouts: %w", err)
	}
	l.office, err = l.public.Clone()
	if err == nil {
		_, err = l.office.ParseFS(sources, "layouts/backoffice.html")
	}
	if err != nil {
		return nil, fmt.Errorf("templates: layouts/backoffice.html: %w", err)
	}
	l.framed, err = l.office.Clone()
	if err == nil {
		_, err = l.framed.ParseFS(sources, "layouts/admin.html")
	}
	if err != nil {
		return nil, fmt.Errorf("templates: layouts/admin.html: %w", err)
	}
	return &l, nil
}

// parsePage parses the page p of fsys into its own set, over the layout it
// asks for: a page that defines "content" fills the base layout's main area
// (with the whole DSFR under pages/admin/, its public subset elsewhere); a
// page that defines "heading" and "main" instead is a back-office page,
// framed by layouts/admin.html.
func parsePage(l *layouts, fsys fs.FS, p string) (*template.Template, error) {
	defined, err := definedIn(fsys, p)
	if err != nil {
		return nil, err
	}
	layout := l.public
	if strings.HasPrefix(p, backOfficePages) {
		layout = l.office
	}
	if defined["main"] {
		if defined["content"] {
			return nil, errors.New("defines both \"content\" and \"main\": choose the base or the admin layout")
		}
		if !defined["heading"] {
			return nil, errors.New("must define \"heading\" with \"main\"")
		}
		layout = l.framed
	}
	// A clone copies every template of the layout and the partials: the
	// layout is chosen first so that each page is cloned and parsed once.
	set, err := layout.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := set.ParseFS(fsys, p); err != nil {
		return nil, err
	}
	if set.Lookup("content") == nil || set.Lookup("title") == nil {
		return nil, errors.New("must define \"title\" and \"content\" (or \"heading\" and \"main\")")
	}
	return set, nil
}

// definedIn returns the names of the templates the file p defines, read
// without its functions: the full parse, over the layout, checks them.
func definedIn(fsys fs.FS, p string) (map[string]bool, error) {
	text, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	tree := parse.New(p)
	tree.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tree.Parse(string(text), "", "", trees); err != nil {
		return nil, err
	}
	defined := make(map[string]bool, len(trees))
	for name := range trees {
		defined[name] = true
	}
	return defined, nil
}

// Has reports whether a page exists.
func (r *Renderer) Has(name string) bool { _, ok := r.pages[name]; return ok }

// Render writes the page name (its path under pages/, without .html) inside
// the base layout.
func (r *Renderer) Render(w io.Writer, name string, data any) error {
	set, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("templates: no page %q", name)
	}
	// Rendering into a buffer first: a template error mid-page must not send
	// half a page with a 200.
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "base", data); err != nil {
		return fmt.Errorf("templates: render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// emailSet holds an email's HTML and plain-text templates.
type emailSet struct {
	html *template.Template
	text *texttemplate.Template
}

// Email is a rendered email.
type Email struct {
	Subject string
	HTML    string
	Text    string
}

func (r *Renderer) parseEmails() error {
	entries, err := fs.Glob(sources, "email/*.html")
	if err != nil {
		return err
	}
	for _, p := range entries {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		h, err := template.New("").Funcs(r.funcs()).ParseFS(sources, "email/layout.html", p)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", p, err)
		}
		txt := "email/" + name + ".txt"
		t, err := texttemplate.New("").ParseFS(sources, "email/layout.txt", txt)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", txt, err)
		}
		if h.Lookup("subject") == nil || t.Lookup("subject") == nil {
			return fmt.Errorf("templates: email %s must define \"subject\" in both parts", name)
		}
		r.emails[name] = &emailSet{html: h, text: t}
	}
	return nil
}

// Email renders the email name (email/<name>.html and .txt) with data.
func (r *Renderer) Email(name string, data any) (Email, error) {
	set, ok := r.emails[name]
	if !ok {
		return Email{}, fmt.Errorf("templates: no email %q", name)
	}
	var subject, html, text strings.Builder
	if err := set.text.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Email{}, fmt.Errorf("templates: email %s subject: %w", name, err)
	}
	if err := set.html.ExecuteTemplate(&html, "layout", data); err != nil {
		return Email{}, fmt.Errorf("templates: email %s html: %w", name, err)
	}
	if err := set.text.ExecuteTemplate(&text, "layout", data); err != nil {
		return Email{}, fmt.Errorf("templates: email %s text: %w", name, err)
	}
	return Email{Subject: strings.TrimSpace(subject.String()), HTML: html.String(), Text: text.String()}, nil
}

// CustomEmail lays out an email a recruiter wrote (vivier.EmailTemplate),
// already rendered: its HTML part was escaped by Render.
func (r *Renderer) CustomEmail(t vivier.RenderedTemplate) (Email, error) {
	return r.Email("custom", map[string]any{"Subject": t.Subject, "HTML": template.HTML(t.HTML), "Text": t.Text}) //nolint:gosec // escaped by vivier.EmailTemplate.Render
}

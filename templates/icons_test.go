package templates

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readCSS joins the stylesheets under static/.
func readCSS(t *testing.T, files ...string) string {
	t.Helper()
	var css strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("static", f))
		if err != nil {
			t.Fatal(err)
		}
		css.Write(b)
	}
	return css.String()
}

// TestIconsExist checks that every DSFR icon class a template names is
// served: Vivier ships a subset of the DSFR's icons (.ci/dsfr), and an icon
// left out shows as a filled square.
func TestIconsExist(t *testing.T) {
	css := readCSS(t, "dsfr/dsfr.main.min.css", "dsfr/icons.css")
	used := regexp.MustCompile(`fr-icon-[a-z0-9-]+`)
	seen := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".go")) ||
			strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, icon := range used.FindAllString(string(b), -1) {
			seen++
			if !strings.Contains(css, "."+icon+":before") && !strings.Contains(css, "."+icon+"::before") {
				t.Errorf("%s uses %s, which the DSFR subset does not serve (add it to .ci/dsfr's ICONS, or use one it has)", path, icon)
			}
		}
		return nil
	})
	if err != nil || seen == 0 {
		t.Fatalf("walked the templates: %v, %d icons seen", err, seen)
	}
}

// TestPublicStylesheet checks that the public pages' subset of the DSFR
// (dsfr/public.min.css) styles every DSFR class that a public page, or a
// partial it includes, names and that the whole DSFR styles: a component
// left out of .ci/dsfr's PUBLIC_COMPONENTS would show unstyled.
func TestPublicStylesheet(t *testing.T) {
	whole := readCSS(t, "dsfr/dsfr.main.min.css", "dsfr/dsfr.print.min.css", "dsfr/icons.css")
	public := readCSS(t, "dsfr/public.min.css", "dsfr/dsfr.print.min.css", "dsfr/icons.css", "css/vivier.css")
	// The public files: the base layout and the pages outside pages/admin/,
	// then the partials they include, and those the partials include.
	files := []string{"layouts/base.html"}
	err := filepath.WalkDir("pages", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(path, backOfficePages) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	includes := regexp.MustCompile(`\{\{-?\s*(?:template|block) "([a-z_]+)"`)
	classes := regexp.MustCompile(`\bfr-[a-z0-9_-]*[a-z0-9]`)
	chosen := regexp.MustCompile(`\b(fr-[a-z0-9_-]*--)(\{\{[^"]*)`)
	choice := regexp.MustCompile(`\}\}([a-z0-9-]+)\{\{`)
	seen, checked := map[string]bool{}, 0
	for i := 0; i < len(files); i++ {
		b, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range includes.FindAllStringSubmatch(string(b), -1) {
			partial := "partials/" + m[1] + ".html"
			if _, err := os.Stat(partial); err == nil && !seen[partial] {
				seen[partial] = true
				files = append(files, partial)
			}
		}
		names := classes.FindAllString(string(b), -1)
		// A modifier chosen in the template, as in
		// fr-badge--{{if ...}}success{{else}}info{{end}}: each choice.
		for _, m := range chosen.FindAllStringSubmatch(string(b), -1) {
			for _, w := range choice.FindAllStringSubmatch(m[2], -1) {
				names = append(names, m[1]+w[1])
			}
		}
		for _, class := range names {
			styled := regexp.MustCompile(`\.` + regexp.QuoteMeta(class) + `(?:[^a-z0-9_-]|$)`)
			if !styled.MatchString(whole) {
				continue // not a class the DSFR styles (a hook, an id, text)
			}
			checked++
			if !styled.MatchString(public) {
				t.Errorf("%s uses %s, which dsfr/public.min.css leaves out: add its component to .ci/dsfr's PUBLIC_COMPONENTS", files[i], class)
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d classes checked in %d files", checked, len(files))
	}
}

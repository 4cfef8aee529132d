package templates

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The faces js/fonts.js adds are those dsfr/fonts.css declares (which apply
// without JavaScript), file for file, weight for weight; and the public
// stylesheet declares none, so that no font is fetched before the first
// paint.
func TestFontsScriptDeclaresTheStylesheetsFaces(t *testing.T) {
	css := readCSS(t, "dsfr/fonts.css")
	script, err := os.ReadFile(filepath.Join("static", "js", "fonts.js"))
	if err != nil {
		t.Fatal(err)
	}
	face := regexp.MustCompile(`@font-face\{[^}]*font-family:Marianne;font-style:(\w+);font-weight:(\d+);src:url\(fonts/Marianne-(\w+)\.woff2\)`)
	faces := face.FindAllStringSubmatch(css, -1)
	if len(faces) != 8 {
		t.Fatalf("dsfr/fonts.css declares %d faces of Marianne, want 8", len(faces))
	}
	declared := regexp.MustCompile(`\['(\w+)', '(\d+)', '(\w+)'\]`).FindAllStringSubmatch(string(script), -1)
	if len(declared) != len(faces) {
		t.Errorf("js/fonts.js declares %d faces, dsfr/fonts.css %d", len(declared), len(faces))
	}
	in := map[string]bool{}
	for _, d := range declared {
		in[d[1]+" "+d[2]+" "+d[3]] = true
	}
	for _, f := range faces {
		if key := f[3] + " " + f[2] + " " + f[1]; !in[key] {
			t.Errorf("js/fonts.js lacks Marianne-%s.woff2 (weight %s, %s)", f[3], f[2], f[1])
		}
	}
	if n := len(regexp.MustCompile(`@font-face`).FindAllString(readCSS(t, "dsfr/public.min.css"), -1)); n != 0 {
		t.Errorf("dsfr/public.min.css declares %d fonts: the page would wait for them", n)
	}
}

package templates

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIconsExist checks that every DSFR icon class a template names is
// served: Vivier ships a subset of the DSFR's icons (.ci/dsfr), and an icon
// left out shows as a filled square.
func TestIconsExist(t *testing.T) {
	var css strings.Builder
	for _, f := range []string{"static/dsfr/dsfr.min.css", "static/dsfr/icons.css"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		css.Write(b)
	}
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
			if !strings.Contains(css.String(), "."+icon+":before") && !strings.Contains(css.String(), "."+icon+"::before") {
				t.Errorf("%s uses %s, which the DSFR subset does not serve (add it to .ci/dsfr's ICONS, or use one it has)", path, icon)
			}
		}
		return nil
	})
	if err != nil || seen == 0 {
		t.Fatalf("walked the templates: %v, %d icons seen", err, seen)
	}
}

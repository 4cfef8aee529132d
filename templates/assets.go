package templates

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

//go:embed static
var static embed.FS

// Assets are the embedded static files (the DSFR subset, our css and js).
// They are served under a prefix holding a digest of all of them, so that a
// page always asks for the files of its own release and browsers may keep
// them for a year. A digest of the whole folder rather than one per file keeps
// the DSFR's relative URLs (its css to its fonts and icons) working untouched.
type Assets struct {
	fsys    fs.FS
	version string
}

func newAssets() (*Assets, error) {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	var paths []string
	if err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	}); err != nil {
		return nil, err
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(p))
		h.Write(b)
	}
	return &Assets{fsys: sub, version: hex.EncodeToString(h.Sum(nil))[:12]}, nil
}

// FS returns the files, rooted at the static folder.
func (a *Assets) FS() fs.FS { return a.fsys }

// Version returns the digest that prefixes asset URLs.
func (a *Assets) Version() string { return a.version }

// Prefix is where the assets are served: /static/<version>/.
func (a *Assets) Prefix() string { return "/static/" + a.version + "/" }

// URL returns the URL of the asset at p (relative to the static folder).
func (a *Assets) URL(p string) string { return a.Prefix() + p }

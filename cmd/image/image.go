package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// What the image promises; the tests read them back from the tarball.
const (
	BinaryPath = "/usr/local/bin/vivier"
	CAPath     = "/etc/ssl/certs/ca-certificates.crt"
	DataDir    = "/var/lib/vivier"
	UID        = 65532 // "nonroot", as distroless images number it: no host account has it
	DefaultCmd = "serve"
)

// Options says what to build and where to write it.
type Options struct {
	Output   string // docker-archive tarball
	Tag      string // repository:tag recorded in the tarball
	Package  string // main package of the binary
	CABundle string // PEM bundle copied to CAPath
	Arch     string // GOARCH
}

// Built describes the image written.
type Built struct {
	// ID is the digest of the image's configuration: what `docker images`
	// and `podman images` show. A docker-archive keeps no manifest, so the
	// manifest digest is the registry's, after a push.
	ID       v1.Hash
	Revision string // the commit the binary was built from, when known
}

// Build compiles the binary and writes the image tarball.
func Build(ctx context.Context, o Options) (_ *Built, err error) {
	tag, err := name.NewTag(o.Tag)
	if err != nil {
		return nil, fmt.Errorf("tag %q: %w", o.Tag, err)
	}
	ca, err := os.ReadFile(o.CABundle)
	if err != nil {
		return nil, fmt.Errorf("CA bundle: %w (on Debian: apt-get install ca-certificates)", err)
	}
	work, err := os.MkdirTemp("", "vivier-image-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if rerr := os.RemoveAll(work); rerr != nil && err == nil {
			err = rerr
		}
	}()
	bin := filepath.Join(work, "vivier")
	if err := buildBinary(ctx, o, bin); err != nil {
		return nil, err
	}
	binary, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	if err := checkStatic(bin); err != nil {
		return nil, err
	}
	revision, created := vcsStamp(bin)

	base, err := systemLayer(ca, created)
	if err != nil {
		return nil, err
	}
	app, err := binaryLayer(binary, created)
	if err != nil {
		return nil, err
	}
	img, err := mutate.ConfigFile(empty.Image, configFile(o.Arch, revision, created))
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{Created: v1.Time{Time: created},
			CreatedBy: "cmd/image: /etc (passwd, group, nsswitch.conf, CA bundle), /tmp, " + DataDir}},
		mutate.Addendum{Layer: app, History: v1.History{Created: v1.Time{Time: created},
			CreatedBy: "cmd/image: CGO_ENABLED=0 go build -trimpath " + o.Package}},
	)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.Output), 0o755); err != nil {
		return nil, err
	}
	if err := tarball.WriteToFile(o.Output, tag, img); err != nil {
		return nil, fmt.Errorf("write %s: %w", o.Output, err)
	}
	id, err := img.ConfigName()
	if err != nil {
		return nil, err
	}
	return &Built{ID: id, Revision: revision}, nil
}

// buildBinary compiles without cgo, so that the binary needs no C library
// and runs on an image with nothing else in it.
func buildBinary(ctx context.Context, o Options, out string) error {
	// -buildvcs=auto overrides a GOFLAGS=-buildvcs=false: the commit and its
	// time, when go finds them, label the image and date it.
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w", "-o", out, o.Package)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.Arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", o.Package, err, stderr.String())
	}
	return nil
}

// checkStatic refuses a binary that would look for a dynamic loader the
// image does not have.
func checkStatic(path string) (err error) {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("the binary is dynamically linked (PT_INTERP): build it with CGO_ENABLED=0")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(libs) > 0 {
		return fmt.Errorf("the binary needs shared libraries %v: build it with CGO_ENABLED=0", libs)
	}
	return nil
}

// vcsStamp reads the commit and its time that go build recorded; the image
// is dated by the commit (or SOURCE_DATE_EPOCH, or 1970 when neither is
// known), never by the clock, so that two builds of one commit give one image.
// A build from a modified tree names no revision: it would be a false one.
func vcsStamp(path string) (revision string, created time.Time) {
	created = time.Unix(0, 0).UTC()
	modified := false
	if info, err := buildinfo.ReadFile(path); err == nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			case "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					created = t.UTC()
				}
			}
		}
	}
	if sec, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		created = time.Unix(sec, 0).UTC()
	}
	if modified {
		revision = ""
	}
	return revision, created
}

func configFile(arch, revision string, created time.Time) *v1.ConfigFile {
	labels := map[string]string{
		"org.opencontainers.image.title":       "vivier",
		"org.opencontainers.image.description": "Vivier — recrutement public",
		"org.opencontainers.image.created":     created.Format(time.RFC3339),
	}
	if revision != "" {
		labels["org.opencontainers.image.revision"] = revision
	}
	return &v1.ConfigFile{
		Architecture: arch,
		OS:           "linux",
		Created:      v1.Time{Time: created},
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", UID, UID),
			Entrypoint: []string{BinaryPath},
			Cmd:        []string{DefaultCmd},
			WorkingDir: DataDir,
			// PORT rather than ADDR: the program listens on 0.0.0.0:$PORT, and
			// a platform that sets PORT itself overrides this one.
			Env: []string{
				"PATH=/usr/local/bin",
				"SSL_CERT_FILE=" + CAPath,
				"PORT=8080",
				"LOG_FORMAT=json",
				"FILES_URL=file:" + DataDir + "/files",
				"SIRH_EXPORT_DIR=" + DataDir + "/sirh",
			},
			ExposedPorts: map[string]struct{}{"8080/tcp": {}},
			Volumes:      map[string]struct{}{DataDir: {}},
			StopSignal:   "SIGTERM",
			Labels:       labels,
		},
	}
}

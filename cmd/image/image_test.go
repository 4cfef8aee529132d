package main

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"debug/elf"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// The image is built as `make image` builds it, read back with
// go-containerregistry, and its binary, taken out of the layer, migrates an
// empty database and serves the site from what it embeds, as in a container.
func TestImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := Options{Output: filepath.Join(dir, "vivier.tar"), Tag: "vivier:test", Package: "vivier/cmd/vivier",
		CABundle: "/etc/ssl/certs/ca-certificates.crt", Arch: runtime.GOARCH}
	built, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(opts.Output, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := img.ConfigName(); err != nil || id != built.ID {
		t.Fatalf("image id read back %v (%v), built %v", id, err, built.ID)
	}

	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	uid, err := strconv.Atoi(strings.SplitN(c.User, ":", 2)[0])
	if err != nil || uid == 0 {
		t.Errorf("User %q: want a numeric non-root user", c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/usr/local/bin/vivier"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
		t.Errorf("Entrypoint %q, Cmd %q", c.Entrypoint, c.Cmd)
	}
	if cf.OS != "linux" || cf.Architecture != runtime.GOARCH || !slices.Contains(c.Env, "PORT=8080") {
		t.Errorf("platform %s/%s, env %q", cf.OS, cf.Architecture, c.Env)
	}
	if built.Revision != "" && c.Labels["org.opencontainers.image.revision"] != built.Revision {
		t.Errorf("labels %v, revision %s", c.Labels, built.Revision)
	}

	files := extract(t, img)
	bin, ok := files["usr/local/bin/vivier"]
	if !ok || bin.mode&0o111 == 0 || bin.uid != 0 {
		t.Fatalf("the binary in the image: %+v (present %v)", bin.hdr, ok)
	}
	ca, ok := files["etc/ssl/certs/ca-certificates.crt"]
	if !ok || !x509.NewCertPool().AppendCertsFromPEM(ca.body) {
		t.Errorf("no usable CA bundle at /etc/ssl/certs/ca-certificates.crt")
	}
	if d := files["var/lib/vivier"]; d.uid != uid || d.hdr == nil || d.hdr.Typeflag != tar.TypeDir {
		t.Errorf("the data folder is not the image user's: %+v", d.hdr)
	}
	if tmp := files["tmp"]; tmp.hdr == nil || tmp.mode&os.ModeSticky == 0 || tmp.mode.Perm() != 0o777 {
		t.Errorf("/tmp: %+v", tmp.hdr)
	}
	if !strings.Contains(string(files["etc/passwd"].body), ":"+strconv.Itoa(uid)+":") {
		t.Errorf("/etc/passwd has no account for %d", uid)
	}

	// Static: nothing for a dynamic loader to find, since the image has none.
	exe := filepath.Join(dir, "vivier")
	if err := os.WriteFile(exe, bin.body, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked")
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	// The image's environment, with the services of the test and folders of
	// its own in place of the volume.
	env := append(slices.Clone(c.Env), "DATABASE_URL="+dbtest.EmptyURL(t),
		"REDIS_URL="+jobstest.URL(jobstest.Redis(t)), "FILES_URL=file:"+t.TempDir(), "SIRH_EXPORT_DIR="+t.TempDir())
	if out := runBinary(t, exe, env, "--help"); !strings.Contains(out, "vivier serve") {
		t.Errorf("--help: %s", out)
	}
	runBinary(t, exe, env, "migrate", "up")
	status := runBinary(t, exe, env, "migrate", "status")
	if strings.Contains(status, "en attente") || !strings.Contains(status, "00001") {
		t.Errorf("migrate status after up:\n%s", status)
	}
	serveFromImage(t, exe, env)

	// The same commit and inputs give the same image.
	again, err := Build(ctx, Options{Output: filepath.Join(dir, "again.tar"), Tag: opts.Tag, Package: opts.Package,
		CABundle: opts.CABundle, Arch: opts.Arch})
	if err != nil || again.ID != built.ID {
		t.Errorf("a second build gives %v (%v), the first %v", again, err, built.ID)
	}
}

// serveFromImage runs the default command on PORT, as a platform would, and
// fetches the home page and its stylesheet: the assets come from the binary.
func serveFromImage(t *testing.T, exe string, env []string) {
	t.Helper()
	port := jobstest.FreePort(t)
	cmd := exec.Command(exe, "serve")
	cmd.Env, cmd.Dir = append(env, "PORT="+strconv.Itoa(port)), t.TempDir()
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	defer func() {
		if !stopped {
			// Killed, or exited already: its end is logged, not judged.
			_ = cmd.Process.Kill()
			t.Logf("serve stopped: %v", <-done)
		}
	}()
	t.Cleanup(func() { // after the deferred kill: the output is complete
		if t.Failed() {
			t.Logf("serve's output:\n%s", logs.String())
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	jobstest.Eventually(t, fmt.Sprintf("serve ready on PORT=%d", port), func() (bool, error) {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false, nil // not listening yet
		}
		resp.Body.Close()
		return resp.StatusCode == 200, nil
	})
	home := fetch(t, base+"/")
	css := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/dsfr/public\.min\.css)"`).FindStringSubmatch(home)
	if css == nil {
		t.Fatalf("no DSFR stylesheet in the home page:\n%.500s", home)
	}
	if body := fetch(t, base+css[1]); len(body) < 100000 {
		t.Errorf("%s: %d bytes", css[1], len(body))
	}
	// SIGTERM, as a container stop sends it: a clean exit.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if err := <-done; err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, logs.String())
	}
}

func fetch(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", u, resp.StatusCode)
	}
	return string(b)
}

func runBinary(t *testing.T, exe string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env, cmd.Dir = env, t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vivier %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

type file struct {
	hdr  *tar.Header
	mode os.FileMode
	uid  int
	body []byte
}

// extract reads the image's flattened filesystem.
func extract(t *testing.T, img v1.Image) map[string]file {
	t.Helper()
	rc := mutate.Extract(img)
	defer jobstest.Close(t, rc)
	out := map[string]file{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(h.Name, "/")] = file{hdr: h, mode: h.FileInfo().Mode(), uid: h.Uid, body: body}
	}
}

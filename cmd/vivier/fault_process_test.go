package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vivier/jobs/jobstest"
)

// The fault tests run Vivier and its services as processes of their own, so
// that a test can SIGKILL the worker or stop PostgreSQL and Redis, never the
// shared services.

// buildVivier builds the program into the test's temporary folder. Each
// test links its own binary (the packages come from the build cache): no
// state shared between tests.
func buildVivier(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vivier")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a subcommand of the vivier binary running as its own process,
// with its output kept in a file that the test prints when it fails.
type process struct {
	t    *testing.T
	name string
	bin  string
	args []string
	env  []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startVivier(t *testing.T, name, bin string, env map[string]string, args ...string) *process {
	t.Helper()
	p := &process{t: t, name: name, bin: bin, args: args, log: filepath.Join(t.TempDir(), name+".log")}
	p.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	p.start()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			b, err := os.ReadFile(p.log)
			if err != nil {
				t.Errorf("%s's output: %v", p.name, err)
			}
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("%s's output (end):\n%s", p.name, b)
		}
	})
	return p
}

// start runs the process (again), appending to its log.
func (p *process) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(f, "=== start %s\n", time.Now().Format(time.RFC3339Nano)); err != nil {
		p.t.Fatal(err)
	}
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = p.env, f, f
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v (closing its log: %v)", p.name, err, f.Close())
	}
	done := make(chan struct{})
	p.done = done
	go func() {
		// How the process ended is for the test to judge from its log
		// and its effects: the tests kill these processes on purpose.
		_ = p.cmd.Wait()
		_ = f.Close() // the log was only appended to
		close(done)
	}()
}

// running reports whether the process has not exited.
func (p *process) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill ends the process at once (SIGKILL): no shutdown, no cleanup.
func (p *process) kill() {
	if p.cmd == nil || !p.running() {
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Errorf("kill %s: %v", p.name, err)
	}
	<-p.done
}

// output returns what the process wrote so far.
func (p *process) output() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

// postgresServer is a PostgreSQL cluster of the test's own, in a temporary
// folder owned by the postgres user (the server refuses to run as root).
type postgresServer struct {
	t    *testing.T
	bin  string
	dir  string
	port int
}

// pgBinDir finds the newest installed PostgreSQL server.
func pgBinDir(t *testing.T) string {
	t.Helper()
	dirs, err := filepath.Glob("/usr/lib/postgresql/*/bin")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(dirs, func(a, b string) int {
		va, err := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		if err != nil {
			t.Fatal(err)
		}
		vb, err := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		if err != nil {
			t.Fatal(err)
		}
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	t.Fatal("PostgreSQL server not found in /usr/lib/postgresql/*/bin: run the tests with `make test`, which installs it")
	return ""
}

func startPostgres(t *testing.T) *postgresServer {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test starts a PostgreSQL of its own as the postgres user, which needs root (as `make test` runs on Debian)")
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		t.Fatal("no postgres user: install the postgresql package (`make test` does)")
	}
	uid, err := strconv.Atoi(pg.Uid)
	if err != nil {
		t.Fatal(err)
	}
	gid, err := strconv.Atoi(pg.Gid)
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: its parents are root's and closed to postgres.
	dir, err := os.MkdirTemp("", "vivier-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	s := &postgresServer{t: t, bin: pgBinDir(t), dir: dir, port: jobstest.FreePort(t)}
	t.Cleanup(func() {
		if out, err := s.pgctl("stop", "-m", "immediate"); err != nil && !strings.Contains(out, "not running") {
			t.Errorf("pg_ctl stop: %v\n%s", err, out)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Error(err)
		}
	})
	if out, err := s.asPostgres("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.start()
	return s
}

func (s *postgresServer) data() string { return filepath.Join(s.dir, "data") }

// URL is the cluster's maintenance database, where the tests put the schema.
func (s *postgresServer) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

func (s *postgresServer) asPostgres(tool string, args ...string) (string, error) {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(s.bin, tool)}, args...)...)
	cmd.Dir = s.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (s *postgresServer) pgctl(args ...string) (string, error) {
	return s.asPostgres("pg_ctl", append([]string{"-D", s.data(), "-w", "-t", "120"}, args...)...)
}

// start starts the server on its port; stop stops it (fast: sessions are
// cut, as in a restart by an operator).
func (s *postgresServer) start() {
	s.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories= -c fsync=off -c max_connections=50", s.port)
	if out, err := s.pgctl("-l", filepath.Join(s.dir, "server.log"), "-o", opts, "start"); err != nil {
		log, rerr := os.ReadFile(filepath.Join(s.dir, "server.log"))
		s.t.Fatalf("pg_ctl start: %v\n%s\nserver.log (%v):\n%s", err, out, rerr, log)
	}
}

func (s *postgresServer) stop() {
	s.t.Helper()
	if out, err := s.pgctl("stop", "-m", "fast"); err != nil && !strings.Contains(out, "not running") {
		s.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

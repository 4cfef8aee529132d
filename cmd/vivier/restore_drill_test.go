package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"

	"vivier"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// The README's restore drill, as an operator runs it: an offer and an
// application (with its CV) are written; the database is dumped with
// pg_dump and the file store folder copied; both are restored into an empty
// database and a new folder; `vivier migrate status` has nothing pending,
// and the offer, the application, its CV and the search read back through
// the Store as they were.
func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pgDump, pgRestore := postgresTool(t, "pg_dump"), postgresTool(t, "pg_restore")

	srcURL, srcFiles := dbtest.NewURL(t), t.TempDir()
	src := openMain(t, srcURL, srcFiles)
	adm := &vivier.Administration{Slug: "prefecture-drill", Name: "Préfecture de l'exercice", Versant: vivier.VersantEtat}
	if err := src.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	offer := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "DRILL-1", Versant: vivier.VersantEtat, Title: "Chargé·e de restauration des archives",
		Mission: "Restaurer les fonds anciens du service.", CVPolicy: "required"}
	if err := src.store.CreateOffer(ctx, adm.ID, offer, vivier.Actor{Email: "drill@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	if err := src.store.MoveOffer(ctx, adm.ID, offer.ID, vivier.OfferPublished, vivier.Actor{Email: "drill@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	offer, err := src.store.OfferByID(ctx, adm.ID, offer.ID)
	if err != nil {
		t.Fatal(err)
	}
	cvs, err := demoCVs()
	if err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: "Dominique", LastName: "Sauvegarde", Email: "dominique@exemple.fr", Phone: "06 12 34 56 78",
		Consent: true, CV: cvs[0], IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(offer); err != nil {
		t.Fatal(err)
	}
	app, _, err := src.store.Apply(ctx, sub, offer, src.files)
	if err != nil {
		t.Fatal(err)
	}
	jobstest.Close(t, src)

	// The backup: a custom-format dump and a copy of the file store folder.
	backup := t.TempDir()
	dump := filepath.Join(backup, "vivier.dump")
	runTool(t, pgDump, "--format=custom", "--no-owner", "--no-privileges", "--file="+dump, "--dbname="+srcURL)
	if err := os.CopyFS(filepath.Join(backup, "files"), os.DirFS(srcFiles)); err != nil {
		t.Fatal(err)
	}

	// The restore: an empty database, the dump, then the folder.
	dstURL, dstFiles := dbtest.EmptyURL(t), filepath.Join(t.TempDir(), "files")
	runTool(t, pgRestore, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "--dbname="+dstURL, dump)
	if err := os.CopyFS(dstFiles, os.DirFS(filepath.Join(backup, "files"))); err != nil {
		t.Fatal(err)
	}

	var out, errs bytes.Buffer
	if code := run(ctx, []string{"migrate", "status"}, mapEnv(map[string]string{"DATABASE_URL": dstURL}), &out, &errs); code != 0 {
		t.Fatalf("migrate status: %d %s", code, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if sqlFiles, err := filepath.Glob("../../migrations/*.sql"); err != nil || len(lines) != len(sqlFiles) || strings.Contains(out.String(), "en attente") {
		t.Fatalf("migrate status after the restore (%d migration files):\n%s (%v)", len(sqlFiles), out.String(), err)
	}

	dst := openMain(t, dstURL, dstFiles)
	defer jobstest.Close(t, dst)
	got, err := dst.store.OfferByID(ctx, adm.ID, offer.ID)
	if err != nil || got.Title != offer.Title || got.Status != vivier.OfferPublished || got.Mission != offer.Mission {
		t.Fatalf("offer after the restore: %+v, %v", got, err)
	}
	detail, err := dst.store.ApplicationForAgents(ctx, adm.ID, app.ID)
	if err != nil || detail.FirstName != "Dominique" || detail.LastName != "Sauvegarde" || detail.Candidate.Email == nil ||
		*detail.Candidate.Email != "dominique@exemple.fr" || len(detail.Files) != 1 || len(detail.Events) == 0 {
		t.Fatalf("application after the restore: %+v, %v", detail, err)
	}
	f, err := dst.store.ApplicationFile(ctx, adm.ID, app.ID, detail.Files[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := dst.files.Open(ctx, f.Key)
	if err != nil {
		t.Fatalf("the CV is not in the restored file store: %v", err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.SHA256 || !bytes.Equal(data, cvs[0].Data) {
		t.Fatalf("restored CV: %d bytes, sha256 %x, want %s", len(data), sum, f.SHA256)
	}
	// The French full-text search (its configuration and generated columns)
	// came back too: an accent-free query finds the offer.
	res, err := dst.store.SearchOffers(ctx, vivier.OfferSearch{Q: "charge restauration"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search after the restore: %+v, %v", res, err)
	}
}

// openMain opens the store and file store of a Main on databaseURL and dir.
func openMain(t *testing.T, databaseURL, dir string) *Main {
	t.Helper()
	cfg, err := LoadConfig(mapEnv(map[string]string{"DATABASE_URL": databaseURL, "FILES_URL": "file:" + dir}))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, newLogger(cfg, io.Discard), io.Discard)
	if err := m.open(context.Background()); err != nil {
		t.Fatalf("%v (close: %v)", err, m.Close())
	}
	return m
}

// postgresTool finds a PostgreSQL client program: the newest server's
// (/usr/lib/postgresql/N/bin, where .ci/services finds the server), else
// the PATH's.
func postgresTool(t *testing.T, name string) string {
	t.Helper()
	dirs, err := filepath.Glob("/usr/lib/postgresql/*/bin")
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install PostgreSQL's client programs (on Debian: apt-get install postgresql-client)", name)
	}
	return p
}

func versionOf(binDir string) int {
	n := 0
	for _, c := range filepath.Base(filepath.Dir(binDir)) {
		if c < '0' || c > '9' {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

func runTool(t *testing.T, tool string, args ...string) {
	t.Helper()
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), args[0], err, out)
	}
}

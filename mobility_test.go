package vivier_test

import (
	"context"
	"io"
	"testing"
	"time"

	"vivier"
)

// ParseEmailDomains reads the domains as administrators type them and
// refuses what is not a domain, in words.
func TestParseEmailDomains(t *testing.T) {
	got, err := vivier.ParseEmailDomains(" Ville-Exemple.fr\n@mairie.fr, ville-exemple.fr ;cc-exemple.fr")
	if err != nil || len(got) != 3 || got[0] != "ville-exemple.fr" || got[1] != "mairie.fr" || got[2] != "cc-exemple.fr" {
		t.Fatalf("domains = %v, %v", got, err)
	}
	if _, err := vivier.ParseEmailDomains("pas un domaine!"); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("a bad domain = %v", err)
	}
}

// Links and sessions follow their clocks; a profile expired for more than
// 30 days is deleted with its CV by the maintenance, one expired since less
// is kept (hidden), and a sign-in link works once.
func TestMobilityLifetimes(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.SetClock(func() time.Time { return now })

	if ok, err := s.MobilityEmailAccepted(ctx, "a@interieur.gouv.fr"); !ok || err != nil {
		t.Fatalf(".gouv.fr accepted = %v, %v", ok, err)
	}
	if ok, err := s.MobilityEmailAccepted(ctx, "a@gouv.fr.exemple.com"); ok || err != nil {
		t.Fatalf("a look-alike domain accepted = %v, %v", ok, err)
	}
	token, hash := vivier.NewToken()
	if err := s.CreateMobilityLink(ctx, "a@interieur.gouv.fr", "/mobilite", hash); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.UseMobilityLink(ctx, token+"x"); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("an unknown token = %v", err)
	}
	agent, cookie, ret, err := s.UseMobilityLink(ctx, token)
	if err != nil || ret != "/mobilite" || cookie == "" {
		t.Fatalf("use = %v %q %v", agent, ret, err)
	}
	if _, _, _, err := s.UseMobilityLink(ctx, token); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a used token = %v", err)
	}
	if a, err := s.MobilitySession(ctx, cookie); err != nil || a.ID != agent.ID {
		t.Fatalf("session = %v, %v", a, err)
	}

	// The store keeps what the handler checked (CheckDocument): the bytes
	// are not parsed here.
	cv := &vivier.Upload{Document: vivier.Document{Name: "cv.pdf", ContentType: vivier.TypePDF, Size: 14}, Data: []byte("%PDF-1.4\n%%EOF")}
	p := &vivier.MobilityProfile{FirstName: "Inès", LastName: "Moreau", Visibility: vivier.VisibilityAll}
	if err := s.SaveMobilityProfile(ctx, agent.ID, p, cv, files); err != nil {
		t.Fatal(err)
	}
	saved, err := s.MobilityProfileOf(ctx, agent.ID)
	if err != nil || saved.CVKey == nil || saved.ExpiresAt.Sub(now.Add(vivier.MobilityProfileLifetime)).Abs() > time.Second {
		t.Fatalf("saved profile = %+v, %v", saved, err)
	}

	// 13 months later: expired for about a month, but not yet 30 days.
	now = now.Add(vivier.MobilityProfileLifetime + 29*24*time.Hour)
	if n, err := s.PurgeMobility(ctx, files); err != nil || n != 0 {
		t.Fatalf("purge within the grace = %d, %v", n, err)
	}
	if _, err := s.MobilitySession(ctx, cookie); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a session unused for a year = %v", err)
	}
	now = now.Add(2 * 24 * time.Hour)
	if n, err := s.PurgeMobility(ctx, files); err != nil || n != 1 {
		t.Fatalf("purge past the grace = %d, %v", n, err)
	}
	if _, err := s.MobilityProfileOf(ctx, agent.ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("profile after the purge = %v", err)
	}
	if r, err := files.Open(ctx, *saved.CVKey); err == nil {
		b, _ := io.ReadAll(r)
		_ = r.Close()
		t.Fatalf("the CV is left after the purge (%d bytes)", len(b))
	}
}

package vivier_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vivier"
	"vivier/migrations/dbtest"
)

func newStore(t *testing.T) *vivier.Store {
	t.Helper()
	return vivier.NewStore(dbtest.New(t))
}

func ptr[T any](v T) *T { return &v }

func TestAdministrationUpsertAndHierarchy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)

	parent := &vivier.Administration{Slug: "ministere-test", Name: " Ministère du Test ", Versant: vivier.VersantEtat, SIRET: ptr("110 000 000 000 15")}
	if err := s.UpsertAdministration(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if parent.ID == 0 || parent.Name != "Ministère du Test" || *parent.SIRET != "11000000000015" || parent.Status != "active" {
		t.Fatalf("stored administration = %+v", parent)
	}
	child := &vivier.Administration{Slug: "ministere-test-dnum", Name: "DNUM", Versant: vivier.VersantEtat, ParentID: &parent.ID}
	if err := s.UpsertAdministration(ctx, child); err != nil {
		t.Fatal(err)
	}
	got, err := s.AdministrationBySlug(ctx, "ministere-test-dnum")
	if err != nil || got.ParentID == nil || *got.ParentID != parent.ID {
		t.Fatalf("AdministrationBySlug = %+v, %v", got, err)
	}

	// Upserting again updates in place.
	parent.Name = "Ministère du Test renommé"
	id := parent.ID
	if err := s.UpsertAdministration(ctx, parent); err != nil || parent.ID != id {
		t.Fatalf("second upsert: id %d -> %d, %v", id, parent.ID, err)
	}
	if n, err := s.CountAdministrations(ctx); err != nil || n != 2 {
		t.Fatalf("CountAdministrations = %d, want 2 (%v)", n, err)
	}

	_, err = s.AdministrationBySlug(ctx, "inconnue")
	if vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("unknown slug: code %q (%v), want ENOTFOUND", vivier.ErrorCode(err), err)
	}

	// Two administrations cannot share a SIRET.
	other := &vivier.Administration{Slug: "autre", Name: "Autre", Versant: vivier.VersantEtat, SIRET: ptr("11000000000015")}
	if err := s.UpsertAdministration(ctx, other); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Fatalf("duplicate SIRET: code %q (%v), want ECONFLICT", vivier.ErrorCode(err), err)
	}
}

func TestAdministrationValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		a     vivier.Administration
		field string
	}{
		{"no name", vivier.Administration{Slug: "a", Versant: vivier.VersantEtat}, "name"},
		{"bad slug", vivier.Administration{Slug: "Mairie de Paris", Name: "x", Versant: vivier.VersantEtat}, "slug"},
		{"accented slug", vivier.Administration{Slug: "hôpital", Name: "x", Versant: vivier.VersantEtat}, "slug"},
		{"bad versant", vivier.Administration{Slug: "a", Name: "x", Versant: "privé"}, "versant"},
		{"bad siret", vivier.Administration{Slug: "a", Name: "x", Versant: vivier.VersantEtat, SIRET: ptr("11000000000016")}, "siret"},
	}
	for _, c := range cases {
		err := c.a.Validate()
		var ve *vivier.Error
		if !errors.As(err, &ve) || ve.Code != vivier.EINVALID || ve.Field != c.field || ve.Message == "" {
			t.Errorf("%s: Validate = %v, want EINVALID on %s", c.name, err, c.field)
		}
	}
}

func TestAgentPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	hash, err := vivier.HashPassword("un mot de passe assez long")
	if err != nil {
		t.Fatal(err)
	}
	a := &vivier.Agent{Email: " Agent@Exemple.gouv.fr ", PasswordHash: hash}
	if err := s.UpsertAgent(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.AgentByEmail(ctx, "AGENT@exemple.gouv.fr")
	if err != nil || got.ID != a.ID {
		t.Fatalf("AgentByEmail is not case-insensitive: %+v, %v", got, err)
	}
	if !vivier.CheckPassword("un mot de passe assez long", got.PasswordHash) {
		t.Fatal("the right password is refused")
	}
	if vivier.CheckPassword("un autre mot de passe", got.PasswordHash) || vivier.CheckPassword("x", "") {
		t.Fatal("a wrong password (or an empty hash) is accepted")
	}
	if got.PasswordHash[:9] != "$argon2id" {
		t.Fatalf("hash %q is not argon2id", got.PasswordHash)
	}
}

func TestOutboxRelayTakesEachRowOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	for i := 0; i < 30; i++ {
		m, err := vivier.NewOutboxMessage("test:task", "", map[string]int{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddOutbox(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	// Three relays at once, each locking its batch: every row is seen by
	// exactly one of them. Each relay holds its first batch until the three
	// hold one, so that they overlap.
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg, holding sync.WaitGroup
	holding.Add(3)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for {
				n, err := s.RelayOutbox(ctx, 4, func(m vivier.OutboxMessage) error {
					mu.Lock()
					seen[m.ID]++
					mu.Unlock()
					if first {
						first = false
						holding.Done()
						holding.Wait()
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != 30 {
		t.Fatalf("%d rows relayed, want 30", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d relayed %d times", id, n)
		}
	}
	if n, _, err := s.OutboxBacklog(ctx); err != nil || n != 0 {
		t.Fatalf("backlog = %d, %v; want 0", n, err)
	}
}

func TestOutboxRelayStopsAtFirstRefusal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	var ids []int64
	for i := 0; i < 3; i++ {
		m, err := vivier.NewOutboxMessage("test:task", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddOutbox(ctx, &m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	calls := 0
	n, err := s.RelayOutbox(ctx, 10, func(m vivier.OutboxMessage) error {
		calls++
		if m.ID == ids[1] {
			return errors.New("redis down")
		}
		return nil
	})
	if err != nil || n != 1 || calls != 2 {
		t.Fatalf("relayed %d with %d calls (%v); want 1 relayed, 2 calls", n, calls, err)
	}
	refused, err := s.OutboxMessageByID(ctx, ids[1])
	if err != nil || refused.RelayedAt != nil || refused.Attempts != 1 || refused.LastError != "redis down" {
		t.Fatalf("refused row = %+v, %v", refused, err)
	}
	if backlog, age, err := s.OutboxBacklog(ctx); err != nil || backlog != 2 || age < 0 {
		t.Fatalf("backlog = %d (age %s), want 2 (%v)", backlog, age, err)
	}
	// The refused row waits its turn; the one behind it goes at once.
	var seen []int64
	n, err = s.RelayOutbox(ctx, 10, func(m vivier.OutboxMessage) error { seen = append(seen, m.ID); return nil })
	if err != nil || n != 1 || len(seen) != 1 || seen[0] != ids[2] {
		t.Fatalf("next pass relayed %v (%v); want only row %d", seen, err, ids[2])
	}
}

func TestSendOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	sends := 0
	send := func() (string, error) { sends++; return "<id@test>", nil }
	e := func() *vivier.SentEmail {
		return &vivier.SentEmail{MessageKey: "k1", Template: "test", Recipient: "a@b.fr", Subject: "S"}
	}
	// A failed send leaves no record: the retry sends.
	if sent, err := s.SendOnce(ctx, e(), func() (string, error) { return "", errors.New("smtp down") }); err == nil || sent {
		t.Fatalf("failing send: sent=%v err=%v", sent, err)
	}
	first := e()
	if sent, err := s.SendOnce(ctx, first, send); err != nil || !sent || first.SMTPMessageID != "<id@test>" {
		t.Fatalf("first send: sent=%v err=%v rec=%+v", sent, err, first)
	}
	if sent, err := s.SendOnce(ctx, e(), send); err != nil || sent {
		t.Fatalf("second send with the same key: sent=%v err=%v", sent, err)
	}
	if sends != 1 {
		t.Fatalf("send called %d times, want 1", sends)
	}
	// Concurrent attempts with one key: one sends, the others wait then
	// skip. The one that sends holds its row until the four others wait
	// for it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := 0
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SendOnce(ctx, &vivier.SentEmail{MessageKey: "k2", Template: "t", Recipient: "a@b.fr", Subject: "S"},
				func() (string, error) {
					mu.Lock()
					count++
					mu.Unlock()
					waitForLockWaiters(t, s, 4)
					return "x", nil
				})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if count != 1 {
		t.Fatalf("5 concurrent attempts sent %d emails, want 1", count)
	}
	list, err := s.SentEmailsTo(ctx, "A@B.fr")
	if err != nil || len(list) != 2 {
		t.Fatalf("SentEmailsTo = %d rows, %v; want 2", len(list), err)
	}
}

func TestSessionStorage(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	sess, csrf := s.SessionStorage("session"), s.SessionStorage("csrf")
	if err := sess.Set("cookie-value", []byte("data"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if b, err := sess.Get("cookie-value"); err != nil || string(b) != "data" {
		t.Fatalf("Get = %q, %v", b, err)
	}
	if b, err := csrf.Get("cookie-value"); err != nil || b != nil {
		t.Fatalf("namespaces leak into each other (%v)", err)
	}
	var raw int
	if err := s.DB().Get(&raw, `SELECT count(*) FROM http_sessions WHERE key_hash = convert_to('cookie-value', 'UTF8')`); err != nil || raw != 0 {
		t.Fatalf("a session key is stored in clear (%v)", err)
	}
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	if err := sess.Set("expired", []byte("x"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if b, err := sess.Get("expired"); err != nil || string(b) != "x" {
		t.Fatalf("Get before expiry = %q, %v", b, err)
	}
	now = now.Add(2 * time.Minute)
	if b, err := sess.Get("expired"); err != nil || b != nil {
		t.Fatalf("Get after expiry = %q, %v; want nothing", b, err)
	}
	if n, err := s.PurgeExpiredSessions(context.Background()); err != nil || n != 1 {
		t.Fatalf("PurgeExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := sess.Delete("cookie-value"); err != nil {
		t.Fatal(err)
	}
	if b, err := sess.Get("cookie-value"); err != nil || b != nil {
		t.Fatalf("a deleted value is returned (%v)", err)
	}
}

// waitForLockWaiters returns once n sessions of the test's database wait
// for a lock, or fails the test after ten seconds.
func waitForLockWaiters(t *testing.T, s *vivier.Store, n int) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		var waiting int
		if err := s.DB().Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Error(err)
			return
		}
		if waiting >= n {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Errorf("%d sessions wait for a lock after 10s, want %d", waiting, n)
			return
		}
	}
}

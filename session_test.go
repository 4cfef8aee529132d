package vivier_test

import (
	"context"
	"testing"
	"time"
)

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

package vivier_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vivier"
)

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

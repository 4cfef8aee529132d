package vivier_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vivier"
)

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

// An application server whose clock runs behind the database's still relays
// what it has just written: next_attempt_at is stamped by the database.
func TestOutboxRelayWithAClockBehindTheDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	s.SetClock(func() time.Time { return time.Now().Add(-time.Minute) })
	m, err := vivier.NewOutboxMessage("test:task", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddOutbox(ctx, &m); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	n, err := s.RelayOutbox(ctx, 10, func(m vivier.OutboxMessage) error { seen = append(seen, m.ID); return nil })
	if err != nil || n != 1 || len(seen) != 1 || seen[0] != m.ID {
		t.Fatalf("relayed %v (%d, %v); want row %d at once", seen, n, err, m.ID)
	}
}

package jobstest

import (
	"testing"
	"time"
)

// Patience is how long Eventually waits: far more than any wait takes on a
// quiet machine, so that a loaded one does not fail a test, and short enough
// that a test waiting for what never comes fails in minutes, not at the
// binary's timeout.
const Patience = time.Minute

// pollEvery is how often a condition is looked at again.
const pollEvery = 20 * time.Millisecond

// Eventually waits until cond reports true, and fails the test, naming what
// was awaited, if it has not within Patience. An error from cond fails the
// test at once: a condition whose query fails proves nothing by waiting.
func Eventually(t testing.TB, what string, cond func() (bool, error)) {
	t.Helper()
	EventuallyWithin(t, Patience, what, cond)
}

// EventuallyWithin is Eventually with a limit of its own, for the waits that
// are long by nature (hundreds of emails, a process restarted).
func EventuallyWithin(t testing.TB, limit time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("still waiting after %s for %s", limit, what)
		case <-tick.C:
		}
	}
}

package jobs

import (
	"context"
	"time"
)

// handleMaintenance (vivier.TaskMaintenance) purges what has served its
// time: relayed outbox rows after a week, expired sessions and CSRF tokens,
// and erased candidates' files; it rebuilds the lexicon of search
// suggestions; and it ends the transfers and merges left
// without the candidate's answer.
func (w *Worker) handleMaintenance(ctx context.Context) error {
	outbox, err := w.store.PurgeRelayedOutbox(ctx, time.Now().Add(-7*24*time.Hour))
	if err != nil {
		return err
	}
	sessions, err := w.store.PurgeExpiredSessions(ctx)
	if err != nil {
		return err
	}
	if _, err := w.store.PurgeUnsubscribeTokens(ctx, time.Now()); err != nil {
		return err
	}
	transfers, err := w.store.ExpireTransfers(ctx, time.Now())
	if err != nil {
		return err
	}
	merges, err := w.store.ExpireMerges(ctx, time.Now())
	if err != nil {
		return err
	}
	// The lexicon of "Vouliez-vous dire…" follows the published offers.
	words, err := w.store.RefreshSearchWords(ctx)
	if err != nil {
		return err
	}
	if _, err := w.store.PurgeSearchChanges(ctx); err != nil {
		return err
	}
	if w.cfg.Files != nil {
		// Files an erasure marked but the store did not remove then.
		if err := w.store.PurgeDeletedFiles(ctx, w.cfg.Files); err != nil {
			return err
		}
		// Mobility profiles expired for over 30 days, their CVs with them.
		if _, err := w.store.PurgeMobility(ctx, w.cfg.Files); err != nil {
			return err
		}
	}
	w.log.InfoContext(ctx, "maintenance", "outbox_purged", outbox, "sessions_purged", sessions,
		"transfers_expired", transfers, "merges_expired", merges, "search_words", words)
	return nil
}

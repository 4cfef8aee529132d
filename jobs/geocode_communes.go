package jobs

import (
	"context"
	"sync"
)

// communeCentresPerRun is how many communes one run asks the BAN for: 60 a
// minute is far under its rate limit, and learns the 35 000 communes in a
// day and a half, the most populated in the first hours.
const communeCentresPerRun = 60

// communeMisses remembers the communes the BAN did not find (a commune
// déléguée, say), so that a run does not ask for them again: they would
// otherwise stay first in line and stop the others. A restart forgets
// them, which costs one more question each.
type communeMisses struct {
	mu    sync.Mutex
	codes []string
}

func (m *communeMisses) list() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string{}, m.codes...)
}

func (m *communeMisses) add(code string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.codes = append(m.codes, code)
}

// handleCommuneCentres (vivier.TaskCommuneCentres) learns the centres of
// communes not known yet, the most populated first. A failure of the BAN
// (429, 5xx) ends the run: the next minute goes on from there.
func (w *Worker) handleCommuneCentres(ctx context.Context) error {
	if w.geo.cfg.URL == "" {
		return nil
	}
	communes, err := w.store.CommunesWithoutCentre(ctx, communeCentresPerRun, w.geo.misses.list())
	if err != nil {
		return err
	}
	c := w.geo.client(w.store.OutboundPolicy())
	learned := 0
	for _, com := range communes {
		centre, err := w.geo.search(ctx, c, com.Name, com.Code, "municipality")
		if err != nil {
			w.log.WarnContext(ctx, "commune centres: the geocoder failed, the next run goes on", "learned", learned, "error", err)
			return nil
		}
		if centre == nil {
			w.geo.misses.add(com.Code)
			continue
		}
		if err := w.store.SetCommuneCentre(ctx, com.Code, *centre); err != nil {
			return err
		}
		learned++
	}
	if learned > 0 {
		w.log.InfoContext(ctx, "commune centres learned", "count", learned)
	}
	return nil
}

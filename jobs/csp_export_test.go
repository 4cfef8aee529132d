package jobs

import "time"

// ObserveCSPGrants calls f for each CSP call the quota limiter lets go,
// with the moments just before the limiter was asked and just after it
// answered. Set it before the worker runs a task.
func (w *Worker) ObserveCSPGrants(f func(account string, asked, answered time.Time)) {
	w.csp.granted = f
}

package vivier

import "context"

// Scope narrows what an agent reaches. The zero Scope reaches every
// application of the administration; AssignedTo, only those assigned to
// that agent.
type Scope struct {
	AssignedTo int64
}

// Narrowed says whether the scope is smaller than the administration.
func (sc Scope) Narrowed() bool { return sc.AssignedTo != 0 }

type queryer interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

package vivier

import (
	"context"
	"crypto/sha256"
	"time"
)

// SessionStorage keeps opaque HTTP state (sessions, CSRF tokens) in
// PostgreSQL, so that it survives a restart and is shared by every instance.
// Its methods have the shape of fiber.Storage without importing Fiber. Keys are
// stored as SHA-256 digests: the table holds no usable cookie value.
type SessionStorage struct {
	store     *Store
	namespace string
	timeout   time.Duration
}

func sessionKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

func (ss *SessionStorage) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ss.timeout)
}

// Close does nothing: the pool belongs to the Store.
func (ss *SessionStorage) Close() error { return nil }

// AgentSession is a signed-in session, as its agent sees it in the list of
// their sessions.
type AgentSession struct {
	ID         string // hex digest of the cookie: names the session without revealing it
	IP         string
	UserAgent  string
	SignedInAt time.Time
	LastSeenAt time.Time
	Current    bool
}

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

// SessionStorage returns the storage for one namespace ("session", "csrf").
func (s *Store) SessionStorage(namespace string) *SessionStorage {
	return &SessionStorage{store: s, namespace: namespace, timeout: 5 * time.Second}
}

func sessionKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

func (ss *SessionStorage) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ss.timeout)
}

// Get returns the value stored under key, or nil when there is none or it
// has expired.
func (ss *SessionStorage) Get(key string) ([]byte, error) {
	ctx, cancel := ss.ctx()
	defer cancel()
	var data []byte
	err := ss.store.db.QueryRowContext(ctx, `
		SELECT data FROM http_sessions
		WHERE namespace = $1 AND key_hash = $2 AND (expires_at IS NULL OR expires_at > now())`,
		ss.namespace, sessionKey(key)).Scan(&data)
	if err != nil {
		if ErrorCode(wrap("", err)) == ENOTFOUND {
			return nil, nil
		}
		return nil, wrap("SessionStorage.Get", err)
	}
	return data, nil
}

// Set stores val under key; exp 0 means no expiry.
func (ss *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	ctx, cancel := ss.ctx()
	defer cancel()
	var expires *time.Time
	if exp > 0 {
		t := time.Now().Add(exp)
		expires = &t
	}
	_, err := ss.store.db.ExecContext(ctx, `
		INSERT INTO http_sessions (namespace, key_hash, data, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (namespace, key_hash) DO UPDATE SET data = EXCLUDED.data,
			expires_at = EXCLUDED.expires_at, updated_at = now()`,
		ss.namespace, sessionKey(key), val, expires)
	return wrap("SessionStorage.Set", err)
}

// Delete removes key.
func (ss *SessionStorage) Delete(key string) error {
	ctx, cancel := ss.ctx()
	defer cancel()
	_, err := ss.store.db.ExecContext(ctx, `DELETE FROM http_sessions WHERE namespace = $1 AND key_hash = $2`,
		ss.namespace, sessionKey(key))
	return wrap("SessionStorage.Delete", err)
}

// Reset removes every key of the namespace.
func (ss *SessionStorage) Reset() error {
	ctx, cancel := ss.ctx()
	defer cancel()
	_, err := ss.store.db.ExecContext(ctx, `DELETE FROM http_sessions WHERE namespace = $1`, ss.namespace)
	return wrap("SessionStorage.Reset", err)
}

// Close does nothing: the pool belongs to the Store.
func (ss *SessionStorage) Close() error { return nil }

// PurgeExpiredSessions deletes expired sessions and tokens.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM http_sessions WHERE expires_at < now()`)
	if err != nil {
		return 0, wrap("PurgeExpiredSessions", err)
	}
	return res.RowsAffected()
}

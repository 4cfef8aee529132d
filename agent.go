package vivier

import (
	"time"

	"github.com/alexedwards/argon2id"
)

// Agent is a back-office user. An agent is known by our own id, whatever the
// way they signed in (password today, ProConnect later).
type Agent struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	FirstName    string     `db:"first_name"`
	LastName     string     `db:"last_name"`
	PasswordHash string     `db:"password_hash"`
	Status       string     `db:"status"`
	LastLoginAt  *time.Time `db:"last_login_at"`
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

// passwordParams follow OWASP's argon2id recommendation (m=19 MiB, t=2, p=1).
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns the argon2id hash of a password, in the PHC string form.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// CheckPassword reports whether password matches the hash. An empty hash (an
// agent who has not chosen a password yet) matches nothing.
func CheckPassword(password, hash string) bool {
	if hash == "" {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

const agentColumns = `id, email, first_name, last_name, password_hash, status, last_login_at, created_at, updated_at`

package vivier

import "time"

// PasswordResetEmailPayload is the outbox payload of a reset request.
type PasswordResetEmailPayload struct {
	Email string `json:"email"`
}

// PasswordReset is a request to choose a new password.
type PasswordReset struct {
	ID        int64      `db:"id"`
	AgentID   int64      `db:"agent_id"`
	Email     string     `db:"email"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

func resetUsable(r *PasswordReset, now time.Time) error {
	if r.UsedAt != nil {
		return ErrLinkUsed
	}
	if now.After(r.ExpiresAt) {
		return ErrLinkExpired
	}
	return nil
}

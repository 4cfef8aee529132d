package vivier

import (
	"time"
)

// InvitationTTL and PasswordResetTTL bound how long an emailed link works.
const (
	InvitationTTL    = 7 * 24 * time.Hour
	PasswordResetTTL = time.Hour
)

// Invitation asks someone to join an administration with a role.
type Invitation struct {
	ID                 int64      `db:"id"`
	AdministrationID   int64      `db:"administration_id"`
	AdministrationName string     `db:"administration_name"`
	AdministrationSlug string     `db:"administration_slug"`
	Email              string     `db:"email"`
	Role               Role       `db:"role"`
	InvitedBy          *int64     `db:"invited_by"`
	ExpiresAt          time.Time  `db:"expires_at"`
	AcceptedAt         *time.Time `db:"accepted_at"`
	CreatedAt          time.Time  `db:"created_at"`
}

// InvitationEmailPayload is the outbox payload of an invitation email.
type InvitationEmailPayload struct {
	InvitationID int64 `json:"invitation_id"`
}

const invitationColumns = `i.id, i.administration_id, ad.name AS administration_name, ad.slug AS administration_slug, i.email, i.role,
	i.invited_by, i.expires_at, i.accepted_at, i.created_at`

// Link errors: the same French words whatever the cause within a kind.
var (
	ErrLinkInvalid = &Error{Code: ENOTFOUND, Message: "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse entière, ou demandez un nouveau lien."}
	ErrLinkExpired = &Error{Code: EINVALID, Message: "Ce lien a expiré. Demandez-en un nouveau."}
	ErrLinkUsed    = &Error{Code: ECONFLICT, Message: "Ce lien a déjà servi. Connectez-vous, ou demandez un nouveau lien."}
)

func invitationUsable(inv *Invitation, now time.Time) error {
	if inv.AcceptedAt != nil {
		return ErrLinkUsed
	}
	if now.After(inv.ExpiresAt) {
		return ErrLinkExpired
	}
	return nil
}

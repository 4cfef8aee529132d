package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// MobilityLinkPayload is the payload of TaskMobilityLink: the address that
// asked for a sign-in link, and where the link leads once used.
type MobilityLinkPayload struct {
	Email  string `json:"email"`
	Return string `json:"return,omitempty"`
}

// Valid reports whether the payload names an address.
func (p MobilityLinkPayload) Valid() bool { return p.Email != "" }

// MobilityInvitationTask is the payload of TaskMobilityInvitation.
type MobilityInvitationTask struct {
	InvitationID int64 `json:"invitation_id"`
}

// Valid reports whether the payload names an invitation.
func (p MobilityInvitationTask) Valid() bool { return p.InvitationID != 0 }

// ErrMobilityLinkExpired is the answer to a sign-in link unknown, used or
// past its hour.
var ErrMobilityLinkExpired = Errorf(ENOTFOUND, "Ce lien de connexion n'est plus valable : il sert une seule fois, pendant une heure. Demandez-en un nouveau.")

// PublicDomain reports whether the address's domain is a public-sector one:
// a .gouv.fr domain, or one an administration lists. It says nothing of the
// address itself, so the answer may be shown.
func (s *Store) PublicDomain(ctx context.Context, email string) (bool, error) {
	domain := emailDomain(email)
	if publicDomain(domain) {
		return true, nil
	}
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM administrations WHERE status = 'active' AND $1 = ANY (email_domains))`, domain)
	return ok, wrap("PublicDomain", err)
}

// MobilityEmailAccepted reports whether the address may enter the mobility
// space: a public-sector domain, or an active back-office agent's address.
// Only the worker asks about an address: the asker is never told.
func (s *Store) MobilityEmailAccepted(ctx context.Context, email string) (bool, error) {
	if ok, err := s.PublicDomain(ctx, email); ok || err != nil {
		return ok, err
	}
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM agents WHERE lower(email) = lower($1) AND status = 'active')`, email)
	return ok, wrap("MobilityEmailAccepted", err)
}

// RequestMobilityLink queues a sign-in link for the address; the worker
// checks the address and sends it, or nothing.
func (s *Store) RequestMobilityLink(ctx context.Context, email, returnTo string) error {
	msg, err := NewOutboxMessage(TaskMobilityLink, "critical", MobilityLinkPayload{Email: email, Return: returnTo})
	if err != nil {
		return err
	}
	return s.AddOutbox(ctx, &msg)
}

// CreateMobilityLink records a sign-in link under the digest of the token
// the worker is about to email.
func (s *Store) CreateMobilityLink(ctx context.Context, email, returnTo string, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO mobility_links (token_hash, email, return_to, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, email, returnTo, s.now().Add(MobilityLinkLifetime))
	return wrap("CreateMobilityLink", err)
}

// MobilityLinkEmail returns the address a sign-in link is for, without
// using it: opening the link changes nothing.
func (s *Store) MobilityLinkEmail(ctx context.Context, token string) (string, error) {
	var email string
	err := s.db.GetContext(ctx, &email, `SELECT email FROM mobility_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		HashToken(token), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrMobilityLinkExpired
	}
	return email, wrap("MobilityLinkEmail", err)
}

// UseMobilityLink uses a sign-in link, once: it makes the address's
// mobility agent if new and a session whose cookie value it returns, with
// where the link leads.
func (s *Store) UseMobilityLink(ctx context.Context, token string) (agent *MobilityAgent, cookie, returnTo string, err error) {
	err = s.inTx(ctx, "UseMobilityLink", func(tx *sqlx.Tx) error {
		var link struct {
			Email  string `db:"email"`
			Return string `db:"return_to"`
		}
		err := tx.GetContext(ctx, &link, `UPDATE mobility_links SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING email, return_to`, HashToken(token), s.now())
		if errors.Is(err, sql.ErrNoRows) {
			return ErrMobilityLinkExpired
		}
		if err != nil {
			return err
		}
		returnTo = link.Return
		agent, cookie, err = startMobilitySession(ctx, tx, link.Email, s.now())
		return err
	})
	return agent, cookie, returnTo, err
}

// StartMobilitySession signs in an address that another provider vouched
// for (ProConnect).
func (s *Store) StartMobilitySession(ctx context.Context, email string) (agent *MobilityAgent, cookie string, err error) {
	err = s.inTx(ctx, "StartMobilitySession", func(tx *sqlx.Tx) error {
		agent, cookie, err = startMobilitySession(ctx, tx, email, s.now())
		return err
	})
	return agent, cookie, err
}

func startMobilitySession(ctx context.Context, tx *sqlx.Tx, email string, now time.Time) (*MobilityAgent, string, error) {
	var a MobilityAgent
	err := tx.GetContext(ctx, &a, `INSERT INTO mobility_agents (email) VALUES ($1)
		ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id, email, created_at`, email)
	if err != nil {
		return nil, "", err
	}
	cookie, hash := NewToken()
	_, err = tx.ExecContext(ctx, `INSERT INTO mobility_sessions (token_hash, agent_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)`,
		hash, a.ID, now)
	return &a, cookie, err
}

// MobilitySession returns the agent of a session cookie and notes its use;
// a session unused for MobilitySessionIdle has ended (ENOTFOUND).
func (s *Store) MobilitySession(ctx context.Context, cookie string) (*MobilityAgent, error) {
	var a MobilityAgent
	err := s.db.GetContext(ctx, &a, `
		WITH touched AS (UPDATE mobility_sessions SET last_seen_at = $2
			WHERE token_hash = $1 AND last_seen_at > $2::timestamptz - make_interval(secs => $3) RETURNING agent_id)
		SELECT a.id, a.email, a.created_at FROM touched t JOIN mobility_agents a ON a.id = t.agent_id`,
		HashToken(cookie), s.now(), MobilitySessionIdle.Seconds())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Session terminée.")
	}
	return &a, wrap("MobilitySession", err)
}

// EndMobilitySession signs a session out.
func (s *Store) EndMobilitySession(ctx context.Context, cookie string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM mobility_sessions WHERE token_hash = $1`, HashToken(cookie))
	return wrap("EndMobilitySession", err)
}

// EraseMobilityAgent deletes the agent and everything of theirs: profile,
// CV (in files), sessions, views, invitations, pending links. Their
// applications stay with the administrations they were sent to, as any
// candidate's do; they no longer name the mobility space.
func (s *Store) EraseMobilityAgent(ctx context.Context, agentID int64, files FileStore) error {
	var cv *string
	err := s.inTx(ctx, "EraseMobilityAgent", func(tx *sqlx.Tx) error {
		var email string
		if err := tx.GetContext(ctx, &email, `SELECT email FROM mobility_agents WHERE id = $1 FOR UPDATE`, agentID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &cv, `SELECT (SELECT cv_key FROM mobility_profiles WHERE agent_id = $1)`, agentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mobility_links WHERE email = $1`, email); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM mobility_agents WHERE id = $1`, agentID)
		return err
	})
	if err == nil && cv != nil {
		err = files.Delete(context.WithoutCancel(ctx), *cv)
	}
	return err
}

// PurgeMobility deletes the used or expired sign-in links, the ended
// sessions, and the profiles expired for more than MobilityProfileGrace
// (their CVs with them).
func (s *Store) PurgeMobility(ctx context.Context, files FileStore) (int64, error) {
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM mobility_links WHERE expires_at < $1`, now); err != nil {
		return 0, wrap("PurgeMobility", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM mobility_sessions WHERE last_seen_at < $1`, now.Add(-MobilitySessionIdle)); err != nil {
		return 0, wrap("PurgeMobility", err)
	}
	var keys []*string
	err := s.db.SelectContext(ctx, &keys, `DELETE FROM mobility_profiles WHERE expires_at < $1 RETURNING cv_key`, now.Add(-MobilityProfileGrace))
	if err != nil {
		return 0, wrap("PurgeMobility", err)
	}
	for _, k := range keys {
		if k != nil {
			if err := files.Delete(ctx, *k); err != nil {
				return 0, err
			}
		}
	}
	return int64(len(keys)), nil
}

// EmailDomains returns the domains an administration lists for its agents.
func (s *Store) EmailDomains(ctx context.Context, adminID int64) ([]string, error) {
	var d pq.StringArray
	err := s.db.QueryRowContext(ctx, `SELECT email_domains FROM administrations WHERE id = $1`, adminID).Scan(&d)
	return d, wrap("EmailDomains", err)
}

// SetEmailDomains changes the domains an administration lists for its
// agents' mobility space addresses.
func (s *Store) SetEmailDomains(ctx context.Context, adminID int64, text string, actor Actor) error {
	domains, err := ParseEmailDomains(text)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "SetEmailDomains", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE administrations SET email_domains = $2, updated_at = now() WHERE id = $1`,
			adminID, pqArray(domains)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "administration.email_domains", "", map[string]string{"domaines": strings.Join(domains, ", ")})
	})
}

// EnsureMobilityAgent returns the mobility agent of an address, made if
// new (the demo seed's profile; a person signs in by link or ProConnect).
func (s *Store) EnsureMobilityAgent(ctx context.Context, email string) (*MobilityAgent, error) {
	var a MobilityAgent
	err := s.db.GetContext(ctx, &a, `INSERT INTO mobility_agents (email) VALUES ($1)
		ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id, email, created_at`, email)
	return &a, wrap("EnsureMobilityAgent", err)
}

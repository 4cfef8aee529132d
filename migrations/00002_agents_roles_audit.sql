-- Agents' ways in (invitations, password resets), their sessions, the audit
-- log, and the notifications that make every instance reload the policies.

-- +goose Up
CREATE TABLE agent_invitations (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    email             citext NOT NULL CHECK (email LIKE '%_@_%'),
    role              text NOT NULL,
    invited_by        bigint REFERENCES agents (id) ON DELETE SET NULL,
    -- Set by the worker when it sends the email: the token exists in clear
    -- only in that email.
    token_hash        bytea UNIQUE,
    expires_at        timestamptz NOT NULL,
    accepted_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_invitations_admin_idx ON agent_invitations (administration_id, created_at DESC);

CREATE TABLE password_resets (
    id         bigserial PRIMARY KEY,
    agent_id   bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    token_hash bytea UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_agent_idx ON password_resets (agent_id);

-- An ended session is marked, not deleted: a request of that session still in
-- flight would otherwise write it back when it saves.
ALTER TABLE http_sessions
    ADD COLUMN ip text NOT NULL DEFAULT '',
    ADD COLUMN user_agent text NOT NULL DEFAULT '',
    ADD COLUMN signed_in_at timestamptz,
    ADD COLUMN revoked_at timestamptz;

-- Append-only: who did what, where, when, from which address.
CREATE TABLE audit_log (
    id                bigserial PRIMARY KEY,
    administration_id bigint REFERENCES administrations (id) ON DELETE SET NULL,
    agent_id          bigint REFERENCES agents (id) ON DELETE SET NULL,
    agent_email       citext NOT NULL DEFAULT '',
    action            text NOT NULL,
    target            text NOT NULL DEFAULT '',
    summary           jsonb NOT NULL DEFAULT '{}',
    ip                text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_admin_idx ON audit_log (administration_id, id DESC);
CREATE INDEX audit_log_agent_idx ON audit_log (agent_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change allowed: a reference cleared because the administration
    -- or the agent it named was deleted (ON DELETE SET NULL).
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.created_at = OLD.created_at
        AND NEW.summary = OLD.summary AND NEW.target = OLD.target AND NEW.ip = OLD.ip
        AND NEW.agent_email = OLD.agent_email
        AND (NEW.administration_id IS NOT DISTINCT FROM OLD.administration_id
             OR (NEW.administration_id IS NULL AND NOT EXISTS (SELECT 1 FROM administrations WHERE id = OLD.administration_id)))
        AND (NEW.agent_id IS NOT DISTINCT FROM OLD.agent_id
             OR (NEW.agent_id IS NULL AND NOT EXISTS (SELECT 1 FROM agents WHERE id = OLD.agent_id))) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Every instance listens on this channel and reloads its policies (role
-- assignments, administration tree) when it fires.
-- +goose StatementBegin
CREATE FUNCTION notify_policies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vivier_policies', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER casbin_rules_notify AFTER INSERT OR UPDATE OR DELETE ON casbin_rules
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();
CREATE TRIGGER administrations_notify AFTER INSERT OR UPDATE OF parent_id, status OR DELETE ON administrations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();

-- +goose Down
DROP TRIGGER administrations_notify ON administrations;
DROP TRIGGER casbin_rules_notify ON casbin_rules;
DROP FUNCTION notify_policies();
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
ALTER TABLE http_sessions DROP COLUMN ip, DROP COLUMN user_agent, DROP COLUMN signed_in_at, DROP COLUMN revoked_at;
DROP TABLE password_resets;
DROP TABLE agent_invitations;

-- Email templates per administration, and interviews. An administration's
-- template replaces the platform's default (written in the code, reviewed
-- in git) for one event; deleting the row goes back to the default.
-- Interviews are planned by recruiters from an application, answered by the
-- candidate from their space, and reminded the day before.

-- +goose Up
CREATE TABLE email_templates (
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    event             text NOT NULL CHECK (event IN ('recue', 'refus', 'entretien', 'proposition', 'message')),
    subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body              text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text NOT NULL DEFAULT '',
    PRIMARY KEY (administration_id, event)
);

CREATE TABLE interviews (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    starts_at         timestamptz NOT NULL,
    duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    place             text NOT NULL DEFAULT '' CHECK (length(place) <= 300),
    video_url         text NOT NULL DEFAULT '' CHECK (length(video_url) <= 500),
    message           text NOT NULL DEFAULT '' CHECK (length(message) <= 5000),
    organizer         text NOT NULL, -- the inviting agent's email, the ICS ORGANIZER
    -- proposé: waiting for the candidate; accepté; autre_creneau: the
    -- candidate asks for another slot; remplacé: a newer invitation took its
    -- place.
    status            text NOT NULL DEFAULT 'propose' CHECK (status IN ('propose', 'accepte', 'autre_creneau', 'remplace')),
    candidate_message text NOT NULL DEFAULT '' CHECK (length(candidate_message) <= 2000),
    answered_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (place <> '' OR video_url <> '')
);
CREATE INDEX interviews_application_idx ON interviews (application_id, created_at DESC);
-- The reminder task looks for tomorrow's interviews.
CREATE INDEX interviews_starts_idx ON interviews (starts_at) WHERE status IN ('propose', 'accepte');

CREATE TABLE interview_interviewers (
    interview_id bigint NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    agent_id     bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (interview_id, agent_id)
);

-- The history names the interview an event is about.
ALTER TABLE application_events ADD COLUMN interview_id bigint REFERENCES interviews (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE application_events DROP COLUMN interview_id;
DROP TABLE interview_interviewers;
DROP TABLE interviews;
DROP TABLE email_templates;

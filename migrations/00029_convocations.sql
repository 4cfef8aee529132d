-- Convocation sessions. A recruiter convokes many applications of an offer
-- at once to one session: consecutive individual slots given by the
-- recruiter, one group sitting, or slots that the candidates choose. Each
-- convoked application gets an interview row (the table of single
-- invitations), so that the candidate's space, the reminders and the
-- application's history treat both alike.
--
-- Calendars: an interview keeps one UID for its whole life and a SEQUENCE
-- that grows with each change (a replaced single invitation passes both to
-- its successor), so that every calendar updates the event instead of adding
-- one, and a cancellation can name it. A session has its own UID and
-- SEQUENCE for the interviewers' event, which lists the candidates.

-- +goose Up
CREATE TABLE interview_sessions (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    offer_id          bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- individuel: consecutive slots of duration_minutes, one candidate each,
    -- from starts_at; collectif: one sitting at starts_at for all; choix: the
    -- candidates choose among the published slots until choice_deadline.
    mode              text NOT NULL CHECK (mode IN ('individuel', 'collectif', 'choix')),
    starts_at         timestamptz NOT NULL,
    duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    place             text NOT NULL DEFAULT '' CHECK (length(place) <= 300),
    video_url         text NOT NULL DEFAULT '' CHECK (length(video_url) <= 500),
    instructions      text NOT NULL DEFAULT '' CHECK (length(instructions) <= 5000),
    -- An optional document sent with the convocations (a plan, a notice),
    -- in the file store like the candidates' files.
    document_key      text NOT NULL DEFAULT '',
    document_name     text NOT NULL DEFAULT '',
    document_type     text NOT NULL DEFAULT '',
    choice_deadline   timestamptz,
    organizer         text NOT NULL, -- the creating agent's email, the ICS ORGANIZER
    uid               uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    sequence          integer NOT NULL DEFAULT 0,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    cancelled_at      timestamptz,
    CHECK (place <> '' OR video_url <> ''),
    CHECK (mode <> 'choix' OR choice_deadline IS NOT NULL)
);
CREATE INDEX interview_sessions_offer_idx ON interview_sessions (administration_id, offer_id, starts_at DESC);

-- A slot of a session. Capacity is 1 for an individual slot and the size of
-- the room for a group sitting; booked is kept by the same UPDATE that books
-- (booked < capacity in its WHERE clause), so two candidates never get the
-- last place.
CREATE TABLE interview_slots (
    id               bigserial PRIMARY KEY,
    session_id       bigint NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    starts_at        timestamptz NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    capacity         integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    booked           integer NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (session_id, starts_at)
);

-- Who sits: agents of the administration, or outside members by email.
CREATE TABLE session_interviewers (
    session_id bigint NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    agent_id   bigint REFERENCES agents (id) ON DELETE SET NULL,
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    PRIMARY KEY (session_id, email)
);

-- The interviews of a session. While the candidate chooses (a_choisir),
-- starts_at is the session's start and slot_id is null; booking sets both.
-- decline: the candidate declines (with a reason in candidate_message);
-- annule: cancelled by the recruiter (a METHOD:CANCEL goes out).
ALTER TABLE interviews DROP CONSTRAINT interviews_status_check;
ALTER TABLE interviews
    ADD CONSTRAINT interviews_status_check
        CHECK (status IN ('a_choisir', 'propose', 'accepte', 'autre_creneau', 'decline', 'remplace', 'annule')),
    ADD COLUMN session_id    bigint REFERENCES interview_sessions (id) ON DELETE CASCADE,
    ADD COLUMN slot_id       bigint REFERENCES interview_slots (id) ON DELETE SET NULL,
    ADD COLUMN uid           uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN sequence      integer NOT NULL DEFAULT 0,
    ADD COLUMN attendance    text NOT NULL DEFAULT '' CHECK (attendance IN ('', 'present', 'absent', 'excuse')),
    ADD COLUMN attendance_at timestamptz,
    ADD COLUMN attendance_by text NOT NULL DEFAULT '',
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
-- One live convocation per application and session.
CREATE UNIQUE INDEX interviews_session_application_idx ON interviews (session_id, application_id)
    WHERE session_id IS NOT NULL AND status NOT IN ('remplace', 'annule');
CREATE INDEX interviews_slot_idx ON interviews (slot_id) WHERE slot_id IS NOT NULL;

-- +goose Down
DROP INDEX interviews_slot_idx;
DROP INDEX interviews_session_application_idx;
ALTER TABLE interviews DROP COLUMN updated_at, DROP COLUMN attendance_by, DROP COLUMN attendance_at,
    DROP COLUMN attendance, DROP COLUMN sequence, DROP COLUMN uid, DROP COLUMN slot_id, DROP COLUMN session_id;
ALTER TABLE interviews DROP CONSTRAINT interviews_status_check;
ALTER TABLE interviews ADD CONSTRAINT interviews_status_check
    CHECK (status IN ('propose', 'accepte', 'autre_creneau', 'remplace'));
DROP TABLE session_interviewers;
DROP TABLE interview_slots;
DROP TABLE interview_sessions;

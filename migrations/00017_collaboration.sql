-- Recruiters working together on an application: internal notes (Markdown)
-- and who they mention, one rating per assigned reviewer, the
-- administration's free labels (tags), and the reviewers assigned. A jury
-- member reads only the applications assigned to them, so the assignment
-- table is read on every one of their requests: it is indexed both ways.
--
-- administration_id is repeated on each row so that every query states the
-- tenant in its WHERE clause without a join, and the tag tables reference
-- tags of their own administration only.

-- +goose Up
CREATE TABLE application_notes (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    author_id         bigint REFERENCES agents (id) ON DELETE SET NULL,
    author_email      citext NOT NULL,
    body              text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_notes_application_idx ON application_notes (application_id, created_at);

-- Who a note mentions, as resolved when it was written: the email task
-- reads it, so that a later change of names does not change who is told.
CREATE TABLE note_mentions (
    note_id  bigint NOT NULL REFERENCES application_notes (id) ON DELETE CASCADE,
    agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, agent_id)
);

CREATE TABLE application_assignees (
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    assigned_by       citext NOT NULL DEFAULT '',
    assigned_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, agent_id)
);
-- A jury member's scope and the list's "assigned to" filter.
CREATE INDEX application_assignees_agent_idx ON application_assignees (agent_id, administration_id, application_id);

CREATE TABLE application_ratings (
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    score             smallint NOT NULL CHECK (score BETWEEN 1 AND 4),
    comment           text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    rated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, agent_id)
);
-- The list's "rated at least" filter groups ratings of one administration.
CREATE INDEX application_ratings_administration_idx ON application_ratings (administration_id, application_id, score);

CREATE TABLE tags (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    label             citext NOT NULL CHECK (length(label) BETWEEN 1 AND 40),
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (administration_id, label),
    UNIQUE (administration_id, id)
);

CREATE TABLE application_tags (
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    tag_id            bigint NOT NULL,
    administration_id bigint NOT NULL,
    PRIMARY KEY (application_id, tag_id),
    FOREIGN KEY (administration_id, tag_id) REFERENCES tags (administration_id, id) ON DELETE CASCADE
);
CREATE INDEX application_tags_tag_idx ON application_tags (tag_id, application_id);

-- What recruiters wrote about a person goes with the person's data: an
-- application erased (retention or the candidate's request) loses its notes
-- and the comments of its ratings, whatever code path erased it.
-- +goose StatementBegin
CREATE FUNCTION applications_erase_collaboration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM application_notes WHERE application_id = NEW.id;
    UPDATE application_ratings SET comment = '' WHERE application_id = NEW.id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_erase_collaboration AFTER UPDATE OF category ON applications
    FOR EACH ROW WHEN (NEW.category = 'anonymisee' AND OLD.category <> 'anonymisee')
    EXECUTE FUNCTION applications_erase_collaboration();

-- The per-offer list's search by name compares lowercased names: these make
-- it a lookup rather than a pass over every candidate of the offer.
CREATE INDEX candidates_last_name_lower_idx ON candidates (lower(last_name));
CREATE INDEX candidates_full_name_lower_idx ON candidates (lower(first_name || ' ' || last_name));

-- +goose Down
DROP INDEX candidates_full_name_lower_idx;
DROP INDEX candidates_last_name_lower_idx;
DROP TRIGGER applications_erase_collaboration ON applications;
DROP FUNCTION applications_erase_collaboration();
DROP TABLE application_tags;
DROP TABLE tags;
DROP TABLE application_ratings;
DROP TABLE application_assignees;
DROP TABLE note_mentions;
DROP TABLE application_notes;

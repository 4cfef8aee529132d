-- Selection boards (jury of a concours, commission of an offer). A board
-- marks the applications assigned to it on a grid of weighted criteria,
-- each member on their own; the president closes the marking (members then
-- see each other's marks), places applications on the liste principale and
-- the liste complémentaire, and finally "arrête" the results: from then on
-- the database itself refuses any change of marks, conflicts, grid or lists,
-- as it refuses changes of the audit log.

-- +goose Up
CREATE TABLE selection_boards (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    offer_id          bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('jury', 'commission')),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Every criterion is marked from 0 to scale_max (20 for "sur 20").
    scale_max         integer NOT NULL DEFAULT 20 CHECK (scale_max BETWEEN 1 AND 1000),
    -- How equal weighted totals are ordered: by the mark of one criterion
    -- (tie_criterion_id, highest first), by the lowest spread between
    -- members, or by the date of the application (earliest first).
    tie_rule          text NOT NULL DEFAULT 'criterion' CHECK (tie_rule IN ('criterion', 'spread', 'applied_at')),
    tie_criterion_id  bigint,
    -- Admissibility after a written stage: the weighted mean, on the scale,
    -- that an application must reach (NULL: no admissibility stage).
    threshold         numeric(8, 3) CHECK (threshold IS NULL OR threshold >= 0),
    marking_closed_at timestamptz,
    marking_closed_by text NOT NULL DEFAULT '',
    arrested_at       timestamptz,
    arrested_by       text NOT NULL DEFAULT '',
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX selection_boards_offer ON selection_boards (administration_id, offer_id);

-- Members: agents of the administration, or outside members invited by
-- email (agent_id is set once they have an account; their role membre_jury
-- lets them see only what their boards are given). One president per board.
CREATE TABLE board_members (
    id         bigserial PRIMARY KEY,
    board_id   bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    agent_id   bigint REFERENCES agents (id) ON DELETE SET NULL,
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    president  boolean NOT NULL DEFAULT false,
    added_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, email)
);
CREATE UNIQUE INDEX board_members_one_president ON board_members (board_id) WHERE president;
CREATE INDEX board_members_agent ON board_members (agent_id) WHERE agent_id IS NOT NULL;

-- The grid: criteria in order, each with a weight.
CREATE TABLE board_criteria (
    id       bigserial PRIMARY KEY,
    board_id bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 1),
    label    text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    weight   numeric(6, 2) NOT NULL CHECK (weight > 0),
    UNIQUE (board_id, position)
);
ALTER TABLE selection_boards
    ADD CONSTRAINT selection_boards_tie_criterion FOREIGN KEY (tie_criterion_id) REFERENCES board_criteria (id) ON DELETE SET NULL;

-- The applications given to the board (of its offer and administration).
CREATE TABLE board_applications (
    board_id       bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (board_id, application_id)
);
CREATE INDEX board_applications_application ON board_applications (application_id);

-- A member who declares a conflict of interest for a candidate no longer
-- marks that application; the declaration stays on record.
CREATE TABLE board_conflicts (
    board_id       bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    member_id      bigint NOT NULL REFERENCES board_members (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    declared_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, application_id)
);

-- One mark per member, application and criterion, from 0 to the scale.
CREATE TABLE board_marks (
    board_id       bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    member_id      bigint NOT NULL REFERENCES board_members (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    criterion_id   bigint NOT NULL REFERENCES board_criteria (id) ON DELETE CASCADE,
    score          numeric(8, 2) NOT NULL CHECK (score >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, application_id, criterion_id)
);
CREATE INDEX board_marks_board ON board_marks (board_id, application_id);

-- A member's comment on an application, beside their marks.
CREATE TABLE board_comments (
    board_id       bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    member_id      bigint NOT NULL REFERENCES board_members (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    body           text NOT NULL CHECK (length(body) <= 5000),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, application_id)
);

-- The lists, ranked from 1 within each.
CREATE TABLE board_list_entries (
    board_id       bigint NOT NULL REFERENCES selection_boards (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    list           text NOT NULL CHECK (list IN ('principale', 'complementaire')),
    rank           integer NOT NULL CHECK (rank >= 1),
    placed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (board_id, application_id),
    UNIQUE (board_id, list, rank) DEFERRABLE INITIALLY DEFERRED
);

-- +goose StatementBegin
CREATE FUNCTION board_arrested_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        b := OLD.board_id;
        -- A row that goes with its application (a cascade) is not a change
        -- of the results.
        IF to_jsonb(OLD) ? 'application_id' AND NOT EXISTS
            (SELECT 1 FROM applications WHERE id = (to_jsonb(OLD) ->> 'application_id')::bigint) THEN
            RETURN OLD;
        END IF;
    ELSE
        b := NEW.board_id;
    END IF;
    IF EXISTS (SELECT 1 FROM selection_boards WHERE id = b AND arrested_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the results of board % are arrested: % on % refused', b, TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'board_arrested';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER board_marks_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_marks
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();
CREATE TRIGGER board_list_entries_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_list_entries
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();
CREATE TRIGGER board_conflicts_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_conflicts
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();
CREATE TRIGGER board_criteria_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_criteria
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();
CREATE TRIGGER board_comments_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_comments
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();
CREATE TRIGGER board_applications_arrested BEFORE INSERT OR UPDATE OR DELETE ON board_applications
    FOR EACH ROW EXECUTE FUNCTION board_arrested_guard();

-- An arrested board stays arrested, with its settings as they were; only
-- the deletion of its offer (and so of everything) may remove it.
-- +goose StatementBegin
CREATE FUNCTION board_arrested_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.arrested_at IS NOT NULL THEN
        RAISE EXCEPTION 'the results of board % are arrested: the board cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'board_arrested';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER selection_boards_arrested BEFORE UPDATE ON selection_boards
    FOR EACH ROW EXECUTE FUNCTION board_arrested_final();

-- +goose Down
DROP TABLE board_list_entries, board_comments, board_marks, board_conflicts, board_applications;
ALTER TABLE selection_boards DROP CONSTRAINT selection_boards_tie_criterion;
DROP TABLE board_criteria, board_members, selection_boards;
DROP FUNCTION board_arrested_final();
DROP FUNCTION board_arrested_guard();

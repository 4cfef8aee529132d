-- Complete application files: the documents an offer asks for (its
-- criteria's documents_requis lines) are sent with the application as files
-- of kind 'piece' named by the document's label, and a recruiter may ask for
-- missing or extra ones later (document_requests), which the candidate adds
-- from their space.
--
-- A line of documents_requis reads "Label (facultatif) [PDF, image, ODT-DOCX]":
-- both suffixes are optional; without "(facultatif)" the document is
-- required. The two functions below are the database's reading of a line,
-- used by the "incomplete file" condition of the lists and the board; the Go
-- reading (vivier.ParseOfferDocument) is tested against them.

-- +goose Up
ALTER TABLE application_files DROP CONSTRAINT application_files_kind_check;
ALTER TABLE application_files ADD CONSTRAINT application_files_kind_check CHECK (kind IN ('cv', 'lettre', 'piece'));
ALTER TABLE application_files ADD COLUMN label text NOT NULL DEFAULT '' CHECK (length(label) <= 300);
-- The checklist and the incomplete condition look the pieces up by label.
CREATE INDEX application_files_pieces_idx ON application_files (application_id, lower(label))
    WHERE kind = 'piece' AND deleted_at IS NULL;

-- +goose StatementBegin
CREATE FUNCTION offer_document_label(line text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN btrim(regexp_replace(line, '(\s*(\[[^\]]*\]|\(facultatif\)))+\s*$', '', 'i'));
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION offer_document_optional(line text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN line ~* '\(facultatif\)(\s*\[[^\]]*\])*\s*$';
-- +goose StatementEnd

CREATE TABLE document_requests (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 300),
    types             text[] NOT NULL CHECK (cardinality(types) > 0 AND types <@ ARRAY['pdf', 'image', 'office']),
    message           text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
    asked_by          bigint REFERENCES agents (id) ON DELETE SET NULL,
    asked_at          timestamptz NOT NULL DEFAULT now(),
    deadline          date NOT NULL, -- the last day, in Europe/Paris
    fulfilled_at      timestamptz,
    file_id           bigint REFERENCES application_files (id) ON DELETE SET NULL,
    CHECK (file_id IS NULL OR fulfilled_at IS NOT NULL)
);
CREATE INDEX document_requests_application_idx ON document_requests (application_id, asked_at);
-- The reminder task looks for the open requests due in two days.
CREATE INDEX document_requests_open_idx ON document_requests (deadline) WHERE fulfilled_at IS NULL;

-- The history's events about documents (asked, added) are not moves: the
-- board's "days at this step" ignores them, as it ignores interviews'.
ALTER TABLE application_events ADD COLUMN documents boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE application_events DROP COLUMN documents;
DROP TABLE document_requests;
DROP FUNCTION offer_document_optional(text);
DROP FUNCTION offer_document_label(text);
DROP INDEX application_files_pieces_idx;
ALTER TABLE application_files DROP COLUMN label;
DELETE FROM application_files WHERE kind = 'piece';
ALTER TABLE application_files DROP CONSTRAINT application_files_kind_check;
ALTER TABLE application_files ADD CONSTRAINT application_files_kind_check CHECK (kind IN ('cv', 'lettre'));

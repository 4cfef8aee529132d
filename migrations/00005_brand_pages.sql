-- Employer brand pages: one draft per administration, every published version
-- kept (the public page shows the latest), and the images they use, stored
-- re-encoded, under their digest so that their URL never changes meaning.

-- +goose Up
CREATE TABLE brand_images (
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type      text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width             integer NOT NULL CHECK (width > 0),
    height            integer NOT NULL CHECK (height > 0),
    data              bytea NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (administration_id, sha256)
);

CREATE TABLE brand_pages (
    administration_id bigint PRIMARY KEY REFERENCES administrations (id) ON DELETE CASCADE,
    draft             jsonb NOT NULL DEFAULT '{}',
    published_version integer,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE brand_versions (
    administration_id  bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    version            integer NOT NULL CHECK (version > 0),
    content            jsonb NOT NULL,
    -- Where the employer has places, for the /employeurs filter.
    region_codes       text[] NOT NULL DEFAULT '{}',
    published_by       bigint REFERENCES agents (id) ON DELETE SET NULL,
    published_by_email citext NOT NULL DEFAULT '',
    published_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (administration_id, version)
);

-- +goose Down
DROP TABLE brand_versions;
DROP TABLE brand_pages;
DROP TABLE brand_images;

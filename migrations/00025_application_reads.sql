-- When each agent last opened each application: the board marks an
-- application whose notes (by someone else) or candidate messages are newer
-- than the reader's last visit. One row per agent and application, updated
-- on each visit; the key leads with the application, as the board looks it
-- up card by card.

-- +goose Up
CREATE TABLE application_reads (
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    read_at           timestamptz NOT NULL,
    PRIMARY KEY (application_id, agent_id)
);
CREATE INDEX application_reads_agent_idx ON application_reads (agent_id);

-- +goose Down
DROP TABLE application_reads;

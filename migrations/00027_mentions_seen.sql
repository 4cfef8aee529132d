-- "Ma file" counts the notes that mention an agent and that they have not
-- seen since: seen_at is set when the agent mentioned opens the
-- application. The partial index serves the queue's lookup of one agent's
-- unseen mentions.

-- +goose Up
ALTER TABLE note_mentions ADD COLUMN seen_at timestamptz;
CREATE INDEX note_mentions_unseen_idx ON note_mentions (agent_id, note_id) WHERE seen_at IS NULL;

-- +goose Down
DROP INDEX note_mentions_unseen_idx;
ALTER TABLE note_mentions DROP COLUMN seen_at;

-- The public agents' mobility space (/mobilite). Agents of any
-- administration, who need not be users of the back-office, sign in by an
-- emailed link (mobility_links, the token's digest only, one hour, one use)
-- and keep a session (mobility_sessions, the cookie's digest only, ended
-- after 30 days without use). Their skills profile is seen by recruiters
-- only when its owner chose so, and only while it is not expired; each
-- view is logged for the agent to read. Erasing a mobility agent deletes
-- everything below it (ON DELETE CASCADE).
--
-- An address is accepted when its domain ends in .gouv.fr, is listed by an
-- administration (administrations.email_domains), or is a back-office
-- agent's. Offers may be reserved to public agents (which implies
-- "ouvert à la mobilité interne": the Store keeps the two together, an
-- update through the API that closes it to mobility ends the reservation);
-- an application made from the space
-- names its mobility agent.

-- +goose Up
ALTER TABLE administrations ADD COLUMN email_domains text[] NOT NULL DEFAULT '{}';
ALTER TABLE offers ADD COLUMN reserved_to_agents boolean NOT NULL DEFAULT false;

CREATE TABLE mobility_agents (
    id         bigserial PRIMARY KEY,
    email      citext NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE applications ADD COLUMN mobility_agent_id bigint REFERENCES mobility_agents (id) ON DELETE SET NULL;

CREATE TABLE mobility_links (
    token_hash bytea PRIMARY KEY,
    email      citext NOT NULL,
    return_to  text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX mobility_links_email_idx ON mobility_links (email);

CREATE TABLE mobility_sessions (
    token_hash   bytea PRIMARY KEY,
    agent_id     bigint NOT NULL REFERENCES mobility_agents (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mobility_sessions_agent_idx ON mobility_sessions (agent_id);

CREATE TABLE mobility_profiles (
    id               bigserial PRIMARY KEY,
    agent_id         bigint NOT NULL UNIQUE REFERENCES mobility_agents (id) ON DELETE CASCADE,
    first_name       text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name        text NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    metier_id        bigint REFERENCES metiers (id) ON DELETE SET NULL,
    categorie        text NOT NULL DEFAULT '' CHECK (categorie IN ('', 'A+', 'A', 'B', 'C')),
    grade            text NOT NULL DEFAULT '' CHECK (length(grade) <= 150),
    current_employer text NOT NULL DEFAULT '' CHECK (length(current_employer) <= 200),
    region_codes     text[] NOT NULL DEFAULT '{}',
    visibility       text NOT NULL DEFAULT 'hidden' CHECK (visibility IN ('hidden', 'all', 'some')),
    cv_key           text,
    cv_name          text NOT NULL DEFAULT '',
    cv_content_type  text NOT NULL DEFAULT '',
    cv_size          bigint NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE INDEX mobility_profiles_search_idx ON mobility_profiles (expires_at) WHERE visibility <> 'hidden';

CREATE TABLE mobility_profile_competences (
    profile_id    bigint NOT NULL REFERENCES mobility_profiles (id) ON DELETE CASCADE,
    competence_id bigint NOT NULL REFERENCES competences (id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, competence_id)
);
CREATE INDEX mobility_profile_competences_idx ON mobility_profile_competences (competence_id);

-- The administrations a profile "visible to some" is shown to.
CREATE TABLE mobility_profile_administrations (
    profile_id        bigint NOT NULL REFERENCES mobility_profiles (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, administration_id)
);

CREATE TABLE mobility_profile_views (
    id                bigserial PRIMARY KEY,
    profile_id        bigint NOT NULL REFERENCES mobility_profiles (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    viewer_id         bigint REFERENCES agents (id) ON DELETE SET NULL,
    viewed_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mobility_profile_views_profile_idx ON mobility_profile_views (profile_id, viewed_at DESC);

CREATE TABLE mobility_invitations (
    id                bigserial PRIMARY KEY,
    profile_id        bigint NOT NULL REFERENCES mobility_profiles (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    offer_id          bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    sender_id         bigint REFERENCES agents (id) ON DELETE SET NULL,
    message           text NOT NULL CHECK (length(message) <= 3000),
    answer            text NOT NULL DEFAULT '' CHECK (answer IN ('', 'interesse', 'pas_interesse')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    answered_at       timestamptz
);
CREATE INDEX mobility_invitations_profile_idx ON mobility_invitations (profile_id, created_at DESC);
CREATE INDEX mobility_invitations_admin_idx ON mobility_invitations (administration_id, profile_id);

-- +goose Down
DROP TABLE mobility_invitations;
DROP TABLE mobility_profile_views;
DROP TABLE mobility_profile_administrations;
DROP TABLE mobility_profile_competences;
DROP TABLE mobility_profiles;
DROP TABLE mobility_sessions;
DROP TABLE mobility_links;
ALTER TABLE applications DROP COLUMN mobility_agent_id;
DROP TABLE mobility_agents;
ALTER TABLE offers DROP COLUMN reserved_to_agents;
ALTER TABLE administrations DROP COLUMN email_domains;

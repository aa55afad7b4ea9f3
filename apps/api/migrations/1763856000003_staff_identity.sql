-- Up Migration
-- Staff accounts. Emails are unique whatever their case; the hash is a PHC string (argon2id, parameters
-- inside it, so they can be raised later and old hashes still verify).
CREATE TABLE staff_users (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  password_hash text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));

-- Server-side sessions. Only a SHA-256 digest of the session id is stored: a leaked table opens no session.
CREATE TABLE staff_sessions (
  id_digest    bytea       PRIMARY KEY,
  user_id      uuid        NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

-- Machine credentials. The key is shown once; a SHA-256 digest finds it (keys are random, not passwords).
CREATE TABLE api_keys (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_digest   bytea       NOT NULL UNIQUE,
  prefix       text        NOT NULL,
  scopes       text[]      NOT NULL CHECK (cardinality(scopes) >= 1),
  created_by   uuid        REFERENCES staff_users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Down Migration
DROP TABLE api_keys;
DROP TABLE staff_sessions;
DROP TABLE staff_users;

-- Refresh tokens descend from one login in a family: a spent token presented again (a
-- stolen copy racing its owner) revokes every token of its family. Tokens issued before
-- this migration each start their own family.
ALTER TABLE refresh_tokens ADD COLUMN family_id TEXT;
UPDATE refresh_tokens SET family_id = id;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

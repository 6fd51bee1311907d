-- Fingerprints of liveness frames already submitted, to catch a replay of earlier frames.
-- A fingerprint is a keyed hash (HMAC-SHA256 under a key derived from the master key) of the
-- decoded pixels: it cannot be linked to an image outside this server and reveals nothing
-- about the face. Kept across transactions and tenants on purpose (a replay is a replay
-- whoever saw the frame first); deleting a transaction does not delete its fingerprints.
CREATE TABLE liveness_frames (
    fingerprint TEXT PRIMARY KEY,
    first_seen_at BIGINT NOT NULL
);

-- Face embeddings kept for a transaction (e.g. the ID photo's, for a later face match).
-- Biometric data: sealed like every other PII column; never the image itself.
CREATE TABLE face_templates (
    id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    step_id TEXT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    embedding_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX face_templates_by_transaction ON face_templates (transaction_id, source, created_at);

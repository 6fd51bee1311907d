-- Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids are UUID strings, times are Unix milliseconds (BIGINT), flags are BIGINT 0/1.
-- Columns ending in _sealed hold AES-256-GCM ciphertext (PII at rest is encrypted).

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE admin_users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, user_name)
);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_transaction_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX transactions_by_tenant ON transactions (tenant_id, created_at);

CREATE TABLE steps (
    id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    step_type TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL,
    error_code BIGINT,
    validation_codes TEXT NOT NULL,
    result_sealed TEXT NOT NULL
);
CREATE INDEX steps_by_transaction ON steps (transaction_id, created_at);

CREATE TABLE step_images (
    step_id TEXT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    image_sealed TEXT NOT NULL,
    PRIMARY KEY (step_id, name)
);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    created_at BIGINT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_events (tenant_id, created_at);

-- AML screening lists. A list is imported as a new version in state 'importing'; its entries
-- are written in chunks; only then is it flipped to 'active' (and the previous version of the
-- same list to 'superseded') in one transaction, so a half-imported list is never visible.
-- tenant_id NULL = a list the operator imported for every tenant (sanctions lists).
CREATE TABLE aml_lists (
    id TEXT PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    entry_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    activated_at BIGINT
);
CREATE INDEX aml_lists_by_name ON aml_lists (name, status);

-- Entries as sealed JSON-lines chunks (tenant blacklists hold national IDs).
CREATE TABLE aml_list_chunks (
    list_id TEXT NOT NULL REFERENCES aml_lists (id) ON DELETE CASCADE,
    chunk_no BIGINT NOT NULL,
    entries_sealed TEXT NOT NULL,
    PRIMARY KEY (list_id, chunk_no)
);

-- Analyst decisions on hits. A 'false_positive' for (person, entry) silences that pair until
-- the entry's content changes (entry_digest).
CREATE TABLE aml_reviews (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    person_key TEXT NOT NULL,
    list_name TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    entry_digest TEXT NOT NULL,
    decision TEXT NOT NULL,
    analyst TEXT NOT NULL,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX aml_reviews_by_person ON aml_reviews (tenant_id, person_key, list_name, entry_id);

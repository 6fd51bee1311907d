-- The client's reference lower-cased by the server (Rust's full Unicode case folding), so the
-- transaction filter finds `école` with `ÉCOLE` on SQLite too, whose LOWER() folds ASCII only.
-- Rows written before this migration are folded by the database's own LOWER() here.
ALTER TABLE transactions ADD COLUMN client_transaction_id_folded TEXT;
UPDATE transactions SET client_transaction_id_folded = LOWER(client_transaction_id);

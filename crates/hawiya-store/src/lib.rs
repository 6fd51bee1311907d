//! Persistence for Hawiya.
//!
//! One [`Store`] over `sqlx`'s `Any` driver serves both databases: a SQLite file in the data
//! directory by default, PostgreSQL when the URL says `postgres://`. The schema in
//! `migrations/` is portable SQL (text ids, BIGINT millisecond times), so one set of queries and
//! one migration history serve both. PII (step results, images) is sealed before it is written.

mod aml;
pub mod crypto;
mod records;

pub use aml::{AmlList, AmlReview, AML_CHUNK_SIZE};
pub use crypto::{random_token, sha256_hex, MasterKey, Sealer};
pub use records::*;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Migrations embedded at compile time.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Errors of store operations that callers handle (everything else is `Other`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint was violated (e.g. a tenant name already taken).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(db.message().to_string());
            }
        }
        StoreError::Other(e.into())
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Milliseconds since the Unix epoch, the time unit of every column.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The database handle shared by the whole server.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    sealer: Sealer,
    /// On SQLite (one writer at a time), this process's writes take turns here, in order,
    /// instead of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms).
    write_gate: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

impl Store {
    /// Connects to `url` (`sqlite://...` or `postgres://...`) and applies pending migrations.
    pub async fn connect(url: &str, sealer: Sealer) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("unsupported database URL (use sqlite:// or postgres://)");
        };
        let mut options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(url)
            .await
            .with_context(|| format!("connecting to the {backend:?} database"))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Self {
            pool,
            backend,
            sealer,
            write_gate: (backend == Backend::Sqlite).then(Default::default),
        })
    }

    /// This process's turn to write ([`Store::write_gate`]), held until the write commits
    /// or is dropped; `None` on PostgreSQL, where writers do not exclude each other.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_gate {
            Some(gate) => Some(gate.lock().await),
            None => None,
        }
    }

    /// The URL of the default SQLite database inside `data_dir`.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("hawiya.db").display())
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The sealer used for PII columns.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes every connection (used at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---------------------------------------------------------------- tenants and credentials

    /// Creates a tenant with its first API key (stored as a hash) and its admin user, atomically.
    pub async fn create_tenant(
        &self,
        name: &str,
        api_key_hash: &str,
        api_key_prefix: &str,
        admin_user_name: &str,
        admin_password_hash: &str,
    ) -> StoreResult<Tenant> {
        let now = now_millis();
        let tenant = Tenant {
            id: new_id(),
            name: name.to_string(),
            created_at: now,
        };
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&tenant.id)
            .bind(&tenant.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO api_keys (id, tenant_id, key_prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(&tenant.id)
        .bind(api_key_prefix)
        .bind(api_key_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO admin_users (id, tenant_id, user_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(&tenant.id)
        .bind(admin_user_name)
        .bind(admin_password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_audit(
            &mut *tx,
            Some(&tenant.id),
            "cli",
            "tenant.create",
            Some(&tenant.id),
            &serde_json::json!({ "name": name }),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }

    /// The tenant owning the active API key with this hash.
    pub async fn tenant_by_api_key_hash(&self, key_hash: &str) -> StoreResult<Option<Tenant>> {
        let row = sqlx::query(
            "SELECT t.id, t.name, t.created_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| tenant_from_row(&r)).transpose()?)
    }

    /// The tenant with this name.
    pub async fn tenant_by_name(&self, name: &str) -> StoreResult<Option<Tenant>> {
        let row = sqlx::query("SELECT id, name, created_at FROM tenants WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| tenant_from_row(&r)).transpose()?)
    }

    /// The admin user of `tenant_id` named `user_name`.
    pub async fn admin_user(
        &self,
        tenant_id: &str,
        user_name: &str,
    ) -> StoreResult<Option<AdminUser>> {
        let row = sqlx::query(
            "SELECT id, tenant_id, user_name, password_hash FROM admin_users WHERE tenant_id = $1 AND user_name = $2",
        )
        .bind(tenant_id)
        .bind(user_name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| admin_user_from_row(&r)).transpose()?)
    }

    /// Stores a new refresh token (as a hash) for `user`, the first of a new family.
    pub async fn insert_refresh_token(
        &self,
        user: &AdminUser,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let id = new_id();
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO refresh_tokens (id, tenant_id, user_id, token_hash, created_at, expires_at, family_id) VALUES ($1, $2, $3, $4, $5, $6, $1)",
        )
        .bind(&id)
        .bind(&user.tenant_id)
        .bind(&user.id)
        .bind(token_hash)
        .bind(now_millis())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Atomically spends the refresh token `old_hash` and stores `new_hash` in its place.
    ///
    /// Returns the token's user, or `None` when the token is unknown, expired, already spent,
    /// or not of `tenant_id` (when given). A token can be rotated once; a second use, even
    /// concurrent, fails, and revokes every token of its family (all descend from one
    /// login), so a stolen copy dies with the original's later tokens. The transaction starts with the write that spends the token, so
    /// concurrent rotations serialise on it (SQLite takes its write lock there; PostgreSQL
    /// locks the row).
    pub async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        tenant_id: Option<&str>,
    ) -> StoreResult<Option<AdminUser>> {
        let now = now_millis();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL \
             AND expires_at > $1 AND ($3 IS NULL OR tenant_id = $3)",
        )
        .bind(now)
        .bind(old_hash)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() != 1 {
            // A spent token presented again: its whole family goes.
            sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND family_id = \
                 (SELECT family_id FROM refresh_tokens WHERE token_hash = $2 \
                  AND revoked_at IS NOT NULL AND ($3 IS NULL OR tenant_id = $3))",
            )
            .bind(now)
            .bind(old_hash)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT u.id, u.tenant_id, u.user_name, u.password_hash, r.family_id \
             FROM refresh_tokens r JOIN admin_users u ON u.id = r.user_id WHERE r.token_hash = $1",
        )
        .bind(old_hash)
        .fetch_one(&mut *tx)
        .await?;
        let user = admin_user_from_row(&row)?;
        let family: Option<String> = row.try_get("family_id").map_err(anyhow::Error::from)?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO refresh_tokens (id, tenant_id, user_id, token_hash, created_at, expires_at, family_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&user.tenant_id)
        .bind(&user.id)
        .bind(new_hash)
        .bind(now)
        .bind(new_expires_at)
        .bind(family.unwrap_or_else(|| id.clone()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    // ---------------------------------------------------------------- transactions and steps

    /// The transaction `id` if it exists *and* belongs to `tenant_id`.
    pub async fn transaction(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> StoreResult<Option<TransactionSummary>> {
        let row = sqlx::query(&format!(
            "{TRANSACTION_SUMMARY_SELECT} WHERE t.tenant_id = $1 AND t.id = $2 GROUP BY t.id, t.client_transaction_id, t.created_at, t.updated_at"
        ))
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| summary_from_row(&r)).transpose()?)
    }

    /// Pages through a tenant's transactions, newest first; `filter` matches the client id.
    pub async fn list_transactions(
        &self,
        tenant_id: &str,
        filter: Option<&str>,
        skip: i64,
        max: i64,
    ) -> StoreResult<(i64, Vec<TransactionSummary>)> {
        // Case-insensitive on both databases (against the reference as the server folded it),
        // and the filter's own `%`, `_`, `\` are literal.
        let pattern = filter.map(|f| {
            let escaped = f
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM transactions WHERE tenant_id = $1 \
             AND ($2 IS NULL OR client_transaction_id_folded LIKE $2 ESCAPE '\\')",
        )
        .bind(tenant_id)
        .bind(pattern.as_deref())
        .fetch_one(&self.pool)
        .await?
        .try_get("n")
        .map_err(anyhow::Error::from)?;
        let rows = sqlx::query(&format!(
            "{TRANSACTION_SUMMARY_SELECT} WHERE t.tenant_id = $1 AND ($2 IS NULL OR t.client_transaction_id_folded LIKE $2 ESCAPE '\\') \
             GROUP BY t.id, t.client_transaction_id, t.created_at, t.updated_at \
             ORDER BY t.created_at DESC, t.id LIMIT $3 OFFSET $4"
        ))
        .bind(tenant_id)
        .bind(pattern.as_deref())
        .bind(max)
        .bind(skip)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(summary_from_row)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok((total, items))
    }

    /// Records one step, creating its transaction first when `step.transaction` is
    /// [`TransactionRef::New`]. All-or-nothing: on error nothing is written.
    pub async fn record_step(&self, step: NewStep) -> StoreResult<StoredStep> {
        let now = now_millis();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let transaction_id = match &step.transaction {
            TransactionRef::New {
                client_transaction_id,
            } => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO transactions (id, tenant_id, client_transaction_id, client_transaction_id_folded, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(&id)
                .bind(&step.tenant_id)
                .bind(client_transaction_id.as_deref())
                .bind(client_transaction_id.as_deref().map(str::to_lowercase))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
            TransactionRef::Existing(id) => {
                let touched = sqlx::query(
                    "UPDATE transactions SET updated_at = $1 WHERE id = $2 AND tenant_id = $3",
                )
                .bind(now)
                .bind(id)
                .bind(&step.tenant_id)
                .execute(&mut *tx)
                .await?;
                if touched.rows_affected() != 1 {
                    return Err(anyhow::anyhow!("transaction {id} vanished").into());
                }
                id.clone()
            }
        };
        let step_id = new_id();
        let result = serde_json::to_vec(&step.result).map_err(anyhow::Error::from)?;
        sqlx::query(
            "INSERT INTO steps (id, transaction_id, tenant_id, step_type, endpoint, request_id, created_at, succeeded, error_code, validation_codes, result_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&step_id)
        .bind(&transaction_id)
        .bind(&step.tenant_id)
        .bind(&step.step_type)
        .bind(&step.endpoint)
        .bind(&step.request_id)
        .bind(now)
        .bind(i64::from(step.succeeded))
        .bind(step.error_code.map(i64::from))
        .bind(serde_json::to_string(&step.validation_codes).map_err(anyhow::Error::from)?)
        .bind(self.sealer.seal(&result))
        .execute(&mut *tx)
        .await?;
        for (name, bytes) in &step.images {
            sqlx::query(
                "INSERT INTO step_images (step_id, name, image_sealed) VALUES ($1, $2, $3)",
            )
            .bind(&step_id)
            .bind(name)
            .bind(self.sealer.seal(bytes))
            .execute(&mut *tx)
            .await?;
        }
        for (source, embedding) in &step.face_templates {
            let bytes: Vec<u8> = embedding.iter().flat_map(|v| v.to_le_bytes()).collect();
            sqlx::query(
                "INSERT INTO face_templates (id, transaction_id, tenant_id, step_id, source, embedding_sealed, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(&transaction_id)
            .bind(&step.tenant_id)
            .bind(&step_id)
            .bind(source)
            .bind(self.sealer.seal(&bytes))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for fingerprint in &step.frame_fingerprints {
            sqlx::query(
                "INSERT INTO liveness_frames (fingerprint, first_seen_at) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING",
            )
            .bind(fingerprint)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(StoredStep {
            id: step_id,
            transaction_id,
            created_at: now,
        })
    }

    /// How many of `fingerprints` were recorded by earlier liveness steps (of any tenant).
    pub async fn seen_frames(&self, fingerprints: &[String]) -> StoreResult<usize> {
        let mut seen = 0;
        for fingerprint in fingerprints {
            let row = sqlx::query("SELECT 1 AS hit FROM liveness_frames WHERE fingerprint = $1")
                .bind(fingerprint)
                .fetch_optional(&self.pool)
                .await?;
            seen += usize::from(row.is_some());
        }
        Ok(seen)
    }

    /// The latest face embedding of `source` kept with a tenant's transaction.
    pub async fn latest_face_template(
        &self,
        tenant_id: &str,
        transaction_id: &str,
        source: &str,
    ) -> StoreResult<Option<Vec<f32>>> {
        let row = sqlx::query(
            "SELECT embedding_sealed FROM face_templates WHERE tenant_id = $1 AND transaction_id = $2 AND source = $3 \
             ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(tenant_id)
        .bind(transaction_id)
        .bind(source)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sealed: String = row
            .try_get("embedding_sealed")
            .map_err(anyhow::Error::from)?;
        let bytes = self.sealer.open(&sealed)?;
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ))
    }

    /// The steps of a tenant's transaction, oldest first, with their results unsealed.
    pub async fn steps(&self, tenant_id: &str, transaction_id: &str) -> StoreResult<Vec<Step>> {
        let rows = sqlx::query(
            "SELECT s.id, s.transaction_id, s.step_type, s.endpoint, s.request_id, s.created_at, s.succeeded, \
             s.error_code, s.validation_codes, s.result_sealed, \
             (SELECT COUNT(*) FROM step_images i WHERE i.step_id = s.id) AS image_count \
             FROM steps s WHERE s.tenant_id = $1 AND s.transaction_id = $2 ORDER BY s.created_at, s.id",
        )
        .bind(tenant_id)
        .bind(transaction_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| step_from_row(r, &self.sealer))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(StoreError::from)
    }

    /// Deletes a tenant's transaction with its steps and images; `false` if there was none.
    pub async fn delete_transaction(
        &self,
        tenant_id: &str,
        id: &str,
        actor: &str,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // Explicit child deletes: SQLite connections opened before `foreign_keys = ON` took
        // effect would otherwise leave orphans.
        sqlx::query("DELETE FROM face_templates WHERE transaction_id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM step_images WHERE step_id IN (SELECT id FROM steps WHERE transaction_id = $1 AND tenant_id = $2)",
        )
        .bind(id)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM steps WHERE transaction_id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM transactions WHERE id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if deleted {
            insert_audit(
                &mut *tx,
                Some(tenant_id),
                actor,
                "transaction.delete",
                Some(id),
                &serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    // ---------------------------------------------------------------- audit

    /// Appends an audit event.
    pub async fn audit(
        &self,
        tenant_id: Option<&str>,
        actor: &str,
        action: &str,
        target: Option<&str>,
        details: &serde_json::Value,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut *conn, tenant_id, actor, action, target, details).await
    }

    /// The most recent audit events of a tenant, newest first.
    pub async fn audit_events(&self, tenant_id: &str, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT id, actor, action, target, created_at, details FROM audit_events \
             WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2",
        )
        .bind(tenant_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(audit_from_row)
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(StoreError::from)
    }
}

const TRANSACTION_SUMMARY_SELECT: &str =
    "SELECT t.id, t.client_transaction_id, t.created_at, t.updated_at, COUNT(s.id) AS steps_count \
     FROM transactions t LEFT JOIN steps s ON s.transaction_id = t.id";

pub(crate) async fn insert_audit<'e, E>(
    executor: E,
    tenant_id: Option<&str>,
    actor: &str,
    action: &str,
    target: Option<&str>,
    details: &serde_json::Value,
) -> StoreResult<()>
where
    E: Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (id, tenant_id, actor, action, target, created_at, details) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(tenant_id)
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(now_millis())
    .bind(details.to_string())
    .execute(executor)
    .await?;
    Ok(())
}

fn tenant_from_row(r: &AnyRow) -> anyhow::Result<Tenant> {
    Ok(Tenant {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
    })
}

fn admin_user_from_row(r: &AnyRow) -> anyhow::Result<AdminUser> {
    Ok(AdminUser {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        user_name: r.try_get("user_name")?,
        password_hash: r.try_get("password_hash")?,
    })
}

fn summary_from_row(r: &AnyRow) -> anyhow::Result<TransactionSummary> {
    Ok(TransactionSummary {
        id: r.try_get("id")?,
        client_transaction_id: r.try_get("client_transaction_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        steps_count: r.try_get("steps_count")?,
    })
}

fn step_from_row(r: &AnyRow, sealer: &Sealer) -> anyhow::Result<Step> {
    let sealed: String = r.try_get("result_sealed")?;
    let result = serde_json::from_slice(&sealer.open(&sealed)?)?;
    let codes: String = r.try_get("validation_codes")?;
    let error_code: Option<i64> = r.try_get("error_code")?;
    Ok(Step {
        id: r.try_get("id")?,
        transaction_id: r.try_get("transaction_id")?,
        step_type: r.try_get("step_type")?,
        endpoint: r.try_get("endpoint")?,
        request_id: r.try_get("request_id")?,
        created_at: r.try_get("created_at")?,
        succeeded: r.try_get::<i64, _>("succeeded")? != 0,
        error_code: error_code.map(|c| c as u16),
        validation_codes: serde_json::from_str(&codes)?,
        result,
        image_count: r.try_get("image_count")?,
    })
}

fn audit_from_row(r: &AnyRow) -> anyhow::Result<AuditEvent> {
    let details: String = r.try_get("details")?;
    Ok(AuditEvent {
        id: r.try_get("id")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        created_at: r.try_get("created_at")?,
        details: serde_json::from_str(&details)?,
    })
}

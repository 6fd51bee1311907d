//! AML lists and analyst reviews.
//!
//! The store keeps list entries as opaque JSON lines (the AML engine defines them), sealed in
//! chunks. A new version is written in one database transaction that also supersedes the
//! previous version: readers see the old list until the new one is complete.

use crate::{insert_audit, new_id, now_millis, Store, StoreError, StoreResult};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Entries per stored chunk.
pub const AML_CHUNK_SIZE: usize = 10_000;

/// One version of an AML list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AmlList {
    /// UUID of this version.
    pub id: String,
    /// Owning tenant; `None` for lists the operator imported for all tenants.
    pub tenant_id: Option<String>,
    /// List name (e.g. `ofac-sdn`), stable across versions.
    pub name: String,
    /// Import format.
    pub format: String,
    /// Version number, from 1.
    pub version: i64,
    /// `active` or `superseded`.
    pub status: String,
    /// Number of entries.
    pub entry_count: i64,
    /// Import time (Unix ms).
    pub created_at: i64,
}

/// An analyst's decision on a hit.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AmlReview {
    /// UUID.
    pub id: String,
    /// Who was screened (a normalised key, not the raw name).
    pub person_key: String,
    /// List name of the entry.
    pub list_name: String,
    /// Entry id within the list.
    pub entry_id: String,
    /// Digest of the entry's content when the decision was taken.
    pub entry_digest: String,
    /// `false_positive` or `true_match`.
    pub decision: String,
    /// Analyst (admin user name).
    pub analyst: String,
    /// Free text.
    pub note: Option<String>,
    /// When (Unix ms).
    pub created_at: i64,
}

fn list_from_row(r: &AnyRow) -> anyhow::Result<AmlList> {
    Ok(AmlList {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        name: r.try_get("name")?,
        format: r.try_get("format")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        entry_count: r.try_get("entry_count")?,
        created_at: r.try_get("created_at")?,
    })
}

const LIST_COLUMNS: &str = "id, tenant_id, name, format, version, status, entry_count, created_at";

impl Store {
    /// Stores a new version of list `name` with `entries` (one JSON document each) and makes
    /// it the active one, superseding the previous version, all in one transaction.
    pub async fn import_aml_list(
        &self,
        tenant_id: Option<&str>,
        name: &str,
        format: &str,
        entries: &[String],
        actor: &str,
    ) -> StoreResult<AmlList> {
        // Seal before the transaction, so the write lock is held only for the inserts.
        let chunks: Vec<String> = entries
            .chunks(AML_CHUNK_SIZE)
            .map(|c| self.sealer.seal(c.join("\n").as_bytes()))
            .collect();
        let now = now_millis();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // The first statement writes: SQLite takes its write lock here and PostgreSQL locks the
        // active row, so concurrent imports of one list serialise instead of failing later.
        sqlx::query(
            "UPDATE aml_lists SET status = 'superseded' WHERE name = $1 AND status = 'active' \
             AND ((tenant_id IS NULL AND $2 IS NULL) OR tenant_id = $2)",
        )
        .bind(name)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
        let version: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM aml_lists WHERE name = $1 \
             AND ((tenant_id IS NULL AND $2 IS NULL) OR tenant_id = $2)",
        )
        .bind(name)
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("v")
        .map_err(anyhow::Error::from)?;
        let list = AmlList {
            id: new_id(),
            tenant_id: tenant_id.map(str::to_string),
            name: name.to_string(),
            format: format.to_string(),
            version,
            status: "active".into(),
            entry_count: entries.len() as i64,
            created_at: now,
        };
        sqlx::query(
            "INSERT INTO aml_lists (id, tenant_id, name, format, version, status, entry_count, created_at, activated_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7)",
        )
        .bind(&list.id)
        .bind(tenant_id)
        .bind(name)
        .bind(format)
        .bind(version)
        .bind(list.entry_count)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (i, chunk) in chunks.iter().enumerate() {
            sqlx::query("INSERT INTO aml_list_chunks (list_id, chunk_no, entries_sealed) VALUES ($1, $2, $3)")
                .bind(&list.id)
                .bind(i as i64)
                .bind(chunk)
                .execute(&mut *tx)
                .await?;
        }
        insert_audit(
            &mut *tx,
            tenant_id,
            actor,
            "aml.import",
            Some(&list.id),
            &serde_json::json!({ "name": name, "format": format, "version": version, "entries": entries.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Deletes the versions of list `name` (of `tenant_id`, or the operator's) older than its
    /// newest `keep` (at least the active one stays), entries included, and on SQLite
    /// truncates the write-ahead log, so repeated imports do not grow the database without
    /// bound. Returns how many versions went.
    pub async fn prune_aml_lists(
        &self,
        tenant_id: Option<&str>,
        name: &str,
        keep: i64,
    ) -> StoreResult<u64> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let old = "SELECT id FROM aml_lists WHERE name = $1 AND status <> 'active' \
             AND ((tenant_id IS NULL AND $2 IS NULL) OR tenant_id = $2) \
             AND version <= (SELECT MAX(version) FROM aml_lists WHERE name = $1 \
             AND ((tenant_id IS NULL AND $2 IS NULL) OR tenant_id = $2)) - $3";
        sqlx::query(&format!(
            "DELETE FROM aml_list_chunks WHERE list_id IN ({old})"
        ))
        .bind(name)
        .bind(tenant_id)
        .bind(keep.max(1))
        .execute(&mut *tx)
        .await?;
        let gone = sqlx::query(&format!("DELETE FROM aml_lists WHERE id IN ({old})"))
            .bind(name)
            .bind(tenant_id)
            .bind(keep.max(1))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        if gone > 0 && self.backend == crate::Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(gone)
    }

    /// Every active list version (all tenants' and the operator's).
    pub async fn active_aml_lists(&self) -> StoreResult<Vec<AmlList>> {
        let rows = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM aml_lists WHERE status = 'active' ORDER BY name, created_at"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(list_from_row)
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }

    /// The lists a tenant can see (its own and the operator's), every version.
    pub async fn aml_lists_for(&self, tenant_id: &str) -> StoreResult<Vec<AmlList>> {
        let rows = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM aml_lists WHERE tenant_id IS NULL OR tenant_id = $1 \
             ORDER BY name, version"
        ))
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(list_from_row)
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }

    /// The entries of a list version, one JSON document each, in import order.
    pub async fn aml_list_entries(&self, list_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT entries_sealed FROM aml_list_chunks WHERE list_id = $1 ORDER BY chunk_no",
        )
        .bind(list_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let sealed: String = r.try_get("entries_sealed").map_err(anyhow::Error::from)?;
            let text =
                String::from_utf8(self.sealer.open(&sealed)?).map_err(anyhow::Error::from)?;
            out.extend(text.lines().map(str::to_string));
        }
        Ok(out)
    }

    /// Records an analyst's decision on a (person, entry) pair; the note is sealed.
    pub async fn record_aml_review(&self, tenant_id: &str, review: &AmlReview) -> StoreResult<()> {
        let note = review
            .note
            .as_deref()
            .map(|n| self.sealer.seal(n.as_bytes()));
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO aml_reviews (id, tenant_id, person_key, list_name, entry_id, entry_digest, decision, analyst, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&review.id)
        .bind(tenant_id)
        .bind(&review.person_key)
        .bind(&review.list_name)
        .bind(&review.entry_id)
        .bind(&review.entry_digest)
        .bind(&review.decision)
        .bind(&review.analyst)
        .bind(note)
        .bind(review.created_at)
        .execute(&mut *tx)
        .await?;
        insert_audit(
            &mut *tx,
            Some(tenant_id),
            &review.analyst,
            "aml.review",
            Some(&review.id),
            &serde_json::json!({
                "list": review.list_name, "entry_id": review.entry_id, "decision": review.decision
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A review note as written: sealed ones opened, ones written before notes were sealed
    /// as they are.
    fn open_note(&self, stored: Option<String>) -> Option<String> {
        let stored = stored?;
        match self.sealer.open(&stored).map(String::from_utf8) {
            Ok(Ok(plain)) => Some(plain),
            _ => Some(stored),
        }
    }

    /// The latest decision per (list, entry) for a screened person of a tenant.
    pub async fn aml_reviews_for(
        &self,
        tenant_id: &str,
        person_key: &str,
    ) -> StoreResult<Vec<AmlReview>> {
        let rows = sqlx::query(
            "SELECT id, person_key, list_name, entry_id, entry_digest, decision, analyst, note, created_at \
             FROM aml_reviews WHERE tenant_id = $1 AND person_key = $2 ORDER BY created_at DESC, id",
        )
        .bind(tenant_id)
        .bind(person_key)
        .fetch_all(&self.pool)
        .await?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in rows {
            let review = AmlReview {
                id: r.try_get("id").map_err(anyhow::Error::from)?,
                person_key: r.try_get("person_key").map_err(anyhow::Error::from)?,
                list_name: r.try_get("list_name").map_err(anyhow::Error::from)?,
                entry_id: r.try_get("entry_id").map_err(anyhow::Error::from)?,
                entry_digest: r.try_get("entry_digest").map_err(anyhow::Error::from)?,
                decision: r.try_get("decision").map_err(anyhow::Error::from)?,
                analyst: r.try_get("analyst").map_err(anyhow::Error::from)?,
                note: self.open_note(r.try_get("note").map_err(anyhow::Error::from)?),
                created_at: r.try_get("created_at").map_err(anyhow::Error::from)?,
            };
            if seen.insert((review.list_name.clone(), review.entry_id.clone())) {
                out.push(review);
            }
        }
        Ok(out)
    }
}

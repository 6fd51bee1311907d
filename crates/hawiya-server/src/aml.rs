//! AML screening in the server: the active lists held in memory with their indexes, kept in
//! step with the store, and the screening of one person against the lists a tenant may see.
//!
//! Lists change by import (CLI or admin endpoint). The server re-reads the set of active list
//! versions every [`REFRESH_EVERY`] and loads what changed, so an import by the CLI, or by
//! another node on the same PostgreSQL, reaches every server without a restart.

use hawiya_aml::{Index, ListEntry, Query};
use hawiya_store::{AmlList, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use utoipa::ToSchema;

/// How often the active lists are compared with the store.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// One active list version in memory.
pub struct LoadedList {
    /// Its store record.
    pub info: AmlList,
    /// Its entries, in import order.
    pub entries: Vec<ListEntry>,
    /// The candidate index over them.
    pub index: Index,
}

/// The lists in memory, by list version id.
#[derive(Default)]
pub struct AmlLists {
    lists: RwLock<HashMap<String, Arc<LoadedList>>>,
    loaded_once: std::sync::atomic::AtomicBool,
    /// One refresh at a time: two overlapping refreshes could each drop the list the other
    /// just loaded, from a snapshot taken before it was committed.
    refreshing: tokio::sync::Mutex<()>,
}

/// One hit as returned in `services.AML.data` (Vlens fields first, Hawiya additions after).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmlRecord {
    /// Case or entry number.
    #[serde(rename = "caseNo")]
    pub case_no: String,
    /// Case year, if the list has one.
    #[serde(rename = "caseYear")]
    pub case_year: Option<i32>,
    /// Record date, if the list has one.
    #[serde(rename = "recordDate")]
    pub record_date: Option<String>,
    /// The entry's name that matched.
    #[serde(rename = "fullName")]
    pub full_name: String,
    /// The entry's national ID, if listed.
    #[serde(rename = "idNumber")]
    pub id_number: Option<String>,
    /// The entry's first birth date, if listed.
    #[serde(rename = "dateOfBirth")]
    pub date_of_birth: Option<String>,
    /// Final score 0-1, as a string (Vlens's type).
    pub score: String,
    /// Name similarity 0-1.
    #[serde(rename = "nameScore")]
    pub name_score: f32,
    /// 1 when the national IDs agree, 0 when they conflict, null when either is missing.
    #[serde(rename = "idScore")]
    pub id_score: Option<f32>,
    /// Birth-date agreement, null when either is missing.
    #[serde(rename = "dobScore")]
    pub dob_score: Option<f32>,
    /// List name and version.
    pub list: String,
    /// List version number.
    #[serde(rename = "listVersion")]
    pub list_version: i64,
    /// Entry id within the list.
    #[serde(rename = "entryId")]
    pub entry_id: String,
    /// Digest of the entry's content (what a review decision is tied to).
    #[serde(rename = "entryDigest")]
    pub entry_digest: String,
    /// Latest analyst decision on this (person, entry), if any.
    pub review: Option<String>,
    /// Whether this hit alerts (over the threshold and not cleared).
    pub alert: bool,
}

/// Result of screening one person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Screening {
    /// Any alerting hit.
    #[serde(rename = "AML_matched")]
    pub matched: bool,
    /// Hits over the threshold, best first.
    pub data: Vec<AmlRecord>,
    /// Decision threshold on `score`.
    pub threshold: f32,
    /// Key of the screened person for review decisions (a digest, not the name).
    #[serde(rename = "personKey")]
    pub person_key: String,
    /// Lists screened: `name@version`.
    pub lists: Vec<String>,
}

/// Digest of an entry's content: a review holds until the entry changes.
pub fn entry_digest(entry: &ListEntry) -> String {
    let json = serde_json::to_vec(entry).unwrap_or_default();
    hex::encode(&Sha256::digest(json)[..12])
}

/// Key of a screened person: digest of the normalised name and ID number.
pub fn person_key(name: &str, national_id: Option<&str>) -> String {
    let id = national_id
        .map(hawiya_core::digits::normalize_digits)
        .unwrap_or_default();
    let text = format!("{}|{}", hawiya_aml::normalize_name(name), id.trim());
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

impl AmlLists {
    /// Whether the first load from the store has finished.
    pub fn is_loaded(&self) -> bool {
        self.loaded_once.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Loads list versions that became active and drops those that did not stay active.
    /// A list that fails to load is logged and skipped; the others still load.
    pub async fn refresh(&self, store: &Store) -> anyhow::Result<()> {
        let _one_at_a_time = self.refreshing.lock().await;
        let active = store.active_aml_lists().await?;
        let known: Vec<String> = self
            .lists
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        // Lists whose new version failed to load keep their previous version in memory.
        let mut failed: Vec<(Option<String>, String)> = Vec::new();
        for info in &active {
            if known.contains(&info.id) {
                continue;
            }
            match self.load_one(store, info).await {
                Ok(loaded) => {
                    tracing::info!(list = %loaded.info.name, version = loaded.info.version, entries = loaded.entries.len(), "AML list loaded");
                    self.lists
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(loaded.info.id.clone(), Arc::new(loaded));
                }
                Err(e) => {
                    tracing::error!(list = %info.name, version = info.version, error = %format!("{e:#}"), "AML list could not be loaded; skipped");
                    failed.push((info.tenant_id.clone(), info.name.clone()));
                }
            }
        }
        self.lists
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|id, list| {
                active.iter().any(|a| &a.id == id)
                    || failed.contains(&(list.info.tenant_id.clone(), list.info.name.clone()))
            });
        self.loaded_once
            .store(true, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    async fn load_one(&self, store: &Store, info: &AmlList) -> anyhow::Result<LoadedList> {
        let lines = store.aml_list_entries(&info.id).await?;
        let info = info.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<LoadedList> {
            let entries = lines
                .iter()
                .map(|l| serde_json::from_str::<ListEntry>(l))
                .collect::<Result<Vec<_>, _>>()?;
            let index = Index::build(&entries);
            Ok(LoadedList {
                info,
                entries,
                index,
            })
        })
        .await?
    }

    /// The loaded lists a tenant may see (its own and the operator's).
    pub fn visible_to(&self, tenant_id: &str) -> Vec<Arc<LoadedList>> {
        let mut lists: Vec<_> = self
            .lists
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|l| l.info.tenant_id.as_deref().is_none_or(|t| t == tenant_id))
            .cloned()
            .collect();
        lists.sort_by(|a, b| a.info.name.cmp(&b.info.name));
        lists
    }
}

/// Screens `query` against `lists`; `reviews` are the tenant's latest decisions for this person.
pub fn screen(
    lists: &[Arc<LoadedList>],
    query: &Query,
    reviews: &[hawiya_store::AmlReview],
    threshold: f32,
) -> Screening {
    let person = person_key(&query.name, query.national_id.as_deref());
    let mut data = Vec::new();
    for list in lists {
        for hit in list.index.search(query, 20) {
            if hit.score < threshold {
                continue;
            }
            let entry = &list.entries[hit.entry];
            let digest = entry_digest(entry);
            let review = reviews
                .iter()
                .find(|r| r.list_name == list.info.name && r.entry_id == entry.entry_id);
            let cleared =
                review.is_some_and(|r| r.decision == "false_positive" && r.entry_digest == digest);
            data.push(AmlRecord {
                case_no: entry
                    .case_no
                    .clone()
                    .unwrap_or_else(|| entry.entry_id.clone()),
                case_year: entry.case_year,
                record_date: entry.record_date.clone(),
                full_name: hit.matched_name.clone(),
                id_number: entry.national_id.clone(),
                date_of_birth: entry.birth_dates.first().cloned(),
                score: format!("{:.3}", hit.score),
                name_score: hit.name_score,
                id_score: hit.id_score,
                dob_score: hit.dob_score,
                list: list.info.name.clone(),
                list_version: list.info.version,
                entry_id: entry.entry_id.clone(),
                entry_digest: digest,
                review: review.map(|r| r.decision.clone()),
                alert: !cleared,
            });
        }
    }
    data.sort_by(|a, b| b.score.cmp(&a.score));
    Screening {
        matched: data.iter().any(|r| r.alert),
        data,
        threshold,
        person_key: person,
        lists: lists
            .iter()
            .map(|l| format!("{}@{}", l.info.name, l.info.version))
            .collect(),
    }
}

/// Screens the holder of a transaction's ID front (the latest `id_front` step's name, number
/// and birth date) for the liveness step. `Ok(None)` when AML is not configured for the
/// tenant (no list visible, or none loaded yet) or the transaction holds no read ID front.
pub async fn screen_transaction_holder(
    state: &crate::AppState,
    tenant_id: &str,
    transaction_id: &str,
) -> crate::envelope::ApiResult<Option<serde_json::Value>> {
    if !state.aml.is_loaded() {
        return Ok(None);
    }
    let lists = state.aml.visible_to(tenant_id);
    if lists.is_empty() {
        return Ok(None);
    }
    let steps = state.store.steps(tenant_id, transaction_id).await?;
    let Some(front) = steps
        .iter()
        .rev()
        .find(|s| s.step_type == "id_front")
        .map(|s| &s.result["data"])
    else {
        return Ok(None);
    };
    let text = |k: &str| {
        front[k]
            .as_str()
            .map(str::to_string)
            .filter(|v| !v.is_empty())
    };
    let Some(name) = text("name") else {
        return Ok(None);
    };
    let query = Query {
        name,
        national_id: text("idNumber"),
        birth_date: text("dateOfBirth"),
    };
    let person = person_key(&query.name, query.national_id.as_deref());
    let reviews = state.store.aml_reviews_for(tenant_id, &person).await?;
    let threshold = state
        .config
        .aml_threshold
        .unwrap_or(hawiya_aml::DEFAULT_THRESHOLD);
    let screening = state
        .engines
        .run(move || screen(&lists, &query, &reviews, threshold))
        .await?;
    Ok(Some(
        serde_json::json!({ "AML_matched": screening.matched, "data": screening.data }),
    ))
}

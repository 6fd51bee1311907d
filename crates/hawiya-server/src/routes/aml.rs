//! AML endpoints: screening (`POST /v1/ocr/aml/validate`), a tenant's own blacklist import,
//! the list catalogue and analyst reviews (admin).

use crate::aml::{screen, Screening};
use crate::auth::{AdminAuth, TenantAuth};
use crate::body::{required, JsonBody};
use crate::envelope::{ok, ApiError, ApiResult, Services};
use crate::{transactions, AppState, RequestId};
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use hawiya_core::codes;
use hawiya_store::{AmlReview, NewStep};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /v1/ocr/aml/validate`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AmlRequest {
    /// Full name, Arabic or Latin. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub name: Option<String>,
    /// 14-digit national ID number (Western or Arabic-Indic digits).
    #[serde(rename = "idNumber")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 32>")]
    #[schema(max_length = 32)]
    pub id_number: Option<String>,
    /// Birth date, `YYYY-MM-DD`.
    #[serde(rename = "dateOfBirth")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 32>")]
    #[schema(max_length = 32)]
    pub date_of_birth: Option<String>,
    /// GUID of an existing transaction; omitted or null creates one.
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub transaction_id: Option<String>,
    /// The caller's own reference, echoed back.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub client_transaction_id: Option<String>,
}

/// `data` of the screening endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmlData {
    /// Transaction GUID.
    pub transaction_id: String,
    /// The caller's reference.
    pub client_transaction_id: Option<String>,
    /// This request's id.
    pub request_id: String,
    /// Lists screened (`name@version`).
    pub lists: Vec<String>,
    /// Decision threshold on the hit score.
    pub threshold: f32,
    /// Key of the screened person, for review decisions.
    #[serde(rename = "personKey")]
    pub person_key: String,
}

/// `POST /v1/ocr/aml/validate`: screens a person against every list the tenant may see.
pub async fn validate(
    State(state): State<AppState>,
    Extension(crate::RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<AmlRequest>,
) -> ApiResult<Response> {
    let name = required(body.name, "name")?;
    if name.trim().is_empty() {
        return Err(ApiError::new(codes::INVALID_FIELD).field("name", "must not be empty"));
    }
    if let Some(dob) = body.date_of_birth.as_deref() {
        if chrono::NaiveDate::parse_from_str(dob, "%Y-%m-%d").is_err() {
            return Err(
                ApiError::new(codes::INVALID_FIELD).field("dateOfBirth", "expected YYYY-MM-DD")
            );
        }
    }
    let transaction = transactions::resolve(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
    )
    .await?;
    if !state.aml.is_loaded() {
        return Err(ApiError::new(codes::ENGINE_UNAVAILABLE));
    }
    let lists = state.aml.visible_to(&tenant.id);
    if lists.is_empty() {
        return Err(ApiError::new(codes::NO_AML_LIST));
    }
    let query = hawiya_aml::Query {
        name,
        national_id: body.id_number.clone(),
        birth_date: body.date_of_birth.clone(),
    };
    let person = crate::aml::person_key(&query.name, query.national_id.as_deref());
    let reviews = state.store.aml_reviews_for(&tenant.id, &person).await?;
    let threshold = state
        .config
        .aml_threshold
        .unwrap_or(hawiya_aml::DEFAULT_THRESHOLD);
    let screening: Screening = state
        .engines
        .screen(move || screen(&lists, &query, &reviews, threshold))
        .await?;
    let mut data = AmlData {
        transaction_id: String::new(),
        client_transaction_id: body.client_transaction_id,
        request_id: request_id.clone(),
        lists: screening.lists.clone(),
        threshold,
        person_key: screening.person_key.clone(),
    };
    let aml_json = serde_json::json!({ "AML_matched": screening.matched, "data": screening.data });
    let stored = state
        .store
        .record_step(NewStep::new(
            &tenant.id,
            transaction,
            "aml",
            "/v1/ocr/aml/validate",
            &request_id,
            !screening.matched,
            serde_json::json!({ "request": { "name_given": true, "idNumber_given": body.id_number.is_some() }, "AML": aml_json, "personKey": screening.person_key }),
        ))
        .await?;
    data.transaction_id = stored.transaction_id;
    let services = Services {
        aml: Some(aml_json),
        ..Services::default()
    };
    Ok(ok(data, Some(services)))
}

/// Body of `POST /api/Aml/Import`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AmlImportRequest {
    /// List name, e.g. `blacklist`; a new import of the same name is a new version. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 100>")]
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// The tenant blacklist CSV (name, Arabic name, national ID, birth date, case number, case
    /// year, record date), as text. Required.
    pub csv: Option<String>,
}

/// `POST /api/Aml/Import` (admin): imports the tenant's own blacklist as a new list version.
pub async fn import(
    State(state): State<AppState>,
    admin: AdminAuth,
    JsonBody(body): JsonBody<AmlImportRequest>,
) -> ApiResult<Response> {
    let name = required(body.name, "name")?;
    let csv = required(body.csv, "csv")?;
    if name.trim().is_empty() || name.len() > 100 {
        return Err(ApiError::new(codes::INVALID_FIELD).field("name", "1-100 characters"));
    }
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let path = dir.path().join("list.csv");
    std::fs::write(&path, csv).map_err(ApiError::internal)?;
    let entries = tokio::task::spawn_blocking(move || {
        hawiya_aml::import(hawiya_aml::ListFormat::TenantCsv, &path)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| {
        // Where in the list and why; the server's temporary path stays out of the answer.
        let why = format!("{}: {}", e.location, e.message);
        ApiError::new(codes::INVALID_FIELD)
            .message(format!("The list could not be imported: {why}"))
            .field("csv", why)
    })?;
    let lines = entries
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let list = state
        .store
        .import_aml_list(
            Some(&admin.tenant.id),
            name.trim(),
            "csv",
            &lines,
            &format!("admin:{}", admin.claims.name),
        )
        .await?;
    state
        .store
        .prune_aml_lists(
            Some(&admin.tenant.id),
            name.trim(),
            state.config.aml_keep_versions,
        )
        .await?;
    // The import is committed: a failed reload is logged and retried by the periodic refresh
    // rather than reported as a failed import (the client would import again).
    if let Err(e) = state.aml.refresh(&state.store).await {
        tracing::error!(error = %format!("{e:#}"), "reloading AML lists after an import failed");
    }
    Ok(ok(list, None))
}

/// `GET /api/Aml/Lists` (admin): every version of the lists the tenant may see.
pub async fn lists(State(state): State<AppState>, admin: AdminAuth) -> ApiResult<Response> {
    Ok(ok(state.store.aml_lists_for(&admin.tenant.id).await?, None))
}

/// Body of `POST /api/Aml/Review`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AmlReviewRequest {
    /// `personKey` from the screening. Required.
    #[serde(rename = "personKey")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub person_key: Option<String>,
    /// `list` of the hit. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub list: Option<String>,
    /// `entryId` of the hit. Required.
    #[serde(rename = "entryId")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub entry_id: Option<String>,
    /// `entryDigest` of the hit. Required.
    #[serde(rename = "entryDigest")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub entry_digest: Option<String>,
    /// `false_positive` or `true_match`. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 32>")]
    #[schema(max_length = 32)]
    pub decision: Option<String>,
    /// Free text.
    #[serde(default, deserialize_with = "crate::body::text::<_, 2000>")]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// `POST /api/Aml/Review` (admin): records an analyst's decision on a hit; a false positive
/// stops alerting for this person and entry until the entry changes.
pub async fn review(
    State(state): State<AppState>,
    admin: AdminAuth,
    JsonBody(body): JsonBody<AmlReviewRequest>,
) -> ApiResult<Response> {
    let decision = required(body.decision, "decision")?;
    if decision != "false_positive" && decision != "true_match" {
        return Err(
            ApiError::new(codes::INVALID_FIELD).field("decision", "false_positive or true_match")
        );
    }
    let person_key = required(body.person_key, "personKey")?;
    let list_name = required(body.list, "list")?;
    let entry_id = required(body.entry_id, "entryId")?;
    let entry_digest = required(body.entry_digest, "entryDigest")?;
    // Only an entry a screening can show this tenant: a list it sees, the entry as it is now.
    let known = state.aml.visible_to(&admin.tenant.id).iter().any(|list| {
        list.info.name == list_name
            && list
                .entries
                .iter()
                .any(|e| e.entry_id == entry_id && crate::aml::entry_digest(e) == entry_digest)
    });
    if !known {
        return Err(ApiError::new(codes::INVALID_FIELD).field(
            "entryId",
            "no such entry (list, entryId and entryDigest of a screening hit) in the lists this tenant sees",
        ));
    }
    let review = AmlReview {
        id: uuid::Uuid::new_v4().to_string(),
        person_key,
        list_name,
        entry_id,
        entry_digest,
        decision,
        analyst: format!("admin:{}", admin.claims.name),
        note: body.note,
        created_at: hawiya_store::now_millis(),
    };
    state
        .store
        .record_aml_review(&admin.tenant.id, &review)
        .await?;
    Ok(ok(review, None))
}

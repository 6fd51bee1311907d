//! Transactions and steps: the portal API (spec §12, `/v1/app/...`, `ApiKey` only) and the
//! admin `GET /api/Transactions/GetTransactionById` (`ApiKey` + admin bearer token, §7.8).

use crate::auth::{AdminAuth, TenantAuth};
use crate::body::{required, JsonBody};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::{transactions, AppState, RequestId};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;
use hawiya_core::codes;
use hawiya_store::{NewStep, Step, TransactionSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Step types of the portal API.
pub const STEP_TYPES: &[&str] = &[
    "id_front",
    "id_back",
    "car_license_front",
    "car_license_back",
    "face_match",
    "passport",
    "driving_license",
    "license_plate",
    "others",
];

/// Body of `POST /v1/app/steps`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStepRequest {
    /// GUID of an existing transaction; omitted, null or empty creates one.
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub transaction_id: Option<String>,
    /// One of the portal step types. Required.
    #[serde(rename = "type")]
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub step_type: Option<String>,
    /// The step's data as a JSON string; may be empty only for `others`.
    #[serde(default, deserialize_with = "crate::body::text::<_, 1048576>")]
    #[schema(max_length = 1048576)]
    pub data: Option<String>,
    /// The caller's own reference for a new transaction (Hawiya addition).
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub client_transaction_id: Option<String>,
}

/// A transaction as listed by the portal API.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransactionItem {
    /// GUID.
    pub id: String,
    /// Number of steps.
    pub steps_count: i64,
    /// Holder's name once an ID step filled it; null until then.
    pub full_name: Option<String>,
    /// Face-match outcome once known; null until then.
    pub is_matched: Option<bool>,
    /// Holder's ID number once known; null until then.
    pub id_number: Option<String>,
    /// The caller's reference.
    pub client_transaction_id: Option<String>,
    /// ISO 8601 UTC.
    pub creation_time: String,
}

/// A page of transactions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransactionPage {
    /// Transactions matching the filter.
    pub total_count: i64,
    /// This page.
    pub items: Vec<TransactionItem>,
}

/// A recorded step.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepItem {
    /// GUID.
    pub id: String,
    /// Its transaction.
    pub transaction_id: String,
    /// Step type.
    #[serde(rename = "type")]
    pub step_type: String,
    /// Endpoint that recorded it.
    pub endpoint: String,
    /// Request id of the call.
    pub request_id: String,
    /// ISO 8601 UTC.
    pub creation_time: String,
    /// Whether its checks passed.
    pub is_succeeded: bool,
    /// Envelope error code, if any.
    pub error_code: Option<u16>,
    /// Validation codes raised.
    pub validation_codes: Vec<u16>,
    /// The step's result.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Images kept with it (only with `store_images`).
    pub images_count: i64,
}

/// What `POST /v1/app/steps` returns.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepCreated {
    /// Step GUID.
    pub id: String,
    /// Transaction GUID (new or existing).
    pub transaction_id: String,
    /// The server's id for this request.
    pub request_id: String,
    /// ISO 8601 UTC.
    #[serde(rename = "creationTime")]
    pub creation_time: String,
}

/// Query of the transaction list (`filterText`, `skipCount`, `maxResultCount`; keys arrive
/// lower-cased, [`crate::paths::canonical_request`]).
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(
        rename = "filtertext",
        default,
        deserialize_with = "crate::body::text::<_, 256>"
    )]
    filter_text: Option<String>,
    #[serde(rename = "skipcount")]
    skip_count: Option<i64>,
    #[serde(rename = "maxresultcount")]
    max_result_count: Option<i64>,
}

/// Query of `GetTransactionById`.
#[derive(Debug, Deserialize)]
pub struct ByIdQuery {
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    id: Option<String>,
}

/// ISO 8601 UTC from Unix milliseconds.
pub fn iso_time(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn item(t: TransactionSummary) -> TransactionItem {
    TransactionItem {
        id: t.id,
        steps_count: t.steps_count,
        full_name: None,
        is_matched: None,
        id_number: None,
        client_transaction_id: t.client_transaction_id,
        creation_time: iso_time(t.created_at),
    }
}

fn step_item(s: Step) -> StepItem {
    StepItem {
        id: s.id,
        transaction_id: s.transaction_id,
        step_type: s.step_type,
        endpoint: s.endpoint,
        request_id: s.request_id,
        creation_time: iso_time(s.created_at),
        is_succeeded: s.succeeded,
        error_code: s.error_code,
        validation_codes: s.validation_codes,
        data: s.result,
        images_count: s.image_count,
    }
}

/// `POST /v1/app/steps`: adds a step, creating the transaction when none is given.
pub async fn add_step(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<NewStepRequest>,
) -> ApiResult<Response> {
    let step_type = required(body.step_type, "type")?;
    if !STEP_TYPES.contains(&step_type.as_str()) {
        return Err(ApiError::new(codes::INVALID_FIELD)
            .field("type", format!("must be one of {}", STEP_TYPES.join(", "))));
    }
    let raw = body.data.unwrap_or_default();
    if raw.trim().is_empty() && step_type != "others" {
        return Err(ApiError::new(codes::MISSING_FIELD)
            .field("data", "required for every type but `others`"));
    }
    // `data` is documented as a JSON string; text that is not JSON is kept as a string.
    let data = serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw));
    let transaction = transactions::resolve(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
    )
    .await?;
    let stored = state
        .store
        .record_step(NewStep::new(
            &tenant.id,
            transaction,
            &step_type,
            "/v1/app/steps",
            &request_id,
            true,
            data,
        ))
        .await?;
    Ok(ok(
        StepCreated {
            id: stored.id,
            transaction_id: stored.transaction_id,
            request_id,
            creation_time: iso_time(stored.created_at),
        },
        None,
    ))
}

/// `GET /v1/app/transactions`: the tenant's transactions, newest first.
pub async fn list_transactions(
    State(state): State<AppState>,
    TenantAuth(tenant): TenantAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| ApiError::new(codes::INVALID_FIELD).message(e.body_text()))?;
    let max = q.max_result_count.unwrap_or(10);
    if !(1..=1000).contains(&max) {
        return Err(ApiError::new(codes::INVALID_FIELD).field("maxResultCount", "must be 1-1000"));
    }
    let skip = q.skip_count.unwrap_or(0).max(0);
    let filter = q.filter_text.filter(|f| !f.is_empty());
    if filter.as_deref().is_some_and(|f| f.contains('\0')) {
        return Err(crate::body::nul_error().field("filterText", "contains NUL"));
    }
    let (total, items) = state
        .store
        .list_transactions(&tenant.id, filter.as_deref(), skip, max)
        .await?;
    Ok(ok(
        TransactionPage {
            total_count: total,
            items: items.into_iter().map(item).collect(),
        },
        None,
    ))
}

/// The id of a `/{id}` path: a malformed one (e.g. invalid percent-encoding) is just an
/// unknown transaction.
fn path_id(id: Result<Path<String>, axum::extract::rejection::PathRejection>) -> String {
    id.map(|Path(id)| id).unwrap_or_default()
}

async fn owned_transaction(
    state: &AppState,
    tenant_id: &str,
    id: &str,
) -> ApiResult<TransactionSummary> {
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| transactions::not_found(id))?
        .hyphenated()
        .to_string();
    state
        .store
        .transaction(tenant_id, &id)
        .await?
        .ok_or_else(|| transactions::not_found(&id))
}

/// `GET /v1/app/transactions/{id}`.
pub async fn get_transaction(
    State(state): State<AppState>,
    TenantAuth(tenant): TenantAuth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Response> {
    let t = owned_transaction(&state, &tenant.id, &path_id(id)).await?;
    Ok(ok(item(t), None))
}

/// `GET /v1/app/transactions/{id}/steps`.
pub async fn transaction_steps(
    State(state): State<AppState>,
    TenantAuth(tenant): TenantAuth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Response> {
    let t = owned_transaction(&state, &tenant.id, &path_id(id)).await?;
    let steps = state.store.steps(&tenant.id, &t.id).await?;
    Ok(ok(
        steps.into_iter().map(step_item).collect::<Vec<_>>(),
        None,
    ))
}

/// `DELETE /v1/app/transactions/{id}`: deletes it with its steps and images.
pub async fn delete_transaction(
    State(state): State<AppState>,
    TenantAuth(tenant): TenantAuth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Response> {
    let t = owned_transaction(&state, &tenant.id, &path_id(id)).await?;
    state
        .store
        .delete_transaction(&tenant.id, &t.id, "apikey")
        .await?;
    Ok(ok(serde_json::json!({ "id": t.id, "deleted": true }), None))
}

/// `GET /api/Transactions/GetTransactionById?id=`: the transaction and its steps (admin).
pub async fn get_transaction_by_id(
    State(state): State<AppState>,
    admin: AdminAuth,
    query: Result<Query<ByIdQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| ApiError::new(codes::INVALID_FIELD).message(e.body_text()))?;
    let id = required(q.id, "id")?;
    let t = owned_transaction(&state, &admin.tenant.id, &id).await?;
    let steps = state.store.steps(&admin.tenant.id, &t.id).await?;
    let summary = item(t);
    Ok(ok(
        serde_json::json!({
            "transaction": {
                "id": summary.id,
                "stepsCount": summary.steps_count,
                "fullName": summary.full_name,
                "isMatched": summary.is_matched,
                "idNumber": summary.id_number,
                "clientTransactionId": summary.client_transaction_id,
                "creationTime": summary.creation_time,
                "isVerified": false,
                "creatorUserId": null,
            },
            "transactionItems": {
                "lazyLoadImages": false,
                "hasOtherSteps": steps.iter().any(|s| s.step_type == "others"),
                "steps": steps.into_iter().map(step_item).collect::<Vec<_>>(),
            }
        }),
        None,
    ))
}

/// `GET /api/Audit/Events?limit=`: the tenant's latest audit events (admin; Hawiya addition).
pub async fn audit_events(
    State(state): State<AppState>,
    admin: AdminAuth,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> ApiResult<Response> {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<i64>().ok())
        .unwrap_or(100)
        .clamp(1, 1000);
    let events = state.store.audit_events(&admin.tenant.id, limit).await?;
    Ok(ok(events, None))
}

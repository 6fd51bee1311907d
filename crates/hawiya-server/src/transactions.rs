//! Transactions: resolving the `transaction_id` of a request before any work is done.
//!
//! A request without `transaction_id` (absent, null or empty) gets a new transaction, created in
//! the same database transaction as its first step so a failed request leaves nothing behind.
//! An id that is not a GUID, unknown, or of another tenant gets error 5004: the same answer in
//! all three cases, so a tenant cannot probe another tenant's ids.

use crate::envelope::{ApiError, ApiResult};
use crate::AppState;
use hawiya_core::codes;
use hawiya_store::{Tenant, TransactionRef};

/// Longest accepted `client_transaction_id`.
const MAX_CLIENT_TRANSACTION_ID: usize = 256;

/// Resolves the transaction fields of a request for `tenant`.
pub async fn resolve(
    state: &AppState,
    tenant: &Tenant,
    transaction_id: Option<&str>,
    client_transaction_id: Option<&str>,
) -> ApiResult<TransactionRef> {
    if client_transaction_id.is_some_and(|c| c.chars().count() > MAX_CLIENT_TRANSACTION_ID) {
        return Err(ApiError::new(codes::INVALID_FIELD).field(
            "client_transaction_id",
            format!("longer than {MAX_CLIENT_TRANSACTION_ID} characters"),
        ));
    }
    let id = transaction_id.map(str::trim).unwrap_or("");
    if id.is_empty() {
        return Ok(TransactionRef::New {
            client_transaction_id: client_transaction_id.map(str::to_string),
        });
    }
    let Ok(uuid) = uuid::Uuid::parse_str(id) else {
        return Err(not_found(id));
    };
    let id = uuid.hyphenated().to_string();
    match state.store.transaction(&tenant.id, &id).await? {
        Some(_) => Ok(TransactionRef::Existing(id)),
        None => Err(not_found(&id)),
    }
}

/// Error 5004 for an unknown transaction.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(codes::BAD_TRANSACTION)
        .message(format!("Transaction {id} was not found"))
        .field("transaction_id", "unknown transaction")
}

//! Plain records read from and written to the store.

use serde::Serialize;

/// A tenant: one customer organisation with its own keys, users and data.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tenant {
    /// UUID.
    pub id: String,
    /// Unique name, the `TenancyName` of logins.
    pub name: String,
    /// Creation time (Unix ms).
    pub created_at: i64,
}

/// An administrator of one tenant.
#[derive(Debug, Clone)]
pub struct AdminUser {
    /// UUID.
    pub id: String,
    /// Owning tenant.
    pub tenant_id: String,
    /// Login name, unique within the tenant.
    pub user_name: String,
    /// Argon2 PHC string.
    pub password_hash: String,
}

/// How a new step finds its transaction.
#[derive(Debug, Clone)]
pub enum TransactionRef {
    /// Create a transaction in the same database transaction as the step.
    New {
        /// The caller's own reference, echoed back.
        client_transaction_id: Option<String>,
    },
    /// An existing transaction of the tenant (checked beforehand).
    Existing(String),
}

/// A step to record.
#[derive(Debug, Clone)]
pub struct NewStep {
    /// Owning tenant.
    pub tenant_id: String,
    /// The transaction to attach to.
    pub transaction: TransactionRef,
    /// Step type (`id_front`, `face_match`, ... as in the portal API).
    pub step_type: String,
    /// The endpoint path that produced it.
    pub endpoint: String,
    /// The request id of the call.
    pub request_id: String,
    /// Whether the step's check passed.
    pub succeeded: bool,
    /// Envelope error code, if the step failed as a whole.
    pub error_code: Option<u16>,
    /// Validation codes raised (not PII; kept in clear for reporting).
    pub validation_codes: Vec<u16>,
    /// The step's result; sealed before it is written.
    pub result: serde_json::Value,
    /// Images to keep (only when the operator configured `store_images`); sealed.
    pub images: Vec<(String, Vec<u8>)>,
    /// Face embeddings to keep with the transaction, by source (e.g. `id_front`); sealed.
    pub face_templates: Vec<(String, Vec<f32>)>,
    /// Fingerprints of liveness frames to remember ([`crate::Sealer::fingerprint`]).
    pub frame_fingerprints: Vec<String>,
}

impl NewStep {
    /// A step with no images, templates or fingerprints, not failed as a whole.
    pub fn new(
        tenant_id: &str,
        transaction: TransactionRef,
        step_type: &str,
        endpoint: &str,
        request_id: &str,
        succeeded: bool,
        result: serde_json::Value,
    ) -> Self {
        Self {
            tenant_id: tenant_id.to_string(),
            transaction,
            step_type: step_type.to_string(),
            endpoint: endpoint.to_string(),
            request_id: request_id.to_string(),
            succeeded,
            error_code: None,
            validation_codes: Vec::new(),
            result,
            images: Vec::new(),
            face_templates: Vec::new(),
            frame_fingerprints: Vec::new(),
        }
    }
}

/// What [`crate::Store::record_step`] wrote.
#[derive(Debug, Clone)]
pub struct StoredStep {
    /// The step's UUID.
    pub id: String,
    /// Its transaction (new or existing).
    pub transaction_id: String,
    /// Creation time (Unix ms).
    pub created_at: i64,
}

/// A transaction with its step count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSummary {
    /// UUID.
    pub id: String,
    /// The caller's reference.
    pub client_transaction_id: Option<String>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Time of the last step (Unix ms).
    pub updated_at: i64,
    /// Number of steps.
    pub steps_count: i64,
}

/// A recorded step, result unsealed.
#[derive(Debug, Clone)]
pub struct Step {
    /// UUID.
    pub id: String,
    /// Its transaction.
    pub transaction_id: String,
    /// Step type.
    pub step_type: String,
    /// Endpoint path.
    pub endpoint: String,
    /// Request id of the call.
    pub request_id: String,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Whether the step's check passed.
    pub succeeded: bool,
    /// Envelope error code, if any.
    pub error_code: Option<u16>,
    /// Validation codes raised.
    pub validation_codes: Vec<u16>,
    /// The step's result.
    pub result: serde_json::Value,
    /// How many images were kept with it.
    pub image_count: i64,
}

/// An audit event.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    /// UUID.
    pub id: String,
    /// Who: `cli`, `admin:<user>`, `apikey`.
    pub actor: String,
    /// What, e.g. `tenant.create`, `login`, `transaction.delete`.
    pub action: String,
    /// The object acted on.
    pub target: Option<String>,
    /// When (Unix ms).
    pub created_at: i64,
    /// Extra facts (never PII).
    pub details: serde_json::Value,
}

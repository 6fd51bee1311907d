//! The document endpoints (`/v1/ocr/...`) and the digital-identity steps.
//!
//! Their engines are not built yet. Each endpoint is routed and does everything up to the
//! engine: authentication, body parsing, required fields, image decoding, transaction lookup.
//! Then it answers error 4004 "service not available" (HTTP 501), so clients see the whole
//! surface, bad input gets its precise error, and nothing is written to the store.

use crate::auth::TenantAuth;
use crate::body::{decode_images, required, JsonBody};
use crate::envelope::{ApiError, ApiResult};
use crate::{transactions, AppState, Capability};
use axum::extract::State;
use axum::response::Response;
use hawiya_core::codes;
use serde::Deserialize;
use utoipa::ToSchema;

/// Common body of the document endpoints (spec §5.1).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OcrRequest {
    /// Base64 JPEG, PNG or WebP, with or without a `data:` prefix. Required.
    pub image: Option<String>,
    /// GUID of an existing transaction; omitted or null creates one.
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub transaction_id: Option<String>,
    /// The caller's own reference, echoed back.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub client_transaction_id: Option<String>,
    /// Accepted for compatibility; responses carry a server-generated `request_id`.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub request_id: Option<String>,
    /// Document country, `EG` or `EGY` (default `EG`).
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub country: Option<String>,
    /// Whether the extracted fields are returned.
    #[serde(rename = "getExtractedData")]
    pub get_extracted_data: Option<bool>,
    /// A name to cross-check against the document.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub name_check_value: Option<String>,
}

/// Checks everything a built engine would need, then reports the capability as not available.
async fn validated_then_unavailable(
    state: &AppState,
    tenant: &hawiya_store::Tenant,
    capability: Capability,
    images: Vec<(&'static str, String)>,
    transaction_id: Option<&str>,
    client_transaction_id: Option<&str>,
) -> ApiResult<Response> {
    decode_images(state, images).await?;
    transactions::resolve(state, tenant, transaction_id, client_transaction_id).await?;
    Err(unavailable(capability))
}

/// Error 4004 naming the capability.
pub fn unavailable(capability: Capability) -> ApiError {
    ApiError::new(codes::SERVICE_NOT_AVAILABLE).message(format!(
        "Service not available on this server: {} is not built yet",
        capability.describe()
    ))
}

macro_rules! document_endpoint {
    ($name:ident, $capability:expr) => {
        /// A document endpoint: `image` + transaction fields.
        pub async fn $name(
            State(state): State<AppState>,
            TenantAuth(tenant): TenantAuth,
            JsonBody(body): JsonBody<OcrRequest>,
        ) -> ApiResult<Response> {
            let image = required(body.image, "image")?;
            validated_then_unavailable(
                &state,
                &tenant,
                $capability,
                vec![("image", image)],
                body.transaction_id.as_deref(),
                body.client_transaction_id.as_deref(),
            )
            .await
        }
    };
}

document_endpoint!(passport, Capability::Passport);
document_endpoint!(car_license_front, Capability::CarLicense);
document_endpoint!(car_license_back, Capability::CarLicense);
document_endpoint!(driving_license, Capability::DrivingLicense);
document_endpoint!(license_plate, Capability::LicensePlate);
document_endpoint!(classification, Capability::Classification);

/// Digital-identity endpoints (registration, user login, verify steps, linking): the user
/// identity flow is not built yet. Authenticated, body checked to be JSON, then 4004.
/// (The body is always read in full by `ops::observe` before any handler runs.)
pub async fn digital_identity(
    TenantAuth(_tenant): TenantAuth,
    JsonBody(_body): JsonBody<serde_json::Value>,
) -> ApiResult<Response> {
    Err(unavailable(Capability::DigitalIdentity))
}

//! The response envelope every endpoint answers with, and the error type that fills it.
//!
//! `{data, services, error_code, error_message, error_descriptions}`: all five keys are always
//! present (null when empty). `services` carries `Validations` with a capital V, as every Vlens
//! SDK decodes it and the observed server payload shows (spec §14.1 item 1).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hawiya_core::codes::{self, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// The response body of every endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<D> {
    /// The endpoint's result; null on error.
    pub data: Option<D>,
    /// Results of the document checks; null where no check ran.
    pub services: Option<Services>,
    /// Null on success, else a code from `docs/ERRORS.md`.
    pub error_code: Option<u16>,
    /// Null on success, else a human-readable message.
    pub error_message: Option<String>,
    /// Null on success, else the field-level details.
    pub error_descriptions: Option<Vec<ErrorDescription>>,
}

/// One field-level detail of an error.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ErrorDescription {
    /// The request field concerned (JSON path such as `face_1` or `data.name`), if any.
    pub field: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

/// Results of the checks run on a document or face (spec §4.1).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Services {
    /// Validation errors found in the extracted data.
    #[serde(rename = "Validations")]
    pub validations: Validations,
    /// Spoofing verdict, null when not run.
    pub spoofing: Option<Spoofing>,
    /// Document type.
    pub classification: Classification,
    /// Liveness verdict, null when not run.
    pub liveness: Option<bool>,
    /// AML screening, null when not run.
    #[serde(rename = "AML")]
    pub aml: Option<serde_json::Value>,
    /// Authority-source check, null when not run (Hawiya does not call NTRA/CSO).
    #[serde(rename = "SRC")]
    pub src: Option<serde_json::Value>,
}

/// The validation errors of one step.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Validations {
    /// One entry per field in error.
    pub validation_errors: Vec<ValidationError>,
}

/// The errors of one field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValidationError {
    /// API field name, e.g. `dateOfBirth`; null for whole-document errors.
    pub field: Option<String>,
    /// The value as read.
    pub value: Option<String>,
    /// The codes raised.
    pub errors: Vec<CodeMessage>,
}

/// A code and its message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodeMessage {
    /// Validation code.
    pub code: u16,
    /// English message.
    pub message: String,
}

/// Spoofing verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Spoofing {
    /// True when the document looks fake.
    pub fake: bool,
    /// Why (Hawiya addition), e.g. `photocopy`; omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

impl Spoofing {
    /// Fake exactly when there is a reason.
    pub fn from_reasons(reasons: Vec<String>) -> Spoofing {
        Spoofing {
            fake: !reasons.is_empty(),
            reasons,
        }
    }
}

/// Document classification.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Classification {
    /// E.g. `national_id`; null when unknown.
    pub doc_type: Option<String>,
}

/// A successful envelope around `data`.
pub fn ok<D: Serialize>(data: D, services: Option<Services>) -> Response {
    let body = Envelope {
        data: Some(data),
        services,
        error_code: None,
        error_message: None,
        error_descriptions: None,
    };
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// An error answered in the envelope with the code's HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The documented code.
    pub code: ErrorCode,
    /// The message (the code's default unless made more specific).
    pub message: String,
    /// Field-level details.
    pub descriptions: Vec<ErrorDescription>,
    /// Seconds for the `Retry-After` header (503 answers get 1 without it).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message.to_string(),
            descriptions: Vec::new(),
            retry_after: None,
        }
    }

    /// Sets the `Retry-After` seconds.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Replaces the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Adds a field-level detail.
    pub fn field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.descriptions.push(ErrorDescription {
            field: Some(field.into()),
            message: message.into(),
        });
        self
    }

    /// An internal error: logged in full, answered with code 5000 and no details.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(codes::INTERNAL)
    }
}

impl From<hawiya_store::StoreError> for ApiError {
    fn from(e: hawiya_store::StoreError) -> Self {
        Self::internal(e)
    }
}

/// The error code of a response, kept in its extensions for metrics and logs.
#[derive(Debug, Clone, Copy)]
pub struct ResponseErrorCode(pub u16);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body: Envelope<()> = Envelope {
            data: None,
            services: None,
            error_code: Some(self.code.code),
            error_message: Some(self.message),
            error_descriptions: (!self.descriptions.is_empty()).then_some(self.descriptions),
        };
        let mut response = (status, axum::Json(body)).into_response();
        response
            .extensions_mut()
            .insert(ResponseErrorCode(self.code.code));
        let retry_after = self
            .retry_after
            .or((status == StatusCode::SERVICE_UNAVAILABLE).then_some(1));
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("ApiKey, Bearer"),
            );
        }
        response
    }
}

/// Result type of handlers.
pub type ApiResult<T = Response> = Result<T, ApiError>;

//! Operations: request ids, JSON request logs, Prometheus metrics, health and readiness.

use crate::envelope::{ApiError, ApiResult, ResponseErrorCode};
use crate::{AppState, Capability, RequestId};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hawiya_core::codes;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};
use std::time::Instant;
use tracing::Instrument;

/// The server's Prometheus metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    /// Registers the metrics.
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "hawiya_http_requests_total",
                "HTTP requests by route, method, status and envelope error code",
            ),
            &["route", "method", "status", "error_code"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "hawiya_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4,
            ]),
            &["route", "method"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(requests.clone()))
            .expect("unique metric");
        registry
            .register(Box::new(latency.clone()))
            .expect("unique metric");
        Self {
            registry,
            requests,
            latency,
        }
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Admission to the engine routes ([`crate::engines::Engines::admit`]): beyond the pool's
/// slots and queue a request is answered 6502 (`Retry-After`) at once, its body read
/// first (DECISIONS, "Early answers") but nothing else done.
pub async fn admission(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let admitted = state.engines.admit();
    admitted_or_busy(admitted, &state, req, next).await
}

/// [`admission`] to the screening pool ([`crate::engines::Engines::admit_screening`]).
pub async fn screening_admission(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let admitted = state.engines.admit_screening();
    admitted_or_busy(admitted, &state, req, next).await
}

async fn admitted_or_busy(
    admitted: ApiResult<crate::engines::Admitted>,
    state: &AppState,
    req: Request,
    next: Next,
) -> Response {
    match admitted {
        Ok(_admitted) => next.run(req).await,
        Err(busy) => {
            let _ = axum::body::to_bytes(req.into_body(), state.config.max_body_bytes).await;
            busy.into_response()
        }
    }
}

/// Routes that answer without an `ApiKey` (logins and operations).
const OPEN_ROUTES: [&str; 8] = [
    "/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/api/credentials/Login",
    "/api/credentials/RefreshToken",
];

/// The body length a request declares (`Content-Length`).
fn declared_length(parts: &axum::http::request::Parts) -> Option<usize> {
    parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// What is checked before a request's body is read: its `ApiKey` on every route that needs
/// one, when it carries a body (the tenant is kept for [`crate::auth::TenantAuth`]), and room for its declared
/// length (the body limit when none is declared) in the in-flight body budget (DECISIONS,
/// "Request bodies"). The permit returned holds the body's share of the budget until the
/// request ends.
async fn admit_body(
    parts: &mut axum::http::request::Parts,
    route: &str,
    state: &AppState,
) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    // Only a request that carries a body is checked here: one without can wait for the
    // handler (and a wrong method stays 6405 before 6001).
    let has_body = declared_length(parts).map_or(
        parts
            .headers
            .contains_key(axum::http::header::TRANSFER_ENCODING),
        |n| n > 0,
    );
    if has_body && route != "unmatched" && !OPEN_ROUTES.contains(&route) {
        let tenant = crate::auth::tenant_from_headers(&parts.headers, state)
            .await?
            .ok_or_else(|| ApiError::new(codes::API_KEY_MISSING))?;
        parts.extensions.insert(crate::auth::HeaderTenant(tenant));
    }
    let max = state.config.max_body_bytes;
    let kib = declared_length(parts)
        .unwrap_or(max)
        .min(max)
        .div_ceil(1024)
        .max(1) as u32;
    state
        .body_budget
        .clone()
        .try_acquire_many_owned(kib)
        .map_err(|_| ApiError::new(codes::BUSY))
}

/// Receives `body` and drops it as it comes; `false` once more than `limit` bytes came.
async fn discard(body: axum::body::Body, limit: usize) -> bool {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut received = 0usize;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => received += bytes.len(),
            Err(_) => return false,
        }
        if received > limit {
            return false;
        }
    }
    true
}

/// `refused` as a response that closes the connection (its body was not read, or not all).
fn closing(refused: ApiError) -> Response {
    let mut response = refused.into_response();
    response.headers_mut().insert(
        axum::http::header::CONNECTION,
        HeaderValue::from_static("close"),
    );
    response
}

/// Middleware: gives every request an id (`X-Request-Id` header, log span, `request_id`
/// fields), logs its outcome as one JSON line and records its metrics.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let start = Instant::now();
    let (mut parts, body) = req.into_parts();
    let read_limit = std::time::Duration::from_secs(state.config.body_read_timeout_secs);
    let mut response = match admit_body(&mut parts, &route, &state).await {
        // Read the whole body (up to the limit) before any handler runs: a handler that
        // answers early would otherwise leave unread bytes on the connection, which hyper
        // then closes under a client that is still sending or about to reuse it.
        Ok(_budget) => {
            let read = axum::body::to_bytes(body, state.config.max_body_bytes);
            match tokio::time::timeout(read_limit, read).await {
                Ok(Ok(bytes)) => {
                    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
                    next.run(req).instrument(span.clone()).await
                }
                Ok(Err(_)) => ApiError::new(codes::BODY_TOO_LARGE).into_response(),
                Err(_) => closing(ApiError::new(codes::BODY_READ_TIMEOUT)),
            }
        }
        // Refused before the body: it is received and dropped piece by piece (nothing is
        // kept), so the client still reads the answer on a usable connection; one over the
        // limit or too slow has its connection closed after the answer.
        Err(refused) => {
            let discard = discard(body, state.config.max_body_bytes);
            match tokio::time::timeout(read_limit, discard).await {
                Ok(true) => refused.into_response(),
                _ => closing(refused),
            }
        }
    };
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let error_code = response
        .extensions()
        .get::<ResponseErrorCode>()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    state
        .metrics
        .requests
        .with_label_values(&[
            route.as_str(),
            method.as_str(),
            &status.to_string(),
            &error_code,
        ])
        .inc();
    state
        .metrics
        .latency
        .with_label_values(&[route.as_str(), method.as_str()])
        .observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status,
            error_code = %error_code,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request finished"
        )
    });
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// `GET /healthz`: the process is up.
pub async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 once every built capability can serve and the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let db = state.store.ping().await;
    let engines = state.engines.status();
    let capabilities: serde_json::Map<String, serde_json::Value> = Capability::ALL
        .iter()
        .map(|c| {
            (
                c.key().to_string(),
                serde_json::Value::from(c.status(&state)),
            )
        })
        .collect();
    let ready = db && engines == crate::engines::EngineStatus::Ready && state.aml.is_loaded();
    let mut body = serde_json::json!({
        "status": if ready { "ready" } else { "not_ready" },
        "database": if db { "ok" } else { "unreachable" },
        "capabilities": capabilities,
    });
    if let crate::engines::EngineStatus::Failed(reason) = engines {
        body["error"] = serde_json::Value::from(reason);
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Fallback for unknown paths: 6404 in the envelope.
pub async fn not_found() -> ApiError {
    ApiError::new(codes::NOT_FOUND)
}

/// Fallback for a known path with the wrong method: 6405 in the envelope.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(codes::METHOD_NOT_ALLOWED)
}

/// Turns a panic in a handler into a 5000 envelope (and logs it).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::internal(format!("handler panicked: {detail}")).into_response()
}

//! The Vlens-compatible HTTP API of Hawiya.
//!
//! [`router`] builds the axum application; [`serve`] runs it until a shutdown signal. Every
//! response, including auth failures, unknown routes and panics, is the documented envelope
//! ([`envelope`]). Handlers only map typed results to JSON; work lives in the engine crates.

pub mod aml;
pub mod auth;
pub mod body;
pub mod config;
pub mod engines;
pub mod envelope;
pub mod login_limit;
pub mod openapi;
pub mod ops;
pub mod paths;
pub mod routes;
pub mod transactions;

pub use config::Config;

use anyhow::Context;
use axum::routing::{get, post};
use axum::Router;
use hawiya_store::{MasterKey, Sealer, Store};
use std::sync::Arc;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The configuration in effect.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// Access-token keys.
    pub tokens: auth::TokenKeys,
    /// Prometheus metrics.
    pub metrics: ops::Metrics,
    /// Model-backed engines and their inference pool.
    pub engines: Arc<engines::Engines>,
    /// AML lists in memory.
    pub aml: Arc<aml::AmlLists>,
    /// Failed admin logins, per user and client address.
    pub login_limits: Arc<login_limit::LoginLimiter>,
    /// Request bodies in flight, in KiB ([`Config::body_budget_bytes`]).
    pub body_budget: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Opens the data directory, the master key and the database.
    pub async fn open(config: Config) -> anyhow::Result<Self> {
        hawiya_store::crypto::create_private_dir(&config.data_dir)
            .context("creating the data directory")?;
        if config.database_url.is_none() {
            hawiya_store::crypto::create_private_file(&config.data_dir.join("hawiya.db"))
                .context("creating the database file")?;
        }
        let master = MasterKey::load_or_create(&config.data_dir.join("keys"))?;
        let store = Store::connect(&config.database_url(), Sealer::new(&master)).await?;
        let slots = config
            .inference_slots
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        let queue = config.inference_queue.unwrap_or(0);
        let body_budget = Arc::new(tokio::sync::Semaphore::new(config.body_budget_bytes / 1024));
        Ok(Self {
            tokens: auth::TokenKeys::new(&master.derive("jwt")),
            config: Arc::new(config),
            store,
            metrics: ops::Metrics::new(),
            engines: Arc::new(engines::Engines::new(slots, queue)),
            aml: Arc::new(aml::AmlLists::default()),
            login_limits: Arc::default(),
            body_budget,
        })
    }
}

/// The server's id of the current request (also in `X-Request-Id` and the logs).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A capability of the API and whether this build serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// National ID card, front.
    NationalIdFront,
    /// National ID card, back.
    NationalIdBack,
    /// Passport MRZ.
    Passport,
    /// Car licence front and back.
    CarLicense,
    /// Driving licence.
    DrivingLicense,
    /// Licence plate.
    LicensePlate,
    /// Document classification.
    Classification,
    /// Face match and compare.
    Face,
    /// Three-frame liveness.
    Liveness,
    /// AML screening.
    Aml,
    /// Users' digital identity flow.
    DigitalIdentity,
}

impl Capability {
    /// Every capability.
    pub const ALL: &'static [Capability] = &[
        Capability::NationalIdFront,
        Capability::NationalIdBack,
        Capability::Passport,
        Capability::CarLicense,
        Capability::DrivingLicense,
        Capability::LicensePlate,
        Capability::Classification,
        Capability::Face,
        Capability::Liveness,
        Capability::Aml,
        Capability::DigitalIdentity,
    ];

    /// Machine name, as in `/readyz`.
    pub fn key(self) -> &'static str {
        match self {
            Capability::NationalIdFront => "national_id_front",
            Capability::NationalIdBack => "national_id_back",
            Capability::Passport => "passport",
            Capability::CarLicense => "car_license",
            Capability::DrivingLicense => "driving_license",
            Capability::LicensePlate => "license_plate",
            Capability::Classification => "classification",
            Capability::Face => "face",
            Capability::Liveness => "liveness",
            Capability::Aml => "aml",
            Capability::DigitalIdentity => "digital_identity",
        }
    }

    /// Human description, used in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Capability::NationalIdFront => "national ID front OCR",
            Capability::NationalIdBack => "national ID back OCR",
            Capability::Passport => "passport OCR",
            Capability::CarLicense => "car licence OCR",
            Capability::DrivingLicense => "driving licence OCR",
            Capability::LicensePlate => "licence plate OCR",
            Capability::Classification => "document classification",
            Capability::Face => "face matching",
            Capability::Liveness => "liveness detection",
            Capability::Aml => "AML screening",
            Capability::DigitalIdentity => "the digital identity flow",
        }
    }

    /// Whether this build has an engine for the capability.
    pub fn is_built(self) -> bool {
        matches!(
            self,
            Capability::Face
                | Capability::Liveness
                | Capability::Aml
                | Capability::NationalIdFront
                | Capability::NationalIdBack
        )
    }

    /// `ready`, `loading`, `failed` or `not_built`.
    pub fn status(self, state: &AppState) -> &'static str {
        match self {
            Capability::Aml if state.aml.is_loaded() => "ready",
            Capability::Aml => "loading",
            _ if !self.is_built() => "not_built",
            Capability::NationalIdFront | Capability::NationalIdBack
                if state.engines.id_reader_error().is_some() =>
            {
                "failed"
            }
            _ => match state.engines.status() {
                engines::EngineStatus::Ready => "ready",
                engines::EngineStatus::Loading => "loading",
                engines::EngineStatus::Failed(_) => "failed",
            },
        }
    }
}

/// The application with every route and layer.
pub fn router(state: AppState) -> Router {
    use routes::{aml, credentials, face, id_card, liveness, ocr, portal};
    // OCR and computer vision (spec §6): the engine routes, behind the pool's admission.
    let engine_routes = Router::new()
        .route("/v1/ocr/id/front", post(id_card::id_front))
        .route("/v1/ocr/id/back", post(id_card::id_back))
        .route("/v1/ocr/passport", post(ocr::passport))
        .route("/v1/ocr/car/license/front", post(ocr::car_license_front))
        .route("/v1/ocr/car/license/back", post(ocr::car_license_back))
        .route("/v1/ocr/driving/license", post(ocr::driving_license))
        .route("/v1/ocr/license/plate", post(ocr::license_plate))
        .route("/v1/ocr/classification", post(ocr::classification))
        .route("/v1/ocr/face/match", post(face::face_match))
        .route("/v1/ocr/face/compare", post(face::face_compare))
        .route("/v1/ocr/liveness/multi", post(liveness::liveness_multi))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::admission,
        ));
    // AML screening: milliseconds of work, behind a pool of its own.
    let screening_routes = Router::new()
        .route("/v1/ocr/aml/validate", post(aml::validate))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::screening_admission,
        ));
    let api = Router::new()
        .merge(engine_routes)
        .merge(screening_routes)
        .route("/api/Aml/Import", post(aml::import))
        .route("/api/Aml/Lists", get(aml::lists))
        .route("/api/Aml/Review", post(aml::review))
        // Admin credentials (spec §9).
        .route("/api/credentials/Login", post(credentials::login))
        .route("/api/credentials/RefreshToken", post(credentials::refresh))
        // Transactions (spec §12, §7.8).
        .route("/v1/app/steps", post(portal::add_step))
        .route("/v1/app/transactions", get(portal::list_transactions))
        .route(
            "/v1/app/transactions/{id}",
            get(portal::get_transaction).delete(portal::delete_transaction),
        )
        .route(
            "/v1/app/transactions/{id}/steps",
            get(portal::transaction_steps),
        )
        .route(
            "/api/Transactions/GetTransactionById",
            get(portal::get_transaction_by_id),
        )
        .route("/api/Audit/Events", get(portal::audit_events));
    let api = openapi::DIGITAL_IDENTITY_PATHS
        .iter()
        .fold(api, |r, path| r.route(path, post(ocr::digital_identity)));
    let api = api
        // Operations.
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::docs_page))
        .route("/", get(openapi::docs_page));
    with_layers(api, state)
}

/// Adds the fallbacks and layers shared by every route: body limit, panic catching,
/// request ids, logs and metrics.
pub fn with_layers(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(
            state.config.max_body_bytes,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            ops::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// Runs the server on `listener` until SIGINT/SIGTERM, then drains in-flight requests and
/// closes the database.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    // Models load in the background: /healthz answers at once, /readyz once they are in.
    let engines = state.engines.clone();
    let config = state.config.clone();
    tokio::task::spawn_blocking(move || engines.load(&config));
    // AML lists: loaded now, then re-read whenever an import (CLI, endpoint, other node) lands.
    let (lists, store, every) = (
        state.aml.clone(),
        state.store.clone(),
        std::time::Duration::from_secs(state.config.aml_refresh_secs.max(1)),
    );
    tokio::spawn(async move {
        loop {
            if let Err(e) = lists.refresh(&store).await {
                tracing::error!(error = %format!("{e:#}"), "loading AML lists failed");
            }
            tokio::time::sleep(every).await;
        }
    });
    let store = state.store.clone();
    let grace = std::time::Duration::from_secs(state.config.shutdown_grace_secs);
    // Paths are matched regardless of case (`paths`): rewritten before the router sees them.
    use tower::Layer;
    let app = axum::middleware::map_request(paths::canonical_request).layer(router(state));
    use std::future::IntoFuture;
    let signalled = Arc::new(tokio::sync::Notify::new());
    let notify = signalled.clone();
    let server = axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            std::net::SocketAddr,
        >(app),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        notify.notify_one();
    });
    // Draining is bounded: after the grace period the requests still in flight are dropped.
    tokio::select! {
        served = server.into_future() => served?,
        _ = async {
            signalled.notified().await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!(
            grace_secs = grace.as_secs(),
            "shutting down: requests still in flight after the grace period are dropped"
        ),
    }
    tracing::info!("shutting down: closing the database");
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn state() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        (AppState::open(config).await.unwrap(), dir)
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_in_the_envelope() {
        let (state, _dir) = state().await;
        async fn boom() -> &'static str {
            panic!("boom")
        }
        // On a route open without an `ApiKey`, so that the handler runs.
        let app = with_layers(Router::new().route("/healthz", get(boom)), state.clone());
        let response = app
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 500);
        assert!(response.headers().contains_key("x-request-id"));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error_code"], 5000);
        assert!(json["data"].is_null());
        assert!(
            !json["error_message"].as_str().unwrap().contains("boom"),
            "no internals leak"
        );
        assert!(state.metrics.render().contains(r#"error_code="5000""#));
    }

    #[tokio::test]
    async fn documented_routes_match_the_table() {
        let doc = openapi::document();
        let documented: usize = doc
            .paths
            .paths
            .values()
            .map(|p| {
                let v = serde_json::to_value(p).unwrap();
                ["get", "post", "delete"]
                    .iter()
                    .filter(|m| v.get(**m).is_some())
                    .count()
            })
            .sum();
        assert_eq!(documented, openapi::all_routes().len());
    }
}

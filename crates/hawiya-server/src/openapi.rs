//! The OpenAPI document (`/openapi.json`) and a human-readable API page (`/docs`).
//!
//! Schemas are derived from the request and response types with utoipa. Paths come from
//! [`ROUTES`], a table kept beside the router (a test checks that every entry is routed).
//! The page is rendered here from the same document: the usual viewers (Swagger UI, Redoc)
//! load their JavaScript from the internet, which an offline deployment cannot reach.

use crate::envelope::{
    Classification as ClassificationDoc, CodeMessage, ErrorDescription, Services, Spoofing,
    ValidationError, Validations,
};
use crate::routes::{credentials, ocr, portal};
use axum::response::{Html, IntoResponse, Response};
use std::fmt::Write;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi as Doc, Ref, Required, ResponseBuilder};
use utoipa::OpenApi;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// `ApiKey` header.
    ApiKey,
    /// `ApiKey` + admin `Authorization: Bearer`.
    Admin,
    /// `TenancyName` header + credentials in the body.
    Login,
}

/// One documented route.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// Path (axum syntax).
    pub path: &'static str,
    /// Tag (API area).
    pub tag: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Request body schema name, if any.
    pub body: Option<&'static str>,
    /// Who may call it.
    pub access: Access,
}

/// Digital-identity endpoints: routed, authenticated, answered 4004 until built.
pub const DIGITAL_IDENTITY_PATHS: &[&str] = &[
    "/api/DigitalIdentity/CheckExistenceOfEmailOrPhone",
    "/api/DigitalIdentity/Register",
    "/api/DigitalIdentity/Register/StepCreate",
    "/api/DigitalIdentity/Register/StepVerifyPhone",
    "/api/DigitalIdentity/Register/StepVerifyEmail",
    "/api/DigitalIdentity/Login",
    "/api/DigitalIdentity/RefreshToken",
    "/api/DigitalIdentity/verify/id/front",
    "/api/DigitalIdentity/verify/id/back",
    "/api/DigitalIdentity/verify/liveness/multi",
    "/api/DigitalIdentity/verify/passport/scan",
    "/api/DigitalIdentity/LinkUserWithExistingTransaction",
];

const fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    access: Access,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        tag,
        summary,
        body,
        access,
    }
}

/// Every route but the digital-identity ones (see [`DIGITAL_IDENTITY_PATHS`]).
pub const ROUTES: &[RouteDoc] = &[
    r(
        "POST",
        "/v1/ocr/id/front",
        "ocr",
        "National ID front: card found, rectified and read (data: IdFrontData fields, also under idFrontData; findings in services)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/id/back",
        "ocr",
        "National ID back: card found, rectified and read (data: IdBackData fields, also under idBackData, with idFrontData of the transaction; 3101 when the sides' numbers differ)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/passport",
        "ocr",
        "Passport MRZ (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/car/license/front",
        "ocr",
        "Car licence front (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/car/license/back",
        "ocr",
        "Car licence back (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/driving/license",
        "ocr",
        "Driving licence (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/license/plate",
        "ocr",
        "Licence plate (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/classification",
        "ocr",
        "Document type (not built yet: 4004)",
        Some("OcrRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/face/match",
        "face",
        "Selfie against the transaction's ID photo (data: FaceMatchData; services.spoofing: a print or screen seen in the selfie)",
        Some("FaceMatchRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/face/compare",
        "face",
        "Compare two faces (data: FaceMatchData)",
        Some("FaceCompareRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/liveness/multi",
        "face",
        "Liveness from three frames, matched against the ID photo (data: LivenessData; findings in services)",
        Some("LivenessRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/v1/ocr/aml/validate",
        "aml",
        "AML screening against the imported lists (result in services.AML)",
        Some("AmlRequest"),
        Access::ApiKey,
    ),
    r(
        "POST",
        "/api/Aml/Import",
        "aml",
        "Import the tenant's own blacklist CSV as a new list version (admin)",
        Some("AmlImportRequest"),
        Access::Admin,
    ),
    r(
        "GET",
        "/api/Aml/Lists",
        "aml",
        "List versions the tenant can see (admin)",
        None,
        Access::Admin,
    ),
    r(
        "POST",
        "/api/Aml/Review",
        "aml",
        "Record an analyst decision on a hit (admin)",
        Some("AmlReviewRequest"),
        Access::Admin,
    ),
    r(
        "POST",
        "/api/credentials/Login",
        "auth",
        "Admin login: access token (24 h) and refresh token (7 days)",
        Some("LoginRequest"),
        Access::Login,
    ),
    r(
        "POST",
        "/api/credentials/RefreshToken",
        "auth",
        "Rotate a refresh token",
        Some("RefreshRequest"),
        Access::Public,
    ),
    r(
        "POST",
        "/v1/app/steps",
        "transactions",
        "Add a step; creates the transaction when none is given",
        Some("NewStepRequest"),
        Access::ApiKey,
    ),
    r(
        "GET",
        "/v1/app/transactions",
        "transactions",
        "List transactions (filterText, skipCount, maxResultCount)",
        None,
        Access::ApiKey,
    ),
    r(
        "GET",
        "/v1/app/transactions/{id}",
        "transactions",
        "One transaction",
        None,
        Access::ApiKey,
    ),
    r(
        "DELETE",
        "/v1/app/transactions/{id}",
        "transactions",
        "Delete a transaction with its steps and images",
        None,
        Access::ApiKey,
    ),
    r(
        "GET",
        "/v1/app/transactions/{id}/steps",
        "transactions",
        "A transaction's steps",
        None,
        Access::ApiKey,
    ),
    r(
        "GET",
        "/api/Transactions/GetTransactionById",
        "transactions",
        "Transaction details (admin; query `id`)",
        None,
        Access::Admin,
    ),
    r(
        "GET",
        "/api/Audit/Events",
        "operations",
        "Latest audit events of the tenant (admin; query `limit`)",
        None,
        Access::Admin,
    ),
    r(
        "GET",
        "/healthz",
        "operations",
        "Liveness of the process",
        None,
        Access::Public,
    ),
    r(
        "GET",
        "/readyz",
        "operations",
        "Readiness: 200 once every built capability can serve",
        None,
        Access::Public,
    ),
    r(
        "GET",
        "/metrics",
        "operations",
        "Prometheus metrics",
        None,
        Access::Public,
    ),
    r(
        "GET",
        "/openapi.json",
        "operations",
        "This document",
        None,
        Access::Public,
    ),
    r(
        "GET",
        "/docs",
        "operations",
        "Human-readable API page",
        None,
        Access::Public,
    ),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hawiya",
        description = "Self-hosted eKYC for Egyptian identity documents, compatible with the Vlens API. \
Every response is the envelope {data, services, error_code, error_message, error_descriptions}; \
error codes are listed in docs/ERRORS.md."
    ),
    components(schemas(
        ocr::OcrRequest,
        crate::routes::face::FaceCompareRequest,
        crate::routes::face::FaceMatchRequest,
        crate::routes::face::FaceMatchData,
        crate::routes::face::FaceBox,
        crate::routes::liveness::LivenessRequest,
        crate::routes::liveness::LivenessData,
        crate::routes::liveness::LivenessResult,
        crate::routes::liveness::LivenessSignals,
        crate::routes::liveness::LivenessFaceMatch,
        crate::routes::aml::AmlRequest,
        crate::routes::aml::AmlImportRequest,
        crate::routes::aml::AmlReviewRequest,
        crate::routes::aml::AmlData,
        crate::aml::AmlRecord,
        credentials::LoginRequest,
        credentials::RefreshRequest,
        credentials::TokenData,
        portal::NewStepRequest,
        portal::StepCreated,
        portal::TransactionItem,
        portal::TransactionPage,
        portal::StepItem,
        EnvelopeDoc,
        Services,
        Validations,
        ValidationError,
        CodeMessage,
        Spoofing,
        ClassificationDoc,
        ErrorDescription
    ))
)]
struct ApiDoc;

/// The envelope as documented (its `data` depends on the endpoint).
#[derive(utoipa::ToSchema)]
#[schema(as = Envelope)]
#[allow(dead_code)]
struct EnvelopeDoc {
    /// The endpoint's result; null on error.
    #[schema(value_type = Object)]
    data: Option<serde_json::Value>,
    /// Document checks; null where none ran.
    services: Option<Services>,
    /// Null on success.
    error_code: Option<u16>,
    /// Null on success.
    error_message: Option<String>,
    /// Null on success.
    error_descriptions: Option<Vec<ErrorDescription>>,
}

fn header(name: &str, required: bool, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(
            utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String),
        ))
        .build()
}

fn operation(route: &RouteDoc) -> utoipa::openapi::path::Operation {
    let envelope = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Envelope")))
            .build()
    };
    let mut op = OperationBuilder::new()
        .tag(route.tag)
        .summary(Some(route.summary))
        .response(
            "200",
            ResponseBuilder::new()
                .description("Success, in the envelope")
                .content("application/json", envelope()),
        )
        .response(
            "4XX",
            ResponseBuilder::new()
                .description("Error, in the envelope with its error_code")
                .content("application/json", envelope()),
        );
    op = match route.access {
        Access::ApiKey => op.parameter(header("ApiKey", true, "The tenant's API key")),
        Access::Admin => op
            .parameter(header("ApiKey", true, "The tenant's API key"))
            .parameter(header(
                "Authorization",
                true,
                "Bearer <accessToken from /api/credentials/Login>",
            )),
        Access::Login => op
            .parameter(header("TenancyName", true, "The tenant's name"))
            .parameter(header(
                "ApiKey",
                false,
                "Optional; must be of the same tenant",
            )),
        Access::Public => op,
    };
    if route.path.contains("{id}") {
        op = op.parameter(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::Type::String),
                )),
        );
    }
    if let Some(body) = route.body {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(body)))
                        .build(),
                )
                .build(),
        ));
    }
    op.build()
}

fn http_method(m: &str) -> HttpMethod {
    match m {
        "GET" => HttpMethod::Get,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Post,
    }
}

/// Every documented route, the digital-identity ones included.
pub fn all_routes() -> Vec<RouteDoc> {
    let mut routes = ROUTES.to_vec();
    routes.extend(DIGITAL_IDENTITY_PATHS.iter().map(|p| {
        r(
            "POST",
            p,
            "digital-identity",
            "Digital identity flow (not built yet: 4004)",
            None,
            Access::ApiKey,
        )
    }));
    routes
}

/// The OpenAPI document.
pub fn document() -> Doc {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    for route in all_routes() {
        doc.paths.add_path_operation(
            route.path,
            vec![http_method(route.method)],
            operation(&route),
        );
    }
    doc
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> Response {
    axum::Json(document()).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `GET /docs`: the API as one HTML page, generated from the OpenAPI document.
pub async fn docs_page() -> Html<String> {
    let doc = serde_json::to_value(document()).unwrap_or_default();
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hawiya API</title><style>\
         body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\
         code{background:#f3f3f3;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
         .m{font-weight:bold;font-family:monospace}</style></head><body>",
    );
    let _ = write!(
        html,
        "<h1>Hawiya API {}</h1><p>{}</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a>.</p>",
        escape(doc["info"]["version"].as_str().unwrap_or("")),
        escape(doc["info"]["description"].as_str().unwrap_or(""))
    );
    html.push_str("<h2>Endpoints</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Headers</th><th>Body</th></tr>");
    for route in all_routes() {
        let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
        let headers: Vec<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "header")
                    .map(|p| {
                        let name = p["name"].as_str().unwrap_or("");
                        if p["required"] == true {
                            format!("<code>{name}</code>")
                        } else {
                            format!("<code>{name}</code> (optional)")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = route
            .body
            .map(|b| format!("<a href=\"#{b}\">{b}</a>"))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<tr><td class=m>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            route.method,
            escape(route.path),
            escape(route.summary),
            headers.join(", "),
            body
        );
    }
    html.push_str("</table><h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(html, "<h3 id=\"{0}\">{0}</h3><table><tr><th>Field</th><th>Type</th><th>Description</th></tr>", escape(name));
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (field, p) in props {
                    let ty = p["type"]
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| {
                            p["type"].as_array().map(|a| {
                                a.iter()
                                    .filter_map(|v| v.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" | ")
                            })
                        })
                        .or_else(|| {
                            p["$ref"]
                                .as_str()
                                .map(|r| r.rsplit('/').next().unwrap_or("").to_string())
                        })
                        .unwrap_or_else(|| "object".into());
                    let _ = write!(
                        html,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        if required.contains(&field.as_str()) {
                            " *"
                        } else {
                            ""
                        },
                        escape(&ty),
                        escape(p["description"].as_str().unwrap_or(""))
                    );
                }
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>");
    Html(html)
}

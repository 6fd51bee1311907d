//! Operations over HTTP: envelope everywhere, health, readiness, metrics, OpenAPI, shutdown.

mod common;

use common::*;
use serde_json::json;

#[test]
fn unknown_routes_and_methods_answer_in_the_envelope() {
    let s = Server::start();
    s.get("/no/such/route", &[]).assert_error(404, 6404);
    s.get("/v1/ocr/id/front", &[]).assert_error(405, 6405);
    let r = s.get("/healthz", &[]);
    assert_eq!(r.status, 200);
    let a = r.request_id.unwrap();
    let b = s.get("/healthz", &[]).request_id.unwrap();
    assert_ne!(a, b, "every response carries its own X-Request-Id");
}

#[test]
fn readiness_metrics_and_openapi() {
    let s = Server::start();
    let ready = s.get("/readyz", &[]);
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["status"], "ready");
    assert_eq!(ready.body["database"], "ok");
    assert_eq!(ready.body["capabilities"]["face"], "ready");
    assert_eq!(ready.body["capabilities"]["liveness"], "ready");
    assert_eq!(ready.body["capabilities"]["national_id_front"], "ready");
    assert_eq!(ready.body["capabilities"]["national_id_back"], "ready");

    let t = s.tenant("ops");
    s.post(
        "/v1/app/steps",
        &[("ApiKey", &t.api_key)],
        &json!({"type": "others"}),
    )
    .ok_data();
    s.post("/v1/app/steps", &[], &json!({"type": "others"}))
        .assert_error(401, 6001);
    let metrics = s.get("/metrics", &[]).text;
    assert!(metrics.contains(r#"hawiya_http_requests_total{error_code="",method="POST",route="/v1/app/steps",status="200"} 1"#), "{metrics}");
    assert!(
        metrics
            .contains(r#"error_code="6001",method="POST",route="/v1/app/steps",status="401"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("hawiya_http_request_duration_seconds_bucket"));

    let doc = s.get("/openapi.json", &[]).body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 30, "{}", paths.len());
    assert!(doc["components"]["schemas"]["OcrRequest"]["properties"]["image"].is_object());
    let page = s.get("/docs", &[]).text;
    assert!(page.contains("/v1/ocr/face/compare") && page.contains("OcrRequest"));

    // Every documented operation is routed: without credentials it answers 401 (or succeeds
    // for public ones), never "no such endpoint".
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
            let r = s.send(
                &method.to_uppercase(),
                &concrete,
                &[("Content-Type", "application/json")],
                (method == "post").then_some(b"{}".as_slice()),
            );
            assert!(
                !matches!(r.code(), Some(6404 | 6405)),
                "{method} {path} is documented but not routed"
            );
            if path.starts_with("/v1/") || path.starts_with("/api/DigitalIdentity") {
                r.assert_error(401, 6001);
            }
        }
    }
}

#[test]
fn digital_identity_endpoints_say_not_available() {
    let s = Server::start();
    let t = s.tenant("di");
    let r = s.post(
        "/api/DigitalIdentity/verify/id/front",
        &[("ApiKey", &t.api_key)],
        &json!({"image": face_b64()}),
    );
    r.assert_error(501, 4004);
    assert!(r.body["error_message"]
        .as_str()
        .unwrap()
        .contains("digital identity"));
}

#[test]
fn graceful_shutdown_on_sigterm() {
    let s = Server::start();
    assert!(s.terminate(), "server exits cleanly on SIGTERM");
}

//! Hostile input that once got a 500, a wrong answer or a silent pass (issue 18's table): each
//! row is answered with its code, on SQLite and on PostgreSQL, and leaves nothing behind.

mod common;

use common::*;
use serde_json::json;

#[test]
fn nul_characters_are_refused_before_any_work() {
    let s = Server::start();
    let t = s.tenant("nul");
    let key = [("ApiKey", t.api_key.as_str())];
    let steps = |body: &str| {
        s.send(
            "POST",
            "/v1/app/steps",
            &[key[0], ("Content-Type", "application/json")],
            Some(body.as_bytes()),
        )
    };
    steps(r#"{"type":"others","client_transaction_id":"a\u0000b"}"#).assert_error(400, 6102);
    steps(r#"{"type":"others","data":"\u0000"}"#).assert_error(400, 6102);
    // An escaped backslash before `u0000` is text, not a NUL.
    steps(r#"{"type":"others","data":"{}","client_transaction_id":"a\\u0000b"}"#).ok_data();
    assert_eq!(s.transaction_count(&t), 1);

    // The unauthenticated login, with a NUL in the tenant's name or the user's.
    let login = s.send(
        "POST",
        "/api/credentials/Login",
        &[
            ("Content-Type", "application/json"),
            ("TenancyName", t.name.as_str()),
        ],
        Some(br#"{"userNameOrEmailAddress":"admin\u0000","password":"x"}"#),
    );
    login.assert_error(400, 6102);
    let login = s.send(
        "POST",
        "/api/credentials/Login",
        &[("Content-Type", "application/json")],
        Some(br#"{"tenancyName":"a\u0000","userNameOrEmailAddress":"admin","password":"x"}"#),
    );
    login.assert_error(400, 6102);

    // The transaction filter: the same answer on both databases.
    s.get("/v1/app/transactions?filterText=%00", &key)
        .assert_error(400, 6102);
    s.get("/v1/app/transactions?filterText=a%00b", &key)
        .assert_error(400, 6102);
}

#[test]
fn json_content_types_are_the_json_ones() {
    let s = Server::start();
    let t = s.tenant("ctype");
    let send = |ct: &str| {
        s.send(
            "POST",
            "/v1/app/steps",
            &[("ApiKey", t.api_key.as_str()), ("Content-Type", ct)],
            Some(br#"{"type":"others","data":"{}"}"#),
        )
    };
    send("application/jsonp").assert_error(415, 6104);
    send("application/json5").assert_error(415, 6104);
    send("text/plain").assert_error(415, 6104);
    send("text/json").ok_data();
    send("application/json; charset=utf-8").ok_data();
    send("application/vnd.vlens+json").ok_data();
    assert_eq!(s.transaction_count(&t), 3);
}

#[test]
fn capture_times_at_the_ends_of_i64_are_refused() {
    let s = Server::start();
    let t = s.tenant("times");
    let face = face_b64();
    for times in [
        json!([i64::MIN, i64::MAX, 0]),
        json!([0, 100, i64::MAX]),
        json!([-1, 100, 200]),
    ] {
        s.post(
            "/v1/ocr/liveness/multi",
            &[("ApiKey", &t.api_key)],
            &json!({"face_1": face, "face_2": face, "face_3": face, "image": face,
                    "capture_times_ms": times}),
        )
        .assert_error(400, 6102);
    }
    assert_eq!(s.transaction_count(&t), 0);
}

#[test]
fn client_transaction_ids_are_measured_in_characters() {
    let s = Server::start();
    let t = s.tenant("chars");
    let step = |id: &str| {
        s.post(
            "/v1/app/steps",
            &[("ApiKey", &t.api_key)],
            &json!({"type": "others", "data": "{}", "client_transaction_id": id}),
        )
    };
    // 256 two-byte characters (512 bytes) are within the 256-character limit.
    step(&"é".repeat(256)).ok_data();
    step(&"é".repeat(257)).assert_error(400, 6102);
    assert_eq!(s.transaction_count(&t), 1);
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_database_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let s = Server::start();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = s.data_dir();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("keys")), 0o700);
    let db = dir.join("hawiya.db");
    if std::env::var_os("HAWIYA_TEST_DATABASE_URL").is_none() {
        assert_eq!(mode(&db), 0o600);
        // SQLite's journal files take the database file's mode.
        s.tenant("perm");
        for extra in ["hawiya.db-wal", "hawiya.db-shm"] {
            let p = dir.join(extra);
            if p.exists() {
                assert_eq!(mode(&p), 0o600, "{extra}");
            }
        }
    }
}

#[test]
fn the_transaction_filter_folds_case_beyond_ascii_on_both_databases() {
    let s = Server::start();
    let t = s.tenant("fold");
    let key = [("ApiKey", t.api_key.as_str())];
    for id in ["École-7", "ÉCOLE-8", "other"] {
        s.post(
            "/v1/app/steps",
            &key,
            &json!({"type": "others", "data": "{}", "client_transaction_id": id}),
        )
        .ok_data();
    }
    for filter in ["%C3%A9cole", "%C3%89COLE", "%C3%89cOlE"] {
        let page = s.get(&format!("/v1/app/transactions?filterText={filter}"), &key);
        assert_eq!(page.ok_data()["totalCount"], 2, "{filter}");
    }
}

#[test]
fn text_fields_are_bounded_before_any_work() {
    let s = Server::start();
    let t = s.tenant("long");
    let key = [("ApiKey", t.api_key.as_str())];
    // A name long enough to have run for minutes in the matcher.
    let r = s.post(
        "/v1/ocr/aml/validate",
        &key,
        &json!({"name": "x".repeat(100_000)}),
    );
    r.assert_error(400, 6102);
    assert_eq!(r.body["error_descriptions"][0]["field"], "name");
    // 256 characters are within the bound (the answer is about the lists, not the name).
    let r = s.post(
        "/v1/ocr/aml/validate",
        &key,
        &json!({"name": "x".repeat(256)}),
    );
    assert_ne!(r.code(), Some(6102), "{}", r.text);

    s.post(
        "/v1/app/steps",
        &key,
        &json!({"type": "x".repeat(65), "data": "{}"}),
    )
    .assert_error(400, 6102);
    s.post(
        "/api/credentials/Login",
        &[("TenancyName", t.name.as_str())],
        &json!({"userNameOrEmailAddress": "admin", "password": "p".repeat(1025)}),
    )
    .assert_error(400, 6102);
    s.get(
        &format!("/v1/app/transactions?filterText={}", "a".repeat(257)),
        &key,
    )
    .assert_error(400, 6102);
    assert_eq!(s.transaction_count(&t), 0);
}

#[test]
fn a_full_queue_sheds_at_once_with_retry_after() {
    // One slot and no room to wait: concurrent face work beyond the first is shed.
    let s = Server::start_with(&[
        ("HAWIYA_INFERENCE_SLOTS", "1"),
        ("HAWIYA_INFERENCE_QUEUE", "0"),
    ]);
    let t = s.tenant("busy");
    let a = testdata_b64("faces/eval-sample/img20.jpg");
    let b = testdata_b64("faces/eval-sample/img21.jpg");
    let body = json!({"face_image1": a, "face_image2": b});
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| s.post("/v1/ocr/face/compare", &[("ApiKey", &t.api_key)], &body))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let shed: Vec<&Reply> = replies.iter().filter(|r| r.code() == Some(6502)).collect();
    let served = replies.iter().filter(|r| r.status == 200).count();
    assert!(!shed.is_empty() && served >= 1, "{replies:?}");
    assert_eq!(served + shed.len(), replies.len(), "{replies:?}");
    for r in shed {
        r.assert_error(503, 6502);
        assert_eq!(r.retry_after.as_deref(), Some("1"));
    }
    // Only the served requests left transactions; once the burst is over all are served.
    assert_eq!(s.transaction_count(&t), served as u64);
    s.post("/v1/ocr/face/compare", &[("ApiKey", &t.api_key)], &body)
        .ok_data();
}

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

/// Opens a raw connection and sends `head` (request line and headers, without the blank
/// line) and `body_start`, leaving the rest of the body unsent.
fn start_request(s: &Server, head: &str, body_start: &[u8]) -> std::net::TcpStream {
    use std::io::Write;
    let addr = s.base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    conn.write_all(format!("{head}\r\n\r\n").as_bytes())
        .unwrap();
    conn.write_all(body_start).unwrap();
    conn
}

/// [`start_request`], then what the server answers within 10 s.
fn raw_request(s: &Server, head: &str, body_start: &[u8]) -> (std::net::TcpStream, String) {
    use std::io::Read;
    let mut conn = start_request(s, head, body_start);
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // Until the answer's JSON body is complete (or the server closes).
    while !answer.ends_with(b"}") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    (conn, String::from_utf8_lossy(&answer).into_owned())
}

#[test]
fn an_upload_without_a_valid_key_is_refused_before_its_body() {
    let s = Server::start_with(&[("HAWIYA_BODY_READ_TIMEOUT_SECS", "2")]);
    let t = s.tenant("early");
    let start = std::time::Instant::now();
    // 20 MB announced, a little sent: refused on the headers (not a read timeout), the
    // connection closed once the body stops coming.
    for key in ["", "ApiKey: not-a-key\r\n"] {
        let head = format!(
            "POST /v1/ocr/id/front HTTP/1.1\r\nHost: x\r\n{key}Content-Type: application/json\r\nContent-Length: 20000000"
        );
        let (_conn, answer) = raw_request(&s, head.trim_end(), &[b'x'; 1000]);
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(
            answer.to_lowercase().contains("connection: close"),
            "{answer}"
        );
        let code = if key.is_empty() { "6001" } else { "6002" };
        assert!(
            answer.contains(&format!("\"error_code\":{code}")),
            "{answer}"
        );
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(9));
    // A refused body that arrives is received and dropped: the connection stays usable.
    s.send(
        "POST",
        "/v1/ocr/id/front",
        &[("Content-Type", "application/json")],
        Some(b"{}"),
    )
    .assert_error(401, 6001);
    s.post(
        "/v1/app/steps",
        &[("ApiKey", &t.api_key)],
        &json!({"type": "others"}),
    )
    .ok_data();
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_answered_6106() {
    let s = Server::start_with(&[("HAWIYA_BODY_READ_TIMEOUT_SECS", "1")]);
    let t = s.tenant("slow");
    let head = format!(
        "POST /v1/app/steps HTTP/1.1\r\nHost: x\r\nApiKey: {}\r\nContent-Type: application/json\r\nContent-Length: 1000",
        t.api_key
    );
    let (_conn, answer) = raw_request(&s, &head, b"{\"type\":");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error_code\":6106"), "{answer}");
    assert_eq!(s.transaction_count(&t), 0);
}

#[test]
fn bodies_beyond_the_in_flight_budget_are_shed() {
    let s = Server::start_with(&[
        ("HAWIYA_MAX_BODY_BYTES", "1048576"),
        ("HAWIYA_BODY_BUDGET_BYTES", "1048576"),
    ]);
    let t = s.tenant("budget");
    // A slow upload of the whole budget holds it while it arrives.
    let head = format!(
        "POST /v1/app/steps HTTP/1.1\r\nHost: x\r\nApiKey: {}\r\nContent-Type: application/json\r\nContent-Length: 1048576",
        t.api_key
    );
    let slow = start_request(&s, &head, b"{");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let shed = s.post(
        "/v1/app/steps",
        &[("ApiKey", &t.api_key)],
        &json!({"type": "others"}),
    );
    shed.assert_error(503, 6502);
    assert_eq!(shed.retry_after.as_deref(), Some("1"));
    // Once the slow upload is gone, its share is free again.
    drop(slow);
    std::thread::sleep(std::time::Duration::from_millis(500));
    s.post(
        "/v1/app/steps",
        &[("ApiKey", &t.api_key)],
        &json!({"type": "others"}),
    )
    .ok_data();
}

#[test]
fn shutdown_does_not_wait_for_a_request_beyond_the_grace_period() {
    let s = Server::start_with(&[("HAWIYA_SHUTDOWN_GRACE_SECS", "1")]);
    let t = s.tenant("grace");
    // A body that keeps the request in flight for the read timeout (60 s).
    let head = format!(
        "POST /v1/app/steps HTTP/1.1\r\nHost: x\r\nApiKey: {}\r\nContent-Type: application/json\r\nContent-Length: 1000",
        t.api_key
    );
    let slow = start_request(&s, &head, b"{");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let start = std::time::Instant::now();
    assert!(
        s.terminate(),
        "the server exits cleanly after the grace period"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    drop(slow);
}

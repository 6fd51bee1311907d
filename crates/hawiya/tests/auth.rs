//! Authentication over HTTP: API keys, admin login, refresh rotation, bearer tokens.

mod common;

use common::*;
use serde_json::json;

#[test]
fn api_key_is_required_and_checked() {
    let s = Server::start();
    let t = s.tenant("keys");
    let body = json!({"type": "others"});
    s.post("/v1/app/steps", &[], &body).assert_error(401, 6001);
    s.post("/v1/app/steps", &[("ApiKey", "")], &body)
        .assert_error(401, 6001);
    s.post("/v1/app/steps", &[("ApiKey", "hwk_not-a-real-key")], &body)
        .assert_error(401, 6002);
    // A key with one character changed is just as unknown.
    let mut tampered = t.api_key.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    s.post("/v1/app/steps", &[("ApiKey", &tampered)], &body)
        .assert_error(401, 6002);
    let ok = s.post("/v1/app/steps", &[("ApiKey", &t.api_key)], &body);
    assert!(ok.ok_data()["transaction_id"].is_string());
    // A malformed bearer token next to a good key is refused, not ignored.
    s.post(
        "/v1/app/steps",
        &[("ApiKey", &t.api_key), ("Authorization", "Bearer junk")],
        &body,
    )
    .assert_error(401, 6004);
}

#[test]
fn an_early_refusal_of_a_large_body_keeps_the_connection_usable() {
    let s = Server::start();
    let t = s.tenant("early");
    let big = json!({"image": b64(&vec![b'x'; 3 << 20])});
    // The same pooled connection carries every request: each answer must arrive whole.
    for _ in 0..3 {
        s.post("/v1/ocr/id/front", &[("ApiKey", "hwk_wrong")], &big)
            .assert_error(401, 6002);
        s.post("/v1/ocr/id/front", &[], &big)
            .assert_error(401, 6001);
        s.post(
            "/v1/app/steps",
            &[("ApiKey", &t.api_key)],
            &json!({"type": "others"}),
        )
        .ok_data();
    }
}

#[test]
fn login_success_and_each_failure() {
    let s = Server::start();
    let a = s.tenant("login-a");
    let b = s.tenant("login-b");
    let tokens = s.login(&a);
    assert_eq!(tokens["expireInSeconds"], 86400);
    assert_eq!(tokens["refreshTokenExpireInSeconds"], 604800);
    assert_eq!(
        tokens["accessToken"].as_str().unwrap().split('.').count(),
        3,
        "a JWT"
    );

    let login = |headers: &[(&str, &str)], user: &str, password: &str| {
        s.post(
            "/api/credentials/Login",
            headers,
            &json!({"userNameOrEmailAddress": user, "password": password}),
        )
    };
    login(&[("TenancyName", &a.name)], "admin", "wrong").assert_error(401, 6003);
    login(&[("TenancyName", &a.name)], "nobody", &a.admin_password).assert_error(401, 6003);
    login(
        &[("TenancyName", "no-such-tenant")],
        "admin",
        &a.admin_password,
    )
    .assert_error(401, 6003);
    // B's password does not open A.
    login(&[("TenancyName", &a.name)], "admin", &b.admin_password).assert_error(401, 6003);
    // An ApiKey of another tenant does not go with A's tenancy.
    login(
        &[("TenancyName", &a.name), ("ApiKey", &b.api_key)],
        "admin",
        &a.admin_password,
    )
    .assert_error(401, 6003);
    login(
        &[("TenancyName", &a.name), ("ApiKey", &a.api_key)],
        "admin",
        &a.admin_password,
    )
    .ok_data();
    login(&[], "admin", &a.admin_password).assert_error(400, 6103);
    // Oversized values are refused before any lookup (and never reach the audit log).
    login(&[("TenancyName", &a.name)], &"u".repeat(300), "x").assert_error(400, 6102);
    // Paths are matched regardless of case, as the ASP.NET backend matches them.
    s.post(
        "/api/Credentials/Login",
        &[("TenancyName", &a.name)],
        &json!({"userNameOrEmailAddress": "admin", "password": a.admin_password}),
    )
    .ok_data();
    s.post(
        "/API/CREDENTIALS/LOGIN",
        &[("TenancyName", &a.name)],
        &json!({}),
    )
    .assert_error(400, 6103);
    // The tenancy may also come in the body.
    s.post(
        "/api/credentials/Login",
        &[],
        &json!({"tenancyName": a.name, "userNameOrEmailAddress": "admin", "password": a.admin_password}),
    )
    .ok_data();
    s.post(
        "/api/credentials/Login",
        &[("TenancyName", &a.name)],
        &json!({"userNameOrEmailAddress": "admin"}),
    )
    .assert_error(400, 6103);
}

#[test]
fn refresh_rotates_and_old_tokens_die() {
    let s = Server::start();
    let t = s.tenant("refresh");
    let first = s.login(&t);
    let old = first["refreshToken"].as_str().unwrap().to_string();
    let refresh = |token: &str| {
        s.post(
            "/api/credentials/RefreshToken",
            &[],
            &json!({"refreshToken": token}),
        )
    };
    let second = refresh(&old);
    let data = second.ok_data();
    let new = data["refreshToken"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(data["newRefreshToken"], data["refreshToken"]);
    assert_ne!(data["accessToken"], first["accessToken"]);
    // A fresh login is a family of its own, untouched by what follows.
    let other = s.login(&t)["refreshToken"].as_str().unwrap().to_string();
    refresh("made-up").assert_error(401, 6005);
    // The spent token again (a stolen copy): refused, and the tokens issued after it die.
    refresh(&old).assert_error(401, 6005);
    refresh(&new).assert_error(401, 6005);
    refresh(&other).ok_data();
    s.post("/api/credentials/RefreshToken", &[], &json!({}))
        .assert_error(400, 6103);
}

#[test]
fn bearer_tokens_guard_admin_endpoints() {
    let s = Server::start();
    let a = s.tenant("bearer-a");
    let b = s.tenant("bearer-b");
    let created = s.post(
        "/v1/app/steps",
        &[("ApiKey", &a.api_key)],
        &json!({"type": "others"}),
    );
    let id = created.ok_data()["transaction_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/Transactions/GetTransactionById?id={id}");
    let token_a = format!("Bearer {}", s.login(&a)["accessToken"].as_str().unwrap());
    let token_b = format!("Bearer {}", s.login(&b)["accessToken"].as_str().unwrap());

    s.get(&path, &[("ApiKey", &a.api_key)])
        .assert_error(401, 6004);
    s.get(
        &path,
        &[("ApiKey", &a.api_key), ("Authorization", "Bearer x.y.z")],
    )
    .assert_error(401, 6004);
    s.get(
        &path,
        &[("ApiKey", &a.api_key), ("Authorization", "Basic abc")],
    )
    .assert_error(401, 6004);
    s.get(&path, &[("Authorization", &token_a)])
        .assert_error(401, 6001);
    s.get(
        &path,
        &[("ApiKey", &a.api_key), ("Authorization", &token_b)],
    )
    .assert_error(403, 6006);
    let got = s.get(
        &path,
        &[("ApiKey", &a.api_key), ("Authorization", &token_a)],
    );
    assert_eq!(got.ok_data()["transaction"]["id"], id.as_str());
    // Spelt in another case, with its query: the same route, the same answer.
    let other_case = format!("/api/transactions/gettransactionbyid?id={id}");
    let again = s.get(
        &other_case,
        &[("ApiKey", &a.api_key), ("Authorization", &token_a)],
    );
    assert_eq!(again.ok_data()["transaction"]["id"], id.as_str());
    s.get("/api/transactions/nosuchthing", &[("ApiKey", &a.api_key)])
        .assert_error(404, 6404);
    assert_eq!(
        got.ok_data()["transactionItems"]["steps"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // B, fully authenticated, gets "not found" for A's transaction.
    s.get(
        &path,
        &[("ApiKey", &b.api_key), ("Authorization", &token_b)],
    )
    .assert_error(404, 5004);

    // Logins and deletions are audited.
    let audit = s.get(
        "/api/Audit/Events",
        &[("ApiKey", &a.api_key), ("Authorization", &token_a)],
    );
    let actions: Vec<&str> = audit
        .ok_data()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"login") && actions.contains(&"tenant.create"),
        "{actions:?}"
    );
}

#[test]
fn tenant_cli_contract() {
    let s = Server::start();
    let t = s.tenant("cli");
    assert!(t.api_key.starts_with("hwk_") && t.api_key.len() > 40);
    assert_eq!(t.admin_user, "admin");
    let again = s.cli(&["tenant", "create", &t.name]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let empty = s.cli(&["tenant", "create", "  "]);
    assert!(!empty.status.success());
    // Neither the key nor the password is stored in clear.
    if std::env::var("HAWIYA_TEST_DATABASE_URL").is_err() {
        let db = std::fs::read(s.data_dir().join("hawiya.db")).unwrap();
        let wal = std::fs::read(s.data_dir().join("hawiya.db-wal")).unwrap_or_default();
        for haystack in [&db, &wal] {
            let text = String::from_utf8_lossy(haystack);
            assert!(!text.contains(&t.api_key) && !text.contains(&t.admin_password));
        }
    }
}

#[test]
fn failed_logins_are_throttled_per_user() {
    let s = Server::start();
    let t = s.tenant("guess");
    let login = |user: &str, password: &str| {
        s.post(
            "/api/credentials/Login",
            &[("TenancyName", &t.name)],
            &json!({"userNameOrEmailAddress": user, "password": password}),
        )
    };
    for _ in 0..10 {
        login("admin", "wrong").assert_error(401, 6003);
    }
    // The eleventh try is refused before the password is looked at, even the right one.
    let r = login("admin", &t.admin_password);
    r.assert_error(429, 6007);
    let wait: u64 = r.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
    // Another user name is counted apart.
    login("nobody", "wrong").assert_error(401, 6003);
}

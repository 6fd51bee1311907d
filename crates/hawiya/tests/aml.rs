//! AML over HTTP: lists imported by the CLI and by a tenant admin, screening with Arabic and
//! Latin names, analyst reviews that silence a hit until the entry changes, tenant isolation.

mod common;

use common::*;
use hawiya_aml::ListEntry;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn entry(id: &str, names: &[&str], nid: Option<&str>, dob: &str) -> ListEntry {
    ListEntry {
        entry_id: id.into(),
        names: names.iter().map(|n| n.to_string()).collect(),
        national_id: nid.map(str::to_string),
        birth_dates: vec![dob.into()],
        program: Some("SDGT".into()),
        ..ListEntry::default()
    }
}

fn sanctions(dob: &str) -> Vec<ListEntry> {
    vec![
        entry(
            "1001",
            &["Mohamed Abdel Rahman Hassan", "محمد عبد الرحمن حسن"],
            None,
            dob,
        ),
        entry("1002", &["Mostafa Ibrahim El Sherif"], None, "1975-05-05"),
    ]
}

fn write_ofac(dir: &std::path::Path, entries: &[ListEntry]) {
    std::fs::create_dir_all(dir).unwrap();
    hawiya_aml::gen::write_ofac_csv(dir, entries).unwrap();
}

fn screen(s: &Server, key: &str, body: Value) -> Reply {
    s.post("/v1/ocr/aml/validate", &[("ApiKey", key)], &body)
}

/// Screens until the server has picked up a list (it re-reads them every second here).
fn screen_when_loaded(s: &Server, key: &str, body: Value) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = screen(s, key, body.clone());
        if r.code() != Some(6501) || Instant::now() > deadline {
            return r;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn screening_reviews_and_list_versions() {
    let s = Server::start_with(&[("HAWIYA_AML_REFRESH_SECS", "1")]);
    let t = s.tenant("aml");
    let key = t.api_key.clone();
    screen(&s, &key, json!({"name": "Mohamed Hassan"})).assert_error(503, 6501);

    let files = tempfile::tempdir().unwrap();
    write_ofac(&files.path().join("v1"), &sanctions("1980-03-14"));
    let out = s.cli(&[
        "aml",
        "import",
        "ofac-csv",
        files.path().join("v1").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("as ofac-sdn@1"));

    // A transliteration variant in Latin script, and the Arabic spelling, both hit entry 1001.
    let hit = screen_when_loaded(
        &s,
        &key,
        json!({"name": "Muhammad Abdelrahman Hasan", "client_transaction_id": "c-9"}),
    );
    let aml = hit.body["services"]["AML"].clone();
    assert_eq!(aml["AML_matched"], true, "{}", hit.text);
    assert_eq!(aml["data"][0]["entryId"], "1001");
    assert_eq!(aml["data"][0]["list"], "ofac-sdn");
    assert_eq!(hit.ok_data()["client_transaction_id"], "c-9");
    assert_eq!(hit.ok_data()["lists"][0], "ofac-sdn@1");
    let arabic = screen(&s, &key, json!({"name": "محمد عبدالرحمن حسن"}));
    assert_eq!(
        arabic.body["services"]["AML"]["AML_matched"], true,
        "{}",
        arabic.text
    );
    // Someone else does not.
    let clear = screen(
        &s,
        &key,
        json!({"name": "Khaled Youssef Mansour", "idNumber": "29001011234564"}),
    );
    assert_eq!(
        clear.body["services"]["AML"]["AML_matched"], false,
        "{}",
        clear.text
    );
    assert!(clear.body["services"]["AML"]["data"]
        .as_array()
        .unwrap()
        .is_empty());
    screen(&s, &key, json!({"name": "X", "dateOfBirth": "1990-02-30"})).assert_error(400, 6102);

    // The analyst clears the hit: it stays visible but no longer alerts.
    let admin = format!("Bearer {}", s.login(&t)["accessToken"].as_str().unwrap());
    let record = aml["data"][0].clone();
    let review = s.post(
        "/api/Aml/Review",
        &[("ApiKey", &key), ("Authorization", &admin)],
        &json!({"personKey": hit.ok_data()["personKey"], "list": record["list"], "entryId": record["entryId"],
                "entryDigest": record["entryDigest"], "decision": "false_positive", "note": "different person"}),
    );
    assert_eq!(review.ok_data()["note"], "different person");
    // A review of an entry no screening can show (unknown id, or a digest the entry no
    // longer has) is refused.
    for (entry, digest) in [
        (json!("no-such-entry"), record["entryDigest"].clone()),
        (record["entryId"].clone(), json!("0123456789abcdef01234567")),
    ] {
        s.post(
            "/api/Aml/Review",
            &[("ApiKey", &key), ("Authorization", &admin)],
            &json!({"personKey": hit.ok_data()["personKey"], "list": record["list"], "entryId": entry,
                    "entryDigest": digest, "decision": "false_positive"}),
        )
        .assert_error(400, 6102);
    }
    // The note is sealed at rest.
    if std::env::var_os("HAWIYA_TEST_DATABASE_URL").is_none() {
        let db = std::fs::read(s.data_dir().join("hawiya.db")).unwrap();
        let wal = std::fs::read(s.data_dir().join("hawiya.db-wal")).unwrap_or_default();
        for bytes in [db, wal] {
            assert!(!bytes.windows(16).any(|w| w == b"different person"));
        }
    }
    let again = screen(&s, &key, json!({"name": "Muhammad Abdelrahman Hasan"}));
    let aml = &again.body["services"]["AML"];
    assert_eq!(aml["AML_matched"], false, "{}", again.text);
    assert_eq!(aml["data"][0]["review"], "false_positive");
    assert_eq!(aml["data"][0]["alert"], false);

    // A new list version in which the entry changed alerts again.
    write_ofac(&files.path().join("v2"), &sanctions("1981-07-01"));
    let out = s.cli(&[
        "aml",
        "import",
        "ofac-csv",
        files.path().join("v2").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let renewed = loop {
        let r = screen(&s, &key, json!({"name": "Muhammad Abdelrahman Hasan"}));
        if r.ok_data()["lists"][0] == "ofac-sdn@2" || Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        renewed.body["services"]["AML"]["AML_matched"], true,
        "{}",
        renewed.text
    );

    // The decisions are audited; the steps are recorded.
    let audit = s.get(
        "/api/Audit/Events",
        &[("ApiKey", &key), ("Authorization", &admin)],
    );
    assert!(audit
        .ok_data()
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "aml.review"));
    let txn = hit.ok_data()["transaction_id"]
        .as_str()
        .unwrap()
        .to_string();
    let steps = s.get(
        &format!("/v1/app/transactions/{txn}/steps"),
        &[("ApiKey", &key)],
    );
    assert_eq!(steps.ok_data()[0]["type"], "aml");

    // A broken file is refused with its line, and the active list is untouched.
    let bad = files.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("sdn.csv"), "1001,\"unterminated\n").unwrap();
    let out = s.cli(&["aml", "import", "ofac-csv", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        screen(&s, &key, json!({"name": "Mostafa Ibrahim Elsherif"})).ok_data()["lists"][0],
        "ofac-sdn@2"
    );
}

#[test]
fn a_tenant_blacklist_is_private() {
    let s = Server::start_with(&[("HAWIYA_AML_REFRESH_SECS", "1")]);
    let a = s.tenant("bl-a");
    let b = s.tenant("bl-b");
    let admin = format!("Bearer {}", s.login(&a)["accessToken"].as_str().unwrap());
    let files = tempfile::tempdir().unwrap();
    let csv_path = files.path().join("bl.csv");
    let listed = ListEntry {
        case_no: Some("C-77".into()),
        case_year: Some(2024),
        ..entry(
            "C-77",
            &["Hany Samir Farag", "هاني سمير فرج"],
            Some("28208151304597"),
            "1982-08-15",
        )
    };
    hawiya_aml::gen::write_tenant_csv(&csv_path, &[listed]).unwrap();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let headers = [
        ("ApiKey", a.api_key.as_str()),
        ("Authorization", admin.as_str()),
    ];
    let imported = s.post(
        "/api/Aml/Import",
        &headers,
        &json!({"name": "blacklist", "csv": csv}),
    );
    assert_eq!(imported.ok_data()["version"], 1, "{}", imported.text);
    s.post(
        "/api/Aml/Import",
        &headers,
        &json!({"name": "blacklist", "csv": "name,arabic_name\n\"broken"}),
    )
    .assert_error(400, 6102);
    s.post(
        "/api/Aml/Import",
        &[("ApiKey", &a.api_key)],
        &json!({"name": "x", "csv": csv}),
    )
    .assert_error(401, 6004);

    // By ID number (Arabic-Indic digits) and name, for A; B has no list at all.
    let hit = screen(
        &s,
        &a.api_key,
        json!({"name": "هاني سمير فرج", "idNumber": "٢٨٢٠٨١٥١٣٠٤٥٩٧"}),
    );
    let record = &hit.body["services"]["AML"]["data"][0];
    assert_eq!(
        hit.body["services"]["AML"]["AML_matched"], true,
        "{}",
        hit.text
    );
    assert_eq!(record["caseNo"], "C-77");
    assert_eq!(record["caseYear"], 2024);
    assert_eq!(record["idScore"], 1.0);
    // B never sees A's list. (On a shared PostgreSQL database another test's operator list may
    // be visible to B: then B is screened against that one only.)
    let other = screen(&s, &b.api_key, json!({"name": "هاني سمير فرج"}));
    if other.code() != Some(6501) {
        let lists = other.ok_data()["lists"].as_array().unwrap().clone();
        assert!(
            !lists
                .iter()
                .any(|l| l.as_str().unwrap().starts_with("blacklist@")),
            "{}",
            other.text
        );
        assert_eq!(
            other.body["services"]["AML"]["AML_matched"], false,
            "{}",
            other.text
        );
    }
    let lists = s.get("/api/Aml/Lists", &headers);
    let own: Vec<_> = lists
        .ok_data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| !l["tenant_id"].is_null())
        .cloned()
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["name"], "blacklist");
}

//! Transactions over HTTP: creation, reuse, listing, deletion and tenant isolation.

mod common;

use common::*;
use serde_json::json;

#[test]
fn steps_create_and_reuse_transactions() {
    let s = Server::start();
    let t = s.tenant("txn");
    let key = [("ApiKey", t.api_key.as_str())];
    let first = s.post("/v1/app/steps", &key, &json!({"type": "id_front", "data": "{\"name\":\"محمد\"}", "client_transaction_id": "order-17"}));
    let d1 = first.ok_data().clone();
    let id = d1["transaction_id"].as_str().unwrap().to_string();
    assert_eq!(
        d1["request_id"].as_str(),
        first.request_id.as_deref(),
        "request_id matches X-Request-Id"
    );
    let second = s.post(
        "/v1/app/steps",
        &key,
        &json!({"transaction_id": id, "type": "face_match", "data": "{\"isMatched\":true}"}),
    );
    let d2 = second.ok_data();
    assert_eq!(d2["transaction_id"], id.as_str());
    assert_ne!(
        d2["request_id"], d1["request_id"],
        "a fresh request_id each call"
    );

    let got = s.get(&format!("/v1/app/transactions/{id}"), &key);
    assert_eq!(got.ok_data()["stepsCount"], 2);
    assert_eq!(got.ok_data()["clientTransactionId"], "order-17");
    let steps = s.get(&format!("/v1/app/transactions/{id}/steps"), &key);
    let steps = steps.ok_data().as_array().unwrap().clone();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["type"], "id_front");
    assert_eq!(steps[0]["data"]["name"], "محمد");
    assert_eq!(steps[1]["data"]["isMatched"], true);
    assert_eq!(steps[0]["imagesCount"], 0);

    let list = s.get(
        "/v1/app/transactions?filterText=order&maxResultCount=5",
        &key,
    );
    assert_eq!(list.ok_data()["totalCount"], 1);
    assert_eq!(
        s.get("/v1/app/transactions?filterText=zzz", &key).ok_data()["totalCount"],
        0
    );
    // Query keys and paths in any case, as ASP.NET reads them.
    assert_eq!(
        s.get(
            "/V1/App/Transactions?FILTERTEXT=order&maxresultcount=5",
            &key
        )
        .ok_data()["totalCount"],
        1
    );
    assert_eq!(
        s.get("/v1/app/transactions?FilterText=zzz", &key).ok_data()["totalCount"],
        0
    );
    s.get("/v1/app/transactions?maxResultCount=5000", &key)
        .assert_error(400, 6102);
    s.get("/v1/app/transactions?skipCount=abc", &key)
        .assert_error(400, 6102);

    // Unknown and malformed ids.
    let unknown = uuid::Uuid::new_v4().to_string();
    s.post(
        "/v1/app/steps",
        &key,
        &json!({"transaction_id": unknown, "type": "others"}),
    )
    .assert_error(404, 5004);
    s.post(
        "/v1/app/steps",
        &key,
        &json!({"transaction_id": "not-a-guid", "type": "others"}),
    )
    .assert_error(404, 5004);
    s.get(&format!("/v1/app/transactions/{unknown}"), &key)
        .assert_error(404, 5004);
    // An empty transaction_id means "create one", like a missing one.
    let fresh = s.post(
        "/v1/app/steps",
        &key,
        &json!({"transaction_id": "", "type": "others"}),
    );
    assert_ne!(fresh.ok_data()["transaction_id"], id.as_str());

    // Bad step bodies write nothing.
    let before = s.transaction_count(&t);
    s.post("/v1/app/steps", &key, &json!({"type": "selfie"}))
        .assert_error(400, 6102);
    s.post("/v1/app/steps", &key, &json!({"type": "id_front"}))
        .assert_error(400, 6103);
    s.post("/v1/app/steps", &key, &json!({"data": "{}"}))
        .assert_error(400, 6103);
    assert_eq!(s.transaction_count(&t), before);

    // Deletion takes the steps with it.
    let del = s.send("DELETE", &format!("/v1/app/transactions/{id}"), &key, None);
    assert_eq!(del.ok_data()["deleted"], true);
    s.get(&format!("/v1/app/transactions/{id}"), &key)
        .assert_error(404, 5004);
    s.get(&format!("/v1/app/transactions/{id}/steps"), &key)
        .assert_error(404, 5004);
    s.send("DELETE", &format!("/v1/app/transactions/{id}"), &key, None)
        .assert_error(404, 5004);
}

#[test]
fn tenants_never_see_each_other() {
    let s = Server::start();
    let a = s.tenant("iso-a");
    let b = s.tenant("iso-b");
    let ka = [("ApiKey", a.api_key.as_str())];
    let kb = [("ApiKey", b.api_key.as_str())];
    let id = s
        .post("/v1/app/steps", &ka, &json!({"type": "others"}))
        .ok_data()["transaction_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Every way B could reach A's transaction answers exactly like an unknown id.
    let unknown = uuid::Uuid::new_v4().to_string();
    for probe in [id.as_str(), unknown.as_str()] {
        let r = s.get(&format!("/v1/app/transactions/{probe}"), &kb);
        r.assert_error(404, 5004);
        s.get(&format!("/v1/app/transactions/{probe}/steps"), &kb)
            .assert_error(404, 5004);
        s.send(
            "DELETE",
            &format!("/v1/app/transactions/{probe}"),
            &kb,
            None,
        )
        .assert_error(404, 5004);
        s.post(
            "/v1/app/steps",
            &kb,
            &json!({"transaction_id": probe, "type": "others"}),
        )
        .assert_error(404, 5004);
        s.post(
            "/v1/ocr/id/front",
            &kb,
            &json!({"transaction_id": probe, "image": face_b64()}),
        )
        .assert_error(404, 5004);
    }
    assert_eq!(s.transaction_count(&b), 0);
    assert_eq!(s.transaction_count(&a), 1);
    assert_eq!(
        s.get(&format!("/v1/app/transactions/{id}/steps"), &ka)
            .ok_data()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

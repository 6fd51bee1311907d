//! Bad input over HTTP: each class gets its own code and status, and nothing is stored.

mod common;

use common::*;
use serde_json::json;

fn png_of(width: u32, height: u32) -> Vec<u8> {
    // Grayscale zeros compress to almost nothing, so a 30 MP image is a tiny file.
    let img = image::GrayImage::new(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn each_bad_image_has_its_own_error_and_writes_nothing() {
    let s = Server::start();
    let t = s.tenant("inputs");
    let key = [("ApiKey", t.api_key.as_str())];
    let jpeg = jpeg(320, 240);
    let mut oversized = jpeg.clone();
    oversized.resize(5 * 1024 * 1024 + 10, 0);
    let cases: Vec<(&str, serde_json::Value, u16, u64)> = vec![
        ("corrupt base64", json!("this is not base64!!"), 400, 6201),
        ("empty string", json!(""), 400, 6202),
        (
            "data url without payload",
            json!("data:image/png;base64,"),
            400,
            6202,
        ),
        (
            "text, not an image",
            json!(b64(b"hello, this is plain text")),
            415,
            6203,
        ),
        (
            "PDF",
            json!(b64(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")),
            415,
            6203,
        ),
        (
            "truncated JPEG",
            json!(b64(&jpeg[..jpeg.len() / 2])),
            422,
            6204,
        ),
        (
            "JPEG magic then garbage",
            json!(b64(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8])),
            422,
            6204,
        ),
        ("over 5 MB", json!(b64(&oversized)), 413, 5002),
        ("over 25 MP", json!(b64(&png_of(6000, 5000))), 413, 5003),
        ("wrong JSON type", json!(12345), 400, 6102),
        ("nested object", json!({"b64": "x"}), 400, 6102),
    ];
    for (what, image, status, code) in &cases {
        let r = s.post("/v1/ocr/id/front", &key, &json!({"image": image}));
        assert_eq!(
            (r.status, r.code()),
            (*status, Some(*code)),
            "{what}: {}",
            r.text
        );
        r.assert_error(*status, *code);
        if *code != 6102 {
            assert_eq!(r.body["error_descriptions"][0]["field"], "image", "{what}");
        }
    }
    // The same classes on a multi-image endpoint name the failing field.
    let r = s.post(
        "/v1/ocr/face/compare",
        &key,
        &json!({"face_image1": face_b64(), "face_image2": b64(&jpeg[..100])}),
    );
    r.assert_error(422, 6204);
    assert_eq!(r.body["error_descriptions"][0]["field"], "face_image2");
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &json!({"face_1": face_b64(), "face_2": face_b64()}),
    );
    r.assert_error(400, 6103);
    assert!(r.body["error_message"].as_str().unwrap().contains("face_3"));

    // Body-level problems.
    let raw = |body: &[u8], ct: &str| {
        s.send(
            "POST",
            "/v1/ocr/id/front",
            &[key[0], ("Content-Type", ct)],
            Some(body),
        )
    };
    raw(b"{\"image\": ", "application/json").assert_error(400, 6101);
    raw(b"", "application/json").assert_error(400, 6101);
    raw(b"image=abc", "application/x-www-form-urlencoded").assert_error(415, 6104);
    raw(b"[1, 2]", "application/json").assert_error(400, 6102);
    s.post("/v1/ocr/id/front", &key, &json!({}))
        .assert_error(400, 6103);
    s.post("/v1/ocr/id/front", &key, &json!({"image": null}))
        .assert_error(400, 6103);
    s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": face_b64(), "getExtractedData": "yes"}),
    )
    .assert_error(400, 6102);
    s.post(
        "/v1/ocr/aml/validate",
        &key,
        &json!({"idNumber": "29001011234564"}),
    )
    .assert_error(400, 6103);

    // A valid image reaches the (unbuilt) engine: 4004, still nothing written.
    let r = s.post("/v1/ocr/passport", &key, &json!({"image": face_b64()}));
    r.assert_error(501, 4004);
    assert!(r.body["error_message"]
        .as_str()
        .unwrap()
        .contains("passport"));
    let with_prefix = format!("data:image/png;base64,{}", face_b64());
    s.post("/v1/ocr/passport", &key, &json!({"image": with_prefix}))
        .assert_error(501, 4004);
    s.post("/v1/ocr/license/plate", &key, &json!({"image": face_b64()}))
        .assert_error(501, 4004);
    s.post(
        "/v1/ocr/aml/validate",
        &key,
        &json!({"name": "Ahmed Mohamed", "idNumber": "29001011234564"}),
    )
    .assert_error(503, 6501);

    assert_eq!(
        s.transaction_count(&t),
        0,
        "no request above may leave a transaction behind"
    );
}

#[test]
fn body_limit_is_enforced() {
    let s = Server::start_with(&[("HAWIYA_MAX_BODY_BYTES", "200000")]);
    let t = s.tenant("limit");
    let big = b64(&jpeg(800, 600)).repeat(4);
    assert!(big.len() > 200_000);
    s.post(
        "/v1/ocr/id/front",
        &[("ApiKey", &t.api_key)],
        &json!({"image": big}),
    )
    .assert_error(413, 6105);
    assert_eq!(s.transaction_count(&t), 0);
}

#[test]
fn configured_image_limits_apply() {
    let s = Server::start_with(&[
        ("HAWIYA_MAX_IMAGE_BYTES", "20000"),
        ("HAWIYA_MAX_IMAGE_PIXELS", "10000"),
    ]);
    let t = s.tenant("imglimit");
    let key = [("ApiKey", t.api_key.as_str())];
    s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": b64(&png_of(200, 200))}),
    )
    .assert_error(413, 5003);
    let mut big = jpeg(64, 64);
    big.resize(30_000, 0);
    s.post("/v1/ocr/id/front", &key, &json!({"image": b64(&big)}))
        .assert_error(413, 5002);
    s.post(
        "/v1/ocr/passport",
        &key,
        &json!({"image": b64(&jpeg(64, 64))}),
    )
    .assert_error(501, 4004);
}

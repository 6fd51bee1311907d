//! Face compare and face match over HTTP with real photos and real models.

mod common;

use common::*;
use serde_json::json;

fn png(img: &image::RgbImage) -> String {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    b64(&out.into_inner())
}

fn testdata_image(path: &str) -> image::RgbImage {
    image::open(format!(
        "{}/../../testdata/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .to_rgb8()
}

/// A plain grey picture: nothing to detect.
fn blank() -> String {
    png(&image::RgbImage::from_pixel(
        640,
        480,
        image::Rgb([128, 128, 128]),
    ))
}

/// `img21.jpg` shrunk so its face is about `face_px` wide, on a grey 640×480 canvas.
fn small_face(face_px: f32) -> String {
    let src = testdata_image("faces/eval-sample/img21.jpg");
    // The face in img21 is about 221 px wide (YuNet box).
    let scale = face_px / 221.0;
    let (w, h) = (
        (src.width() as f32 * scale) as u32,
        (src.height() as f32 * scale) as u32,
    );
    let small = image::imageops::resize(&src, w, h, image::imageops::FilterType::Triangle);
    let mut canvas = image::RgbImage::from_pixel(640, 480, image::Rgb([128, 128, 128]));
    image::imageops::overlay(&mut canvas, &small, 200, 150);
    png(&canvas)
}

#[test]
fn compare_decides_same_and_different_people() {
    let s = Server::start();
    let t = s.tenant("face");
    let key = [("ApiKey", t.api_key.as_str())];
    let a = testdata_b64("faces/eval-sample/img20.jpg");
    let same = s.post("/v1/ocr/face/compare", &key, &json!({"face_image1": a, "face_image2": testdata_b64("faces/eval-sample/img21.jpg"), "client_transaction_id": "kyc-1"}));
    let d = same.ok_data().clone();
    assert_eq!(d["isMatched"], true, "{}", same.text);
    let threshold = d["threshold"].as_f64().unwrap();
    assert!(
        d["similarity"].as_f64().unwrap() > threshold + 0.2,
        "{}",
        same.text
    );
    assert_eq!(d["client_transaction_id"], "kyc-1");
    assert_eq!(d["faces"].as_array().unwrap().len(), 2);

    let different = s.post("/v1/ocr/face/compare", &key, &json!({"face_image1": a, "face_image2": testdata_b64("faces/eval-sample/img3.jpg"), "transaction_id": d["transaction_id"]}));
    let d2 = different.ok_data();
    assert_eq!(d2["isMatched"], false, "{}", different.text);
    assert!(d2["similarity"].as_f64().unwrap() < threshold - 0.1);
    assert_eq!(
        d2["transaction_id"], d["transaction_id"],
        "reused transaction"
    );

    // Both steps are recorded, without images (store_images is off by default).
    let steps = s.get(
        &format!(
            "/v1/app/transactions/{}/steps",
            d["transaction_id"].as_str().unwrap()
        ),
        &key,
    );
    let steps = steps.ok_data().as_array().unwrap().clone();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["type"], "face_compare");
    assert_eq!(steps[0]["data"]["isMatched"], true);
    assert_eq!(steps[0]["imagesCount"], 0);
}

#[test]
fn compare_errors_name_the_image() {
    let s = Server::start();
    let t = s.tenant("face-err");
    let key = [("ApiKey", t.api_key.as_str())];
    let a = testdata_b64("faces/eval-sample/img20.jpg");
    let r = s.post(
        "/v1/ocr/face/compare",
        &key,
        &json!({"face_image1": a, "face_image2": blank()}),
    );
    r.assert_error(422, 4207);
    assert_eq!(r.body["error_descriptions"][0]["field"], "face_image2");
    let r = s.post(
        "/v1/ocr/face/compare",
        &key,
        &json!({"face_image1": testdata_b64("faces/eval-sample/couple.jpg"), "face_image2": a}),
    );
    r.assert_error(422, 4206);
    assert_eq!(r.body["error_descriptions"][0]["field"], "face_image1");
    let r = s.post(
        "/v1/ocr/face/compare",
        &key,
        &json!({"face_image1": a, "face_image2": small_face(22.0)}),
    );
    r.assert_error(422, 4208);
    s.post("/v1/ocr/face/compare", &key, &json!({"face_image1": a}))
        .assert_error(400, 6103);
    assert_eq!(
        s.transaction_count(&t),
        0,
        "failed comparisons store nothing"
    );
}

#[test]
fn match_against_the_id_photo_of_the_transaction() {
    let s = Server::start_with(&[("HAWIYA_STORE_IMAGES", "true")]);
    let t = s.tenant("match");
    let key = [("ApiKey", t.api_key.as_str())];
    let id_front = testdata_b64("faces/eval-sample/img20.jpg");
    let selfie = testdata_b64("faces/eval-sample/img21.jpg");

    // Without a transaction or an ID front there is nothing to match against.
    s.post("/v1/ocr/face/match", &key, &json!({"image": selfie}))
        .assert_error(400, 6103);
    // A transaction without an ID front.
    let empty = s
        .post("/v1/app/steps", &key, &json!({"type": "others"}))
        .ok_data()["transaction_id"]
        .clone();
    s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": selfie, "transaction_id": empty}),
    )
    .assert_error(422, 7008);
    // An ID front with no face on it.
    s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": selfie, "id_front_image": blank()}),
    )
    .assert_error(422, 3014);

    // The ID photo arrives with the first match and is kept (as an embedding) in the transaction.
    let first = s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": selfie, "id_front_image": id_front}),
    );
    let d = first.ok_data().clone();
    assert_eq!(d["isMatched"], true, "{}", first.text);
    assert_eq!(
        first.body["services"]["spoofing"],
        json!({"fake": false}),
        "{}",
        first.text
    );
    let txn = d["transaction_id"].as_str().unwrap().to_string();

    // Later selfies match against the kept ID photo.
    let again = s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": selfie, "transaction_id": txn}),
    );
    assert_eq!(again.ok_data()["isMatched"], true, "{}", again.text);
    let other = s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": testdata_b64("faces/eval-sample/img3.jpg"), "transaction_id": txn}),
    );
    assert_eq!(other.ok_data()["isMatched"], false, "{}", other.text);

    // A selfie with two similar faces, a blurry selfie: refused, nothing recorded.
    s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": testdata_b64("faces/eval-sample/couple.jpg"), "transaction_id": txn}),
    )
    .assert_error(422, 4206);
    let blurred = image::imageops::blur(&testdata_image("faces/eval-sample/img21.jpg"), 6.0);
    s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": png(&blurred), "transaction_id": txn}),
    )
    .assert_error(422, 4209);

    let steps = s.get(&format!("/v1/app/transactions/{txn}/steps"), &key);
    let steps = steps.ok_data().as_array().unwrap().clone();
    assert_eq!(steps.len(), 3);
    assert_eq!(
        steps[0]["imagesCount"], 2,
        "store_images keeps the selfie and the ID front"
    );
    assert_eq!(steps[1]["imagesCount"], 1);

    // Another tenant cannot match against this transaction.
    let other_tenant = s.tenant("match-b");
    s.post(
        "/v1/ocr/face/match",
        &[("ApiKey", &other_tenant.api_key)],
        &json!({"image": selfie, "transaction_id": txn}),
    )
    .assert_error(404, 5004);

    // A selfie that is a real print or a real tablet showing a face: matched or not, the
    // medium is named (one frame: washed-out colour and the medium's border together).
    for (file, reason) in [
        ("faces/spoof/silentface_image_F1.jpg", "printed_photo"),
        ("faces/spoof/silentface_image_F2.jpg", "screen_display"),
    ] {
        let r = s.post(
            "/v1/ocr/face/match",
            &key,
            &json!({"image": testdata_b64(file), "transaction_id": txn}),
        );
        assert_eq!(
            r.body["services"]["spoofing"],
            json!({"fake": true, "reasons": [reason]}),
            "{file}: {}",
            r.text
        );
    }
}

/// The converted face mesh and eye-contour models, on a real photo: the mesh lands on the
/// face YuNet found, and open eyes read as open.
#[test]
fn mesh_and_eye_contours_fit_a_real_face() {
    use hawiya_face::mesh::{EYE_CORNERS, NOSE};
    let models = models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, Some(1)).unwrap();
    let engine = hawiya_face::engine::FaceEngine::load(&runtime, &models, None).unwrap();
    for photo in ["faces/eval-sample/img20.jpg", "faces/eval-sample/img21.jpg"] {
        let img = testdata_image(photo);
        let analysis = engine
            .analyze(&img, hawiya_face::engine::FaceRole::Selfie)
            .unwrap();
        let lm = analysis.face.landmarks;
        let mesh = engine.mesh(&img, &analysis.face).unwrap();
        assert!(mesh.presence > 0.9, "{photo}: presence {}", mesh.presence);
        let iod = analysis.eye_distance;
        let near = |a: [f32; 2], b: [f32; 2], tol: f32| {
            let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() / iod;
            assert!(d < tol, "{photo}: {a:?} vs {b:?} ({d:.3} eye distances)");
        };
        for (eye, corners) in EYE_CORNERS.iter().enumerate() {
            let [a, b] = corners.map(|k| mesh.xy(k));
            near([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0], lm[eye], 0.12);
        }
        near(mesh.xy(NOSE[0]), lm[2], 0.15);
        let openness = engine.eye_openness(&img, &mesh).unwrap();
        assert!(
            (0.2..0.6).contains(&openness),
            "{photo}: eye openness {openness}"
        );
    }
}

#[test]
fn a_face_that_fills_the_frame_is_found() {
    let s = Server::start();
    let t = s.tenant("tight");
    let key = [("ApiKey", t.api_key.as_str())];
    // Crops cut at hairline and chin with no margin (face-api.js examples): YuNet alone
    // misses these two; the rest of the 40 it finds as they are.
    for photo in ["howard1.png", "stuart5.png"] {
        let tight = testdata_image(&format!("faces/tune/{photo}"));
        let r = s.post(
            "/v1/ocr/face/compare",
            &key,
            &json!({"face_image1": testdata_b64(&format!("faces/tune/{photo}")),
                    "face_image2": testdata_b64(&format!("faces/tune/{photo}"))}),
        );
        let d = r.ok_data();
        assert!(
            d["similarity"].as_f64().unwrap() > 0.99,
            "{photo}: {}",
            r.text
        );
        // The box is reported in the image's own pixels.
        let b = &d["faces"][0]["bbox"];
        assert!(
            b[0].as_f64().unwrap() >= 0.0
                && b[1].as_f64().unwrap() >= 0.0
                && b[2].as_f64().unwrap() <= f64::from(tight.width())
                && b[3].as_f64().unwrap() <= f64::from(tight.height()),
            "{photo}: {b}"
        );
    }
}

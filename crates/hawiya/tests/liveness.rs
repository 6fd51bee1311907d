//! `POST /v1/ocr/liveness/multi` over HTTP, one test per outcome, with synthetic frame
//! triples written by `hawiya synth-frames` from the repository's face photos.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;

const SOURCE: &str = "faces/eval-sample/img20.jpg";
/// Another photo of the same person, used as the ID-card photo.
const SAME_PERSON: &str = "faces/eval-sample/img21.jpg";
const OTHER_PERSON: &str = "faces/eval-sample/img3.jpg";

fn testdata(path: &str) -> String {
    format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Three base64 frames of `kind` from `SOURCE`.
fn frames(s: &Server, kind: &str, seed: u64) -> [String; 3] {
    frames_of(s, SOURCE, kind, seed)
}

/// Three base64 frames of `kind` from the face photo `face` (under `testdata/`).
fn frames_of(s: &Server, face: &str, kind: &str, seed: u64) -> [String; 3] {
    let dir = tempfile::tempdir().unwrap();
    let out = s.cli(&[
        "synth-frames",
        "--face",
        &testdata(face),
        "--other",
        &testdata(OTHER_PERSON),
        "--kind",
        kind,
        "--seed",
        &seed.to_string(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "synth-frames: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    [1, 2, 3].map(|i| read_b64(&dir.path().join(format!("face_{i}.jpg"))))
}

fn read_b64(path: &Path) -> String {
    b64(&std::fs::read(path).unwrap())
}

fn body(frames: &[String; 3], extra: Value) -> Value {
    let mut b = json!({"face_1": frames[0], "face_2": frames[1], "face_3": frames[2]});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

/// The validation codes of a liveness response.
fn codes(r: &Reply) -> Vec<u64> {
    r.body["services"]["Validations"]["validation_errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no validations: {}", r.text))
        .iter()
        .flat_map(|v| v["errors"].as_array().unwrap().clone())
        .map(|e| e["code"].as_u64().unwrap())
        .collect()
}

#[test]
fn live_frames_pass_and_a_replay_of_them_does_not() {
    let s = Server::start();
    let t = s.tenant("live");
    let key = [("ApiKey", t.api_key.as_str())];
    let live = frames(&s, "live", 3);
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &live,
            json!({"image": testdata_b64(SAME_PERSON), "client_transaction_id": "kyc-7", "capture_times_ms": [1000, 1150, 1300]}),
        ),
    );
    let d = r.ok_data().clone();
    assert_eq!(d["liveness"]["decision"], "live", "{}", r.text);
    assert_eq!(d["liveness"]["reasons"][0], "parallax_3d", "{}", r.text);
    assert_eq!(d["faceMatch"]["isMatched"], true);
    assert_eq!(d["isVerificationProcessCompleted"], true);
    assert_eq!(d["client_transaction_id"], "kyc-7");
    assert_eq!(d["liveness"]["signals"]["capture_span_ms"], 300);
    assert_eq!(d["faces"].as_array().unwrap().len(), 4);
    let services = &r.body["services"];
    assert_eq!(services["liveness"], true);
    assert_eq!(services["spoofing"]["fake"], false);
    assert!(codes(&r).is_empty(), "{}", r.text);
    let tx = d["transaction_id"].as_str().unwrap().to_string();
    let steps = s.get(&format!("/v1/app/transactions/{tx}/steps"), &key);
    assert_eq!(steps.ok_data()[0]["type"], "liveness", "{}", steps.text);

    // The same frames again, on the same transaction (its ID photo is now stored): replay.
    let again = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&live, json!({"transaction_id": tx})),
    );
    let d = again.ok_data();
    assert_eq!(d["liveness"]["decision"], "not_live", "{}", again.text);
    assert!(d["liveness"]["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("replayed_frames")));
    assert_eq!(d["liveness"]["signals"]["frames_seen_before"], 3);
    assert_eq!(again.body["services"]["liveness"], false);
    assert_eq!(again.body["services"]["spoofing"]["fake"], true);
    assert_eq!(codes(&again), vec![6604]);
    // Seen by another tenant too: a replay is a replay whoever saw the frames first.
    let other = s.tenant("live-other");
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &[("ApiKey", other.api_key.as_str())],
        &body(&live, json!({"image": testdata_b64(SAME_PERSON)})),
    );
    assert_eq!(codes(&r), vec![6604], "{}", r.text);
}

#[test]
fn attacks_are_not_live_with_their_codes() {
    let s = Server::start();
    let t = s.tenant("attack");
    let key = [("ApiKey", t.api_key.as_str())];
    let id = testdata_b64(SAME_PERSON);
    for (kind, seed, code, reason) in [
        ("planar-photo", 1, 6601, "planar_motion"),
        ("screen-replay", 1, 6601, "screen_pattern"),
        ("identical", 1, 6604, "identical_frames"),
        ("different-person", 1, 6605, "identity_mismatch"),
    ] {
        let r = s.post(
            "/v1/ocr/liveness/multi",
            &key,
            &body(&frames(&s, kind, seed), json!({"image": id})),
        );
        let d = r.ok_data();
        assert_eq!(d["liveness"]["decision"], "not_live", "{kind}: {}", r.text);
        assert!(
            d["liveness"]["reasons"]
                .as_array()
                .unwrap()
                .contains(&json!(reason)),
            "{kind}: {}",
            r.text
        );
        assert!(codes(&r).contains(&code), "{kind}: {}", r.text);
        assert_eq!(r.body["services"]["liveness"], false);
        assert_eq!(r.body["services"]["spoofing"]["fake"], true);
        assert_eq!(d["isVerificationProcessCompleted"], false);
    }
}

/// Three frames of a real capture, each shifted by a few pixels (a hand-held capture of a
/// photo), as JPEG in base64.
fn shifted_frames(path: &str) -> [String; 3] {
    let bytes = std::fs::read(testdata(path)).unwrap();
    let limits = hawiya_vision::Limits {
        max_bytes: 64 << 20,
        max_pixels: 100_000_000,
    };
    let img = hawiya_vision::decode_image_bytes(&bytes, &limits)
        .unwrap()
        .image
        .to_rgb8();
    let (w, h) = (img.width() - 12, img.height() - 12);
    [0, 5, 10].map(|d| {
        let crop = image::imageops::crop_imm(&img, d, d / 2, w, h).to_image();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
            .encode_image(&crop)
            .unwrap();
        b64(&jpeg)
    })
}

#[test]
fn real_print_and_screen_captures_are_named() {
    let s = Server::start();
    let t = s.tenant("medium");
    let key = [("ApiKey", t.api_key.as_str())];
    for (file, reason) in [
        ("faces/spoof/silentface_image_F1.jpg", "printed_photo"),
        ("faces/spoof/silentface_image_F2.jpg", "screen_display"),
    ] {
        let r = s.post(
            "/v1/ocr/liveness/multi",
            &key,
            &body(&shifted_frames(file), json!({"image": testdata_b64(file)})),
        );
        let d = r.ok_data();
        assert_eq!(d["liveness"]["decision"], "not_live", "{file}: {}", r.text);
        let reasons = d["liveness"]["reasons"].as_array().unwrap();
        assert!(reasons.contains(&json!(reason)), "{file}: {}", r.text);
        assert!(d["liveness"]["signals"]["presentation_frames"].as_u64() >= Some(2));
        assert!(codes(&r).contains(&6601), "{file}: {}", r.text);
        assert_eq!(r.body["services"]["spoofing"]["fake"], true);
    }
    // The print's face turned in 3-D (as a video of it would be), its paper edge cropped
    // away: the washed-out colour alone withholds the live decision.
    let f1 = "faces/spoof/silentface_image_F1.jpg";
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames_of(&s, f1, "live", 1),
            json!({"image": testdata_b64(f1)}),
        ),
    );
    let d = r.ok_data();
    assert_eq!(
        d["liveness"]["decision"], "insufficient_evidence",
        "{}",
        r.text
    );
    assert_eq!(
        d["liveness"]["reasons"],
        json!(["washed_out_colour"]),
        "{}",
        r.text
    );
    assert_eq!(codes(&r), vec![6602], "{}", r.text);
    assert_eq!(r.body["services"]["liveness"], false);
    // The live capture of the tablet's subject, same camera, same handling: no medium.
    let file = "faces/spoof/silentface_image_T1.jpg";
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&shifted_frames(file), json!({"image": testdata_b64(file)})),
    );
    let d = r.ok_data();
    assert_eq!(
        d["liveness"]["signals"]["presentation_frames"], 0,
        "{}",
        r.text
    );
    let reasons = d["liveness"]["reasons"].as_array().unwrap();
    assert!(!reasons.contains(&json!("printed_photo")), "{}", r.text);
    assert!(!reasons.contains(&json!("screen_display")), "{}", r.text);
}

#[test]
fn still_frames_with_noise_are_insufficient_evidence() {
    let s = Server::start();
    let t = s.tenant("still");
    let key = [("ApiKey", t.api_key.as_str())];
    // One frame three times with different sensor-like noise: not identical, but no motion.
    let one = frames(&s, "identical", 2);
    let base = {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&one[0])
            .unwrap();
        image::load_from_memory(&bytes).unwrap().to_rgb8()
    };
    let noisy: Vec<String> = (0..3u32)
        .map(|k| {
            let mut img = base.clone();
            let mut state = 12345u32.wrapping_add(k * 7919);
            for p in img.pixels_mut() {
                for c in p.0.iter_mut() {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let n = ((state >> 24) as i32 % 17) - 8;
                    *c = (*c as i32 + n).clamp(0, 255) as u8;
                }
            }
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            b64(&out.into_inner())
        })
        .collect();
    let noisy: [String; 3] = noisy.try_into().unwrap();
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&noisy, json!({"image": testdata_b64(SAME_PERSON)})),
    );
    let d = r.ok_data();
    assert_eq!(
        d["liveness"]["decision"], "insufficient_evidence",
        "{}",
        r.text
    );
    assert_eq!(codes(&r), vec![6602]);
    assert_eq!(r.body["services"]["liveness"], false);
    assert!(r.body["services"]["spoofing"].is_null());

    // A still head filmed by a shaking hand: the whole image moves, without parallax and
    // without the face plane turning in depth. Not evidence of a print: capture again.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames(&s, "shaky-still", 2),
            json!({"image": testdata_b64(SAME_PERSON)}),
        ),
    );
    let d = r.ok_data();
    assert_eq!(
        d["liveness"]["reasons"],
        json!(["in_plane_motion"]),
        "{}",
        r.text
    );
    assert!(
        d["liveness"]["signals"]["motion"].as_f64() >= Some(0.05),
        "{}",
        r.text
    );
    assert_eq!(codes(&r), vec![6602]);
    assert!(r.body["services"]["spoofing"].is_null());
}

#[test]
fn a_still_head_that_blinks_is_live() {
    let s = Server::start();
    let t = s.tenant("blink");
    let key = [("ApiKey", t.api_key.as_str())];
    // The head barely moves (no parallax to see), but the eyes shut in one frame.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames(&s, "still-blink", 1),
            json!({"image": testdata_b64(SAME_PERSON)}),
        ),
    );
    let d = r.ok_data();
    assert_eq!(d["liveness"]["decision"], "live", "{}", r.text);
    assert_eq!(d["liveness"]["reasons"], json!(["blink"]), "{}", r.text);
    let signals = &d["liveness"]["signals"];
    assert!(
        signals["eye_closure"].as_f64().unwrap() >= 0.3,
        "{}",
        r.text
    );
    assert!(signals["motion"].as_f64().unwrap() < 0.05, "{}", r.text);
    assert_eq!(r.body["services"]["liveness"], true);
    assert!(codes(&r).is_empty(), "{}", r.text);
}

#[test]
fn capture_span_and_id_mismatch_are_reported() {
    let s = Server::start();
    let t = s.tenant("span");
    let key = [("ApiKey", t.api_key.as_str())];
    // Live frames, but captured 0.7 s apart in all.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames(&s, "live", 4),
            json!({"image": testdata_b64(SAME_PERSON), "capture_times_ms": [0, 300, 700]}),
        ),
    );
    assert_eq!(
        r.ok_data()["liveness"]["decision"],
        "not_live",
        "{}",
        r.text
    );
    assert_eq!(codes(&r), vec![6603]);
    // Live frames of one person against another person's ID photo.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames(&s, "live", 5),
            json!({"image": testdata_b64(OTHER_PERSON)}),
        ),
    );
    let d = r.ok_data();
    assert_eq!(d["liveness"]["decision"], "live", "{}", r.text);
    assert_eq!(d["faceMatch"]["isMatched"], false);
    assert_eq!(d["isVerificationProcessCompleted"], false);
    assert_eq!(codes(&r), vec![6606]);
    assert_eq!(r.body["services"]["liveness"], true);
    // A malformed capture-time list is a request error.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &frames(&s, "live", 5),
            json!({"image": testdata_b64(SAME_PERSON), "capture_times_ms": [0, 300]}),
        ),
    );
    r.assert_error(400, 6102);
}

#[test]
fn transaction_rules_and_bad_frames() {
    let s = Server::start();
    let t = s.tenant("livetx");
    let key = [("ApiKey", t.api_key.as_str())];
    let live = frames(&s, "live", 3);
    // Neither an ID image nor a transaction.
    s.post("/v1/ocr/liveness/multi", &key, &body(&live, json!({})))
        .assert_error(400, 6103);
    // A transaction without an ID photo.
    let step = s.post(
        "/v1/app/steps",
        &key,
        &json!({"type": "others", "data": "{}"}),
    );
    let bare_tx = step.ok_data()["transaction_id"]
        .as_str()
        .unwrap()
        .to_string();
    s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&live, json!({"transaction_id": bare_tx})),
    )
    .assert_error(422, 7008);
    // Unknown transaction.
    s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(
            &live,
            json!({"transaction_id": "7f0c1a8e-0000-4000-8000-000000000000"}),
        ),
    )
    .assert_error(404, 5004);
    // A frame without a face: 4207 naming it, nothing stored.
    let before = s.transaction_count(&t);
    let blank = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(480, 640, image::Rgb([120, 120, 120]))
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        b64(&out.into_inner())
    };
    let bad = [live[0].clone(), blank, live[2].clone()];
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&bad, json!({"image": testdata_b64(SAME_PERSON)})),
    );
    r.assert_error(422, 4207);
    assert_eq!(
        r.body["error_descriptions"][0]["field"], "face_2",
        "{}",
        r.text
    );
    // An ID image without a face.
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&live, json!({"image": b64(&jpeg(400, 300))})),
    );
    r.assert_error(422, 3014);
    assert_eq!(s.transaction_count(&t), before);
    // Frames not seen: the live frames still pass after the failed attempts (nothing of
    // theirs was remembered), on a transaction whose ID photo came from face match.
    let m = s.post(
        "/v1/ocr/face/match",
        &key,
        &json!({"image": testdata_b64(SAME_PERSON), "id_front_image": testdata_b64(SAME_PERSON)}),
    );
    let tx = m.ok_data()["transaction_id"].as_str().unwrap().to_string();
    let r = s.post(
        "/v1/ocr/liveness/multi",
        &key,
        &body(&live, json!({"transaction_id": tx})),
    );
    let d = r.ok_data();
    assert_eq!(d["liveness"]["decision"], "live", "{}", r.text);
    assert_eq!(d["liveness"]["signals"]["frames_seen_before"], 0);
    assert_eq!(d["faceMatch"]["isMatched"], true);
    assert_eq!(d["transaction_id"], tx.as_str());
}

//! `POST /v1/ocr/id/front` and `/v1/ocr/id/back` over HTTP with generated cards (real
//! models, real Tesseract).

mod common;

use common::*;
use hawiya_synth::{Degradation, DocType, Generator, Recapture, Tamper};
use serde_json::json;

/// Seed of the cards posted here (the digit recogniser was trained on lines of seed 1).
const SEED: u64 = 9105;

fn generator() -> Generator {
    Generator::new(Some(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/faces/tune"
    ))))
    .unwrap()
}

fn jpeg_b64(img: &image::RgbImage) -> String {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    b64(&out)
}

fn codes(r: &Reply) -> Vec<(Option<String>, u64)> {
    r.body["services"]["Validations"]["validation_errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no validations: {}", r.text))
        .iter()
        .map(|v| {
            (
                v["field"].as_str().map(str::to_string),
                v["errors"][0]["code"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn truth(sample: &hawiya_synth::Sample, field: &str) -> String {
    sample.truth.fields[field].as_str().unwrap().to_string()
}

#[test]
fn a_front_is_read_checked_and_stored() {
    let s = Server::start();
    let t = s.tenant("idf");
    let key = [("ApiKey", t.api_key.as_str())];
    let g = generator();
    for (index, degradations) in [
        (0, vec![]),
        (1, vec![Degradation::Perspective]),
        (2, vec![Degradation::Perspective, Degradation::Rotate]),
    ] {
        let sample = g
            .generate(DocType::IdFront, SEED, index, &degradations)
            .unwrap();
        let r = s.post(
            "/v1/ocr/id/front",
            &key,
            &json!({"image": jpeg_b64(&sample.image), "client_transaction_id": "kyc-9"}),
        );
        let d = r.ok_data().clone();
        let what = format!("card {index} {degradations:?}: {}", r.text);
        assert_eq!(d["idNumber"], truth(&sample, "idNumber"), "{what}");
        assert_eq!(d["dateOfBirth"], truth(&sample, "dateOfBirth"), "{what}");
        assert_eq!(d["gender"], truth(&sample, "gender"), "{what}");
        assert_eq!(d["idKey"], truth(&sample, "idKey"), "{what}");
        for field in ["first_name", "last_names", "address_2"] {
            let read = d[field].as_str().unwrap_or_default();
            let expected = truth(&sample, field);
            let distance = hawiya_ocr::id_front::edit_distance(&expected, read);
            assert!(
                distance * 5 <= expected.chars().count(),
                "{field}: {read:?} vs {expected:?} ({what})"
            );
        }
        assert_eq!(d["idFrontData"]["idNumber"], d["idNumber"]);
        assert_eq!(d["client_transaction_id"], "kyc-9");
        assert_eq!(
            r.body["services"]["classification"]["doc_type"],
            "national_id"
        );
        assert_eq!(codes(&r), vec![], "{what}");
        assert_eq!(
            r.body["services"]["spoofing"],
            json!({"fake": false}),
            "{what}"
        );
        assert_eq!(d["isVerificationProcessCompleted"], true);
        // The step is stored, with the card photo's face kept for face match.
        let tx = d["transaction_id"].as_str().unwrap();
        let steps = s.get(&format!("/v1/app/transactions/{tx}/steps"), &key);
        assert_eq!(steps.ok_data()[0]["type"], "id_front", "{}", steps.text);
        let face = testdata_b64("faces/tune/amy1.png");
        let m = s.post(
            "/v1/ocr/face/match",
            &key,
            &json!({"image": face, "transaction_id": tx}),
        );
        assert!(m.ok_data()["similarity"].is_number(), "{}", m.text);
    }
}

#[test]
fn checks_and_wrong_documents() {
    let s = Server::start();
    let t = s.tenant("idchk");
    let key = [("ApiKey", t.api_key.as_str())];
    let g = generator();
    // A wrong check digit is reported on idNumber, with the printed value.
    let bad = g
        .generate_tampered(DocType::IdFront, SEED, 3, &[], Tamper::NidCheckDigit)
        .unwrap();
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&bad.image)}),
    );
    let d = r.ok_data();
    assert_eq!(
        codes(&r),
        vec![(Some("idNumber".to_string()), 3001)],
        "{}",
        r.text
    );
    assert_eq!(d["idNumber"], truth(&bad, "idNumber"));
    assert_eq!(d["isVerificationProcessCompleted"], false);
    assert_eq!(
        r.body["services"]["Validations"]["validation_errors"][0]["value"],
        truth(&bad, "idNumber")
    );

    // A black-and-white copy of a card: read, and flagged as a photocopy.
    let card = g.generate(DocType::IdFront, SEED, 5, &[]).unwrap().image;
    let grey =
        image::DynamicImage::ImageLuma8(image::DynamicImage::ImageRgb8(card).to_luma8()).to_rgb8();
    let r = s.post("/v1/ocr/id/front", &key, &json!({"image": jpeg_b64(&grey)}));
    assert_eq!(
        r.body["services"]["spoofing"],
        json!({"fake": true, "reasons": ["photocopy"]}),
        "{}",
        r.text
    );

    // A card shown on a screen and photographed: the pixel grid is named. Of the first
    // screens of this seed, the first whose grid survives the camera (the cue in process).
    let shown = (0..8)
        .map(|i| {
            let card = g.generate(DocType::IdFront, SEED, i, &[]).unwrap();
            hawiya_synth::recapture(&card, Recapture::Screen)
        })
        .find(|s| {
            let quad = hawiya_ocr::card::find_card(&s.image).unwrap();
            hawiya_ocr::spoof::common_peak(&s.image, &quad)
                .is_some_and(|p| p.ratio > hawiya_ocr::spoof::PATTERN_MIN)
        })
        .expect("a screen with a visible grid among 8");
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&shown.image)}),
    );
    let spoofing = &r.body["services"]["spoofing"];
    let what = format!("{:?}: {}", shown.truth.degradations, r.text);
    assert_eq!(spoofing["fake"], true, "{what}");
    assert!(
        spoofing["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("screen_or_print_pattern")),
        "{what}"
    );

    // A card photographed far out of focus: read as far as it goes, and reported (5006).
    let card = g
        .generate(DocType::IdFront, SEED, 9, &[Degradation::Perspective])
        .unwrap()
        .image;
    let blurred = image::imageops::blur(&card, 6.0);
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&blurred)}),
    );
    assert!(codes(&r).contains(&(None, 5006)), "{}", r.text);
    assert_eq!(r.ok_data()["isVerificationProcessCompleted"], false);

    // Glare over the address: read as far as it goes, the field named (1050).
    let mut card = g.generate(DocType::IdFront, SEED, 11, &[]).unwrap().image;
    for (x, y, p) in card.enumerate_pixels_mut() {
        let (dx, dy) = ((x as f32 - 800.0) / 150.0, (y as f32 - 350.0) / 45.0);
        if dx * dx + dy * dy < 1.0 {
            *p = image::Rgb([255, 255, 255]);
        }
    }
    let r = s.post("/v1/ocr/id/front", &key, &json!({"image": jpeg_b64(&card)}));
    assert!(
        codes(&r).contains(&(Some("address".to_string()), 1050)),
        "{}",
        r.text
    );
    assert_eq!(r.ok_data()["isVerificationProcessCompleted"], false);

    // A photo that is not a card: 3011, no fields, the failed step recorded.
    let before = s.transaction_count(&t);
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": testdata_b64("faces/eval-sample/img20.jpg")}),
    );
    assert_eq!(codes(&r), vec![(None, 3011)], "{}", r.text);
    assert!(r.ok_data()["idFrontData"].is_null());
    assert_eq!(s.transaction_count(&t), before + 1);

    // The back sent to the front endpoint.
    let back = g.generate(DocType::IdBack, SEED, 4, &[]).unwrap();
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&back.image)}),
    );
    r.assert_error(422, 5007);
    assert_eq!(s.transaction_count(&t), before + 1);
}

/// The back's findings the card itself implies: 3010 when it expired before today.
fn expected_back_codes(back: &hawiya_synth::Sample) -> Vec<(Option<String>, u64)> {
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    if truth(back, "idExpiry") < today {
        vec![(Some("idExpiry".to_string()), 3010)]
    } else {
        vec![]
    }
}

#[test]
fn a_back_is_read_and_checked_against_its_front() {
    let s = Server::start();
    let t = s.tenant("idb");
    let key = [("ApiKey", t.api_key.as_str())];
    let g = generator();
    let front = g.generate(DocType::IdFront, SEED, 7, &[]).unwrap();
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&front.image)}),
    );
    let tx = r.ok_data()["transaction_id"].as_str().unwrap().to_string();
    assert!(r.ok_data()["idBackData"].is_null());

    // The same person's back, photographed, in the same transaction.
    let back = g
        .generate(DocType::IdBack, SEED, 7, &[Degradation::Perspective])
        .unwrap();
    let r = s.post(
        "/v1/ocr/id/back",
        &key,
        &json!({"image": jpeg_b64(&back.image), "transaction_id": tx}),
    );
    let d = r.ok_data().clone();
    let what = r.text.clone();
    for field in [
        "idNumber",
        "job",
        "gender",
        "religion",
        "maritalStatus",
        "releaseDate",
        "idExpiry",
    ] {
        assert_eq!(d[field], truth(&back, field), "{field}: {what}");
    }
    assert_eq!(d["idBackData"]["idNumber"], d["idNumber"]);
    assert_eq!(d["idFrontData"]["idNumber"], truth(&front, "idNumber"));
    assert_eq!(d["transaction_id"], tx.as_str());
    let expected = expected_back_codes(&back);
    assert_eq!(codes(&r), expected, "{what}");
    assert_eq!(d["isVerificationProcessCompleted"], expected.is_empty());
    assert_eq!(r.body["services"]["spoofing"], json!({"fake": false}));
    let steps = s.get(&format!("/v1/app/transactions/{tx}/steps"), &key);
    assert_eq!(steps.ok_data()[1]["type"], "id_back", "{}", steps.text);

    // Someone else's back in the same transaction: 3101 on the back's number.
    let other = g.generate(DocType::IdBack, SEED, 8, &[]).unwrap();
    let r = s.post(
        "/v1/ocr/id/back",
        &key,
        &json!({"image": jpeg_b64(&other.image), "transaction_id": tx}),
    );
    let mut expected = expected_back_codes(&other);
    expected.push((Some("idNumber".to_string()), 3101));
    assert_eq!(codes(&r), expected, "{}", r.text);
    assert_eq!(
        r.body["services"]["Validations"]["validation_errors"][expected.len() - 1]["value"],
        truth(&other, "idNumber")
    );
    assert_eq!(r.ok_data()["isVerificationProcessCompleted"], false);

    // The other order: a back first, then another person's front.
    let r = s.post(
        "/v1/ocr/id/back",
        &key,
        &json!({"image": jpeg_b64(&other.image)}),
    );
    let tx2 = r.ok_data()["transaction_id"].as_str().unwrap().to_string();
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&front.image), "transaction_id": tx2}),
    );
    assert_eq!(
        codes(&r),
        vec![(Some("idNumber".to_string()), 3101)],
        "{}",
        r.text
    );
    assert_eq!(
        r.ok_data()["idBackData"]["idNumber"],
        truth(&other, "idNumber")
    );

    // A front sent to the back endpoint: 5007, nothing stored; no card: 3011.
    let before = s.transaction_count(&t);
    let r = s.post(
        "/v1/ocr/id/back",
        &key,
        &json!({"image": jpeg_b64(&front.image)}),
    );
    r.assert_error(422, 5007);
    assert_eq!(s.transaction_count(&t), before);
    let r = s.post(
        "/v1/ocr/id/back",
        &key,
        &json!({"image": testdata_b64("faces/eval-sample/img20.jpg")}),
    );
    assert_eq!(codes(&r), vec![(None, 3011)], "{}", r.text);
    assert!(r.ok_data()["idBackData"].is_null());
}

#[test]
fn liveness_screens_the_card_holder_when_aml_is_configured() {
    let s = Server::start_with(&[("HAWIYA_AML_REFRESH_SECS", "1")]);
    let t = s.tenant("idaml");
    let key = [("ApiKey", t.api_key.as_str())];
    let g = generator();
    let card = g.generate(DocType::IdFront, SEED, 6, &[]).unwrap();
    let r = s.post(
        "/v1/ocr/id/front",
        &key,
        &json!({"image": jpeg_b64(&card.image)}),
    );
    let tx = r.ok_data()["transaction_id"].as_str().unwrap().to_string();
    // The tenant's own blacklist names the holder.
    let files = tempfile::tempdir().unwrap();
    let list = files.path().join("blacklist.csv");
    std::fs::write(
        &list,
        format!(
            "name,national_id\n{},{}\n",
            truth(&card, "name"),
            truth(&card, "idNumber")
        ),
    )
    .unwrap();
    let out = s.cli(&[
        "aml",
        "import",
        "csv",
        list.to_str().unwrap(),
        "--tenant",
        &t.name,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Three frames of someone (not the holder: 6606 too); AML screens the holder.
    let frames: Vec<String> = {
        let dir = tempfile::tempdir().unwrap();
        let out = s.cli(&[
            "synth-frames",
            "--face",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../testdata/faces/eval-sample/img20.jpg"
            ),
            "--seed",
            "3",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert!(out.status.success());
        (1..=3)
            .map(|i| b64(&std::fs::read(dir.path().join(format!("face_{i}.jpg"))).unwrap()))
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let r = s.post(
            "/v1/ocr/liveness/multi",
            &key,
            &json!({"transaction_id": tx, "face_1": frames[0], "face_2": frames[1], "face_3": frames[2]}),
        );
        let aml = &r.body["services"]["AML"];
        if !aml.is_null() {
            assert_eq!(aml["AML_matched"], true, "{}", r.text);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "AML never screened: {}",
            r.text
        );
        // (Sending the same frames again is a replay finding; AML does not depend on it.)
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

/// The photo scaled, keeping its proportions, to 1600 pixels wide (the generated photos are
/// 1.3 to 1.5 times as wide as high: about 1600×1100). Stretching it to exactly 1600×1000
/// would distort the card beyond an ID-1 shape, and letterboxing it adds a straight edge
/// that misleads the card finder (seen once in 22: a weakness to fix in `card`).
fn photo_1600_wide(img: &image::RgbImage) -> image::RgbImage {
    let (w, h) = img.dimensions();
    let height = (h as f32 * 1600.0 / w as f32).round() as u32;
    image::imageops::resize(img, 1600, height, image::imageops::FilterType::Triangle)
}

/// Latency of `/v1/ocr/id/front` and `/v1/ocr/id/back` for 1600-pixel-wide JPEG card photos (a
/// measurement, not a check:
/// `cargo test --release -p hawiya --test id_card -- --ignored --nocapture`).
#[test]
#[ignore = "measurement; run in release"]
fn http_latency_of_a_1600_pixel_wide_photo() {
    let s = Server::start();
    let t = s.tenant("idlat");
    let key = [("ApiKey", t.api_key.as_str())];
    let g = generator();
    for (doc, path) in [
        (DocType::IdFront, "/v1/ocr/id/front"),
        (DocType::IdBack, "/v1/ocr/id/back"),
    ] {
        let mut times = Vec::new();
        for index in 0..22 {
            let sample = g
                .generate(doc, SEED + 1, index, &[Degradation::Perspective])
                .unwrap();
            let photo = photo_1600_wide(&sample.image);
            let body = json!({"image": jpeg_b64(&photo)});
            let start = std::time::Instant::now();
            let r = s.post(path, &key, &body);
            let elapsed = start.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(
                r.ok_data()["idNumber"],
                truth(&sample, "idNumber"),
                "{}",
                r.text
            );
            if index >= 2 {
                times.push(elapsed);
            }
        }
        times.sort_by(f64::total_cmp);
        eprintln!(
            "{path}, 1600 px wide JPEG: median {:.1} ms, p95 {:.1} ms over {}",
            times[times.len() / 2],
            times[(times.len() - 1) * 95 / 100],
            times.len()
        );
    }
}

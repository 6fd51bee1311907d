//! Ground truth and determinism of generated samples.

use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};
use hawiya_core::digits::normalize_digits;
use hawiya_core::mrz::parse_mrz;
use hawiya_core::nid::{parse_national_id, Gender};
use hawiya_synth::{
    encode_png, reference_date, write_sample, Degradation, DocType, Generator, GroundTruth, Sample,
};

fn faces() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/faces/tune")
}

fn generator() -> Generator {
    Generator::new(Some(&faces())).expect("fonts installed (scripts/setup.sh test)")
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3)
    })
}

fn digest(s: &Sample) -> (u64, u64) {
    (
        fnv(&encode_png(&s.image).unwrap()),
        fnv(&serde_json::to_vec(&s.truth).unwrap()),
    )
}

fn field<'a>(t: &'a GroundTruth, k: &str) -> &'a str {
    t.fields
        .get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{} {}: no field {k}", t.doc_type, t.index))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Every polygon and the card quad lie inside the image and are not degenerate.
fn assert_geometry(t: &GroundTruth) {
    let (w, h) = (t.width as f32, t.height as f32);
    let inside = |q: &[[f32; 2]; 4], what: &str| {
        for p in q {
            assert!(
                p[0] >= -0.01 && p[0] <= w + 0.01 && p[1] >= -0.01 && p[1] <= h + 0.01,
                "{} #{} {:?}: {what} corner {p:?} outside {w}x{h}",
                t.doc_type,
                t.index,
                t.degradations
            );
        }
        // Shoelace area.
        let a: f32 = (0..4)
            .map(|i| q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1])
            .sum::<f32>()
            / 2.0;
        assert!(a.abs() > 4.0, "{what} is degenerate: {q:?}");
    };
    for (k, q) in &t.polygons {
        inside(q, k);
    }
    inside(t.card_quad.as_ref().expect("card quad"), "card");
}

#[test]
fn names_round_trip() {
    for d in DocType::ALL {
        assert_eq!(d.to_string().parse::<DocType>().unwrap(), d);
    }
    for d in Degradation::ALL {
        assert_eq!(d.to_string().parse::<Degradation>().unwrap(), d);
    }
    assert_eq!(
        "rotate:90".parse::<Degradation>().unwrap(),
        Degradation::Rotate
    );
    assert_eq!(
        "lowres".parse::<Degradation>().unwrap(),
        Degradation::LowRes
    );
    assert_eq!(
        "colorcast".parse::<Degradation>().unwrap(),
        Degradation::ColorCast
    );
    assert_eq!(
        "car-license-front".parse::<DocType>().unwrap(),
        DocType::CarLicenseFront
    );
    let err = "fog".parse::<Degradation>().unwrap_err().to_string();
    assert!(err.contains("fog") && err.contains("perspective"), "{err}");
    assert!("id".parse::<DocType>().is_err());
}

#[test]
fn same_seed_gives_same_bytes() {
    let g1 = generator();
    let g2 = generator();
    for doc in [
        DocType::IdFront,
        DocType::IdBack,
        DocType::Passport,
        DocType::Plate,
    ] {
        for degr in [&[][..], &Degradation::ALL[..]] {
            let a = g1.generate(doc, 42, 3, degr).unwrap();
            let b = g2.generate(doc, 42, 3, degr).unwrap();
            assert_eq!(digest(&a), digest(&b), "{doc} {degr:?}");
            assert_eq!(a.image.as_raw(), b.image.as_raw());
        }
        let a = g1.generate(doc, 42, 3, &[]).unwrap();
        let c = g1.generate(doc, 43, 3, &[]).unwrap();
        let d = g1.generate(doc, 42, 4, &[]).unwrap();
        assert_ne!(digest(&a), digest(&c), "{doc}: seed ignored");
        assert_ne!(digest(&a), digest(&d), "{doc}: index ignored");
    }
}

#[test]
fn degradations_are_order_free_and_leave_content_alone() {
    let g = generator();
    let a = g
        .generate(
            DocType::IdFront,
            5,
            1,
            &[Degradation::Jpeg, Degradation::Blur],
        )
        .unwrap();
    let b = g
        .generate(
            DocType::IdFront,
            5,
            1,
            &[Degradation::Blur, Degradation::Jpeg, Degradation::Blur],
        )
        .unwrap();
    assert_eq!(digest(&a), digest(&b));
    assert_eq!(a.truth.degradations.len(), 2);
    assert!(a.truth.degradations[0].starts_with("blur:"));
    assert!(a.truth.degradations[1].starts_with("jpeg:"));
    let clean = g.generate(DocType::IdFront, 5, 1, &[]).unwrap();
    assert_eq!(clean.truth.fields, a.truth.fields);
    assert_eq!(
        clean.truth.polygons, a.truth.polygons,
        "blur/jpeg keep geometry"
    );
    assert!(clean.truth.degradations.is_empty());
}

#[test]
fn id_front_fields_are_consistent() {
    let g = generator();
    let today = reference_date();
    let mut genders = [0; 2];
    for i in 0..24 {
        let s = g.generate(DocType::IdFront, 2024, i, &[]).unwrap();
        let t = &s.truth;
        assert_eq!((t.width, t.height), s.image.dimensions());
        let nid = field(t, "idNumber");
        let id = parse_national_id(nid, today).unwrap_or_else(|e| panic!("{nid}: {e}"));
        assert!(id.checksum_valid, "{nid}");
        assert_eq!(id.birth_date, date(field(t, "dateOfBirth")), "{nid}");
        let gender = field(t, "gender");
        match id.gender {
            Gender::Male => assert_eq!(gender, "ذكر"),
            Gender::Female => assert_eq!(gender, "أنثى"),
        }
        genders[usize::from(id.gender == Gender::Male)] += 1;
        assert_eq!(normalize_digits(field(t, "idNumber_printed")), nid);
        assert!(field(t, "idNumber_printed")
            .chars()
            .all(|c| ('٠'..='٩').contains(&c)));
        // Holders are at least 16 on the reference date.
        assert!(id.age_on(today) >= 16);
        assert_eq!(
            field(t, "name"),
            format!("{} {}", field(t, "first_name"), field(t, "last_names"))
        );
        assert_eq!(
            field(t, "address"),
            format!("{} {}", field(t, "address_1"), field(t, "address_2"))
        );
        assert!(field(t, "address_2").ends_with(field(t, "govern")));
        let key = field(t, "idKey");
        assert_eq!(key.len(), 9);
        assert!(key[..2].bytes().all(|b| b.is_ascii_uppercase()));
        assert!(key[2..].bytes().all(|b| b.is_ascii_digit()));
        for k in [
            "first_name",
            "last_names",
            "name",
            "address_1",
            "address_2",
            "address",
            "idNumber",
            "dateOfBirth",
            "idKey",
            "photo",
        ] {
            assert!(t.polygons.contains_key(k), "no polygon for {k}");
        }
        assert_geometry(t);
    }
    assert!(genders[0] > 0 && genders[1] > 0, "both sexes: {genders:?}");
}

#[test]
fn id_back_matches_front() {
    let g = generator();
    for i in 0..12 {
        let front = g.generate(DocType::IdFront, 9, i, &[]).unwrap().truth;
        let back = g.generate(DocType::IdBack, 9, i, &[]).unwrap().truth;
        assert_eq!(field(&front, "idNumber"), field(&back, "idNumber"));
        assert_eq!(field(&front, "gender"), field(&back, "gender"));
        let release =
            NaiveDate::parse_from_str(&format!("{}-01", field(&back, "releaseDate")), "%Y-%m-%d")
                .unwrap();
        let expiry = date(field(&back, "idExpiry"));
        let issue_month = expiry - Months::new(7 * 12);
        assert_eq!(
            release.format("%Y-%m").to_string(),
            issue_month.format("%Y-%m").to_string()
        );
        let male = field(&back, "gender") == "ذكر";
        let religion = field(&back, "religion");
        assert!(
            if male {
                ["مسلم", "مسيحي"].contains(&religion)
            } else {
                ["مسلمة", "مسيحية"].contains(&religion)
            },
            "{religion}"
        );
        let married_woman = field(&back, "maritalStatus") == "متزوجة";
        assert_eq!(back.fields.contains_key("husbandName"), married_woman);
        for k in back.fields.keys() {
            if !k.ends_with("_printed") {
                assert!(back.polygons.contains_key(k), "no polygon for {k}");
            }
        }
        assert_geometry(&back);
    }
}

#[test]
fn passport_mrz_passes_every_check() {
    let g = generator();
    let today = reference_date();
    let mut with_nid = 0;
    for i in 0..12 {
        let t = g.generate(DocType::Passport, 77, i, &[]).unwrap().truth;
        let (l1, l2) = (field(&t, "mrz_line1"), field(&t, "mrz_line2"));
        let m = parse_mrz(&[l1, l2]).unwrap();
        assert!(m.checks.all_valid(), "{l1}\n{l2}: {:?}", m.checks);
        assert_eq!(m.document_number, field(&t, "passport_no"));
        assert_eq!(m.issuing_state, "EGY");
        assert_eq!(m.nationality, "EGY");
        assert_eq!(m.sex, field(&t, "gender"));
        assert_eq!(
            m.birth_date_on(today),
            Some(date(field(&t, "Date_of_Birth")))
        );
        assert_eq!(
            m.expiry_date_on(NaiveDate::from_ymd_opt(2060, 1, 1).unwrap()),
            Some(date(field(&t, "Date_of_Expiry")))
        );
        assert_eq!(m.surname, field(&t, "surname"));
        if let Some(nid) = t.fields.get("idNumber").and_then(|v| v.as_str()) {
            with_nid += 1;
            assert_eq!(m.optional_data, nid);
            let id = parse_national_id(nid, today).unwrap();
            assert!(id.checksum_valid);
            assert_eq!(id.birth_date, date(field(&t, "Date_of_Birth")));
        } else {
            assert_eq!(m.optional_data, "");
        }
        assert_geometry(&t);
    }
    assert!(with_nid > 0 && with_nid < 12, "{with_nid}");
}

#[test]
fn plates_use_the_plate_alphabet() {
    let g = generator();
    let alphabet = "أبجدرسصطعفقلمنهوى";
    for i in 0..16 {
        let t = g.generate(DocType::Plate, 3, i, &[]).unwrap().truth;
        let digits = field(&t, "plate_digits");
        assert!(
            digits.bytes().all(|b| (b'1'..=b'9').contains(&b)),
            "{digits}"
        );
        let letters: Vec<&str> = field(&t, "plate_letters").split(' ').collect();
        assert!(letters
            .iter()
            .all(|l| l.chars().count() == 1 && alphabet.contains(l)));
        assert!(matches!(
            (digits.len(), letters.len()),
            (3, 3) | (4, 2) | (4, 3)
        ));
        assert_eq!(normalize_digits(field(&t, "plate_digits_printed")), digits);
        assert_geometry(&t);
    }
}

#[test]
fn geometry_follows_every_degradation() {
    let g = generator();
    for doc in [
        DocType::IdFront,
        DocType::IdBack,
        DocType::Passport,
        DocType::Plate,
    ] {
        let clean = g.generate(doc, 11, 0, &[]).unwrap();
        for d in Degradation::ALL {
            let s = g.generate(doc, 11, 0, &[d]).unwrap();
            assert_geometry(&s.truth);
            assert_eq!(s.truth.fields, clean.truth.fields);
        }
        let all = g.generate(doc, 11, 0, &Degradation::ALL).unwrap();
        assert_geometry(&all.truth);
        assert_eq!(all.truth.degradations.len(), Degradation::ALL.len());

        // Rotation: undoing it gives back the clean polygons.
        let r = g
            .generate(doc, 11, 0, &[Degradation::Rotate])
            .unwrap()
            .truth;
        let (w, h) = (clean.truth.width as f32, clean.truth.height as f32);
        let k: u32 = r.degradations[0]["rotate:".len()..].parse().unwrap();
        for (name, q) in &r.polygons {
            let orig = clean.truth.polygons[name];
            for (p, o) in q.iter().zip(orig) {
                let back = match k {
                    90 => [p[1], h - p[0]],
                    180 => [w - p[0], h - p[1]],
                    _ => [w - p[1], p[0]],
                };
                assert!((back[0] - o[0]).abs() < 0.01 && (back[1] - o[1]).abs() < 0.01);
            }
        }
        // Perspective: the table around the card makes the image larger, and every
        // field lies within the card.
        let p = g
            .generate(doc, 11, 0, &[Degradation::Perspective])
            .unwrap()
            .truth;
        assert!(p.width > clean.truth.width && p.height > clean.truth.height);
        let card = p.card_quad.unwrap();
        for (name, q) in &p.polygons {
            for pt in q {
                assert!(inside_convex(&card, *pt), "{doc} {name} outside the card");
            }
        }
    }
}

fn inside_convex(q: &[[f32; 2]; 4], p: [f32; 2]) -> bool {
    let cross = |i: usize| {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    };
    let s: Vec<f32> = (0..4).map(cross).collect();
    s.iter().all(|&c| c >= -1.0) || s.iter().all(|&c| c <= 1.0)
}

#[test]
fn write_sample_writes_png_and_json() {
    let g = Generator::new(None).unwrap();
    assert_eq!(g.face_count(), 0);
    let s = g
        .generate(DocType::IdFront, 1, 7, &[Degradation::Noise])
        .unwrap();
    let dir = std::env::temp_dir().join(format!("hawiya-synth-test-{}", std::process::id()));
    write_sample(&dir, &s).unwrap();
    let img = image::open(dir.join("0007.png")).unwrap().to_rgb8();
    assert_eq!(img.as_raw(), s.image.as_raw());
    let truth: GroundTruth =
        serde_json::from_slice(&std::fs::read(dir.join("0007.json")).unwrap()).unwrap();
    assert_eq!(truth, s.truth);
    assert_eq!(truth.doc_type, "id-front");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn faces_and_unsupported_types() {
    let g = generator();
    assert_eq!(g.face_count(), 40);
    let err = Generator::new(Some(Path::new("/nonexistent/faces")))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("/nonexistent/faces"), "{err}");
    for d in DocType::ALL {
        let t = g.generate(d, 1, 0, &[]).unwrap().truth;
        assert_eq!(t.doc_type, d.to_string());
        assert!(!t.fields.is_empty() && !t.polygons.is_empty(), "{d}");
    }
}

#[test]
fn licences_belong_to_the_card_holder() {
    let g = generator();
    let today = reference_date();
    for i in 0..6 {
        let id = g.generate(DocType::IdFront, 21, i, &[]).unwrap().truth;
        let dl = g
            .generate(DocType::DrivingLicense, 21, i, &[])
            .unwrap()
            .truth;
        let cf = g
            .generate(DocType::CarLicenseFront, 21, i, &[])
            .unwrap()
            .truth;
        let cb = g
            .generate(DocType::CarLicenseBack, 21, i, &[])
            .unwrap()
            .truth;
        assert_eq!(field(&dl, "idNumber"), field(&id, "idNumber"));
        assert_eq!(
            normalize_digits(field(&dl, "idNumber_printed")),
            field(&id, "idNumber")
        );
        assert!(
            parse_national_id(field(&dl, "idNumber"), today)
                .unwrap()
                .checksum_valid
        );
        assert_eq!(field(&dl, "name"), field(&id, "name"));
        assert_eq!(field(&cf, "owner_name"), field(&id, "name"));
        assert!(date(field(&dl, "expiry_date")) > date(field(&dl, "issue_date")));
        assert!(date(field(&cf, "expiry_date")) > date(field(&cf, "issue_date")));
        let plate = field(&cf, "plate_number");
        let (letters, digits) = plate.rsplit_once(' ').unwrap();
        assert!(
            digits.bytes().all(|b| (b'1'..=b'9').contains(&b)),
            "{plate}"
        );
        assert!(
            letters.split(' ').all(|l| "أبجدرسصطعفقلمنهوى".contains(l)),
            "{plate}"
        );
        let vin = field(&cb, "chassis_number");
        assert_eq!(vin.len(), 17);
        assert!(!vin.contains(['I', 'O', 'Q']));
        for t in [&dl, &cf, &cb] {
            for k in t.fields.keys() {
                if !k.ends_with("_printed") {
                    assert!(
                        t.polygons.contains_key(k),
                        "{}: no polygon for {k}",
                        t.doc_type
                    );
                }
            }
            assert_geometry(t);
        }
    }
}

#[test]
fn generator_is_shareable_across_threads() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Generator>();
    let g = generator();
    let one = g.generate(DocType::IdFront, 8, 2, &[]).unwrap();
    let par = std::thread::scope(|s| {
        let h = s.spawn(|| g.generate(DocType::IdFront, 8, 2, &[]).unwrap());
        h.join().unwrap()
    });
    assert_eq!(digest(&one), digest(&par));
}

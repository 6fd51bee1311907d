//! The fixed synthetic set: `hawiya synth` writes it for every document type (seed fixed), and
//! `hawiya eval` scores the readers that exist on it. Golden tests of each reader use this set.

use std::process::Command;

const SEED: &str = "2026";
const COUNT: usize = 20;
const DOC_TYPES: [&str; 7] = [
    "id-front",
    "id-back",
    "passport",
    "car-license-front",
    "car-license-back",
    "driving-license",
    "plate",
];

fn hawiya(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hawiya"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_fixed_set_is_written_for_every_document_type() {
    let dir = tempfile::tempdir().unwrap();
    for doc in DOC_TYPES {
        let out_dir = dir.path().join(doc);
        let out = hawiya(&[
            "synth",
            doc,
            "--count",
            &COUNT.to_string(),
            "--seed",
            SEED,
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{doc}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for i in 0..COUNT {
            let json = out_dir.join(format!("{i:04}.json"));
            let truth: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
            assert_eq!(truth["doc_type"], doc);
            let fields = truth["fields"].as_object().unwrap();
            assert!(!fields.is_empty(), "{doc} {i}");
            assert!(out_dir.join(format!("{i:04}.png")).exists());
        }
        let eval = hawiya(&["eval", doc, out_dir.to_str().unwrap()]);
        assert!(eval.status.success());
        let report = String::from_utf8_lossy(&eval.stdout);
        assert!(report.contains(&format!("({COUNT} samples)")), "{report}");
    }
    // The national ID fronts carry a structurally valid number consistent with the birth date.
    let front = dir.path().join("id-front/0000.json");
    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(front).unwrap()).unwrap();
    let id = truth["fields"]["idNumber"].as_str().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let parsed = hawiya_core::nid::parse_national_id(id, today).unwrap();
    assert!(parsed.checksum_valid);
    assert_eq!(
        parsed.birth_date.to_string(),
        truth["fields"]["dateOfBirth"].as_str().unwrap()
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        let out = hawiya(&[
            "synth",
            "id-front",
            "--count",
            "3",
            "--seed",
            SEED,
            "--degrade",
            "perspective,blur,jpeg",
            "--out",
            dir.path().join(run).to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for i in 0..3 {
        for ext in ["png", "json"] {
            let name = format!("{i:04}.{ext}");
            assert_eq!(
                std::fs::read(dir.path().join("a").join(&name)).unwrap(),
                std::fs::read(dir.path().join("b").join(&name)).unwrap(),
                "{name}"
            );
        }
    }
    let bad = hawiya(&[
        "synth",
        "id-front",
        "--degrade",
        "smudge",
        "--out",
        dir.path().join("c").to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
}

#[test]
fn training_lines_are_written_with_their_text() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, is_text) in [
        (
            "number-line",
            (|t: &str| t.len() == 14 && t.bytes().all(|b| b.is_ascii_digit())) as fn(&str) -> bool,
        ),
        ("name-line", |t: &str| !t.is_empty() && !t.is_ascii()),
    ] {
        let out_dir = dir.path().join(kind);
        let out = hawiya(&[
            "synth",
            kind,
            "--count",
            "3",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for i in 0..3 {
            let truth: serde_json::Value = serde_json::from_slice(
                &std::fs::read(out_dir.join(format!("{i:04}.json"))).unwrap(),
            )
            .unwrap();
            assert!(is_text(truth["text"].as_str().unwrap()), "{kind} {truth}");
            let line = image::open(out_dir.join(format!("{i:04}.png"))).unwrap();
            assert_eq!(line.height(), 48, "{kind}");
        }
    }
}

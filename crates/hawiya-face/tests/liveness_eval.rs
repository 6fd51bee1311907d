//! Liveness evaluation on synthetic frame triples (needs the face models).
//!
//! `cargo test -p hawiya-face --test liveness_eval -- --ignored --nocapture`
//! Models: `$HAWIYA_MODELS` or `/tmp/mtest/models`. `$LIVENESS_SEEDS` triples per source
//! face and kind (default 1), `$LIVENESS_SOURCES` caps the number of source faces.
//!
//! Sources: `testdata/faces/eval-sample/*.jpg` (the largest face of each) and
//! `testdata/faces/tune/*.png`, each normalised to a 300×360 crop with the eyes at fixed
//! places so that a different person's crop shares the landmark layout.

use hawiya_face::align::warp_affine;
use hawiya_face::engine::FaceEngine;
use hawiya_face::liveness::{assess, Decision, FrameEvidence, LivenessVerdict};
use hawiya_face::yunet::{largest, Face};
use hawiya_infer::runtime::Runtime;
use hawiya_synth::frames::{frame_triple, jpeg_roundtrip, TripleKind};
use image::RgbImage;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Source {
    name: String,
    person: String,
    img: RgbImage,
    lm: [[f32; 2]; 5],
    embedding: Vec<f32>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Similarity crop putting the eyes at (115, 150) and (185, 150).
fn normalise(engine: &FaceEngine, img: &RgbImage) -> Option<(RgbImage, [[f32; 2]; 5], Vec<f32>)> {
    let faces = engine.detect(img).ok()?;
    let f = largest(&faces)?;
    let (re, le) = (f.landmarks[0], f.landmarks[1]);
    let src = [re, le];
    let dst = [[115.0f32, 150.0], [185.0, 150.0]];
    // Similarity from two points.
    let (sx, sy) = (le[0] - re[0], le[1] - re[1]);
    let (dx, dy) = (dst[1][0] - dst[0][0], dst[1][1] - dst[0][1]);
    let den = sx * sx + sy * sy;
    let a = (dx * sx + dy * sy) / den;
    let b = (dy * sx - dx * sy) / den;
    let m = [
        [a, -b, dst[0][0] - (a * src[0][0] - b * src[0][1])],
        [b, a, dst[0][1] - (b * src[0][0] + a * src[0][1])],
    ];
    let crop = warp_affine(img, &m, 300, 360);
    let faces = engine.detect(&crop).ok()?;
    let f = *largest(&faces)?;
    let (emb, _) = engine.embed(&crop, &f).ok()?;
    Some((crop, f.landmarks, emb))
}

fn sources(engine: &FaceEngine) -> Vec<Source> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["testdata/faces/eval-sample", "testdata/faces/tune"] {
        let mut p: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("jpg" | "png")))
            .collect();
        p.sort();
        paths.extend(p);
    }
    for p in paths {
        let img = image::open(&p).unwrap().to_rgb8();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let tune = p.to_string_lossy().contains("/tune/");
        let person = if tune {
            stem.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string()
        } else {
            stem.clone()
        };
        match normalise(engine, &img) {
            Some((img, lm, embedding)) => out.push(Source {
                name: stem,
                person,
                img,
                lm,
                embedding,
            }),
            None => eprintln!("{}: no face, skipped", p.display()),
        }
    }
    out
}

fn evidence(engine: &FaceEngine, frames: &[RgbImage; 3]) -> Option<[FrameEvidence; 3]> {
    let mut ev = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let img = jpeg_roundtrip(f, 90); // as uploaded
        let faces = engine.detect(&img).ok()?;
        let face: Face = *largest(&faces)?;
        let (embedding, _) = engine.embed(&img, &face).ok()?;
        ev.push(FrameEvidence {
            image: img,
            face,
            embedding,
            captured_at_ms: Some(1_000 + 150 * i as i64),
        });
    }
    ev.try_into().ok()
}

#[derive(Default)]
struct Tally {
    live: usize,
    not_live: usize,
    insufficient: usize,
    no_face: usize,
    reasons: BTreeMap<String, usize>,
    parallax: Vec<f32>,
    tracked: Vec<f32>,
    motion: Vec<f32>,
    moire: Vec<f32>,
    mad: Vec<f32>,
    pair_cos: Vec<f32>,
}

fn q(v: &[f32]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let mut s = v.to_vec();
    s.sort_by(f32::total_cmp);
    let at = |f: f32| s[((s.len() - 1) as f32 * f).round() as usize];
    format!(
        "min {:.3} p10 {:.3} med {:.3} p90 {:.3} max {:.3}",
        at(0.0),
        at(0.1),
        at(0.5),
        at(0.9),
        at(1.0)
    )
}

#[test]
#[ignore = "needs the face models; prints the synthetic APCER/BPCER table"]
fn liveness_synthetic_table() {
    let models = std::env::var("HAWIYA_MODELS").unwrap_or_else(|_| "/tmp/mtest/models".into());
    let models = Path::new(&models);
    let rt = Runtime::load(models, None).expect("runtime");
    let engine = FaceEngine::load(&rt, models, None).expect("face engine");
    let seeds: u64 = std::env::var("LIVENESS_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut srcs = sources(&engine);
    if let Some(n) = std::env::var("LIVENESS_SOURCES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        // Keep the eval-sample photos and spread the rest over the people.
        srcs.truncate(n);
    }
    eprintln!("{} source faces", srcs.len());
    let threshold = engine.threshold();
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for (si, src) in srcs.iter().enumerate() {
        // Another person for DifferentPerson: the next source with a different name stem.
        let other = (0..srcs.len())
            .map(|k| &srcs[(si + k * 5 + 1) % srcs.len()])
            .find(|o| o.person != src.person);
        for kind in TripleKind::ALL {
            for seed in 0..seeds {
                let seed = seed * 1000 + si as u64;
                let frames = frame_triple(&src.img, &src.lm, other.map(|o| &o.img), kind, seed);
                let t = tallies.entry(kind.as_str()).or_default();
                let Some(ev) = evidence(&engine, &frames) else {
                    t.no_face += 1;
                    continue;
                };
                let v: LivenessVerdict = assess(&ev, Some(&src.embedding), threshold);
                match v.decision {
                    Decision::Live => t.live += 1,
                    Decision::NotLive => t.not_live += 1,
                    Decision::InsufficientEvidence => t.insufficient += 1,
                }
                for r in &v.reasons {
                    *t.reasons.entry(r.clone()).or_default() += 1;
                }
                let s = &v.signals;
                t.parallax.push(s.parallax);
                t.tracked.push(s.tracked_parallax.unwrap_or(-1.0));
                t.motion.push(s.motion);
                t.moire.push(s.moire);
                t.mad.push(s.min_mean_abs_diff);
                t.pair_cos.push(s.min_pair_cosine);
                if std::env::var("LIVENESS_LM").is_ok() {
                    for e in &ev {
                        eprintln!(
                            "   lm {:?}",
                            e.face.landmarks.map(|p| [p[0].round(), p[1].round()])
                        );
                    }
                }
                if std::env::var("LIVENESS_VERBOSE").is_ok() {
                    eprintln!(
                        "{} {} seed {seed}: {} {:?} {:?}",
                        src.name,
                        kind.as_str(),
                        v.decision.as_str(),
                        v.reasons,
                        v.signals
                    );
                }
            }
        }
    }
    println!(
        "\n| kind | triples | live | not_live | insufficient | no face | error rate (excl. insufficient) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for kind in TripleKind::ALL {
        let Some(t) = tallies.get(kind.as_str()) else {
            continue;
        };
        let decided = t.live + t.not_live;
        let (name, err) = if kind.is_attack() {
            ("APCER", t.live)
        } else {
            ("BPCER", t.not_live)
        };
        let rate = if decided > 0 {
            format!(
                "{name} {:.1} % ({err}/{decided})",
                100.0 * err as f32 / decided as f32
            )
        } else {
            format!("{name} n/a")
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            kind.as_str(),
            t.live + t.not_live + t.insufficient + t.no_face,
            t.live,
            t.not_live,
            t.insufficient,
            t.no_face,
            rate
        );
    }
    println!();
    for (kind, t) in &tallies {
        println!("{kind}: reasons {:?}", t.reasons);
        println!("  parallax  {}", q(&t.parallax));
        println!("  tracked   {}", q(&t.tracked));
        println!("  motion    {}", q(&t.motion));
        println!("  moire     {}", q(&t.moire));
        println!("  min mad   {}", q(&t.mad));
        println!("  pair cos  {}", q(&t.pair_cos));
    }
}

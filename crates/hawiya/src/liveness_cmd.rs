//! `hawiya synth-frames` (synthetic liveness frame triples from a face photo) and
//! `hawiya bench liveness` (APCER per attack type and BPCER on synthetic triples, and the
//! latency of `POST /v1/ocr/liveness/multi` over HTTP).
//!
//! Source faces are normalised to a 300×360 crop with the eyes at fixed places, so that a
//! different person's crop shares the landmark layout. The liveness thresholds
//! (`hawiya_face::liveness`) were set on seeds 0-3; the benchmark reports seeds from 100 on.

use crate::bench::{load_rgb, percentile, print_latency_rows, sorted_ms, BenchServer};
use anyhow::Context;
use hawiya_face::align::warp_affine;
use hawiya_face::engine::FaceEngine;
use hawiya_face::liveness::{assess, Decision, FrameEvidence};
use hawiya_face::yunet::largest;
use hawiya_synth::frames::{frame_triple, jpeg_roundtrip, TripleKind};
use image::RgbImage;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Options of `hawiya synth-frames`.
#[derive(Debug, clap::Args)]
pub struct FramesArgs {
    /// Face photo to animate.
    #[arg(long)]
    pub face: PathBuf,
    /// Another person's photo (for `different-person`).
    #[arg(long)]
    pub other: Option<PathBuf>,
    /// live, still-blink, shaky-still, planar-photo, screen-replay, identical,
    /// different-person.
    #[arg(long, default_value = "live")]
    pub kind: String,
    /// Seed; the same seed gives the same frames.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder: `face_1.jpg`, `face_2.jpg`, `face_3.jpg` (JPEG quality 90).
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `hawiya bench liveness`.
#[derive(Debug, clap::Args)]
pub struct LivenessBenchArgs {
    /// Folders of source face photos (the largest face of each is used).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "testdata/faces/eval-sample,testdata/faces/tune"
    )]
    pub sources: Vec<PathBuf>,
    /// Triples per source face and kind.
    #[arg(long, default_value_t = 2)]
    pub seeds: u64,
    /// First seed (0-3 were used to set the thresholds).
    #[arg(long, default_value_t = 100)]
    pub first_seed: u64,
    /// Use at most this many source faces.
    #[arg(long)]
    pub max_sources: Option<usize>,
    /// Print the distribution of every signal per kind.
    #[arg(long)]
    pub signals: bool,
    /// Print every triple's decision.
    #[arg(long)]
    pub verbose: bool,
    /// Sequential requests for the HTTP latency figure (0 skips the HTTP part).
    #[arg(long, default_value_t = 20)]
    pub requests: usize,
}

fn parse_kind(s: &str) -> anyhow::Result<TripleKind> {
    TripleKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .with_context(|| {
            let kinds: Vec<&str> = TripleKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind `{s}`: {}", kinds.join(", "))
        })
}

pub fn load_engine(config: &hawiya_server::Config) -> anyhow::Result<FaceEngine> {
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, None)?;
    FaceEngine::load(&runtime, &models, None)
}

/// The row of a triple kind built from a source that is itself a print or screen capture
/// or not: a live kind from such a capture is an attack (a replayed video of it).
fn row_label(kind: TripleKind, attack_source: bool) -> String {
    if attack_source && !kind.is_attack() {
        format!("{} (from an attack capture)", kind.as_str())
    } else {
        kind.as_str().to_string()
    }
}

/// A face normalised for the frame generator.
struct Source {
    name: String,
    /// The photo is itself a print or screen capture (`*_F<k>`).
    attack: bool,
    person: String,
    img: RgbImage,
    landmarks: [[f32; 2]; 5],
    embedding: Vec<f32>,
}

/// Similarity crop putting the eyes at (115, 150) and (185, 150), with the face found again
/// in the crop.
fn normalise(engine: &FaceEngine, img: &RgbImage) -> Option<(RgbImage, [[f32; 2]; 5], Vec<f32>)> {
    let faces = engine.detect(img).ok()?;
    let f = largest(&faces)?;
    let (re, le) = (f.landmarks[0], f.landmarks[1]);
    let dst = [[115.0f32, 150.0], [185.0, 150.0]];
    let (sx, sy) = (le[0] - re[0], le[1] - re[1]);
    let (dx, dy) = (dst[1][0] - dst[0][0], dst[1][1] - dst[0][1]);
    let den = sx * sx + sy * sy;
    let a = (dx * sx + dy * sy) / den;
    let b = (dy * sx - dx * sy) / den;
    let m = [
        [a, -b, dst[0][0] - (a * re[0] - b * re[1])],
        [b, a, dst[0][1] - (b * re[0] + a * re[1])],
    ];
    let crop = warp_affine(img, &m, 300, 360);
    let faces = engine.detect(&crop).ok()?;
    let f = *largest(&faces)?;
    let (embedding, _) = engine.embed(&crop, &f).ok()?;
    Some((crop, f.landmarks, embedding))
}

fn load_source(engine: &FaceEngine, path: &Path) -> anyhow::Result<Option<Source>> {
    let img = load_rgb(path)?;
    let name = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    // `<name><k>.png` files (the tune set) are several photos of one person.
    let person = name
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string();
    Ok(
        normalise(engine, &img).map(|(img, landmarks, embedding)| Source {
            attack: crate::presentation_cmd::is_attack(&name),
            name,
            person,
            img,
            landmarks,
            embedding,
        }),
    )
}

/// `hawiya synth-frames`.
pub fn synth_frames(config: &hawiya_server::Config, args: &FramesArgs) -> anyhow::Result<()> {
    let kind = parse_kind(&args.kind)?;
    let engine = load_engine(config)?;
    let source = load_source(&engine, &args.face)?
        .with_context(|| format!("{}: no usable face", args.face.display()))?;
    let other = match &args.other {
        Some(p) => Some(
            load_source(&engine, p)?.with_context(|| format!("{}: no usable face", p.display()))?,
        ),
        None if kind == TripleKind::DifferentPerson => {
            anyhow::bail!("different-person needs --other")
        }
        None => None,
    };
    let frames = frame_triple(
        &source.img,
        &source.landmarks,
        other.as_ref().map(|o| &o.img),
        kind,
        args.seed,
    );
    std::fs::create_dir_all(&args.out)?;
    for (i, frame) in frames.iter().enumerate() {
        let path = args.out.join(format!("face_{}.jpg", i + 1));
        frame
            .save_with_format(&path, image::ImageFormat::Jpeg)
            .with_context(|| path.display().to_string())?;
    }
    eprintln!("wrote {} frames to {}", kind.as_str(), args.out.display());
    Ok(())
}

pub fn list_images(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("jpg" | "png")))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Detection and embedding of the three frames, as the endpoint does it (after a JPEG
/// round trip, as uploaded).
fn evidence(engine: &FaceEngine, frames: &[RgbImage; 3]) -> Option<[FrameEvidence; 3]> {
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let image = jpeg_roundtrip(f, 90);
        let faces = engine.detect(&image).ok()?;
        let face = *largest(&faces)?;
        let (embedding, _) = engine.embed(&image, &face).ok()?;
        let (mesh, eye_openness) = engine.mesh_and_eyes(&image, &face);
        out.push(FrameEvidence {
            image,
            face,
            embedding,
            captured_at_ms: Some(1_000 + 150 * i as i64),
            mesh,
            eye_openness,
        });
    }
    out.try_into().ok()
}

#[derive(Default)]
struct Tally {
    live: usize,
    not_live: usize,
    insufficient: usize,
    no_face: usize,
    reasons: BTreeMap<String, usize>,
    signals: BTreeMap<&'static str, Vec<f64>>,
}

/// `hawiya bench liveness`.
pub fn bench(config: &hawiya_server::Config, args: &LivenessBenchArgs) -> anyhow::Result<()> {
    let engine = load_engine(config)?;
    let mut sources = Vec::new();
    let mut skipped = 0;
    for dir in &args.sources {
        for path in list_images(dir)? {
            match load_source(&engine, &path)? {
                Some(s) => sources.push(s),
                None => skipped += 1,
            }
        }
    }
    if let Some(n) = args.max_sources {
        sources.truncate(n);
    }
    anyhow::ensure!(sources.len() >= 2, "need at least two source faces");
    let threshold = engine.threshold();
    // Keyed by the row label: the kind, or for a live kind from a print or screen capture
    // (`*_F<k>` sources), the kind with " (from an attack capture)".
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut assess_times = Vec::new();
    let (mut live_id_checks, mut live_id_matched) = (0, 0);
    for (si, src) in sources.iter().enumerate() {
        // Another person: the next source, stepping by 5, with a different name stem that the
        // face matcher also tells apart (a look-alike it cannot separate is a face-matching
        // false accept, measured by `bench face`, not a liveness failure).
        let other = (0..sources.len())
            .map(|k| &sources[(si + k * 5 + 1) % sources.len()])
            .find(|o| {
                o.person != src.person
                    && hawiya_face::align::cosine(&o.embedding, &src.embedding) < threshold
            });
        for kind in TripleKind::ALL {
            if kind == TripleKind::DifferentPerson && other.is_none() {
                // No source of another person that the matcher tells apart: nothing to build.
                continue;
            }
            for k in 0..args.seeds {
                let seed = (args.first_seed + k) * 1000 + si as u64;
                let frames =
                    frame_triple(&src.img, &src.landmarks, other.map(|o| &o.img), kind, seed);
                let t = tallies.entry(row_label(kind, src.attack)).or_default();
                let Some(ev) = evidence(&engine, &frames) else {
                    t.no_face += 1;
                    continue;
                };
                if kind == TripleKind::Live {
                    let min_id = ev
                        .iter()
                        .map(|e| hawiya_face::align::cosine(&e.embedding, &src.embedding))
                        .fold(f32::INFINITY, f32::min);
                    live_id_checks += 1;
                    live_id_matched += usize::from(min_id >= threshold);
                }
                let start = Instant::now();
                let v = assess(&ev, None, threshold);
                assess_times.push(start.elapsed());
                match v.decision {
                    Decision::Live => t.live += 1,
                    Decision::NotLive => t.not_live += 1,
                    Decision::InsufficientEvidence => t.insufficient += 1,
                }
                for r in &v.reasons {
                    *t.reasons.entry(r.clone()).or_default() += 1;
                }
                let s = &v.signals;
                for (name, value) in [
                    ("tracked parallax", s.tracked_parallax.unwrap_or(-1.0)),
                    ("landmark parallax", s.parallax),
                    ("landmark motion", s.motion),
                    ("tracked motion", s.tracked_motion.unwrap_or(-1.0)),
                    ("parallax per motion", s.parallax_per_motion.unwrap_or(-1.0)),
                    ("plane turn", s.plane_turn.unwrap_or(-1.0)),
                    ("parallax closure", s.parallax_closure.unwrap_or(-1.0)),
                    ("screen pattern", s.moire),
                    ("face saturation", s.face_saturation),
                    ("presentation frames", s.presentation_frames as f32),
                    ("min mean abs diff", s.min_mean_abs_diff),
                    ("min pair cosine", s.min_pair_cosine),
                    ("mesh parallax", s.mesh_parallax.unwrap_or(-1.0)),
                    ("eye closure", s.eye_closure.unwrap_or(-1.0)),
                    (
                        "mouth opening change",
                        s.mouth_opening_change.unwrap_or(-1.0),
                    ),
                ] {
                    t.signals.entry(name).or_default().push(value as f64);
                }
                if args.verbose {
                    println!(
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
        "\n## Liveness on synthetic triples ({} source faces, {} without a usable face skipped; seeds {}..{})\n",
        sources.len(),
        skipped,
        args.first_seed,
        args.first_seed + args.seeds - 1
    );
    println!("| kind | triples | live | not_live | insufficient | no face | error rate (decided) | main reasons |");
    println!("|---|---|---|---|---|---|---|---|");
    let rows = TripleKind::ALL
        .iter()
        .flat_map(|&k| [(k, false), (k, true)])
        .filter(|&(k, attack_source)| !(attack_source && k.is_attack()))
        .map(|(k, attack_source)| (row_label(k, attack_source), k.is_attack() || attack_source));
    for (label, attack) in rows {
        let Some(t) = tallies.get(&label) else {
            continue;
        };
        let decided = t.live + t.not_live;
        let (name, err) = if attack {
            ("APCER", t.live)
        } else {
            ("BPCER", t.not_live)
        };
        let rate = if decided > 0 {
            format!(
                "{name} {:.1} % ({err}/{decided})",
                100.0 * err as f64 / decided as f64
            )
        } else {
            format!("{name} n/a")
        };
        let mut reasons: Vec<_> = t.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        let reasons: Vec<String> = reasons
            .iter()
            .take(3)
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            label,
            t.live + t.not_live + t.insufficient + t.no_face,
            t.live,
            t.not_live,
            t.insufficient,
            t.no_face,
            rate,
            reasons.join(", ")
        );
    }
    println!(
        "\nLive triples whose three frames all match the source photo at {threshold}: {live_id_matched}/{live_id_checks}."
    );
    let at = sorted_ms(assess_times);
    println!(
        "\nThree-frame assessment alone (480×640 frames, faces found): median {:.1} ms, p95 {:.1} ms.",
        percentile(&at, 0.5),
        percentile(&at, 0.95)
    );
    if args.signals {
        for (kind, t) in &tallies {
            println!("\n{kind}:");
            for (name, values) in &t.signals {
                let mut v = values.clone();
                v.sort_by(f64::total_cmp);
                println!(
                    "  {name:18} min {:.3} p10 {:.3} med {:.3} p90 {:.3} max {:.3}",
                    percentile(&v, 0.0),
                    percentile(&v, 0.1),
                    percentile(&v, 0.5),
                    percentile(&v, 0.9),
                    percentile(&v, 1.0)
                );
            }
        }
    }
    if args.requests > 0 {
        http_latency(config, &sources[0], args.requests)?;
    }
    Ok(())
}

/// A 720×1280 portrait JPEG (quality 90) of a 480×640 frame, scaled by 1.5 and centred.
fn frame_720p(frame: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let scaled = image::imageops::resize(frame, 720, 960, image::imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(720, 1280, image::Rgb([200, 200, 196]));
    image::imageops::replace(&mut canvas, &scaled, 0, 160);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&canvas)?;
    Ok(jpeg)
}

/// Median latency of the whole endpoint: three 720p frames and the ID image in one request.
fn http_latency(
    config: &hawiya_server::Config,
    source: &Source,
    requests: usize,
) -> anyhow::Result<()> {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let server = BenchServer::start(config)?;
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let mut id_jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut id_jpeg, 90)
        .encode_image(&source.img)?;
    let mut times = Vec::new();
    let mut decisions: BTreeMap<String, usize> = BTreeMap::new();
    for k in 0..requests + 2 {
        // New frames every time: frames seen before are a replay.
        let frames = frame_triple(
            &source.img,
            &source.landmarks,
            None,
            TripleKind::Live,
            900_000 + k as u64,
        );
        let encoded: Vec<String> = frames
            .iter()
            .map(|f| frame_720p(f).map(|j| b64(&j)))
            .collect::<anyhow::Result<_>>()?;
        let body = serde_json::json!({
            "image": b64(&id_jpeg),
            "face_1": encoded[0], "face_2": encoded[1], "face_3": encoded[2],
        })
        .to_string();
        let start = Instant::now();
        let r = server.post(&agent, "/v1/ocr/liveness/multi", &body)?;
        let elapsed = start.elapsed();
        let decision = r["data"]["liveness"]["decision"]
            .as_str()
            .with_context(|| format!("unexpected answer: {r}"))?;
        if k >= 2 {
            times.push(elapsed);
            *decisions.entry(decision.to_string()).or_default() += 1;
        }
    }
    let lat = sorted_ms(times);
    println!(
        "\n## liveness/multi over HTTP (three 720×1280 JPEG frames + the ID image, {} cores)\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    print_latency_rows(&lat);
    println!("| decisions | {decisions:?} |");
    println!("| server peak memory (VmHWM) | {} |", server.peak_memory());
    Ok(())
}

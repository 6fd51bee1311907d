//! Tesseract on synthetic ID-card lines, with the real library and Debian's `ara` data
//! (`scripts/setup.sh test` installs `libtesseract5` and `tesseract-ocr-ara`).
//!
//! `cargo test --release -p hawiya-ocr --test tesseract -- --ignored --nocapture` prints
//! the accuracy and speed table.

use std::path::Path;
use std::time::Instant;

use hawiya_ocr::tesseract::{default_tessdata_dir, LoadError, Tesseract, TesseractPool};
use hawiya_synth::{Degradation, DocType, Generator, Sample};
use image::GrayImage;

/// Seed of the cards the assertions use (the printed report uses another).
const TEST_SEED: u64 = 1;
/// Seed of the cards in the printed report.
const REPORT_SEED: u64 = 2;

fn tesseract() -> Tesseract {
    Tesseract::load(None, &default_tessdata_dir(), "ara")
        .unwrap_or_else(|e| panic!("Tesseract is not installed (run scripts/setup.sh test): {e}"))
}

fn generator() -> Generator {
    Generator::new(None).expect("fonts (scripts/setup.sh test)")
}

/// The axis-aligned box around `field`'s quad (the ink plus 10 % of the font size), grown
/// by `margin` times its height on every side, in grey. At 1/6 the crop often takes in
/// bits of the neighbouring lines, as a layout-template crop would.
fn crop(sample: &Sample, grey: &GrayImage, field: &str, margin: f32) -> GrayImage {
    let q = sample.truth.polygons[field];
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for [x, y] in q {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let m = (y1 - y0) * margin;
    let (w, h) = grey.dimensions();
    let x0 = (x0 - m).floor().clamp(0.0, w as f32 - 1.0) as u32;
    let y0 = (y0 - m).floor().clamp(0.0, h as f32 - 1.0) as u32;
    let x1 = (x1 + m).ceil().clamp(x0 as f32 + 1.0, w as f32) as u32;
    let y1 = (y1 + m).ceil().clamp(y0 as f32 + 1.0, h as f32) as u32;
    image::imageops::crop_imm(grey, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// The default crop margin, as a fraction of the line's height.
const MARGIN: f32 = 1.0 / 6.0;

/// Text as scored: tatweel and bidi marks removed, every digit form mapped to 0-9,
/// whitespace collapsed.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|&c| !matches!(c, '\u{0640}' | '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Errors and characters over a set of lines: CER = edits / truth characters.
#[derive(Default)]
struct Score {
    edits: usize,
    chars: usize,
    lines: usize,
    exact: usize,
}

impl Score {
    fn add(&mut self, truth: &str, read: &str) {
        let (t, r) = (normalise(truth), normalise(read));
        let e = hawiya_core::text::edit_distance(&t, &r);
        self.edits += e;
        self.chars += t.chars().count();
        self.lines += 1;
        self.exact += usize::from(e == 0);
    }

    fn cer(&self) -> f64 {
        self.edits as f64 / self.chars.max(1) as f64
    }
}

fn truth<'a>(sample: &'a Sample, field: &str) -> &'a str {
    sample.truth.fields[field].as_str().expect("text field")
}

#[test]
fn reads_synthetic_names_and_addresses() {
    let gen = generator();
    let mut tess = tesseract();
    assert!(
        tess.version().starts_with('5'),
        "version {}",
        tess.version()
    );
    let mut names = Score::default();
    let mut address = Score::default();
    for index in 0..20 {
        let sample = gen
            .generate(DocType::IdFront, TEST_SEED, index, &[])
            .unwrap();
        let grey = image::imageops::grayscale(&sample.image);
        for field in ["first_name", "last_names", "address_2"] {
            let read = tess
                .read_line(&crop(&sample, &grey, field, MARGIN))
                .unwrap();
            let score = if field == "address_2" {
                &mut address
            } else {
                &mut names
            };
            score.add(truth(&sample, field), &read);
        }
    }
    println!(
        "clean: name CER {:.4} ({} lines), address_2 CER {:.4}",
        names.cer(),
        names.lines,
        address.cer()
    );
    assert!(
        names.cer() < 0.05,
        "name CER {:.3} over {} lines ({} exact)",
        names.cer(),
        names.lines,
        names.exact
    );
    assert!(
        address.cer() < 0.05,
        "address_2 CER {:.3} over {} lines ({} exact)",
        address.cer(),
        address.lines,
        address.exact
    );
}

#[test]
fn reads_a_degraded_card() {
    let gen = generator();
    let mut tess = tesseract();
    let mut names = Score::default();
    let degr = [Degradation::Blur, Degradation::Noise, Degradation::Jpeg];
    for index in 0..10 {
        let sample = gen
            .generate(DocType::IdFront, TEST_SEED, index, &degr)
            .unwrap();
        let grey = image::imageops::grayscale(&sample.image);
        for field in ["first_name", "last_names"] {
            let read = tess
                .read_line(&crop(&sample, &grey, field, MARGIN))
                .unwrap();
            names.add(truth(&sample, field), &read);
        }
    }
    println!(
        "blur,noise,jpeg: name CER {:.4} ({} lines)",
        names.cer(),
        names.lines
    );
    assert!(
        names.cer() < 0.08,
        "degraded name CER {:.3} over {} lines",
        names.cer(),
        names.lines
    );
}

#[test]
fn empty_tiny_and_blank_images_read_as_nothing() {
    let mut tess = tesseract();
    assert_eq!(tess.read_line(&GrayImage::new(0, 0)).unwrap(), "");
    assert_eq!(tess.read_line(&GrayImage::new(1, 1)).unwrap(), "");
    assert_eq!(tess.read_line(&GrayImage::new(500, 0)).unwrap(), "");
    assert_eq!(tess.read_line(&GrayImage::new(3, 200)).unwrap(), "");
    let white = GrayImage::from_pixel(400, 60, image::Luma([255]));
    assert_eq!(tess.read_line(&white).unwrap(), "");
    let grey = GrayImage::from_pixel(8, 8, image::Luma([128]));
    assert_eq!(tess.read_line(&grey).unwrap(), "");
    let black = GrayImage::new(300, 50);
    assert_eq!(tess.read_line_detailed(&black).unwrap().confidence, 0.0);
    // Too large for Tesseract's 16-bit coordinates: an error, not a crash.
    assert!(tess.read_line(&GrayImage::new(40_000, 10)).is_err());

    let gen = generator();
    let sample = gen.generate(DocType::IdFront, TEST_SEED, 0, &[]).unwrap();
    let grey = image::imageops::grayscale(&sample.image);
    // The card's background between the address and the ID number: guilloche and faint
    // pyramids, no text.
    let background = image::imageops::crop_imm(&grey, 420, 445, 480, 50).to_image();
    assert_eq!(tess.read_line(&background).unwrap(), "");
    // The instance still works afterwards, and reads light ink on dark as well.
    let line = crop(&sample, &grey, "last_names", MARGIN);
    let read = tess.read_line(&line).unwrap();
    assert_eq!(normalise(&read), normalise(truth(&sample, "last_names")));
    let mut inverted = line;
    image::imageops::invert(&mut inverted);
    assert_eq!(tess.read_line(&inverted).unwrap(), read);
}

#[test]
fn missing_language_data_is_a_clear_error() {
    let err = match Tesseract::load(None, Path::new("/nonexistent/tessdata"), "ara") {
        Err(e) => e,
        Ok(_) => panic!("loaded without language data"),
    };
    assert!(matches!(err, LoadError::Language { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("tesseract-ocr-ara"), "{msg}");
    assert!(
        msg.contains("/nonexistent/tessdata/ara.traineddata"),
        "{msg}"
    );

    // A file that is not traineddata fails in Init, with an error rather than a crash.
    let dir = std::env::temp_dir().join(format!("hawiya-tess-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ara.traineddata"), b"not a model").unwrap();
    let bad = Tesseract::load(None, &dir, "ara");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        matches!(bad, Err(LoadError::Init { .. })),
        "{:?}",
        bad.err()
    );
}

#[test]
fn missing_library_is_a_clear_error() {
    let err = match Tesseract::load(
        Some(Path::new("/nonexistent/libtesseract.so.5")),
        &default_tessdata_dir(),
        "ara",
    ) {
        Err(e) => e,
        Ok(_) => panic!("loaded a missing library"),
    };
    assert!(matches!(err, LoadError::Library { .. }), "{err:?}");
    assert!(err.to_string().contains("libtesseract5"), "{err}");
}

#[test]
fn pool_reads_on_several_threads_like_one_instance() {
    let gen = generator();
    let mut lines = Vec::new();
    for index in 0..4 {
        let sample = gen
            .generate(DocType::IdFront, TEST_SEED, index, &[])
            .unwrap();
        let grey = image::imageops::grayscale(&sample.image);
        for field in ["first_name", "last_names", "address_2"] {
            lines.push(crop(&sample, &grey, field, MARGIN));
        }
    }
    let mut single = tesseract();
    let expected: Vec<String> = lines.iter().map(|l| single.read_line(l).unwrap()).collect();
    let pool = TesseractPool::load(2, None, &default_tessdata_dir(), "ara").unwrap();
    assert_eq!(pool.size(), 2);
    let got: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .iter()
            .map(|l| s.spawn(|| pool.read_line(l).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(got, expected);
}

/// Prints CER per field and condition over 40 cards (`HAWIYA_TESS_CARDS`), the effect
/// of the crop margin, the time per line and the throughput of a two-instance pool.
#[test]
#[ignore = "measurement; run with --release --ignored --nocapture"]
fn report() {
    let cards: u32 = std::env::var("HAWIYA_TESS_CARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let gen = generator();
    let mut tess = tesseract();
    let fields = ["first_name", "last_names", "address_2"];
    // (label, degradations, crop margin)
    let conditions: [(&str, &[&str], f32); 9] = [
        ("clean", &[], MARGIN),
        ("blur", &["blur"], MARGIN),
        ("noise", &["noise"], MARGIN),
        ("jpeg", &["jpeg"], MARGIN),
        ("blur,noise,jpeg", &["blur", "noise", "jpeg"], MARGIN),
        ("lowres", &["lowres"], MARGIN),
        ("perspective", &["perspective"], MARGIN),
        ("clean, margin 0", &[], 0.0),
        ("clean, margin 1/3", &[], 1.0 / 3.0),
    ];
    let mut times = Vec::new();
    let mut lines = Vec::new();
    println!(
        "Tesseract {} ara, {cards} ID fronts (seed {REPORT_SEED}), crop margin 1/6 of the \
         line height unless said; CER % (exact lines %)",
        tess.version()
    );
    println!(
        "{:<18} {:>14} {:>14} {:>14} {:>14}",
        "condition", "first_name", "last_names", "names", "address_2"
    );
    for (label, names, margin) in conditions {
        let degr: Vec<Degradation> = names.iter().map(|n| n.parse().unwrap()).collect();
        let mut scores: Vec<Score> = fields.iter().map(|_| Score::default()).collect();
        for index in 0..cards {
            let sample = gen
                .generate(DocType::IdFront, REPORT_SEED, index, &degr)
                .unwrap();
            let grey = image::imageops::grayscale(&sample.image);
            for (f, field) in fields.iter().enumerate() {
                let line = crop(&sample, &grey, field, margin);
                let t = Instant::now();
                let read = tess.read_line(&line).unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                scores[f].add(truth(&sample, field), &read);
                if label == "clean" {
                    lines.push(line);
                }
            }
        }
        let names = Score {
            edits: scores[0].edits + scores[1].edits,
            chars: scores[0].chars + scores[1].chars,
            lines: scores[0].lines + scores[1].lines,
            exact: scores[0].exact + scores[1].exact,
        };
        let cell = |s: &Score| {
            format!(
                "{:.2} ({:.0})",
                100.0 * s.cer(),
                100.0 * s.exact as f64 / s.lines.max(1) as f64
            )
        };
        println!(
            "{:<18} {:>14} {:>14} {:>14} {:>14}",
            label,
            cell(&scores[0]),
            cell(&scores[1]),
            cell(&names),
            cell(&scores[2])
        );
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "ms per line, one instance, over {} lines: median {:.1}, p90 {:.1}, max {:.1}",
        times.len(),
        pct(0.5),
        pct(0.9),
        pct(1.0)
    );
    let t = Instant::now();
    for line in &lines {
        tess.read_line(line).unwrap();
    }
    let one = lines.len() as f64 / t.elapsed().as_secs_f64();
    let pool = TesseractPool::load(2, None, &default_tessdata_dir(), "ara").unwrap();
    let t = Instant::now();
    std::thread::scope(|s| {
        for half in lines.chunks(lines.len().div_ceil(2)) {
            let pool = &pool;
            s.spawn(move || {
                for line in half {
                    pool.read_line(line).unwrap();
                }
            });
        }
    });
    let two = lines.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "clean lines per second: one instance {one:.1}, pool of 2 on 2 threads {two:.1} \
         ({} cores available)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
}

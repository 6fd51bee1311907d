//! `hawiya synth` (write synthetic documents with ground truth) and `hawiya eval` (score a
//! reader on such a folder: per-field character error rate and exact match, per degradation).

use anyhow::Context;
use hawiya_synth::{Degradation, DocType, GroundTruth};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `hawiya synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Document type: id-front, id-back, passport, car-license-front, car-license-back,
    /// driving-license, plate; or a recogniser's training line: number-line, name-line
    /// (`--faces` and `--present` do not apply to lines, and of `--degrade` only
    /// `photocopy`, as `hawiya train digits --photocopies` draws it).
    pub doc_type: String,
    /// How many documents.
    #[arg(long, default_value_t = 20)]
    pub count: u32,
    /// Seed; the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (NNNN.png + NNNN.json).
    #[arg(long)]
    pub out: PathBuf,
    /// Comma-separated degradations: blur, noise, jpeg, lowres, perspective, glare, rotate,
    /// colorcast, photocopy.
    #[arg(long, default_value = "")]
    pub degrade: String,
    /// Face photos for the photo area.
    #[arg(long, default_value = "testdata/faces/tune")]
    pub faces: PathBuf,
    /// Present the (degraded) document as an attack and photograph it: `screen` (shown on
    /// a screen) or `print` (a colour halftone print).
    #[arg(long)]
    pub present: Option<String>,
}

/// Parses a presentation attack name (`screen`, `print`).
pub fn parse_recapture(name: &str) -> anyhow::Result<hawiya_synth::Recapture> {
    hawiya_synth::Recapture::ALL
        .into_iter()
        .find(|r| r.as_str() == name)
        .with_context(|| format!("unknown presentation {name:?}; expected screen or print"))
}

/// Writes `args.count` documents (or training lines, for `number-line` / `name-line`).
pub fn synth(args: &SynthArgs) -> anyhow::Result<()> {
    if let Some(draw) = line_kind(&args.doc_type) {
        return synth_lines(args, draw);
    }
    let doc: DocType = args.doc_type.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let degradations = parse_degradations(&args.degrade)?;
    let present = args.present.as_deref().map(parse_recapture).transpose()?;
    let faces = args.faces.exists().then_some(args.faces.as_path());
    let generator = hawiya_synth::Generator::new(faces)?;
    std::fs::create_dir_all(&args.out)?;
    let start = Instant::now();
    for index in 0..args.count {
        let mut sample = generator.generate(doc, args.seed, index, &degradations)?;
        if let Some(kind) = present {
            sample = hawiya_synth::recapture(&sample, kind);
        }
        hawiya_synth::write_sample(&args.out, &sample)?;
    }
    eprintln!(
        "wrote {} {doc} samples to {} in {:.1} s",
        args.count,
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Draws one training line of a seed (`Generator::card_number_line`, `card_name_line`).
type LineDraw = fn(&hawiya_synth::Generator, u64, u32) -> hawiya_synth::lines::LineSample;

/// The recogniser training lines `hawiya synth` writes, for looking at what a recogniser
/// learns from beside real crops: the card's number line (`hawiya train digits
/// --card-numbers`) and the name line (`hawiya train names`); `None` for a document type.
fn line_kind(name: &str) -> Option<LineDraw> {
    match name {
        "number-line" => Some(hawiya_synth::Generator::card_number_line),
        "name-line" => Some(hawiya_synth::Generator::card_name_line),
        _ => None,
    }
}

/// Writes `args.count` lines as `NNNN.png` + `NNNN.json` (`{"text": ...}`).
fn synth_lines(args: &SynthArgs, draw: LineDraw) -> anyhow::Result<()> {
    let photocopy = match parse_degradations(&args.degrade)?.as_slice() {
        [] => false,
        [Degradation::Photocopy] => true,
        _ => anyhow::bail!("lines take no --degrade but photocopy"),
    };
    let generator = hawiya_synth::Generator::new(None)?;
    std::fs::create_dir_all(&args.out)?;
    for index in 0..args.count {
        let mut line = draw(&generator, args.seed, index);
        if photocopy {
            let mut r = hawiya_synth::rng::Rng::stream(args.seed, index, "photocopy");
            line.image = hawiya_synth::photocopied_line(&line.image, &mut r);
        }
        let stem = args.out.join(format!("{index:04}"));
        line.image.save(stem.with_extension("png"))?;
        let truth = serde_json::json!({ "text": line.text });
        std::fs::write(stem.with_extension("json"), truth.to_string())?;
    }
    eprintln!(
        "wrote {} {} samples to {}",
        args.count,
        args.doc_type,
        args.out.display()
    );
    Ok(())
}

fn parse_degradations(list: &str) -> anyhow::Result<Vec<Degradation>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e| anyhow::anyhow!("{e}")))
        .collect()
}

pub use hawiya_core::text::edit_distance;

/// Character error rate: edit distance over the truth's length (in characters).
pub fn cer(truth: &str, read: &str) -> f64 {
    let n = truth.chars().count();
    if n == 0 {
        return if read.is_empty() { 0.0 } else { 1.0 };
    }
    edit_distance(truth, read) as f64 / n as f64
}

/// A reader of one document type, run in process.
pub trait Reader {
    /// The fields read from `image`, under the API's names.
    fn read(
        &self,
        image: &image::RgbImage,
    ) -> anyhow::Result<serde_json::Map<String, serde_json::Value>>;
}

/// The national ID front reader, in process: the face engine (photo, way up) and the ID
/// readers, as the server runs them.
struct IdFrontReader {
    face: hawiya_face::engine::FaceEngine,
    ocr: hawiya_ocr::IdReader,
}

impl Reader for IdFrontReader {
    fn read(
        &self,
        image: &image::RgbImage,
    ) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
        let check = |photo: &image::RgbImage| self.face.photo_face_score(photo);
        let outcome = hawiya_ocr::id_front::read_front_photo(
            image,
            &self.ocr,
            &check,
            hawiya_synth::reference_date(),
            &|| true,
        )?;
        Ok(match outcome {
            hawiya_ocr::id_front::FrontOutcome::Front { text, .. } => {
                with_findings(text.fields(), &text.findings())
            }
            _ => serde_json::Map::new(),
        })
    }
}

/// Key under which a reading carries its findings' codes (not a field: not scored).
pub(crate) const FINDINGS_KEY: &str = "_findings";

/// `fields` with the findings' codes added under [`FINDINGS_KEY`].
fn with_findings(
    mut fields: serde_json::Map<String, serde_json::Value>,
    findings: &[hawiya_ocr::id_front::Finding],
) -> serde_json::Map<String, serde_json::Value> {
    let codes: Vec<u16> = findings.iter().map(|f| f.code).collect();
    fields.insert(FINDINGS_KEY.into(), serde_json::json!(codes));
    fields
}

/// The national ID back reader, in process.
struct IdBackReader {
    ocr: hawiya_ocr::IdReader,
}

impl Reader for IdBackReader {
    fn read(
        &self,
        image: &image::RgbImage,
    ) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
        let outcome = hawiya_ocr::id_back::read_back_photo(
            image,
            &self.ocr,
            hawiya_synth::reference_date(),
            &|| true,
        )?;
        Ok(match outcome {
            hawiya_ocr::id_back::BackOutcome::Back { text, .. } => with_findings(
                text.fields(),
                &text.findings(hawiya_synth::reference_date()),
            ),
            _ => serde_json::Map::new(),
        })
    }
}

/// The national ID front reader as the server runs it, with the server's inference slots
/// (one request at a time here: an idle server's latency).
pub fn id_front_reader(config: &hawiya_server::Config) -> anyhow::Result<Box<dyn Reader>> {
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, config.inference_slots)?;
    let face = hawiya_face::engine::FaceEngine::load(&runtime, &models, None)?;
    Ok(Box::new(IdFrontReader {
        face,
        ocr: hawiya_ocr::IdReader::load(1, &runtime, &models)?,
    }))
}

/// The in-process reader of a document type, if one is built.
fn reader_for(
    doc: DocType,
    config: &hawiya_server::Config,
) -> anyhow::Result<Option<Box<dyn Reader>>> {
    let models = config.models_dir();
    Ok(match doc {
        DocType::IdFront => Some(id_front_reader(config)?),
        DocType::IdBack => {
            let runtime = hawiya_infer::runtime::Runtime::load(&models, config.inference_slots)?;
            Some(Box::new(IdBackReader {
                ocr: hawiya_ocr::IdReader::load(1, &runtime, &models)?,
            }))
        }
        _ => None,
    })
}

fn as_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Default)]
struct FieldStats {
    n: usize,
    exact: usize,
    cer_sum: f64,
}

/// Scores the reader of `doc_type` on every `NNNN.png` + `NNNN.json` in `dir`.
pub fn eval(doc_type: &str, dir: &Path, config: &hawiya_server::Config) -> anyhow::Result<()> {
    let doc: DocType = doc_type.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut samples: Vec<(PathBuf, GroundTruth)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    for json in entries {
        let truth: GroundTruth = serde_json::from_slice(&std::fs::read(&json)?)
            .with_context(|| json.display().to_string())?;
        samples.push((json.with_extension("png"), truth));
    }
    println!(
        "## `hawiya eval {doc}` on {} ({} samples)\n",
        dir.display(),
        samples.len()
    );
    let Some(reader) = reader_for(doc, config)? else {
        println!("No reader for `{doc}` is built yet: nothing to score.");
        return Ok(());
    };
    // (degradation group, field) → stats
    let mut stats: BTreeMap<(String, String), FieldStats> = BTreeMap::new();
    let mut latencies = Vec::new();
    let mut readings = Vec::new();
    for (png, _) in &samples {
        let image = image::open(png)
            .with_context(|| png.display().to_string())?
            .to_rgb8();
        let start = Instant::now();
        readings.push(reader.read(&image).unwrap_or_else(|e| {
            eprintln!("{}: {e:#}", png.display());
            Default::default()
        }));
        latencies.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // The fields the reader reads; a sample where it found nothing scores them as empty.
    let read_fields: std::collections::BTreeSet<&String> =
        readings.iter().flat_map(|r| r.keys()).collect();
    // Fields some cards print and others do not (a job title, a husband's name): on a card
    // without one, the truth is empty, so text read there counts as errors.
    let truth_fields: std::collections::BTreeSet<&String> =
        samples.iter().flat_map(|(_, t)| t.fields.keys()).collect();
    let verbose = std::env::var_os("HAWIYA_EVAL_VERBOSE").is_some();
    let mut unread = std::collections::BTreeSet::new();
    // Finding code → (cards with it, their misread fields); and over all cards.
    let mut flagged: BTreeMap<u64, (usize, usize)> = BTreeMap::new();
    let (mut all_cards, mut all_misread) = (0usize, 0usize);
    for ((png, truth), read) in samples.iter().zip(&readings) {
        let codes: Vec<u64> = read
            .get(FINDINGS_KEY)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|c| c.as_u64()).collect())
            .unwrap_or_default();
        if verbose && !codes.is_empty() {
            println!("{}: findings {codes:?}", png.display());
        }
        let mut misread = 0;
        // Labels carry parameters (`jpeg:quality=41`); group by the names only.
        let group = if truth.degradations.is_empty() {
            "clean".to_string()
        } else {
            truth
                .degradations
                .iter()
                .map(|d| d.split(':').next().unwrap_or(d))
                .collect::<Vec<_>>()
                .join("+")
        };
        let null = serde_json::Value::Null;
        for &field in &truth_fields {
            let value = truth.fields.get(field).unwrap_or(&null);
            if !read_fields.contains(field) {
                unread.insert(field.clone());
                continue;
            }
            let t = as_text(value);
            let r = read.get(field).map(as_text).unwrap_or_default();
            if verbose && t != r {
                println!("{}: {field}: {t:?} read {r:?}", png.display());
            }
            let s = stats.entry((group.clone(), field.clone())).or_default();
            s.n += 1;
            s.exact += usize::from(t == r);
            s.cer_sum += cer(&t, &r);
            misread += usize::from(t != r);
        }
        all_cards += 1;
        all_misread += misread;
        for code in codes {
            let f = flagged.entry(code).or_default();
            f.0 += 1;
            f.1 += misread;
        }
    }
    println!("| degradation | field | n | exact | CER |\n|---|---|---|---|---|");
    for ((group, field), s) in &stats {
        println!(
            "| {group} | {field} | {} | {:.1} % | {:.2} % |",
            s.n,
            100.0 * s.exact as f64 / s.n as f64,
            100.0 * s.cer_sum / s.n as f64
        );
    }
    if !unread.is_empty() {
        println!("\nNot read (not scored): {unread:?}.");
    }
    if !flagged.is_empty() {
        println!(
            "\nFindings (cards; mean misread fields on them, against {:.2} over all cards):",
            all_misread as f64 / all_cards.max(1) as f64
        );
        for (code, (cards, misread)) in &flagged {
            println!(
                "- {code}: {cards} cards; {:.2}",
                *misread as f64 / *cards as f64
            );
        }
    }
    latencies.sort_by(f64::total_cmp);
    if !latencies.is_empty() {
        let p = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "\nLatency per document: median {:.1} ms, p95 {:.1} ms.",
            p(0.5),
            p(0.95)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_error_rate() {
        assert_eq!(cer("abc", "abc"), 0.0);
        assert_eq!(cer("abcd", "abxd"), 0.25);
        assert_eq!(cer("محمد", "محمود"), 0.25);
        assert_eq!(cer("", ""), 0.0);
        assert_eq!(cer("", "x"), 1.0);
        assert_eq!(cer("ab", ""), 1.0);
    }
}

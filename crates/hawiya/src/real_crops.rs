//! Real number-line crops for `hawiya train digits --real DIR` and `--score-real DIR`: the
//! 14-digit line of every photo of one part of the dev set (`hawiya eval real`'s split;
//! training reads the tuning part only, scoring reads either), cut the way the front reader cuts it ([`hawiya_ocr::anchor::number_crop`]
//! on the line the text detector finds over the labelled number), with the line's position,
//! length, thickness and angle jittered as detections vary. The crops stay in memory: no
//! real image or text is written anywhere.

use anyhow::Context;
use hawiya_ocr::detect::OrientedLine;
use hawiya_synth::rng::Rng;
use image::GrayImage;
use std::path::Path;

/// A crop and its label (ASCII digits).
pub struct RealCrop {
    pub image: GrayImage,
    pub text: String,
}

/// The labelled number polygon's centre and length, from `labels/<stem>.json`.
fn number_polygon(labels: &Path, file: &str) -> Option<([f32; 2], f32)> {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(labels.join(format!("{stem}.json"))).ok()?).ok()?;
    let poly = json["fields"]
        .as_array()?
        .iter()
        .find(|f| f["class"] == "number")?["polygon"]
        .as_array()?
        .iter()
        .filter_map(|p| Some([p[0].as_f64()? as f32, p[1].as_f64()? as f32]))
        .collect::<Vec<_>>();
    let n = poly.len() as f32;
    if n < 3.0 {
        return None;
    }
    let c = [
        poly.iter().map(|p| p[0]).sum::<f32>() / n,
        poly.iter().map(|p| p[1]).sum::<f32>() / n,
    ];
    let reach = poly
        .iter()
        .map(|p| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt())
        .fold(0.0, f32::max);
    Some((c, 2.0 * reach))
}

/// `copies` crops of the number line of each photo of `part` under `dir/id-front`: the
/// first as the detector found it, the others jittered.
pub fn number_crops(
    dir: &Path,
    config: &hawiya_server::Config,
    copies: u32,
    seed: u64,
    part: crate::real_eval::Part,
) -> anyhow::Result<Vec<RealCrop>> {
    let front = dir.join("id-front");
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, Some(1))?;
    let reader = hawiya_ocr::IdReader::load(1, &runtime, &models)?;
    let mut out = Vec::new();
    let (mut photos, mut matched) = (0, 0);
    for (index, t) in crate::real_eval::read_truth(&front)?.iter().enumerate() {
        if t.nid.is_empty() || crate::real_eval::Part::of(&t.group) != part {
            continue;
        }
        let Some((centre, length)) = number_polygon(&front.join("labels"), &t.file) else {
            continue;
        };
        photos += 1;
        let img = image::open(front.join(&t.file))
            .with_context(|| t.file.clone())?
            .to_rgb8();
        // The number candidate over the labelled line, read the way its number reads best.
        let pieces =
            hawiya_ocr::anchor::photo_lines(&img, &reader, hawiya_ocr::anchor::DETECT_SIZE)?;
        let candidates = hawiya_ocr::anchor::number_candidates(&pieces);
        let off = |l: &OrientedLine| {
            let d = ((l.centre[0] - centre[0]).powi(2) + (l.centre[1] - centre[1]).powi(2)).sqrt();
            d / length + (l.length / length - 1.0).abs()
        };
        let Some(line) = candidates
            .iter()
            .filter(|l| off(l) < 0.3)
            .min_by(|a, b| off(a).total_cmp(&off(b)))
        else {
            continue;
        };
        let ways = [*line, line.reversed()];
        let crops: Vec<GrayImage> = ways
            .iter()
            .map(|l| hawiya_ocr::anchor::number_crop(&img, l))
            .collect();
        let reads = hawiya_ocr::digits::read_lines_scored(&reader.number_digits, &crops)?;
        let nll = |k: usize| reads[k].nll(&t.nid).unwrap_or(f32::INFINITY);
        let line = if nll(1) < nll(0) { ways[1] } else { ways[0] };
        matched += 1;
        let mut r = Rng::stream(seed, index as u32, "real-number-crop");
        out.push(RealCrop {
            image: hawiya_ocr::anchor::number_crop(&img, &line),
            text: t.nid.clone(),
        });
        for _ in 1..copies {
            out.push(RealCrop {
                image: hawiya_ocr::anchor::number_crop(&img, &jitter(&line, &mut r)),
                text: t.nid.clone(),
            });
        }
    }
    eprintln!(
        "real number crops: {matched} of {photos} {} photos matched a detected line, {} crops",
        part.name(),
        out.len()
    );
    Ok(out)
}

/// The line moved as detections vary: centre by a tenth of its thickness across and 3 % of
/// its length along, length ±6 %, thickness −10/+20 %, angle ±2°.
fn jitter(line: &OrientedLine, r: &mut Rng) -> OrientedLine {
    let [ax, ay] = line.along;
    let [cx, cy] = line.across();
    let along = r.range_f32(-0.03, 0.03) * line.length;
    let across = r.range_f32(-0.1, 0.1) * line.thickness;
    let turn = r.range_f32(-2.0, 2.0).to_radians();
    let (s, c) = turn.sin_cos();
    OrientedLine {
        centre: [
            line.centre[0] + along * ax + across * cx,
            line.centre[1] + along * ay + across * cy,
        ],
        along: [ax * c - ay * s, ax * s + ay * c],
        length: line.length * r.range_f32(0.94, 1.06),
        thickness: line.thickness * r.range_f32(0.9, 1.2),
        score: line.score,
    }
}

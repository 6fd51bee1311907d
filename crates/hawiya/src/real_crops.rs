//! Real number-line crops for `hawiya train digits --real DIR` and `--score-real DIR`: the
//! 14-digit line of every photo of one part of the dev set (`hawiya eval real`'s split;
//! training reads the tuning part only, scoring reads either), cut the way the front reader cuts it ([`hawiya_ocr::anchor::number_crop`]
//! on the line the text detector finds over the labelled number), with the line's position,
//! length, thickness and angle jittered as detections vary. The crops stay in memory:
//! nothing is written unless `HAWIYA_EVAL_DUMP=DIR` asks for each photo's number crop there,
//! for looking at (real people's data: never into the repository).

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
    let poly = polygon(labels, file, "number")?;
    let n = poly.len() as f32;
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
    let dump = std::env::var_os("HAWIYA_EVAL_DUMP").map(std::path::PathBuf::from);
    let mut out = Vec::new();
    let (mut photos, mut matched) = (0, 0);
    for (index, t) in crate::real_eval::read_truth(&front)?.iter().enumerate() {
        if t.nid.is_empty() || t.part != part {
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
        let image = hawiya_ocr::anchor::number_crop(&img, &line);
        if let Some(dir) = &dump {
            image.save(dir.join(format!(
                "number-{}-{index:04}.png",
                part.name().replace(' ', "-")
            )))?;
        }
        out.push(RealCrop {
            image,
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

/// `copies` crops of the name lines of each photo of `part` under `dir/id-front` whose
/// number is transcribed: the first-name line (labelled `name`) and the rest of the name
/// (`family name`), each on the detected line over its label that runs along the number
/// line, cut as the front reader cuts a name line ([`hawiya_ocr::anchor::name_crop`]);
/// the first copy as detected, the others jittered. Only names written in `alphabet`.
pub fn name_crops(
    dir: &Path,
    config: &hawiya_server::Config,
    copies: u32,
    seed: u64,
    part: crate::real_eval::Part,
    alphabet: &[char],
) -> anyhow::Result<Vec<RealCrop>> {
    let front = dir.join("id-front");
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, Some(1))?;
    let reader = hawiya_ocr::IdReader::load(1, &runtime, &models)?;
    let today = chrono::Utc::now().date_naive();
    let mut out = Vec::new();
    let (mut lines_wanted, mut matched) = (0, 0);
    for (index, t) in crate::real_eval::read_truth(&front)?.iter().enumerate() {
        if t.nid.is_empty() || t.part != part {
            continue;
        }
        let wanted: Vec<(&str, &str)> = [("name", &t.first_name), ("family name", &t.rest_of_name)]
            .into_iter()
            .filter(|(_, text)| !text.is_empty() && text.chars().all(|c| alphabet.contains(&c)))
            .map(|(class, text)| (class, text.as_str()))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        lines_wanted += wanted.len();
        let img = image::open(front.join(&t.file))
            .with_context(|| t.file.clone())?
            .to_rgb8();
        let (pieces, number) = hawiya_ocr::anchor::locate_number(&img, &reader, today)?;
        let Some(number) = number else {
            continue;
        };
        let joined = hawiya_ocr::anchor::join_pieces(pieces.clone());
        for (k, (class, text)) in wanted.into_iter().enumerate() {
            let Some(poly) = polygon(&front.join("labels"), &t.file, class) else {
                continue;
            };
            let Some(line) = line_over(&poly, &number.line, pieces.iter().chain(&joined)) else {
                continue;
            };
            matched += 1;
            let mut r = Rng::stream(seed, (index * 2 + k) as u32, "real-name-crop");
            for copy in 0..copies {
                let l = if copy == 0 {
                    line
                } else {
                    jitter(&line, &mut r)
                };
                out.push(RealCrop {
                    image: hawiya_ocr::anchor::name_crop(&img, &l),
                    text: text.to_string(),
                });
            }
        }
    }
    eprintln!(
        "real name crops: {matched} of {lines_wanted} {} name lines matched a detected line, {} crops",
        part.name(),
        out.len()
    );
    Ok(out)
}

/// The longest of `lines` whose centre lies in `poly` and that runs within 10° of the
/// number line, turned to read in the number's direction.
pub(crate) fn line_over<'a>(
    poly: &[[f32; 2]],
    number: &OrientedLine,
    lines: impl Iterator<Item = &'a OrientedLine>,
) -> Option<OrientedLine> {
    let dot = |l: &OrientedLine| l.along[0] * number.along[0] + l.along[1] * number.along[1];
    lines
        .filter(|l| inside(poly, l.centre) && dot(l).abs() > 10f32.to_radians().cos())
        .max_by(|a, b| a.length.total_cmp(&b.length))
        .map(|l| if dot(l) < 0.0 { l.reversed() } else { *l })
}

/// The labelled polygon of `class` in `labels/<stem>.json`, in pixels.
pub(crate) fn polygon(labels: &Path, file: &str, class: &str) -> Option<Vec<[f32; 2]>> {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(labels.join(format!("{stem}.json"))).ok()?).ok()?;
    let poly: Vec<[f32; 2]> = json["fields"]
        .as_array()?
        .iter()
        .find(|f| f["class"] == class)?["polygon"]
        .as_array()?
        .iter()
        .filter_map(|p| Some([p[0].as_f64()? as f32, p[1].as_f64()? as f32]))
        .collect();
    (poly.len() >= 3).then_some(poly)
}

/// Whether `p` lies inside `poly` (even-odd rule).
pub(crate) fn inside(poly: &[[f32; 2]], p: [f32; 2]) -> bool {
    let mut inside = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[j]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// The line moved as detections vary: centre by a tenth of its thickness across and 3 % of
/// its length along, length ±6 %, thickness −10/+20 %, angle ±2°.
fn jitter(line: &OrientedLine, r: &mut Rng) -> OrientedLine {
    let along = r.range_f32(-0.03, 0.03);
    let across = r.range_f32(-0.1, 0.1);
    let turn = r.range_f32(-2.0, 2.0);
    let length = r.range_f32(0.94, 1.06);
    let thickness = r.range_f32(0.9, 1.2);
    line.varied([along, across], [length, thickness], turn)
}

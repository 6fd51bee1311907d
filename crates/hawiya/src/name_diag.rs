//! `HAWIYA_EVAL_NAMES=1 hawiya eval real DIR`: where the first name is lost on real photos —
//! finding its line, or reading it. For each photo of a part with a transcribed first name:
//! whether the front reader's first-name line ([`hawiya_ocr::anchor::field_lines`]) lies on
//! the labelled `name` polygon, and whether Tesseract and the name recogniser read the name
//! from the detected line over that polygon. Counts only are printed (names with
//! `HAWIYA_EVAL_VERBOSE`; `HAWIYA_EVAL_DUMP=DIR` writes the crops there for looking at —
//! real people's data: never into the repository). `HAWIYA_EVAL_PART` picks the part
//! (default the tuning part).

use crate::real_crops::{inside, polygon};
use hawiya_ocr::detect::OrientedLine;
use std::path::Path;

pub fn run(dir: &Path, config: &hawiya_server::Config) -> anyhow::Result<()> {
    let front = dir.join("id-front");
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, Some(1))?;
    let reader = hawiya_ocr::IdReader::load(1, &runtime, &models)?;
    let only = std::env::var("HAWIYA_EVAL_PART").unwrap_or_else(|_| "tuning".into());
    let verbose = std::env::var_os("HAWIYA_EVAL_VERBOSE").is_some();
    let dump = std::env::var_os("HAWIYA_EVAL_DUMP").map(std::path::PathBuf::from);
    let today = chrono::Utc::now().date_naive();
    let (mut photos, mut numbered, mut located, mut on_label) = (0, 0, 0, 0);
    let (mut by_tesseract, mut by_net) = (0, 0);
    for t in crate::real_eval::read_truth(&front)? {
        let part = t.part.name();
        if t.first_name.is_empty() || !part.starts_with(&only) {
            continue;
        }
        let Some(poly) = polygon(&front.join("labels"), &t.file, "name") else {
            continue;
        };
        photos += 1;
        let img = image::open(front.join(&t.file))?.to_rgb8();
        let (pieces, number) = hawiya_ocr::anchor::locate_number(&img, &reader, today)?;
        let lines = hawiya_ocr::anchor::join_pieces(pieces.clone());
        let mut chosen = None;
        if let Some(number) = &number {
            numbered += 1;
            let [first, ..] = hawiya_ocr::anchor::field_lines(&number.line, &lines);
            chosen = first;
            located += usize::from(first.is_some_and(|l| inside(&poly, l.centre)));
        }
        // The detected line over the label, turned the way the number reads.
        let over: Option<OrientedLine> = pieces
            .iter()
            .chain(lines.iter())
            .filter(|l| inside(&poly, l.centre))
            .max_by(|a, b| a.length.total_cmp(&b.length))
            .copied();
        let (mut read, mut net_read) = (String::new(), String::new());
        if let Some(mut l) = over {
            on_label += 1;
            if let Some(n) = &number {
                if l.along[0] * n.line.along[0] + l.along[1] * n.line.along[1] < 0.0 {
                    l = l.reversed();
                }
            }
            let crop =
                image::DynamicImage::ImageRgb8(hawiya_ocr::anchor::text_crop(&img, &l)).to_luma8();
            let name_crop = hawiya_ocr::anchor::name_crop(&img, &l);
            read = hawiya_ocr::names::mend(
                &hawiya_ocr::id_front::clean_name(&reader.tesseract.read_line(&crop)?),
                None,
            );
            net_read = hawiya_ocr::names::mend(
                &hawiya_ocr::name_net::read_name(&reader.names, &name_crop, None)?,
                None,
            );
            if let Some(d) = &dump {
                name_crop.save(d.join(format!("{}-label.png", t.file)))?;
                if let Some(c) = chosen {
                    hawiya_ocr::anchor::name_crop(&img, &c)
                        .save(d.join(format!("{}-chosen.png", t.file)))?;
                }
            }
        }
        let exact = |read: &str| {
            crate::real_eval::normalise_name(read)
                == crate::real_eval::normalise_name(&t.first_name)
        };
        by_tesseract += usize::from(exact(&read));
        by_net += usize::from(exact(&net_read));
        if verbose {
            println!("{}\t{}\t{read}\t{net_read}", t.file, t.first_name);
        }
    }
    println!(
        "{only}: {photos} photos with a first name; number line found {numbered}; \
         first-name line located {located}; a detected line over the label {on_label}; \
         read exactly from it: Tesseract {by_tesseract}, name recogniser {by_net}"
    );
    Ok(())
}

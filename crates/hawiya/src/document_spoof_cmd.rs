//! `hawiya bench document-spoof`: the document spoofing cues (`hawiya_ocr::spoof`) on
//! synthetic ID cards, fronts and backs: bona fide photos under the generator's camera
//! degradations, and attacks (the card shown on a screen, a colour print of it, a grey
//! copy). Every number it prints is on synthetic images.

use crate::bench::percentile;
use hawiya_ocr::card::{find_card, rectify};
use hawiya_ocr::layout;
use hawiya_ocr::spoof::{
    common_peak, document_spoof_reasons, frame_sides, FRAME_SIDES_MIN, PATTERN_MIN,
};
use hawiya_synth::{Degradation, DocType, Generator, Recapture, Sample};
use std::path::PathBuf;
use std::time::Instant;

/// Options of `hawiya bench document-spoof`.
#[derive(Debug, clap::Args)]
pub struct DocumentSpoofBenchArgs {
    /// Seed of the cards (the thresholds were chosen on seed 0).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cards per side (front, back) and class.
    #[arg(long, default_value_t = 20)]
    pub count: u32,
    /// Face photos for the photo area.
    #[arg(long, default_value = "testdata/faces/tune")]
    pub faces: PathBuf,
    /// Print every image's cues.
    #[arg(long)]
    pub verbose: bool,
}

/// A class of images: bona fide under some degradations, or an attack.
struct Class {
    name: &'static str,
    degradations: &'static [Degradation],
    attack: Option<Attack>,
}

#[derive(Clone, Copy)]
enum Attack {
    Recaptured(Recapture),
    GreyCopy,
}

const CLASSES: [Class; 10] = [
    Class::bona_fide("flat", &[]),
    Class::bona_fide("flat, jpeg", &[Degradation::Jpeg]),
    Class::bona_fide("table", &[Degradation::Perspective]),
    Class::bona_fide(
        "table, noise, jpeg",
        &[
            Degradation::Perspective,
            Degradation::Noise,
            Degradation::Jpeg,
        ],
    ),
    Class::bona_fide(
        "table, blur",
        &[Degradation::Perspective, Degradation::Blur],
    ),
    Class::bona_fide(
        "table, glare, colour cast, jpeg",
        &[
            Degradation::Perspective,
            Degradation::Glare,
            Degradation::ColorCast,
            Degradation::Jpeg,
        ],
    ),
    Class::bona_fide(
        "table, low resolution, jpeg",
        &[
            Degradation::Perspective,
            Degradation::LowRes,
            Degradation::Jpeg,
        ],
    ),
    Class {
        name: "screen (attack)",
        degradations: &[],
        attack: Some(Attack::Recaptured(Recapture::Screen)),
    },
    Class {
        name: "colour print (attack)",
        degradations: &[],
        attack: Some(Attack::Recaptured(Recapture::Print)),
    },
    Class {
        name: "grey copy on a table (attack)",
        degradations: &[Degradation::Perspective, Degradation::Jpeg],
        attack: Some(Attack::GreyCopy),
    },
];

impl Class {
    const fn bona_fide(name: &'static str, degradations: &'static [Degradation]) -> Class {
        Class {
            name,
            degradations,
            attack: None,
        }
    }

    fn draw(&self, g: &Generator, doc: DocType, seed: u64, index: u32) -> anyhow::Result<Sample> {
        let mut sample = g.generate(doc, seed, index, self.degradations)?;
        match self.attack {
            Some(Attack::Recaptured(kind)) => sample = hawiya_synth::recapture(&sample, kind),
            Some(Attack::GreyCopy) => {
                let grey = image::DynamicImage::ImageRgb8(sample.image).to_luma8();
                sample.image = image::DynamicImage::ImageLuma8(grey).to_rgb8();
            }
            None => {}
        }
        Ok(sample)
    }
}

/// Camera pixels per screen pixel or halftone cell, from the recapture's label.
fn pitch(sample: &Sample) -> Option<f32> {
    let label = sample.truth.degradations.last()?;
    label.split("pitch=").nth(1)?.parse().ok()
}

/// Pitch bands of the attack breakdown, upper bounds.
const PITCH_BANDS: [f32; 4] = [0.8, 1.2, 2.0, f32::INFINITY];

/// Runs the benchmark and prints its tables.
pub fn bench(args: &DocumentSpoofBenchArgs) -> anyhow::Result<()> {
    let faces = args.faces.exists().then_some(args.faces.as_path());
    let generator = Generator::new(faces)?;
    println!(
        "Synthetic ID cards, seed {}, {} per side and class; `screen_or_print_pattern`: common peak above {PATTERN_MIN}; `screen_border`: {FRAME_SIDES_MIN} sides\n",
        args.seed, args.count
    );
    println!("| class | side | images | no card found | flagged | pattern | screen border | common peak median / max |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut times = Vec::new();
    let mut bands = vec![[(0usize, 0usize); PITCH_BANDS.len()]; CLASSES.len()];
    for (ci, class) in CLASSES.iter().enumerate() {
        for doc in [DocType::IdFront, DocType::IdBack] {
            let (mut no_card, mut flagged, mut pattern, mut border) = (0, 0, 0, 0);
            let mut scores = Vec::new();
            for index in 0..args.count {
                let sample = class.draw(&generator, doc, args.seed, index)?;
                let Some(quad) = find_card(&sample.image) else {
                    no_card += 1;
                    continue;
                };
                let card = rectify(&sample.image, &quad, false);
                let plain = match doc {
                    DocType::IdFront => layout::FRONT_PHOTO,
                    _ => layout::BACK_BARCODE,
                };
                let start = Instant::now();
                let reasons = document_spoof_reasons(&sample.image, &quad, &card, plain);
                times.push(start.elapsed().as_secs_f64() * 1e3);
                let score = common_peak(&sample.image, &quad).map_or(0.0, |p| p.ratio);
                scores.push(f64::from(score));
                let hit = reasons.iter().any(|r| r == "screen_or_print_pattern");
                flagged += usize::from(!reasons.is_empty());
                pattern += usize::from(hit);
                border += usize::from(reasons.iter().any(|r| r == "screen_border"));
                if let Some(p) = pitch(&sample) {
                    let band = PITCH_BANDS.iter().position(|&b| p < b).unwrap_or(0);
                    bands[ci][band].0 += 1;
                    bands[ci][band].1 += usize::from(hit);
                }
                if args.verbose {
                    println!(
                        "{} {doc} {index}: peak {score:.1} frame sides {} {reasons:?} {:?}",
                        class.name,
                        frame_sides(&sample.image, &quad),
                        sample.truth.degradations.last()
                    );
                }
            }
            scores.sort_by(f64::total_cmp);
            println!(
                "| {} | {doc} | {} | {no_card} | {flagged} | {pattern} | {border} | {:.1} / {:.1} |",
                class.name,
                args.count,
                percentile(&scores, 0.5),
                percentile(&scores, 1.0)
            );
        }
    }
    println!("\nPattern flagged by pitch (camera pixels per screen pixel or halftone cell):\n");
    println!("| attack | < 0.8 | 0.8-1.2 | 1.2-2 | ≥ 2 |");
    println!("|---|---|---|---|---|");
    for (ci, class) in CLASSES.iter().enumerate() {
        if matches!(class.attack, Some(Attack::Recaptured(_))) {
            let cells: Vec<String> = bands[ci]
                .iter()
                .map(|(n, hit)| format!("{hit}/{n}"))
                .collect();
            println!("| {} | {} |", class.name, cells.join(" | "));
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\nCost of the cues per image: median {:.1} ms, p95 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
    Ok(())
}

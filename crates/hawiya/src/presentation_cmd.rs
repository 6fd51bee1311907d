//! `hawiya bench presentation`: the single-frame print / screen cues
//! (`hawiya_face::presentation`) on real photos.
//!
//! An image is an attack when its file stem ends in `_F` and digits (the Silent-Face
//! samples' naming: `F` fake, `T` true); every other image is a bona fide face.

use crate::bench::{load_rgb, percentile, sorted_ms};
use hawiya_face::presentation::{
    border_bands, face_glare, face_saturation, washed_out, Cues, GREY_MAX, WASHED_OUT_MAX,
};
use hawiya_face::yunet::largest;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `hawiya bench presentation`.
#[derive(Debug, clap::Args)]
pub struct PresentationBenchArgs {
    /// Folders of face photos (`*_F<k>` attacks, the rest bona fide).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "testdata/faces/spoof,testdata/faces/eval-sample"
    )]
    pub sources: Vec<PathBuf>,
    /// Print every image's cues.
    #[arg(long)]
    pub verbose: bool,
}

/// Whether a file stem names an attack sample (`…_F<digits>`).
pub fn is_attack(stem: &str) -> bool {
    stem.rsplit_once("_F")
        .is_some_and(|(_, k)| !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()))
}

/// Images of one class (attacks or bona fide) and how many each cue flagged.
#[derive(Default)]
struct Count {
    images: usize,
    flagged: usize,
    washed_out: usize,
    band: usize,
    /// Glare share of each image.
    glare: Vec<f64>,
}

impl Count {
    /// A table row; `flagged_names` (when given) are listed after the flagged count.
    fn row(&self, name: &str, flagged_names: Option<&[String]>) -> String {
        let names = flagged_names.map(|n| format!(" {n:?}")).unwrap_or_default();
        let mut glare = self.glare.clone();
        glare.sort_by(f64::total_cmp);
        format!(
            "| {name}: {} | {}{names} | {} | {} | {:.2} % / {:.2} % |",
            self.images,
            self.flagged,
            self.washed_out,
            self.band,
            100.0 * percentile(&glare, 0.5),
            100.0 * percentile(&glare, 1.0)
        )
    }
}

/// `hawiya bench presentation`.
pub fn bench(config: &hawiya_server::Config, args: &PresentationBenchArgs) -> anyhow::Result<()> {
    let engine = crate::liveness_cmd::load_engine(config)?;
    let (mut attacks, mut bona) = (Count::default(), Count::default());
    let mut no_face = 0;
    let mut min_bona_saturation = f32::INFINITY;
    let mut times = Vec::new();
    let mut flagged_bona_names = Vec::new();
    for dir in &args.sources {
        for path in crate::liveness_cmd::list_images(dir)? {
            let img = load_rgb(&path)?;
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let Some(face) = largest(&engine.detect(&img)?).copied() else {
                no_face += 1;
                continue;
            };
            let t = Instant::now();
            // Both cues in full (the endpoint skips the border search for colourful faces).
            let cues = Cues {
                saturation: face_saturation(&img, &face),
                bands: border_bands(&img, &face),
                glare: face_glare(&img, &face),
            };
            times.push(t.elapsed());
            let medium = cues.medium();
            if args.verbose {
                println!(
                    "{stem}: saturation {:.1}, glare {:.4}, bands {:?} -> {:?}",
                    cues.saturation,
                    cues.glare,
                    cues.bands
                        .iter()
                        .map(|b| format!(
                            "{:.0}° at {:.2} wide {:.3} mean {:.0}",
                            b.angle_deg, b.distance, b.width, b.mean
                        ))
                        .collect::<Vec<_>>(),
                    medium
                );
            }
            let attack = is_attack(&stem);
            let count = if attack { &mut attacks } else { &mut bona };
            count.images += 1;
            count.flagged += usize::from(medium.is_some());
            count.washed_out += usize::from(washed_out(cues.saturation));
            count.band += usize::from(!cues.bands.is_empty());
            count.glare.push(f64::from(cues.glare));
            if !attack {
                if cues.saturation >= GREY_MAX {
                    min_bona_saturation = min_bona_saturation.min(cues.saturation);
                }
                if medium.is_some() {
                    flagged_bona_names.push(stem.to_string());
                }
            }
        }
    }
    let ms = sorted_ms(times);
    println!("\n## Single-frame print / screen cues\n");
    println!("| images | flagged | washed-out colour | a border band | glare (clipped face box) median / max |");
    println!("|---|---|---|---|---|");
    println!("{}", attacks.row("attacks", None));
    println!("{}", bona.row("bona fide", Some(&flagged_bona_names)));
    println!(
        "\nLowest saturation of a bona fide colour face: {min_bona_saturation:.1} (washed out below {WASHED_OUT_MAX}); {no_face} images without a face."
    );
    println!(
        "\nCues per image (face found): median {:.1} ms, p95 {:.1} ms.",
        percentile(&ms, 0.5),
        percentile(&ms, 0.95)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_attack;

    #[test]
    fn attack_names() {
        assert!(is_attack("silentface_image_F1"));
        assert!(!is_attack("silentface_image_T1"));
        assert!(!is_attack("img_F"));
        assert!(!is_attack("img3"));
    }
}

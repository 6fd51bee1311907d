//! Synthetic Egyptian identity documents with known answers.
//!
//! [`Generator::generate`] draws one document image and its ground truth: the field
//! values under the API's own names (`idNumber`, `first_name`, `address`, ...) and a
//! polygon per printed field, mapped through every degradation. Output is a pure
//! function of (document type, seed, index, degradations): the same inputs give the
//! same bytes. Arabic is shaped with `rustybuzz` (HarfBuzz) after bidi reordering, with
//! per-character font fallback; fonts come from Debian packages (see [`fonts`]).
//!
//! The holder of a card is drawn from (seed, index) alone, so `id-front` and `id-back`
//! with the same seed and index show the same person.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

use anyhow::Context;
use image::{RgbImage, RgbaImage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tiny_skia::Pixmap;

mod data;
mod degrade;
pub use degrade::photocopied_line;
mod draw;
pub mod fonts;
pub mod frames;
pub mod geom;
mod id_card;
mod licence;
pub mod lines;
mod name_line;
mod number_line;
mod passport;
mod person;
mod plate;
mod recapture;
pub mod rng;
#[cfg(test)]
mod tests_vocab;
pub mod text;

pub use name_line::NAME_LETTERS;
pub use person::reference_date;
pub use recapture::{recapture, Recapture};

use geom::Quad;

/// A document type the generator can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocType {
    /// National ID card, front (`id-front`).
    IdFront,
    /// National ID card, back (`id-back`).
    IdBack,
    /// Passport data page with a TD3 MRZ (`passport`).
    Passport,
    /// Vehicle licence, owner side (`car-license-front`).
    CarLicenseFront,
    /// Vehicle licence, vehicle side (`car-license-back`).
    CarLicenseBack,
    /// Driving licence (`driving-license`).
    DrivingLicense,
    /// Licence plate (`plate`).
    Plate,
}

impl DocType {
    /// Every document type.
    pub const ALL: [DocType; 7] = [
        DocType::IdFront,
        DocType::IdBack,
        DocType::Passport,
        DocType::CarLicenseFront,
        DocType::CarLicenseBack,
        DocType::DrivingLicense,
        DocType::Plate,
    ];

    /// The kebab-case name used on the command line and in the ground truth.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::IdFront => "id-front",
            DocType::IdBack => "id-back",
            DocType::Passport => "passport",
            DocType::CarLicenseFront => "car-license-front",
            DocType::CarLicenseBack => "car-license-back",
            DocType::DrivingLicense => "driving-license",
            DocType::Plate => "plate",
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown document-type or degradation name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{name}` (expected one of: {expected})")]
pub struct ParseNameError {
    kind: &'static str,
    name: String,
    expected: String,
}

impl FromStr for DocType {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocType::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| ParseNameError {
                kind: "document type",
                name: s.to_string(),
                expected: DocType::ALL.map(|d| d.as_str()).join(", "),
            })
    }
}

/// A named, seedable degradation. Whatever order they are given in, degradations are
/// applied in the physical order of [`Degradation::ALL`]: scene (perspective, glare,
/// colour cast), a photocopy, camera (blur, low resolution, noise), orientation, compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Degradation {
    /// The card photographed on a table: projective warp, background, drop shadow and
    /// a lighting gradient. The image grows to hold the table.
    Perspective,
    /// A specular highlight.
    Glare,
    /// Per-channel gain, offset and gamma.
    ColorCast,
    /// A grey photocopy of the card: the copier's steep levels (the picture behind the text
    /// washed out to grainy paper), toner speckle and dropouts.
    Photocopy,
    /// Gaussian blur (sigma 0.8–2.2 px).
    Blur,
    /// Downscaling to 30–60 % (the image gets smaller).
    LowRes,
    /// Gaussian luminance and chroma noise.
    Noise,
    /// Rotation by 90, 180 or 270 degrees (clockwise).
    Rotate,
    /// JPEG compression at quality 15–60, decoded back.
    Jpeg,
}

impl Degradation {
    /// Every degradation, in application order.
    pub const ALL: [Degradation; 9] = [
        Degradation::Perspective,
        Degradation::Glare,
        Degradation::ColorCast,
        Degradation::Photocopy,
        Degradation::Blur,
        Degradation::LowRes,
        Degradation::Noise,
        Degradation::Rotate,
        Degradation::Jpeg,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Degradation::Blur => "blur",
            Degradation::Noise => "noise",
            Degradation::Jpeg => "jpeg",
            Degradation::LowRes => "lowres",
            Degradation::Perspective => "perspective",
            Degradation::Glare => "glare",
            Degradation::Rotate => "rotate",
            Degradation::ColorCast => "colorcast",
            Degradation::Photocopy => "photocopy",
        }
    }
}

impl fmt::Display for Degradation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Degradation {
    type Err = ParseNameError;
    /// Parses a name; a `:params` suffix as recorded in [`GroundTruth::degradations`]
    /// (e.g. `rotate:90`) is accepted and ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().split(':').next().unwrap_or("");
        Degradation::ALL
            .into_iter()
            .find(|d| d.as_str() == name)
            .ok_or_else(|| ParseNameError {
                kind: "degradation",
                name: s.to_string(),
                expected: Degradation::ALL.map(|d| d.as_str()).join(", "),
            })
    }
}

/// Known answers for one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Document type name (`id-front`, ...).
    pub doc_type: String,
    /// Seed the sample was drawn from.
    pub seed: u64,
    /// Index of the sample within the seed.
    pub index: u32,
    /// Final image width.
    pub width: u32,
    /// Final image height.
    pub height: u32,
    /// Field values under the API's names, as the API returns them: Arabic text as
    /// printed (Arabic-Indic digits in addresses), dates as `YYYY-MM-DD` (`releaseDate`
    /// as `YYYY-MM`, the card prints only year/month), `idNumber` in ASCII digits with
    /// `idNumber_printed` holding the Arabic-Indic form.
    pub fields: Map<String, Value>,
    /// Per printed field: the quad around its ink in final-image pixels, corners in the
    /// text's own order (top-left, top-right, bottom-right, bottom-left), mapped through
    /// every degradation. `name` and `address` enclose both of their lines; `photo` and
    /// `barcode` are the picture areas.
    pub polygons: BTreeMap<String, [[f32; 2]; 4]>,
    /// Degradations applied, in order, as `name` or `name:parameters`.
    pub degradations: Vec<String>,
    /// The document's corners in the final image (top-left of the document first,
    /// clockwise). Always present: without perspective it is the whole image, rotated
    /// with it.
    pub card_quad: Option<[[f32; 2]; 4]>,
}

/// One generated image and its ground truth.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The image.
    pub image: RgbImage,
    /// Its ground truth.
    pub truth: GroundTruth,
}

/// A document rendered before degradations.
pub(crate) struct Rendered {
    pub pm: Pixmap,
    pub fields: Map<String, Value>,
    pub polys: BTreeMap<String, Quad>,
}

/// A deliberate defect of a generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// The national ID number is printed with a wrong check digit (ID front and back).
    NidCheckDigit,
}

/// Draws documents. Loads fonts (and optional face photos) once; `generate` takes
/// `&self` and the generator is `Sync`, so samples can be drawn on several threads.
pub struct Generator {
    pub(crate) fonts: fonts::FontSet,
    faces: Vec<RgbaImage>,
    id_masks: OnceLock<Vec<draw::Mask>>,
    passport_masks: OnceLock<Vec<draw::Mask>>,
}

impl Generator {
    /// Loads the fonts, and face photos for the photo area from `faces_dir` (every PNG
    /// or JPEG in it, in name order; e.g. `testdata/faces/tune`). Without faces a
    /// neutral silhouette is drawn. Fails, naming the Debian package, when a font is
    /// missing.
    pub fn new(faces_dir: Option<&Path>) -> anyhow::Result<Generator> {
        let fonts = fonts::FontSet::load()?;
        let mut faces = Vec::new();
        if let Some(dir) = faces_dir {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .with_context(|| format!("reading faces directory {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
                        .unwrap_or(false)
                })
                .collect();
            paths.sort();
            for p in paths {
                let img = image::open(&p)
                    .with_context(|| format!("reading face photo {}", p.display()))?;
                faces.push(img.to_rgba8());
            }
            anyhow::ensure!(
                !faces.is_empty(),
                "no PNG/JPEG face photos in {}",
                dir.display()
            );
        }
        Ok(Generator {
            fonts,
            faces,
            id_masks: OnceLock::new(),
            passport_masks: OnceLock::new(),
        })
    }

    /// Number of face photos loaded.
    pub fn face_count(&self) -> usize {
        self.faces.len()
    }

    pub(crate) fn id_masks(&self) -> &[draw::Mask] {
        self.id_masks.get_or_init(|| {
            (0..3)
                .map(|v| draw::guilloche_mask(id_card::W, id_card::H, v))
                .collect()
        })
    }

    pub(crate) fn passport_masks(&self) -> &[draw::Mask] {
        self.passport_masks.get_or_init(|| {
            (0..2)
                .map(|v| draw::guilloche_mask(passport::W, passport::H, 100 + v))
                .collect()
        })
    }

    pub(crate) fn pick_face(&self, r: &mut rng::Rng) -> Option<&RgbaImage> {
        if self.faces.is_empty() {
            None
        } else {
            Some(r.pick(&self.faces))
        }
    }

    /// Draws sample `index` of `seed`. A pure function of its arguments; the order of
    /// `degradations` does not matter and duplicates are ignored.
    pub fn generate(
        &self,
        doc: DocType,
        seed: u64,
        index: u32,
        degradations: &[Degradation],
    ) -> anyhow::Result<Sample> {
        self.generate_with(doc, seed, index, degradations, None)
    }

    /// Like [`Generator::generate`], with a deliberate defect (for testing the checks); the
    /// ground truth shows what is printed.
    pub fn generate_tampered(
        &self,
        doc: DocType,
        seed: u64,
        index: u32,
        degradations: &[Degradation],
        tamper: Tamper,
    ) -> anyhow::Result<Sample> {
        self.generate_with(doc, seed, index, degradations, Some(tamper))
    }

    fn generate_with(
        &self,
        doc: DocType,
        seed: u64,
        index: u32,
        degradations: &[Degradation],
        tamper: Option<Tamper>,
    ) -> anyhow::Result<Sample> {
        let rendered = match doc {
            DocType::IdFront => id_card::front(self, seed, index, tamper)?,
            DocType::IdBack => id_card::back(self, seed, index, tamper)?,
            DocType::Passport => passport::data_page(self, seed, index)?,
            DocType::Plate => plate::plate(self, seed, index)?,
            DocType::DrivingLicense => licence::driving(self, seed, index)?,
            DocType::CarLicenseFront => licence::car_front(self, seed, index)?,
            DocType::CarLicenseBack => licence::car_back(self, seed, index)?,
        };
        let corner_radius = match doc {
            DocType::Passport => 0.0,
            DocType::Plate => 8.0,
            _ => 30.0,
        };
        let Rendered { pm, fields, polys } = rendered;
        let (w, h) = (pm.width() as f32, pm.height() as f32);
        let mut img = draw::to_rgb(&pm);
        drop(pm);
        let mut geo = degrade::Geometry {
            polys,
            card: Quad::rect(0.0, 0.0, w, h),
        };
        let mut applied = Vec::new();
        for d in Degradation::ALL {
            if !degradations.contains(&d) {
                continue;
            }
            let mut r = rng::Rng::stream(seed, index, &format!("degrade/{d}/{doc}"));
            let (out, label) = degrade::apply(d, img, &mut geo, &mut r, corner_radius);
            img = out;
            applied.push(label);
        }
        let (fw, fh) = img.dimensions();
        let polygons = geo.polys.iter().map(|(k, q)| (k.clone(), q.0)).collect();
        let truth = GroundTruth {
            doc_type: doc.to_string(),
            seed,
            index,
            width: fw,
            height: fh,
            fields,
            polygons,
            degradations: applied,
            card_quad: Some(geo.card.0),
        };
        Ok(Sample { image: img, truth })
    }
}

/// Writes `NNNN.png` and `NNNN.json` (index zero-padded to 4 digits) into `dir`,
/// creating it if needed.
pub fn write_sample(dir: &Path, sample: &Sample) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stem = format!("{:04}", sample.truth.index);
    let png_path = dir.join(format!("{stem}.png"));
    let bytes = encode_png(&sample.image)?;
    std::fs::write(&png_path, bytes).with_context(|| format!("writing {}", png_path.display()))?;
    let json_path = dir.join(format!("{stem}.json"));
    let mut json = serde_json::to_vec_pretty(&sample.truth)?;
    json.push(b'\n');
    std::fs::write(&json_path, json).with_context(|| format!("writing {}", json_path.display()))?;
    Ok(())
}

/// Encodes an image as PNG (fast compression; deterministic).
pub fn encode_png(img: &RgbImage) -> anyhow::Result<Vec<u8>> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut buf = Vec::new();
    let enc = PngEncoder::new_with_quality(&mut buf, CompressionType::Fast, FilterType::Adaptive);
    img.write_with_encoder(enc).context("encoding PNG")?;
    Ok(buf)
}

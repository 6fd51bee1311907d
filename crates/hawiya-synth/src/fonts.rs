//! Fonts, found by path under `/usr/share/fonts` and installed from Debian packages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{anyhow, Context};
use rustybuzz::Face;

/// A font the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    /// Noto Naskh Arabic Bold.
    NaskhBold,
    /// Noto Naskh Arabic Regular.
    Naskh,
    /// Noto Sans Arabic Bold.
    SansArabicBold,
    /// Noto Kufi Arabic Bold.
    KufiBold,
    /// Amiri Bold.
    AmiriBold,
    /// Amiri Regular.
    Amiri,
    /// Scheherazade Bold.
    ScheherazadeBold,
    /// KacstBook.
    KacstBook,
    /// KacstQurn (a bold, tall Naskh).
    KacstQurn,
    /// OCR-B (ICAO MRZ font).
    OcrB,
    /// DejaVu Sans.
    DejaVuSans,
    /// DejaVu Sans Bold.
    DejaVuSansBold,
}

/// Every font, in load order.
pub const ALL_FONTS: [FontId; 12] = [
    FontId::NaskhBold,
    FontId::Naskh,
    FontId::SansArabicBold,
    FontId::KufiBold,
    FontId::AmiriBold,
    FontId::Amiri,
    FontId::ScheherazadeBold,
    FontId::KacstBook,
    FontId::KacstQurn,
    FontId::OcrB,
    FontId::DejaVuSans,
    FontId::DejaVuSansBold,
];

/// Arabic faces a card's printed fields are drawn in (one chosen per sample).
pub const CARD_FONTS: [FontId; 6] = [
    FontId::NaskhBold,
    FontId::SansArabicBold,
    FontId::AmiriBold,
    FontId::KufiBold,
    FontId::ScheherazadeBold,
    FontId::KacstBook,
];

impl FontId {
    /// Candidate paths, the first that exists is used.
    fn candidates(self) -> &'static [&'static str] {
        match self {
            FontId::NaskhBold => &[
                "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf",
                "/usr/share/fonts/opentype/noto/NotoNaskhArabic-Bold.ttf",
            ],
            FontId::Naskh => &[
                "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
                "/usr/share/fonts/opentype/noto/NotoNaskhArabic-Regular.ttf",
            ],
            FontId::SansArabicBold => &[
                "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
                "/usr/share/fonts/opentype/noto/NotoSansArabic-Bold.ttf",
            ],
            FontId::KufiBold => &[
                "/usr/share/fonts/truetype/noto/NotoKufiArabic-Bold.ttf",
                "/usr/share/fonts/opentype/noto/NotoKufiArabic-Bold.ttf",
            ],
            FontId::AmiriBold => &[
                "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf",
                "/usr/share/fonts/truetype/fonts-hosny-amiri/Amiri-Bold.ttf",
                "/usr/share/fonts/truetype/amiri/Amiri-Bold.ttf",
            ],
            FontId::Amiri => &[
                "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
                "/usr/share/fonts/truetype/fonts-hosny-amiri/Amiri-Regular.ttf",
                "/usr/share/fonts/truetype/amiri/Amiri-Regular.ttf",
            ],
            FontId::ScheherazadeBold => &[
                "/usr/share/fonts/truetype/scheherazade/Scheherazade-Bold.ttf",
                "/usr/share/fonts/truetype/scheherazade/ScheherazadeNew-Bold.ttf",
            ],
            FontId::KacstBook => &["/usr/share/fonts/truetype/kacst/KacstBook.ttf"],
            FontId::KacstQurn => &["/usr/share/fonts/truetype/kacst/KacstQurn.ttf"],
            FontId::OcrB => &[
                "/usr/share/fonts/opentype/ocr-b/OCRB.otf",
                "/usr/share/fonts/truetype/ocr-b/OCRB.otf",
            ],
            FontId::DejaVuSans => &["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
            FontId::DejaVuSansBold => &["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
        }
    }

    /// The Debian package that installs the font.
    pub fn package(self) -> &'static str {
        match self {
            FontId::NaskhBold | FontId::Naskh | FontId::SansArabicBold | FontId::KufiBold => {
                "fonts-noto-core"
            }
            FontId::AmiriBold | FontId::Amiri => "fonts-hosny-amiri",
            FontId::ScheherazadeBold => "fonts-sil-scheherazade",
            FontId::KacstBook | FontId::KacstQurn => "fonts-kacst",
            FontId::OcrB => "fonts-ocr-b",
            FontId::DejaVuSans | FontId::DejaVuSansBold => "fonts-dejavu-core",
        }
    }

    /// Short name recorded in the ground truth.
    pub fn name(self) -> &'static str {
        match self {
            FontId::NaskhBold => "NotoNaskhArabic-Bold",
            FontId::Naskh => "NotoNaskhArabic-Regular",
            FontId::SansArabicBold => "NotoSansArabic-Bold",
            FontId::KufiBold => "NotoKufiArabic-Bold",
            FontId::AmiriBold => "Amiri-Bold",
            FontId::Amiri => "Amiri-Regular",
            FontId::ScheherazadeBold => "Scheherazade-Bold",
            FontId::KacstBook => "KacstBook",
            FontId::KacstQurn => "KacstQurn",
            FontId::OcrB => "OCR-B",
            FontId::DejaVuSans => "DejaVuSans",
            FontId::DejaVuSansBold => "DejaVuSans-Bold",
        }
    }
}

/// Font bytes are read once per process and kept for its lifetime, so faces can
/// borrow them as `'static`.
fn load_bytes(path: &Path) -> anyhow::Result<&'static [u8]> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, &'static [u8]>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().map_err(|_| anyhow!("font cache poisoned"))?;
    if let Some(b) = map.get(path) {
        return Ok(b);
    }
    let data = std::fs::read(path).with_context(|| format!("reading font {}", path.display()))?;
    let leaked: &'static [u8] = Box::leak(data.into_boxed_slice());
    map.insert(path.to_path_buf(), leaked);
    Ok(leaked)
}

/// The first candidate path of `id` that exists under `root` (normally `/`); the error
/// names the Debian package to install.
fn locate(id: FontId, root: &Path) -> anyhow::Result<PathBuf> {
    id.candidates()
        .iter()
        .map(|c| root.join(c.trim_start_matches('/')))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "font {} not found (looked in {}); install the Debian package `{}` \
                 (listed in deps/debian.lock; `scripts/setup.sh test` installs it)",
                id.name(),
                id.candidates().join(", "),
                id.package()
            )
        })
}

/// Height of the alef in em units, if the font has one.
fn alef_height(face: &Face<'_>) -> Option<f32> {
    let gid = face.glyph_index('\u{0627}')?;
    let bb = face.glyph_bounding_box(gid)?;
    Some(f32::from(bb.y_max - bb.y_min) / face.units_per_em() as f32)
}

/// A loaded font.
pub struct LoadedFont {
    /// Which font.
    pub id: FontId,
    /// The shaping face (derefs to `ttf_parser::Face`).
    pub face: Face<'static>,
    /// Multiplier that gives this font the visual size of Noto Naskh Arabic at the
    /// same nominal size (ratio of the alef heights); 1 for Latin fonts.
    pub size_factor: f32,
}

/// All fonts the generator uses.
pub struct FontSet {
    fonts: Vec<LoadedFont>,
}

impl FontSet {
    /// Loads every font; fails naming the Debian package of the first missing one.
    pub fn load() -> anyhow::Result<FontSet> {
        let mut fonts = Vec::with_capacity(ALL_FONTS.len());
        for id in ALL_FONTS {
            let path = locate(id, Path::new("/"))?;
            let data = load_bytes(&path)?;
            let face = Face::from_slice(data, 0)
                .ok_or_else(|| anyhow!("font {} is not a valid font file", path.display()))?;
            fonts.push(LoadedFont {
                id,
                face,
                size_factor: 1.0,
            });
        }
        let reference = alef_height(&fonts[FontId::NaskhBold as usize].face).unwrap_or(0.6);
        for f in &mut fonts {
            if CARD_FONTS.contains(&f.id) || matches!(f.id, FontId::Naskh | FontId::Amiri) {
                if let Some(h) = alef_height(&f.face) {
                    f.size_factor = (reference / h).clamp(0.6, 1.6);
                }
            }
        }
        Ok(FontSet { fonts })
    }

    /// The face of `id`.
    pub fn get(&self, id: FontId) -> &LoadedFont {
        // ALL_FONTS order equals the enum's declaration order.
        &self.fonts[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_font_names_its_package() {
        let err = locate(FontId::OcrB, Path::new("/nonexistent-root"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("fonts-ocr-b") && err.contains("OCRB.otf"),
            "{err}"
        );
        let err = locate(FontId::AmiriBold, Path::new("/nonexistent-root"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("fonts-hosny-amiri"), "{err}");
    }

    #[test]
    fn card_fonts_have_similar_visual_size() {
        let set = FontSet::load().expect("fonts installed");
        for id in CARD_FONTS {
            let f = set.get(id);
            let h = alef_height(&f.face).unwrap() * f.size_factor;
            let r = alef_height(&set.get(FontId::NaskhBold).face).unwrap();
            assert!((h / r - 1.0).abs() < 0.05, "{id:?}: {h} vs {r}");
        }
    }

    #[test]
    fn ids_index_the_table() {
        for (i, id) in ALL_FONTS.iter().enumerate() {
            assert_eq!(*id as usize, i);
        }
    }
}

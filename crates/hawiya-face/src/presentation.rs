//! Single-frame presentation cues: is this face shown on paper or on a screen?
//!
//! No registry model tells a recaptured face from a live one (see
//! `shared/research/face-models.md`, role 3), so two weak physical cues are combined, and a
//! frame is flagged only when both agree:
//!
//! 1. **Washed-out colour.** A face printed on paper or shown on a screen and filmed again
//!    loses colour: the mean HSV saturation of the face box falls below
//!    [`WASHED_OUT_MAX`]. A pale face under cold light can come close, so this alone decides
//!    nothing. Grey frames (saturation below [`GREY_MAX`]) carry no colour to judge.
//! 2. **A border band.** The edge of the medium around the face: a screen's bezel or a
//!    paper margin is a thin band between two long straight, parallel edges beside the face
//!    ([`border_bands`]). Window bars, door frames and straight hair give such bands too,
//!    so this alone decides nothing either.
//!
//! A dark band (a bezel) makes the medium a screen, a light one paper.
//!
//! A third cue is measured and reported but decides nothing: **specular glare**, the share
//! of the face box that is clipped white ([`face_glare`]), as a lamp reflected by a screen's
//! glass or glossy paper. Live skin shines too, and one real attack shows glare, so there
//! is nothing to set a threshold on yet.
//!
//! **Measured on few samples** (`hawiya bench presentation`): the thresholds separate the
//! only real attack captures available (a print and a tablet) from 64 colour photos and 40
//! grey crops of real people; they are not a validated operating point.

use crate::yunet::Face;
use image::{imageops, GrayImage, RgbImage};
use imageproc::edges::canny;
use imageproc::filter::gaussian_blur_f32;
use imageproc::hough::{detect_lines, LineDetectionOptions};

/// Mean HSV saturation (0-255) of the face box below which its colours are washed out:
/// midway between the attacks and the palest real face measured. The real print F1 43, the
/// real tablet F2 51; the live capture T1 of the tablet's subject, same camera, 86; the
/// colour photos of `faces/eval` from 56.1.
pub const WASHED_OUT_MAX: f32 = 53.5;
/// Mean saturation below which a face box is grey: no colour evidence either way.
pub const GREY_MAX: f32 = 10.0;
/// Grey level from which a pixel counts as clipped white (every channel).
pub const CLIPPED_MIN: u8 = 250;
/// Band mean (grey level) below which a border band is a screen's bezel rather than paper.
pub const BEZEL_MAX: f32 = 80.0;
/// Face height, in pixels, at which the borders are searched (the frame is scaled to it).
const FACE_PX: f32 = 120.0;
/// Fraction of a line's samples that must show the edge for it to count as straight.
const SUPPORT_MIN: f32 = 0.8;
/// Grey-level step across a line that counts as an edge at one sample.
const STEP_MIN: f32 = 4.0;

/// What medium a flagged face is shown on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// A printed photo (a light border band: the paper margin).
    Print,
    /// A screen (a dark border band: the bezel).
    Screen,
}

impl Medium {
    /// The liveness reason for this medium.
    pub fn reason(self) -> &'static str {
        match self {
            Medium::Print => "printed_photo",
            Medium::Screen => "screen_display",
        }
    }
}

/// A band between two long parallel edges beside the face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Angle of the band's normal, degrees (0: a vertical band, 90: a horizontal one).
    pub angle_deg: f32,
    /// Distance of the face centre from the band's first edge, in face heights.
    pub distance: f32,
    /// Band width, in face heights.
    pub width: f32,
    /// Mean grey level inside the band (0-255).
    pub mean: f32,
}

/// The cues of one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Cues {
    /// Mean HSV saturation of the face box (0-255).
    pub saturation: f32,
    /// Border bands found beside the face.
    pub bands: Vec<Band>,
    /// Share of the face box that is clipped white ([`face_glare`]; reported, not used).
    pub glare: f32,
}

impl Cues {
    /// Measures the cues for `face` in `img`; the border search (about 15 ms) runs only
    /// when the colour is washed out, since it decides nothing otherwise.
    pub fn measure(img: &RgbImage, face: &Face) -> Cues {
        let saturation = face_saturation(img, face);
        let bands = if washed_out(saturation) {
            border_bands(img, face)
        } else {
            Vec::new()
        };
        Cues {
            saturation,
            bands,
            glare: face_glare(img, face),
        }
    }

    /// The medium when both cues agree: washed-out colour and at least one border band.
    pub fn medium(&self) -> Option<Medium> {
        if !washed_out(self.saturation) || self.bands.is_empty() {
            return None;
        }
        if self.bands.iter().any(|b| b.mean < BEZEL_MAX) {
            Some(Medium::Screen)
        } else {
            Some(Medium::Print)
        }
    }
}

/// The medium seen in at least two of the frames' cues (a screen when screens are at least
/// half of them), or `None`.
pub fn majority_medium(cues: &[Cues]) -> Option<Medium> {
    let media: Vec<Medium> = cues.iter().filter_map(Cues::medium).collect();
    if media.len() < 2 {
        return None;
    }
    let screens = media.iter().filter(|m| **m == Medium::Screen).count();
    Some(if 2 * screens >= media.len() {
        Medium::Screen
    } else {
        Medium::Print
    })
}

/// Whether a face box's mean saturation is washed out (and not grey).
pub fn washed_out(saturation: f32) -> bool {
    (GREY_MAX..WASHED_OUT_MAX).contains(&saturation)
}

/// Share of the face box whose pixels are clipped white in every channel (at least
/// [`CLIPPED_MIN`]): specular glare on a screen's glass or glossy paper, or shine on skin.
pub fn face_glare(img: &RgbImage, face: &Face) -> f32 {
    let [x0, y0, x1, y1] = pixel_box(img, face, 0.0);
    let (mut clipped, mut n) = (0u64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y).0;
            clipped += u64::from(p.iter().all(|&c| c >= CLIPPED_MIN));
            n += 1;
        }
    }
    clipped as f32 / n.max(1) as f32
}

/// Mean HSV saturation, `(max − min) / max` scaled to 0-255, over the face box.
pub fn face_saturation(img: &RgbImage, face: &Face) -> f32 {
    let [x0, y0, x1, y1] = pixel_box(img, face, 0.0);
    let (mut sum, mut n) = (0f64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y).0;
            let max = p.iter().copied().max().unwrap_or(0);
            let min = p.iter().copied().min().unwrap_or(0);
            if max > 0 {
                sum += 255.0 * f64::from(max - min) / f64::from(max);
            }
            n += 1;
        }
    }
    (sum / n.max(1) as f64) as f32
}

/// The face box widened by `margin` on every side, in whole pixels clipped to `img`.
fn pixel_box(img: &RgbImage, face: &Face, margin: f32) -> [u32; 4] {
    let clip = |v: f32, hi: u32| (v.max(0.0) as u32).min(hi);
    let [x0, y0, x1, y1] = face.bbox;
    [
        clip(x0 - margin, img.width()),
        clip(y0 - margin, img.height()),
        clip(x1 + margin, img.width()),
        clip(y1 + margin, img.height()),
    ]
}

/// Bands between two long, straight, parallel edges beside the face.
///
/// The frame is scaled so the face is 120 px tall; straight lines come from Canny edges and
/// a Hough transform (imageproc). A line counts when it is within 25° of the face box's
/// sides, lies outside the face, no further than 1.5 face heights from it, and its edge is
/// present along at least 80 % of the face's extent plus 0.3 face heights either side. Its
/// partner is the nearest such edge of opposite sign, parallel to it, 4 px to 0.2 face
/// heights away, on either side; each band is what lies between.
pub fn border_bands(img: &RgbImage, face: &Face) -> Vec<Band> {
    let fh = face.height();
    if fh < 40.0 {
        return Vec::new();
    }
    // Only the face's surroundings matter (bands up to 1.7 face heights out): crop to the
    // box widened by two face heights, so the cost does not grow with the frame.
    let [x0, y0, x1, y1] = pixel_box(img, face, 2.0 * fh);
    if x1 <= x0 || y1 <= y0 {
        return Vec::new();
    }
    let s = FACE_PX / fh;
    let (w, h) = (
        (((x1 - x0) as f32 * s).round() as u32).max(1),
        (((y1 - y0) as f32 * s).round() as u32).max(1),
    );
    let view = imageops::crop_imm(img, x0, y0, x1 - x0, y1 - y0).to_image();
    let grey = imageops::grayscale(&imageops::resize(
        &view,
        w,
        h,
        imageops::FilterType::Triangle,
    ));
    let edges = canny(&grey, 20.0, 50.0);
    let smooth = gaussian_blur_f32(&grey, 1.0);
    let lines = detect_lines(
        &edges,
        LineDetectionOptions {
            vote_threshold: (0.6 * FACE_PX) as u32,
            suppression_radius: 2,
        },
    );
    let b = [
        (face.bbox[0] - x0 as f32) * s,
        (face.bbox[1] - y0 as f32) * s,
        (face.bbox[2] - x0 as f32) * s,
        (face.bbox[3] - y0 as f32) * s,
    ];
    let centre = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    let (face_w, face_h) = (b[2] - b[0], b[3] - b[1]);
    lines
        .iter()
        .flat_map(|l| {
            let deg = l.angle_in_degrees as f32;
            let horizontal = (deg - 90.0).abs() < 25.0;
            let vertical = !(25.0..=155.0).contains(&deg);
            if !horizontal && !vertical {
                return Vec::new();
            }
            let (across, along) = if horizontal {
                (face_h, face_w)
            } else {
                (face_w, face_h)
            };
            bands_at(&smooth, centre, across, along, l.r, deg)
        })
        .collect()
}

/// The bands on either side of the line `x cos θ + y sin θ = r` (none, one or two).
fn bands_at(
    img: &GrayImage,
    centre: [f32; 2],
    across: f32,
    along: f32,
    r: f32,
    deg: f32,
) -> Vec<Band> {
    let th = deg.to_radians();
    let n = [th.cos(), th.sin()];
    let d = [-th.sin(), th.cos()];
    let dist = centre[0] * n[0] + centre[1] * n[1] - r;
    let half = across / 2.0;
    if dist.abs() < 1.05 * half || dist.abs() > half + 1.5 * FACE_PX {
        return Vec::new();
    }
    let Some(profile) = Profile::sample(img, n, d, r, centre, along / 2.0 + 0.3 * FACE_PX) else {
        return Vec::new();
    };
    let o0 = profile.centre();
    let (sign, support) = profile.edge(o0 - 3..=o0 + 1, None);
    if support < SUPPORT_MIN {
        return Vec::new();
    }
    [-1i64, 1]
        .into_iter()
        .filter_map(|side| {
            // The nearest parallel edge of the opposite sign on this side.
            for dd in 4..(0.2 * FACE_PX) as usize {
                let oi = o0 as i64 + side * dd as i64;
                if oi < 2 || oi as usize + 2 >= profile.offsets - 1 {
                    return None;
                }
                let oi = oi as usize;
                if profile.missing(oi - 2..=oi + 2) > 0.2 {
                    return None;
                }
                if profile.edge(oi - 2..=oi + 2, Some(-sign)).1 < SUPPORT_MIN {
                    continue;
                }
                let (a, b) = (o0.min(oi), o0.max(oi));
                return profile.mean(a + 2..b - 1).map(|mean| Band {
                    angle_deg: deg,
                    distance: dist / FACE_PX,
                    width: dd as f32 / FACE_PX,
                    mean,
                });
            }
            None
        })
        .collect()
}

/// Grey values sampled across a line: one row per step along it, one column per offset.
struct Profile {
    rows: Vec<Vec<f32>>,
    offsets: usize,
}

impl Profile {
    /// Samples ±0.2 face heights across the line (normal `n`, direction `d`, distance `r`)
    /// over ±`span` along it around the face centre's projection; `None` unless 80 % of the
    /// rows lie in the image near the line.
    fn sample(
        img: &GrayImage,
        n: [f32; 2],
        d: [f32; 2],
        r: f32,
        centre: [f32; 2],
        span: f32,
    ) -> Option<Profile> {
        let reach = (0.2 * FACE_PX) as i64;
        let offsets = (2 * reach + 1) as usize;
        let tc = centre[0] * d[0] + centre[1] * d[1];
        let steps = (2.0 * span) as i64;
        let mut rows = Vec::new();
        for k in 0..steps {
            let t = tc - span + k as f32;
            let base = [n[0] * r + d[0] * t, n[1] * r + d[1] * t];
            let row: Vec<f32> = (-reach..=reach)
                .map(|o| bilinear(img, base[0] + n[0] * o as f32, base[1] + n[1] * o as f32))
                .collect();
            let near = &row[(reach - 4) as usize..=(reach + 4) as usize];
            if near.iter().all(|v| !v.is_nan()) {
                rows.push(row);
            }
        }
        if (rows.len() as f32) < 0.8 * steps as f32 {
            return None;
        }
        Some(Profile { rows, offsets })
    }

    fn centre(&self) -> usize {
        self.offsets / 2
    }

    /// The edge in the gradient columns `cols` (gradient `k` = value `k + 1` − value `k`):
    /// its sign (the median of each row's strongest step, or `want`) and the fraction of
    /// rows whose strongest step has that sign and at least [`STEP_MIN`].
    fn edge(&self, cols: std::ops::RangeInclusive<usize>, want: Option<f32>) -> (f32, f32) {
        let steps: Vec<f32> = self
            .rows
            .iter()
            .map(|row| {
                cols.clone()
                    .map(|k| row[k + 1] - row[k])
                    .filter(|v| !v.is_nan())
                    .fold(0f32, |best, v| if v.abs() > best.abs() { v } else { best })
            })
            .collect();
        let sign = want.unwrap_or_else(|| {
            let mut sorted = steps.clone();
            sorted.sort_by(f32::total_cmp);
            sorted[sorted.len() / 2].signum()
        });
        let hits = steps.iter().filter(|v| *v * sign > STEP_MIN).count();
        (sign, hits as f32 / steps.len().max(1) as f32)
    }

    /// Fraction of missing samples (outside the image) in the columns `cols`.
    fn missing(&self, cols: std::ops::RangeInclusive<usize>) -> f32 {
        let (mut nan, mut all) = (0usize, 0usize);
        for row in &self.rows {
            for k in cols.clone() {
                all += 1;
                nan += usize::from(row[k].is_nan());
            }
        }
        nan as f32 / all.max(1) as f32
    }

    /// Mean of the samples in the columns `cols`, `None` when there are none.
    fn mean(&self, cols: std::ops::Range<usize>) -> Option<f32> {
        let vals: Vec<f32> = self
            .rows
            .iter()
            .flat_map(|row| row[cols.clone()].iter().copied())
            .filter(|v| !v.is_nan())
            .collect();
        (!vals.is_empty()).then(|| vals.iter().sum::<f32>() / vals.len() as f32)
    }
}

/// Bilinear sample of `img` at `(x, y)`; NaN outside it.
fn bilinear(img: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = (img.width() as f32, img.height() as f32);
    if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
        return f32::NAN;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x: u32, y: u32| f32::from(img.get_pixel(x, y).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    top * (1.0 - fy) + bottom * fy
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn face_at(bbox: [f32; 4]) -> Face {
        Face {
            bbox,
            score: 0.9,
            landmarks: [[0.0; 2]; 5],
        }
    }

    /// A textured "face" box on a mid-grey background, optionally framed by a dark band.
    fn scene(bezel: bool, colour: [u8; 3]) -> RgbImage {
        RgbImage::from_fn(480, 640, |x, y| {
            let in_face = (140..340).contains(&x) && (200..440).contains(&y);
            let in_bezel = bezel && ((60..80).contains(&x) || (400..420).contains(&x));
            if in_face {
                let t = ((x / 7 + y / 5) % 3) as u8 * 10;
                Rgb(colour.map(|c| c.saturating_sub(t)))
            } else if in_bezel {
                Rgb([30, 30, 32])
            } else {
                Rgb([150, 150, 150])
            }
        })
    }

    #[test]
    fn a_dark_band_beside_a_washed_out_face_is_a_screen() {
        let face = face_at([140.0, 200.0, 340.0, 440.0]);
        let cues = Cues::measure(&scene(true, [200, 180, 170]), &face);
        assert!(cues.saturation < WASHED_OUT_MAX, "{cues:?}");
        assert!(cues.bands.iter().any(|b| b.mean < BEZEL_MAX), "{cues:?}");
        assert_eq!(cues.medium(), Some(Medium::Screen));
    }

    #[test]
    fn colour_or_no_band_is_not_flagged() {
        let face = face_at([140.0, 200.0, 340.0, 440.0]);
        // Colourful skin beside the same band: not washed out.
        let img = scene(true, [220, 150, 110]);
        let colourful = Cues {
            saturation: face_saturation(&img, &face),
            bands: border_bands(&img, &face),
            glare: face_glare(&img, &face),
        };
        assert_eq!(colourful.glare, 0.0);
        assert!(colourful.saturation > WASHED_OUT_MAX, "{colourful:?}");
        assert!(!colourful.bands.is_empty(), "{colourful:?}");
        assert_eq!(colourful.medium(), None);
        // Washed out, but nothing around it.
        let plain = Cues::measure(&scene(false, [200, 180, 170]), &face);
        assert!(plain.bands.is_empty(), "{plain:?}");
        assert_eq!(plain.medium(), None);
    }

    #[test]
    fn glare_is_the_clipped_share_of_the_face_box() {
        let face = face_at([100.0, 100.0, 200.0, 200.0]);
        // A white blob over a quarter of the box, a near-white one (one channel at 249)
        // beside it.
        let img = RgbImage::from_fn(300, 300, |x, y| match (x, y) {
            (100..150, 100..150) => image::Rgb([255, 252, 250]),
            (150..200, 100..150) => image::Rgb([255, 255, 249]),
            _ => image::Rgb([180, 140, 120]),
        });
        assert!((face_glare(&img, &face) - 0.25).abs() < 1e-6);
    }

    #[test]
    fn two_frames_of_three_decide_the_medium() {
        let band = |mean| Band {
            angle_deg: 0.0,
            distance: 1.0,
            width: 0.1,
            mean,
        };
        let seen = |mean: Option<f32>| Cues {
            saturation: 40.0,
            bands: mean.map(band).into_iter().collect(),
            glare: 0.0,
        };
        let (paper, bezel, none) = (Some(200.0), Some(30.0), None);
        assert_eq!(
            majority_medium(&[seen(paper), seen(none), seen(none)]),
            None
        );
        assert_eq!(
            majority_medium(&[seen(paper), seen(paper), seen(none)]),
            Some(Medium::Print)
        );
        assert_eq!(
            majority_medium(&[seen(paper), seen(bezel), seen(none)]),
            Some(Medium::Screen)
        );
        assert_eq!(
            majority_medium(&[seen(paper), seen(paper), seen(bezel)]),
            Some(Medium::Print)
        );
    }
}

//! Image quality of a rectified card: is it sharp enough to read?
//!
//! The cue is the blur of the print's edges, in pixels of the 1012×638 card: an edge between
//! ink and paper blurred by a Gaussian of width σ has its steepest gradient at
//! contrast / (σ √(2π)). So σ ≈ contrast / (steepest gradient × √(2π)), with the contrast
//! the spread between the line's dark and light greys and the steepest gradient taken as the
//! 99th percentile (a few specks do not count). Lighting and ink colour cancel out.

use crate::layout::{self, Roi};

/// Estimated blur above which a card is reported out of focus (5006). Measured
/// (`tests/quality.rs`, `hawiya eval` sets): the photographed evaluation cards (perspective,
/// blur σ 0.8-2.2, noise, JPEG; or down-scaled to 30-60 %) estimate at most 2.3 and read
/// well; cards blurred with σ = 6 estimate 2.7 and more and their number reads on 9 of 30.
use image::{GrayImage, RgbImage};

pub const MAX_BLUR_SIGMA: f32 = 2.6;

/// Estimated blur (Gaussian σ, card pixels) of the print under `roi`.
pub fn blur_sigma(card: &RgbImage, roi: Roi) -> f32 {
    let crop: GrayImage = image::DynamicImage::ImageRgb8(layout::crop(card, roi)).to_luma8();
    let (w, h) = crop.dimensions();
    if w < 3 || h < 3 {
        return f32::INFINITY;
    }
    let mut greys: Vec<u8> = crop.pixels().map(|p| p[0]).collect();
    greys.sort_unstable();
    let pick = |q: f32| f32::from(greys[((greys.len() - 1) as f32 * q) as usize]);
    let contrast = pick(0.95) - pick(0.05);
    let mut gradients: Vec<f32> = Vec::with_capacity(((w - 2) * (h - 2)) as usize);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let p = |dx: i32, dy: i32| {
                f32::from(crop.get_pixel((x as i32 + dx) as u32, (y as i32 + dy) as u32)[0])
            };
            let gx = (p(1, 0) - p(-1, 0)) / 2.0;
            let gy = (p(0, 1) - p(0, -1)) / 2.0;
            gradients.push((gx * gx + gy * gy).sqrt());
        }
    }
    gradients.sort_by(f32::total_cmp);
    let steepest = gradients[((gradients.len() - 1) as f32 * 0.99) as usize];
    if steepest <= 0.0 {
        return f32::INFINITY;
    }
    contrast / (steepest * (2.0 * std::f32::consts::PI).sqrt())
}

/// A pixel is washed out when all three channels reach this: glare (or over-exposure)
/// whitens ink and paper alike, so the print under it is gone.
const GLARE_LEVEL: u8 = 250;

/// Fraction of a text field washed out above which the card is reported as covered by
/// glare (1050). Calibrated with `tests/quality.rs` on generated cards with and without a
/// specular highlight.
pub const MAX_GLARE_FRACTION: f32 = 0.12;

/// Fraction of the text under `roi` washed out by glare (see [`GLARE_LEVEL`]): counted over
/// the columns from the leftmost to the rightmost ink, widened by the box's height on each
/// side (glare over the end of a line hides where the ink stopped), so glare over blank
/// paper beside a short line does not count. A box without ink counts whole.
pub fn glare_fraction(card: &RgbImage, roi: Roi) -> f32 {
    let crop = layout::crop(card, roi);
    let (w, h) = crop.dimensions();
    if w == 0 || h == 0 {
        return 0.0;
    }
    let washed = |x: u32, y: u32| crop.get_pixel(x, y).0.iter().all(|&c| c >= GLARE_LEVEL);
    let grey: GrayImage = image::DynamicImage::ImageRgb8(crop.clone()).to_luma8();
    let ink_columns: Vec<u32> = match crate::ink::Ink::of(&grey) {
        Some(ink) => (0..w)
            .filter(|&x| (0..h).any(|y| ink.is_ink(grey.get_pixel(x, y)[0])))
            .collect(),
        None => Vec::new(),
    };
    let (x0, x1) = match (ink_columns.first(), ink_columns.last()) {
        (Some(&a), Some(&b)) => (a.saturating_sub(h), (b + h + 1).min(w)),
        _ => (0, w),
    };
    let count = (x0..x1)
        .flat_map(|x| (0..h).map(move |y| (x, y)))
        .filter(|&(x, y)| washed(x, y))
        .count();
    count as f32 / ((x1 - x0) * h) as f32
}

/// The text field of `fields` (name, box) most washed out by glare, with its fraction.
pub fn worst_glare(card: &RgbImage, fields: &[(&'static str, Roi)]) -> (&'static str, f32) {
    fields
        .iter()
        .map(|&(name, roi)| (name, glare_fraction(card, roi)))
        .fold(("", 0.0), |a, b| if b.1 > a.1 { b } else { a })
}

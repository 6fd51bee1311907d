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

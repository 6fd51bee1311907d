//! Document spoofing cues (issue 6, item 7): each gives a reason in `services.spoofing`.
//!
//! * `photocopy` ([`card_chroma`]): a photocopy or a black-and-white print of a card has
//!   lost the card's colours (the tinted guilloche, the coloured header), so its chroma over
//!   the card is close to zero. The cue is the mean chroma (max − min of R, G, B) over the
//!   rectified card outside the parts a real card may print in black and white (the front's
//!   photo, the back's barcode).
//! * `screen_or_print_pattern` ([`common_peak`]): a screen's pixel grid or a print's
//!   halftone dots repeat over the whole card, so the same spectral peak shows in most
//!   tiles of the photo.
//! * `screen_border` ([`frame_sides`]): a screen's bezel or black letterbox is a dark band
//!   between two sharp edges parallel to the card's sides.
//!
//! No registry model detects document recapture and no real recaptured card is in the
//! project's data, so the pattern and border thresholds are set on synthetic attacks
//! (`hawiya_synth::recapture`, `hawiya bench document-spoof`).

use crate::card::{CardQuad, CARD_H, CARD_W};
use crate::layout;
use hawiya_vision::spectrum::{highest_bin, ring_normalised_power, Peak};
use image::RgbImage;

/// Mean chroma below which a card is taken for a grey copy. Measured on 30 synthetic fronts
/// (clean, colour cast + JPEG, blur + noise; `tests/spoof.rs`): colour cards 9.9 and more,
/// the same cards made grey 0.0. Real cards and real copies (toner tint, white balance) are
/// not measured yet.
pub const PHOTOCOPY_MAX_CHROMA: f32 = 5.0;

/// Mean chroma (0-255) of the card outside `plain`, the area a real card may print in
/// black and white (the front's photo, the back's barcode).
pub fn card_chroma(card: &RgbImage, plain: layout::Roi) -> f32 {
    let [px0, py0, px1, py1] = plain;
    let (mut sum, mut n) = (0f64, 0usize);
    for (x, y, p) in card.enumerate_pixels() {
        if (px0..px1).contains(&x) && (py0..py1).contains(&y) {
            continue;
        }
        let max = p.0.iter().max().copied().unwrap_or(0);
        let min = p.0.iter().min().copied().unwrap_or(0);
        sum += f64::from(max - min);
        n += 1;
    }
    (sum / n.max(1) as f64) as f32
}

/// The spoofing reasons found on a card (empty: none): `photo` is the photo it was found
/// in with its outline `quad`, `card` the rectified card and `plain` as in
/// [`card_chroma`].
pub fn document_spoof_reasons(
    photo: &RgbImage,
    quad: &CardQuad,
    card: &RgbImage,
    plain: layout::Roi,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if card_chroma(card, plain) < PHOTOCOPY_MAX_CHROMA {
        reasons.push("photocopy".to_string());
    }
    if common_peak(photo, quad).is_some_and(|p| p.ratio > PATTERN_MIN) {
        reasons.push("screen_or_print_pattern".to_string());
    }
    if !quad.full_frame && frame_sides(photo, quad) >= FRAME_SIDES_MIN {
        reasons.push("screen_border".to_string());
    }
    reasons
}

/// Common spectral peak (see [`common_peak`]) above which the card shows a screen's pixel
/// grid or a print's halftone (`screen_or_print_pattern`). Synthetic calibration (seed 0,
/// `hawiya bench document-spoof`): bona fide photos of the generator's cards reach 15.6.
pub const PATTERN_MIN: f32 = 18.0;

/// Tile grid over the card, in card units (columns × rows).
const TILE_GRID: (usize, usize) = (7, 4);

/// Side of the square tiles of the pattern cue, in photo pixels.
const PATTERN_TILE: usize = 64;
/// Card height in the photo, in pixels, below which the pattern cue is not measured: the
/// tiles would cover most of the card, and a grid finer than that resolution does not
/// survive the camera anyway.
pub const PATTERN_MIN_HEIGHT: f32 = 256.0;

/// The ring-normalised spectrum of each tile over the card, in the photo's own pixels
/// (resampling would add its own patterns), and the tile size: a [`TILE_GRID`] of
/// [`PATTERN_TILE`]-pixel tiles centred over the card; none when the card is under
/// [`PATTERN_MIN_HEIGHT`] tall in the photo; tiles that leave the photo are skipped.
/// Each bin holds the highest of the R, G and B planes' values (a screen's stripes and a
/// print's inks are each strongest in one channel).
fn tile_spectra(img: &RgbImage, quad: &CardQuad) -> (usize, Vec<Vec<f32>>) {
    let n = PATTERN_TILE;
    let sides = quad.side_lengths();
    let tall = sides[1].min(sides[3]);
    if tall.is_nan() || tall < PATTERN_MIN_HEIGHT {
        return (n, Vec::new());
    }
    let Some(to_img) = quad.card_to_image(false) else {
        return (n, Vec::new());
    };
    let (cols, rows) = TILE_GRID;
    let (w, h) = img.dimensions();
    let mut spectra = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let u = (c as f32 + 0.5) / cols as f32 * CARD_W as f32;
            let v = (r as f32 + 0.5) / rows as f32 * CARD_H as f32;
            let (cx, cy) = to_img * (u, v);
            let x0 = (cx - n as f32 / 2.0).round();
            let y0 = (cy - n as f32 / 2.0).round();
            let inside = |v: f32, limit: u32| v >= 0.0 && v + n as f32 <= limit as f32;
            if !inside(x0, w) || !inside(y0, h) {
                continue;
            }
            let (x0, y0) = (x0 as u32, y0 as u32);
            let plane = |channel: usize| -> Vec<f32> {
                (0..n * n)
                    .map(|i| {
                        let p = img.get_pixel(x0 + (i % n) as u32, y0 + (i / n) as u32);
                        f32::from(p[channel])
                    })
                    .collect()
            };
            let mut best: Option<Vec<f32>> = None;
            for channel in 0..3 {
                if let Some(s) = ring_normalised_power(&plane(channel), n) {
                    best = Some(match best {
                        None => s,
                        Some(b) => b.iter().zip(&s).map(|(a, b)| a.max(*b)).collect(),
                    });
                }
            }
            spectra.extend(best);
        }
    }
    (n, spectra)
}

/// A periodic pattern common to the whole card: 7×4 tiles spread over the card in the
/// photo's own pixels (64 px; none for a card under 256 px tall), each tile's
/// ring-normalised spectrum (the highest of R, G and B per bin) widened by a 3×3 maximum
/// (perspective shifts a lattice's frequency a little from tile to tile); the median over
/// tiles is taken per bin, and the highest such median is returned (the upper median: a
/// bin must be lifted in at least half of the tiles). A screen's pixel grid or a print's
/// halftone lifts the same bin in most tiles; a card's own guilloche and text lift
/// different bins in different tiles. `None` with fewer than 8 tiles.
pub fn common_peak(img: &RgbImage, quad: &CardQuad) -> Option<Peak> {
    let (n, spectra) = tile_spectra(img, quad);
    if spectra.len() < 8 {
        return None;
    }
    let widened: Vec<Vec<f32>> = spectra
        .iter()
        .map(|s| {
            (0..n * n)
                .map(|i| {
                    let (u, v) = ((i % n) as i64, (i / n) as i64);
                    let mut m = 0f32;
                    for dv in -1..=1 {
                        for du in -1..=1 {
                            let (uu, vv) =
                                ((u + du).rem_euclid(n as i64), (v + dv).rem_euclid(n as i64));
                            m = m.max(s[(vv * n as i64 + uu) as usize]);
                        }
                    }
                    m
                })
                .collect()
        })
        .collect();
    let mut column = vec![0f32; widened.len()];
    let medians: Vec<f32> = (0..n * n)
        .map(|i| {
            for (slot, s) in column.iter_mut().zip(&widened) {
                *slot = s[i];
            }
            column.sort_by(f32::total_cmp);
            column[column.len() / 2]
        })
        .collect();
    Some(highest_bin(&medians, n))
}

/// Darkest mean grey level of a screen's border band (bezel or black letterbox).
pub const FRAME_DARK_MAX: f32 = 40.0;
/// Smallest rise from the band to what lies beyond it (the device's edge against the room).
pub const FRAME_STEP_MIN: f32 = 30.0;
/// Sides of the card (of 4) that must show the band for `screen_border`.
pub const FRAME_SIDES_MIN: usize = 3;

/// How many sides of the card show a screen's border: a dark band (mean grey below
/// [`FRAME_DARK_MAX`], at least 4 px wide) parallel to the side, bounded on both sides by
/// sharp steps of at least [`FRAME_STEP_MIN`] grey levels within 5 px: a bezel or a black
/// letterbox between the lit picture and the room. The band is looked for from 15 % of the
/// card's height inside the outline (the card finder may take the device's edge for the
/// card's) to one card height outside. Each side is cut into 4 segments, each averaged
/// along the side into one grey profile; a side counts when 3 of its 4 segments show the
/// band. A card on a dark table has a dark surround but no sharp light edge beyond it; a
/// drop shadow is soft.
pub fn frame_sides(img: &RgbImage, quad: &CardQuad) -> usize {
    let grey = image::imageops::grayscale(img);
    let c = quad.corners;
    let centre = [
        c.iter().map(|p| p[0]).sum::<f32>() / 4.0,
        c.iter().map(|p| p[1]).sum::<f32>() / 4.0,
    ];
    let short = quad
        .side_lengths()
        .into_iter()
        .fold(f32::INFINITY, f32::min);
    if !short.is_finite() || short < 8.0 {
        return 0;
    }
    // Never further out than the photo's diagonal.
    let diagonal = (img.width() as f32).hypot(img.height() as f32);
    let inner = (0.15 * short).min(diagonal).round() as i32;
    let reach = short.min(diagonal).round() as i32;
    (0..4)
        .filter(|&k| {
            let (a, b) = (c[k], c[(k + 1) % 4]);
            let len = (b[0] - a[0]).hypot(b[1] - a[1]).max(1.0);
            let d = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
            let mut n = [-d[1], d[0]];
            let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
            if (mid[0] - centre[0]) * n[0] + (mid[1] - centre[1]) * n[1] < 0.0 {
                n = [-n[0], -n[1]];
            }
            let segments = (0..4)
                .filter(|&s| {
                    let profile = (-inner..reach)
                        .map(|o| {
                            let mut sum = 0.0;
                            let mut count = 0;
                            for i in 0..12 {
                                let t = 0.1 + 0.8 * (s as f32 * 12.0 + i as f32 + 0.5) / 48.0;
                                let x = a[0] + d[0] * t * len + n[0] * o as f32;
                                let y = a[1] + d[1] * t * len + n[1] * o as f32;
                                if x >= 0.0 && y >= 0.0 {
                                    if let Some(p) = grey.get_pixel_checked(x as u32, y as u32) {
                                        sum += f32::from(p[0]);
                                        count += 1;
                                    }
                                }
                            }
                            (count >= 9).then(|| sum / count as f32)
                        })
                        .collect::<Vec<_>>();
                    dark_band_between_steps(&profile)
                })
                .count();
            segments >= 3
        })
        .count()
}

/// Whether a grey profile (`None` off the photo) holds a dark band between two sharp
/// steps (see [`frame_sides`]).
fn dark_band_between_steps(profile: &[Option<f32>]) -> bool {
    let step = |range: std::ops::Range<usize>, mean: f32| {
        profile[range].iter().flatten().fold(0f32, |m, &x| m.max(x)) - mean >= FRAME_STEP_MIN
    };
    let mut start = None;
    for (o, v) in profile.iter().enumerate() {
        let Some(v) = *v else {
            return false;
        };
        if v < FRAME_DARK_MAX {
            start.get_or_insert(o);
            continue;
        }
        let Some(s) = start.take() else {
            continue;
        };
        if s < 5 || o - s < 4 {
            continue;
        }
        let mean = profile[s..o].iter().flatten().sum::<f32>() / (o - s) as f32;
        if step(s - 5..s, mean) && step(o..(o + 5).min(profile.len()), mean) {
            return true;
        }
    }
    false
}

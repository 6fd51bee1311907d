//! Document spoofing cues on a rectified card (issue 6, item 7; a first cue).
//!
//! A photocopy or a black-and-white print of a card has lost the card's colours (the
//! tinted guilloche, the coloured header), so its chroma over the card is close to zero. The
//! cue is the mean chroma (max − min of R, G, B) over the card outside the parts a real card
//! may print in black and white (the front's photo, the back's barcode).

use crate::layout;
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

/// The spoofing reasons found on a rectified card (empty: none); `plain` as in
/// [`card_chroma`].
pub fn document_spoof_reasons(card: &RgbImage, plain: layout::Roi) -> Vec<String> {
    let mut reasons = Vec::new();
    if card_chroma(card, plain) < PHOTOCOPY_MAX_CHROMA {
        reasons.push("photocopy".to_string());
    }
    reasons
}

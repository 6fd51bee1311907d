//! Egyptian licence plates (since 2008): a coloured `مصر / EGYPT` band over two halves,
//! letters on the right (read right to left), Arabic-Indic digits 1–9 on the left.

use std::collections::BTreeMap;

use hawiya_core::digits::to_arabic_indic;
use serde_json::{json, Map};
use tiny_skia::Pixmap;

use crate::draw;
use crate::fonts::FontId;
use crate::geom::Quad;
use crate::rng::Rng;
use crate::text::{shape, shape_fit, Align, TextStyle};
use crate::{Generator, Rendered};

/// Plate width in pixels (35 cm at 20 px/cm).
pub const W: u32 = 700;
/// Plate height in pixels (17 cm).
pub const H: u32 = 340;

/// The 17 letters used on plates.
pub const LETTERS: [char; 17] = [
    'أ', 'ب', 'ج', 'د', 'ر', 'س', 'ص', 'ط', 'ع', 'ف', 'ق', 'ل', 'م', 'ن', 'ه', 'و', 'ى',
];

/// Draws plate letters and digits (ASCII): Cairo 3 digits + 3 letters, Giza 4 + 2,
/// elsewhere 4 + 3; digits 1–9.
pub fn plate_text(r: &mut Rng) -> (Vec<char>, String) {
    let (n_digits, n_letters) = match r.weighted(&[0.3, 0.2, 0.5]) {
        0 => (3, 3),
        1 => (4, 2),
        _ => (4, 3),
    };
    let letters: Vec<char> = (0..n_letters).map(|_| *r.pick(&LETTERS)).collect();
    let digits: String = (0..n_digits)
        .map(|_| char::from(b'0' + r.range_u32(1, 9) as u8))
        .collect();
    (letters, digits)
}

/// Renders a plate.
pub fn plate(g: &Generator, seed: u64, index: u32) -> anyhow::Result<Rendered> {
    let mut r = Rng::stream(seed, index, "plate");
    let mut pm = Pixmap::new(W, H).ok_or_else(|| anyhow::anyhow!("pixmap"))?;
    let (wf, hf) = (W as f32, H as f32);
    // (type, band colour)
    let kinds: [(&str, [u8; 3]); 5] = [
        ("private", [118, 178, 226]),
        ("taxi", [236, 140, 40]),
        ("truck", [200, 40, 40]),
        ("rental", [140, 95, 60]),
        ("bus", [150, 150, 150]),
    ];
    let (kind, band) = kinds[r.weighted(&[0.7, 0.1, 0.08, 0.06, 0.06])];
    draw::fill_rect(&mut pm, 0.0, 0.0, wf, hf, [248, 248, 246], 255);
    let band_h = 78.0;
    draw::fill_rect(&mut pm, 0.0, 0.0, wf, band_h, band, 255);
    draw::fill_rect(
        &mut pm,
        wf / 2.0 - 2.0,
        band_h,
        4.0,
        hf - band_h,
        [20, 20, 20],
        255,
    );
    draw::fill_rect(&mut pm, 0.0, band_h - 2.0, wf, 4.0, [20, 20, 20], 255);
    for (x, y, w, h) in [
        (0.0, 0.0, wf, 6.0),
        (0.0, hf - 6.0, wf, 6.0),
        (0.0, 0.0, 6.0, hf),
        (wf - 6.0, 0.0, 6.0, hf),
    ] {
        draw::fill_rect(&mut pm, x, y, w, h, [20, 20, 20], 255);
    }
    let fonts = &g.fonts;
    let black = [15, 15, 18];
    shape(
        fonts,
        &TextStyle::arabic(FontId::NaskhBold, 46.0, black),
        "مصر",
    )
    .draw(fonts, &mut pm, Align::Right(wf - 40.0), 58.0);
    shape(
        fonts,
        &TextStyle::latin(FontId::DejaVuSansBold, 40.0, black),
        "EGYPT",
    )
    .draw(fonts, &mut pm, Align::Left(40.0), 56.0);

    let (letters, digits) = plate_text(&mut r);
    let font = *r.pick(&[FontId::NaskhBold, FontId::KufiBold, FontId::SansArabicBold]);
    let size = 118.0;
    let baseline = hf - 70.0;
    let mut polys = BTreeMap::new();

    // Letters, right half, first letter rightmost. `ه` is drawn as `هـ`.
    let half = wf / 2.0;
    let slot = (half - 30.0) / letters.len() as f32;
    let mut lq: Option<Quad> = None;
    for (i, c) in letters.iter().enumerate() {
        let s = if *c == 'ه' {
            "هـ".to_string()
        } else {
            c.to_string()
        };
        let l = shape_fit(fonts, &TextStyle::arabic(font, size, black), &s, slot * 0.9);
        // Keep the ink inside the right half even for letters with wide overhangs.
        let lo = half + 12.0 - l.ink[0] + l.width / 2.0;
        let hi = wf - 12.0 - l.ink[2] + l.width / 2.0;
        let cx = (wf - 15.0 - slot * (i as f32 + 0.5)).min(hi).max(lo);
        let q = l.draw(fonts, &mut pm, Align::Center(cx), baseline);
        polys.insert(format!("letter_{}", i + 1), q);
        lq = Some(lq.map_or(q, |a| a.union(&q)));
    }
    // Digits, left half, left to right.
    let slot = (half - 30.0) / digits.len() as f32;
    let mut dq: Option<Quad> = None;
    for (i, c) in digits.chars().enumerate() {
        let cx = 15.0 + slot * (i as f32 + 0.5);
        let l = shape(
            fonts,
            &TextStyle::arabic(font, size, black),
            &to_arabic_indic(&c.to_string()),
        );
        let q = l.draw(fonts, &mut pm, Align::Center(cx), baseline);
        polys.insert(format!("digit_{}", i + 1), q);
        dq = Some(dq.map_or(q, |a| a.union(&q)));
    }
    if let Some(q) = lq {
        polys.insert("plate_letters".to_string(), q);
    }
    if let Some(q) = dq {
        polys.insert("plate_digits".to_string(), q);
    }
    let letters_str = letters
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut fields = Map::new();
    fields.insert("plate_letters".into(), json!(letters_str));
    fields.insert("plate_digits".into(), json!(digits));
    fields.insert(
        "plate_digits_printed".into(),
        json!(to_arabic_indic(&digits)),
    );
    fields.insert(
        "plate_number".into(),
        json!(format!("{letters_str} {digits}")),
    );
    fields.insert("plate_type".into(), json!(kind));
    Ok(Rendered { pm, fields, polys })
}

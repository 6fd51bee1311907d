//! Synthetic text-line crops for training recognisers: Arabic-Indic digit strings (national
//! ID numbers, dates, house numbers) as a reader would cut them out of a rectified card.
//!
//! Each sample draws a string in one of the Arabic faces on a piece of the card's guilloche
//! background, cuts it out with the loose, uneven margins of a template box, and degrades it
//! (blur, down- and up-scaling, noise, JPEG) with seeded, independent draws. The label is the
//! string's value in ASCII digits and `/`. Word lines (address words alone, or beside a
//! house number) teach the recogniser to read nothing in letters.

use hawiya_core::digits::to_arabic_indic;
use image::{imageops, GrayImage, RgbImage};
use tiny_skia::Pixmap;

use crate::fonts::{FontId, CARD_FONTS};
use crate::rng::Rng;
use crate::text::{shape, Align, TextStyle};
use crate::{degrade, draw, id_card, Generator};

/// Faces the digit lines are drawn in: the card faces plus the regular weights.
const LINE_FONTS: [FontId; 8] = [
    CARD_FONTS[0],
    CARD_FONTS[1],
    CARD_FONTS[2],
    CARD_FONTS[3],
    CARD_FONTS[4],
    CARD_FONTS[5],
    FontId::Naskh,
    FontId::Amiri,
];

/// One training line.
#[derive(Debug, Clone)]
pub struct LineSample {
    /// The crop, grey.
    pub image: GrayImage,
    /// Its text in ASCII digits and `/` (what the recogniser must output).
    pub text: String,
}

/// The string of a sample: a national ID number, a full or a month date, or a house number.
fn digit_text(r: &mut Rng) -> String {
    let digits = |r: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + r.range_u32(0, 9) as u8))
            .collect()
    };
    let kind = r.f32();
    if kind < 0.45 {
        // Century digit 2 or 3 most of the time, like real numbers; any digits otherwise.
        if r.chance(0.7) {
            format!("{}{}", r.range_u32(2, 3), digits(r, 13))
        } else {
            digits(r, 14)
        }
    } else if kind < 0.70 {
        format!(
            "{}/{:02}/{:02}",
            r.range_u32(1930, 2035),
            r.range_u32(1, 12),
            r.range_u32(1, 31)
        )
    } else if kind < 0.80 {
        format!("{}/{:02}", r.range_u32(1990, 2035), r.range_u32(1, 12))
    } else {
        let n = r.range_u32(1, 4) as usize;
        let s = digits(r, n);
        // No leading zero on a house number.
        let s = s.trim_start_matches('0');
        if s.is_empty() {
            "1".into()
        } else {
            s.into()
        }
    }
}

/// Words of address lines and names: what an address line's ink words hold besides numbers.
fn address_word(r: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "ش",
        "شارع",
        "عمارة",
        "برج",
        "قرية",
        "عزبة",
        "متفرع",
        "من",
        "قسم",
        "مركز",
        "حي",
        "الدور",
        "شقة",
        "أمام",
        "بجوار",
        "خلف",
        "مارس",
        "يوليو",
        "أكتوبر",
        "مايو",
    ];
    match r.range_u32(0, 3) {
        0 => r.pick(WORDS).to_string(),
        1 => r.pick(crate::data::STREETS).to_string(),
        2 => r.pick(crate::data::VILLAGES).to_string(),
        _ => r.pick(crate::data::MALE_COMMON).0.to_string(),
    }
    .split_whitespace()
    .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
    .collect::<Vec<_>>()
    .join(" ")
}

impl Generator {
    /// Digit-line sample `index` of `seed` (deterministic).
    pub fn digit_line(&self, seed: u64, index: u32) -> LineSample {
        let mut r = Rng::stream(seed, index, "digit-line");
        let text = digit_text(&mut r);
        let shown = to_arabic_indic(&text);
        self.render_line(&mut r, &shown, text)
    }

    /// A word sample for the digit recogniser to learn what is *not* a number: Arabic words
    /// of an address line alone (label empty), or a house number with a word beside it
    /// (label the number), as a loose word cut gives them.
    pub fn word_line(&self, seed: u64, index: u32) -> LineSample {
        let mut r = Rng::stream(seed, index, "word-line");
        let mut word = address_word(&mut r);
        if word.is_empty() {
            word = "ش".into();
        }
        if r.chance(0.5) {
            return self.render_line(&mut r, &word, String::new());
        }
        let number = r.range_u32(1, 999).to_string();
        let shown = if r.chance(0.5) {
            format!("{} {word}", to_arabic_indic(&number))
        } else {
            format!("{word} {}", to_arabic_indic(&number))
        };
        self.render_line(&mut r, &shown, number)
    }

    /// Draws `shown` as a cut line crop labelled `text` (the rest of the sample's draws).
    fn render_line(&self, r: &mut Rng, shown: &str, text: String) -> LineSample {
        let font = *r.pick(&LINE_FONTS);
        let size = r.range_f32(30.0, 64.0);
        let tracking = if text.len() > 6 {
            r.range_f32(0.0, 8.0)
        } else {
            r.range_f32(0.0, 2.0)
        };
        let shade = r.range_u32(10, 70) as u8;
        let color = [shade, shade, shade.saturating_add(r.range_u32(0, 30) as u8)];
        let style = TextStyle::arabic(font, size, color).with_tracking(tracking);
        let line = shape(&self.fonts, &style, shown);

        // Canvas: the line with generous room, on a window of the card background.
        let pad = size;
        let w = (line.width + 2.0 * pad).ceil().max(16.0) as u32;
        let h = (size * 2.2).ceil() as u32;
        let mut pm = Pixmap::new(w, h).expect("non-empty canvas");
        let masks = self.id_masks();
        let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
        let (ox, oy) = (
            r.range_u32(0, id_card::W.saturating_sub(w)),
            r.range_u32(0, id_card::H.saturating_sub(h)),
        );
        let window = mask.window(ox, oy, w, h);
        let c0 = r.rgb([(195, 235), (205, 235), (210, 245)]);
        let c1 = r.rgb([(215, 245), (210, 235), (185, 215)]);
        draw::paint_background(
            &mut pm,
            &window,
            c0,
            c1,
            [120, 150, 180],
            r.range_f32(0.1, 0.5),
        );
        let baseline = h as f32 * 0.62;
        let quad = line.draw(&self.fonts, &mut pm, Align::Left(pad), baseline);
        let img = draw::to_rgb(&pm);

        // Cut with the uneven margins of a template or detector box around the ink.
        let ([x0, y0], [x1, y1]) = quad.bounds();
        let lh = y1 - y0;
        let cx0 = x0 - r.range_f32(0.0, 0.5) * lh;
        let cx1 = x1 + r.range_f32(0.0, 0.5) * lh;
        let cy0 = y0 - r.range_f32(0.0, 0.3) * lh;
        let cy1 = y1 + r.range_f32(0.0, 0.3) * lh;
        let clamp_x = |v: f32| v.round().clamp(0.0, (w - 1) as f32) as u32;
        let clamp_y = |v: f32| v.round().clamp(0.0, (h - 1) as f32) as u32;
        let (ax, ay) = (clamp_x(cx0), clamp_y(cy0));
        let (bx, by) = (clamp_x(cx1).max(ax + 1), clamp_y(cy1).max(ay + 1));
        let mut crop: RgbImage = imageops::crop_imm(&img, ax, ay, bx - ax, by - ay).to_image();

        // Degrade, each with its own chance.
        if r.chance(0.4) {
            let s = r.range_f32(0.3, 0.9);
            let (cw, ch) = crop.dimensions();
            let small = imageops::resize(
                &crop,
                ((cw as f32 * s) as u32).max(4),
                ((ch as f32 * s) as u32).max(4),
                imageops::FilterType::Triangle,
            );
            crop = imageops::resize(&small, cw, ch, imageops::FilterType::Triangle);
        }
        if r.chance(0.6) {
            crop = degrade::gaussian_blur(&crop, r.range_f32(0.4, 2.0));
        }
        if r.chance(0.6) {
            let sigma = r.range_f32(2.0, 12.0);
            crop = degrade::noise(crop, sigma, r);
        }
        if r.chance(0.6) {
            crop = degrade::jpeg(&crop, r.range_u32(15, 90) as u8);
        }
        LineSample {
            image: image::DynamicImage::ImageRgb8(crop).to_luma8(),
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_lines_are_deterministic_and_labelled() {
        let g = Generator::new(None).unwrap();
        for i in 0..40 {
            let a = g.digit_line(7, i);
            let b = g.digit_line(7, i);
            assert_eq!(a.text, b.text);
            assert_eq!(a.image, b.image);
            assert!(a.text.chars().all(|c| c.is_ascii_digit() || c == '/'));
            assert!(a.image.width() > a.image.height() / 2, "{}", a.text);
            // Some ink: the darkest pixel is well below the background.
            let min = a.image.pixels().map(|p| p[0]).min().unwrap();
            let max = a.image.pixels().map(|p| p[0]).max().unwrap();
            assert!(max as i32 - min as i32 > 60, "{} {min} {max}", a.text);
        }
        assert_ne!(g.digit_line(7, 0).image, g.digit_line(8, 0).image);
    }

    #[test]
    fn word_lines_are_words_alone_or_beside_a_number() {
        let g = Generator::new(None).unwrap();
        let (mut empty, mut numbered) = (0, 0);
        for i in 0..40 {
            let a = g.word_line(7, i);
            assert_eq!(a.image, g.word_line(7, i).image);
            assert!(a.text.chars().all(|c| c.is_ascii_digit()), "{}", a.text);
            if a.text.is_empty() {
                empty += 1;
            } else {
                numbered += 1;
            }
            let min = a.image.pixels().map(|p| p[0]).min().unwrap();
            let max = a.image.pixels().map(|p| p[0]).max().unwrap();
            assert!(max as i32 - min as i32 > 60, "{} {min} {max}", a.text);
        }
        assert!(empty > 10 && numbered > 10, "{empty} {numbered}");
    }
}

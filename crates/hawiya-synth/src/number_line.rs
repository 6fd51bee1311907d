//! The national ID number line as real cards print it and phones photograph it, cut as the
//! front reader cuts it (`hawiya_ocr::anchor::number_crop`), for the digit recogniser.
//!
//! What the real print looks like (`docs/DECISIONS.md`, "Card number lines"): 14 bold
//! Arabic-Indic digits in groups (`C YY MM DD GG NNNNN`: close digits, wide gaps between
//! groups), `٠` a small dot or diamond at mid height, dark ink on the orange pyramids
//! picture (soft blotches, edges of the art, faint guilloche), slanted and squashed by the
//! photo's perspective, and only 5–14 px tall in a phone photo; the reader's crop is about
//! three digit heights high. Each of these is drawn with seeded, independent draws.

use hawiya_core::digits::to_arabic_indic;
use image::{imageops, GrayImage, Rgb, RgbImage};
use tiny_skia::{Pixmap, PixmapPaint, Transform};

use crate::fonts::FontId;
use crate::lines::LineSample;
use crate::rng::Rng;
use crate::text::{shape, Align, TextStyle};
use crate::{degrade, draw, Generator};

/// Bold faces whose Arabic-Indic digits come closest to the card's number print.
const NUMBER_FONTS: [FontId; 5] = [
    FontId::SansArabicBold,
    FontId::KufiBold,
    FontId::NaskhBold,
    FontId::DejaVuSansBold,
    FontId::AmiriBold,
];

/// Em size the line is drawn at before it is shrunk to phone-photo size.
const SIZE: f32 = 48.0;

/// How a photographed line is cut and shrunk, in text heights: half the crop's height,
/// the room at each end, and the text's height in the phone photo (pixels; 70 % of lines
/// from `small`, the rest from `large`); `ink` is the range of the print's grey level.
pub(crate) struct Cut {
    pub(crate) half: (f32, f32),
    pub(crate) ends: (f32, f32),
    pub(crate) small: (f32, f32),
    pub(crate) large: (f32, f32),
    pub(crate) ink: (f32, f32),
}

/// The number line: about three digit heights across (the detector's line is thicker than
/// the digits, and the reader adds a margin); digits 6–30 px tall, mostly under 16 (the
/// dev set's labelled number lines are 23–65 px high, digits about half of that).
const NUMBER_CUT: Cut = Cut {
    half: (0.95, 1.6),
    ends: (0.05, 0.9),
    small: (6.0, 16.0),
    large: (16.0, 30.0),
    ink: (5.0, 100.0),
};

/// A 14-digit number shaped like a real one: century, birth date, governorate, sequence,
/// check digit (not computed: the recogniser must not learn it).
fn number_text(r: &mut Rng) -> String {
    let century = if r.chance(0.85) {
        r.range_u32(2, 3)
    } else {
        r.range_u32(0, 9)
    };
    let sequence: String = (0..5)
        .map(|_| char::from(b'0' + r.range_u32(0, 9) as u8))
        .collect();
    format!(
        "{century}{:02}{:02}{:02}{:02}{sequence}",
        r.range_u32(0, 99),
        r.range_u32(1, 12),
        r.range_u32(1, 31),
        if r.chance(0.8) {
            r.range_u32(1, 35)
        } else {
            r.range_u32(0, 99)
        },
    )
}

/// Soft colour blobs, edges and faint guilloche of the card's picture behind the number, in
/// a `w` × `h` canvas whose digits are `digit_h` tall.
fn background(r: &mut Rng, w: u32, h: u32, digit_h: f32, mask: &draw::Mask) -> RgbImage {
    // Warm (the orange picture) most of the time; pale and cool as some phones balance it.
    let base = if r.chance(0.8) {
        r.rgb([(185, 240), (135, 205), (85, 170)])
    } else {
        r.rgb([(170, 235), (170, 235), (165, 240)])
    };
    let blobs: Vec<([f32; 2], f32, [f32; 3])> = (0..r.range_u32(2, 9))
        .map(|_| {
            let amp = r.range_f32(-35.0, 30.0);
            let tint = [
                amp,
                amp * r.range_f32(0.8, 1.3),
                amp * r.range_f32(0.8, 1.6),
            ];
            (
                [r.range_f32(0.0, w as f32), r.range_f32(0.0, h as f32)],
                digit_h * r.range_f32(0.4, 3.0),
                tint,
            )
        })
        .collect();
    // An edge of the picture (a pyramid's side): a soft step across a random line.
    let edge = r.chance(0.5).then(|| {
        let angle = r.range_f32(0.0, std::f32::consts::PI);
        (
            [angle.cos(), angle.sin()],
            [r.range_f32(0.0, w as f32), r.range_f32(0.0, h as f32)],
            r.range_f32(-50.0, 50.0),
            digit_h * r.range_f32(0.05, 0.6),
        )
    });
    let (ox, oy) = (
        r.range_u32(0, mask.w.saturating_sub(w)),
        r.range_u32(0, mask.h.saturating_sub(h)),
    );
    let lines = mask.window(ox, oy, w, h);
    let line_alpha = r.range_f32(0.0, 0.3);
    let line_colour = r.rgb([(120, 190), (90, 160), (60, 140)]);
    let shade = [r.range_f32(-0.3, 0.3), r.range_f32(-0.3, 0.3)];
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let mut c = [0f32; 3];
        for (k, v) in c.iter_mut().enumerate() {
            *v = f32::from(base[k]);
        }
        for (centre, radius, tint) in &blobs {
            let d2 = (fx - centre[0]).powi(2) + (fy - centre[1]).powi(2);
            let g = (-d2 / (2.0 * radius * radius)).exp();
            for k in 0..3 {
                c[k] += tint[k] * g;
            }
        }
        if let Some((normal, at, step, soft)) = edge {
            let d = (fx - at[0]) * normal[0] + (fy - at[1]) * normal[1];
            let t = 1.0 / (1.0 + (-d / soft).exp());
            for v in &mut c {
                *v += step * t;
            }
        }
        // Uneven light across the line.
        let light = 1.0 + shade[0] * (fx / w as f32 - 0.5) + shade[1] * (fy / h as f32 - 0.5);
        let m = f32::from(lines.data[(y * lines.w + x) as usize]) / 255.0 * line_alpha;
        Rgb(std::array::from_fn(|k| {
            ((c[k] * (1.0 - m) + f32::from(line_colour[k]) * m) * light).clamp(0.0, 255.0) as u8
        }))
    })
}

impl Generator {
    /// A card number line sample `index` of `seed` (deterministic), labelled with its
    /// digits in ASCII.
    pub fn card_number_line(&self, seed: u64, index: u32) -> LineSample {
        let mut r = Rng::stream(seed, index, "card-number-line");
        let text = number_text(&mut r);
        let font = *r.pick(&NUMBER_FONTS);
        let style = TextStyle::arabic(font, SIZE, [0, 0, 0]);
        let glyphs: Vec<_> = to_arabic_indic(&text)
            .chars()
            .map(|c| shape(&self.fonts, &style, &c.to_string()))
            .collect();
        // Digit height: the tallest ink of the line's digits.
        let digit_h = glyphs
            .iter()
            .map(|g| g.ink[3] - g.ink[1])
            .fold(1.0, f32::max);
        // Mostly in groups as the card prints them (C YY MM DD GG NNNNN): close digits, wide
        // gaps between groups; sometimes evenly spaced.
        let grouped = r.chance(0.85);
        // The card's face is condensed (tall narrow digits, small heads): the line is drawn
        // with its gaps widened by 1/condense, then squashed across by `condense`.
        let condense = if r.chance(0.75) {
            r.range_f32(0.5, 0.85)
        } else {
            1.0
        };
        let gap = digit_h / condense
            * if grouped {
                r.range_f32(0.06, 0.35)
            } else {
                r.range_f32(0.2, 0.8)
            };
        let group_gap = digit_h / condense * r.range_f32(0.4, 1.3);
        let dotted_zero = r.chance(0.8);
        let zero_w = digit_h / condense * r.range_f32(0.18, 0.3);
        let zero_y = digit_h * r.range_f32(0.28, 0.55);

        // The ink, black on transparent, digit by digit from the left.
        let pad = 2.0 * digit_h;
        let mut layer = Pixmap::new(
            (pad * 2.0 + 14.0 * (digit_h + gap + group_gap)).ceil() as u32,
            (4.0 * digit_h).ceil() as u32,
        )
        .expect("non-empty layer");
        let baseline = 2.5 * digit_h;
        let mut x = pad;
        for (i, (g, c)) in glyphs.iter().zip(text.chars()).enumerate() {
            if grouped && matches!(i, 1 | 3 | 5 | 7 | 9) {
                x += group_gap;
            }
            let rise = digit_h * r.range_f32(-0.04, 0.04);
            if c == '0' && dotted_zero {
                let (cx, cy) = (x + zero_w / 2.0, baseline - zero_y + rise);
                let k = zero_w / 2.0;
                draw::fill_polygon(
                    &mut layer,
                    &[
                        [cx, cy - k * 1.2],
                        [cx + k, cy],
                        [cx, cy + k * 1.2],
                        [cx - k, cy],
                    ],
                    [0, 0, 0],
                    255,
                );
                x += zero_w + gap;
            } else {
                g.draw(
                    &self.fonts,
                    &mut layer,
                    Align::Left(x - g.ink[0]),
                    baseline + rise,
                );
                x += g.ink[2] - g.ink[0] + gap;
            }
        }
        let mut ink_box = [pad, baseline - digit_h, x - gap, baseline];
        if condense < 1.0 {
            layer = squash(&layer, condense);
            ink_box[0] *= condense;
            ink_box[2] *= condense;
        }

        let image = self.photograph(&mut r, &layer, ink_box, digit_h, &NUMBER_CUT);
        LineSample { image, text }
    }

    /// `layer` (black ink on transparent, the text's ink within `ink_box`, `text_h` its
    /// height) photographed as a phone sees a card line and cut as the reader cuts a
    /// detected line (`cut`): slanted and squashed by perspective, over the card's picture,
    /// sometimes ended by the photo's edge, blurred, shrunk, noisy and JPEG'd, then scaled
    /// to 48 rows.
    pub(crate) fn photograph(
        &self,
        r: &mut Rng,
        layer: &Pixmap,
        ink_box: [f32; 4],
        text_h: f32,
        cut: &Cut,
    ) -> GrayImage {
        // The photo's slant: a small turn and a shear left after the reader levels the line.
        let turn = r.range_f32(-2.5, 2.5).to_radians();
        let shear = r.range_f32(-0.25, 0.25);
        // Foreshortening: a card photographed at a slant is squashed across its lines.
        let stretch = r.range_f32(0.65, 1.15);
        let (w, h) = (layer.width(), layer.height());
        let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
        let t = Transform::from_translate(-cx, -cy)
            .post_concat(Transform::from_row(1.0, 0.0, shear, stretch, 0.0, 0.0))
            .post_concat(Transform::from_rotate(turn.to_degrees()))
            .post_translate(cx, cy);
        let mut slanted = Pixmap::new(w, h).expect("non-empty layer");
        slanted.draw_pixmap(0, 0, layer.as_ref(), &PixmapPaint::default(), t, None);
        let corners = [
            [ink_box[0], ink_box[1]],
            [ink_box[2], ink_box[1]],
            [ink_box[2], ink_box[3]],
            [ink_box[0], ink_box[3]],
        ]
        .map(|p| {
            let mut q = tiny_skia::Point::from_xy(p[0], p[1]);
            t.map_point(&mut q);
            [q.x, q.y]
        });

        // Ink over the picture.
        let masks = self.id_masks();
        let mask = &masks[r.range_u32(0, masks.len() as u32 - 1) as usize];
        let mut img = background(r, w, h, text_h, mask);
        let shade = r.range_f32(cut.ink.0, cut.ink.1);
        let ink = [shade + r.range_f32(0.0, 25.0), shade, shade];
        for (p, s) in img.pixels_mut().zip(slanted.pixels()) {
            let a = f32::from(s.alpha()) / 255.0;
            for (c, i) in p.0.iter_mut().zip(ink) {
                *c = (f32::from(*c) * (1.0 - a) + i * a) as u8;
            }
        }

        // Cut as the reader cuts a detected line (`cut`), off-centre by the detector's
        // error.
        let xs = corners.map(|p| p[0]);
        let ys = corners.map(|p| p[1]);
        let (x0, x1) = (
            xs.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(f32::MIN, f32::max),
        );
        let mid = (ys.iter().sum::<f32>() / 4.0) + text_h * r.range_f32(-0.15, 0.15);
        let half = text_h * r.range_f32(cut.half.0, cut.half.1);
        let (ax, bx) = (
            x0 - text_h * r.range_f32(cut.ends.0, cut.ends.1),
            x1 + text_h * r.range_f32(cut.ends.0, cut.ends.1),
        );
        let clamp = |v: f32, hi: u32| v.round().clamp(0.0, (hi - 1) as f32) as u32;
        let (ax, ay) = (clamp(ax, w), clamp(mid - half, h));
        let (bx, by) = (clamp(bx, w).max(ax + 1), clamp(mid + half, h).max(ay + 1));
        let mut crop = imageops::crop_imm(&img, ax, ay, bx - ax, by - ay).to_image();
        // The photo's own edge (or an augmenter's black padding) across one end of the line.
        let room = (bx as f32 - x1).min(x0 - ax as f32) - 0.15 * text_h;
        if room > 1.0 && r.chance(0.35) {
            let (cw, ch) = crop.dimensions();
            let at = cw as f32 - r.range_f32(0.2, 0.75) * room;
            let lean = room.min(ch as f32 * 0.4) * r.range_f32(-0.5, 0.5);
            let dark = r.range_u32(0, 40) as u8;
            let right = r.chance(0.7);
            for (x, y, p) in crop.enumerate_pixels_mut() {
                let edge = at + lean * (y as f32 / ch as f32 - 0.5);
                let past = if right {
                    x as f32 > edge
                } else {
                    (x as f32) < cw as f32 - edge
                };
                if past {
                    *p = Rgb([dark; 3]);
                }
            }
        }

        // A phone photo: the text `cut.small` or `cut.large` px tall, blurred, noisy,
        // JPEG'd at that size, then sampled up to the reader's crop height.
        let (cw, ch) = crop.dimensions();
        if r.chance(0.6) {
            crop = degrade::gaussian_blur(&crop, r.range_f32(0.5, 2.5));
        }
        let target_h = if r.chance(0.7) {
            r.range_f32(cut.small.0, cut.small.1)
        } else {
            r.range_f32(cut.large.0, cut.large.1)
        };
        let small_h = target_h / text_h * ch as f32;
        let s = (small_h / ch as f32).min(1.0);
        let mut small = imageops::resize(
            &crop,
            ((cw as f32 * s) as u32).max(4),
            ((ch as f32 * s) as u32).max(4),
            imageops::FilterType::Triangle,
        );
        if r.chance(0.7) {
            small = degrade::noise(small, r.range_f32(2.0, 10.0), r);
        }
        if r.chance(0.7) {
            small = degrade::jpeg(&small, r.range_u32(20, 85) as u8);
        }
        let out_h = 48;
        let out_w = ((small.width() as f32 * out_h as f32 / small.height() as f32) as u32).max(4);
        image::DynamicImage::ImageRgb8(imageops::resize(
            &small,
            out_w,
            out_h,
            imageops::FilterType::Triangle,
        ))
        .to_luma8()
    }
}

/// `layer` squashed across its lines to `condense` (< 1) of its width.
pub(crate) fn squash(layer: &Pixmap, condense: f32) -> Pixmap {
    let mut narrow = Pixmap::new(
        ((layer.width() as f32 * condense).ceil() as u32).max(1),
        layer.height(),
    )
    .expect("non-empty layer");
    narrow.draw_pixmap(
        0,
        0,
        layer.as_ref(),
        &PixmapPaint::default(),
        Transform::from_scale(condense, 1.0),
        None,
    );
    narrow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_number_lines_are_deterministic_fourteen_digits_with_ink() {
        let g = Generator::new(None).unwrap();
        for i in 0..30 {
            let a = g.card_number_line(3, i);
            assert_eq!(a.image, g.card_number_line(3, i).image);
            assert_eq!(a.text.len(), 14);
            assert!(a.text.chars().all(|c| c.is_ascii_digit()));
            assert_eq!(a.image.height(), 48);
            assert!(a.image.width() > 4 * 48, "{}", a.image.width());
            let min = a.image.pixels().map(|p| p[0]).min().unwrap();
            let max = a.image.pixels().map(|p| p[0]).max().unwrap();
            assert!(max as i32 - min as i32 > 40, "{} {min} {max}", a.text);
        }
        assert_ne!(
            g.card_number_line(3, 0).image,
            g.card_number_line(4, 0).image
        );
    }
}

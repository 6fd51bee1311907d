//! Name lines of the ID front as phones photograph them, cut as the front reader cuts a
//! detected name line (`hawiya_ocr::anchor::name_crop`), for the name recogniser.
//!
//! A line is a given name (sometimes two, as compound given names print), the rest of a
//! name (three or four names), or made-up words of random letters (so the recogniser
//! learns letters, not a list of names). Egyptian cards often print a final `ي` as `ى` and
//! drop the hamza of `أ`/`إ`; both spellings are drawn. The ink is a bold Arabic face, the
//! card's neighbouring lines show at the crop's edges, and the photo effects are the
//! number line's ([`Generator::photograph`]).

use tiny_skia::Pixmap;

use crate::data;
use crate::fonts::FontId;
use crate::lines::LineSample;
use crate::number_line::{squash, Cut};
use crate::rng::Rng;
use crate::text::{shape, Align, TextStyle};
use crate::Generator;

/// The letters a name line is written in (and the space between its words).
pub const NAME_LETTERS: &str = "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئ";

/// Bold and regular Arabic faces near the card's name print.
const NAME_FONTS: [FontId; 8] = [
    FontId::KacstQurn,
    FontId::NaskhBold,
    FontId::SansArabicBold,
    FontId::AmiriBold,
    FontId::KufiBold,
    FontId::DejaVuSansBold,
    FontId::ScheherazadeBold,
    FontId::Naskh,
];

/// Em size the line is drawn at before it is shrunk to phone-photo size.
const SIZE: f32 = 48.0;

/// A name line's cut, as the reader's name crops (`hawiya_ocr::anchor::name_crop`) of the
/// dev set's tuning part measure: the ink (dots and descenders included) fills 40–85 % of
/// the crop's height (56 % in the median), with up to one and a half ink heights of room
/// at each end; the ink 8–24 px tall in the photo, mostly under 15 (the labelled name
/// boxes are about as tall as the number's); the print dark (median grey 50 of 255).
const NAME_CUT: Cut = Cut {
    half: (0.6, 1.3),
    ends: (0.3, 1.5),
    small: (8.0, 15.0),
    large: (15.0, 24.0),
    ink: (0.0, 55.0),
};

/// Every name of the vocabularies written in [`NAME_LETTERS`] only: (given names, family
/// names).
fn names() -> (Vec<&'static str>, Vec<&'static str>) {
    let clean = |n: &&str| n.chars().all(|c| c == ' ' || NAME_LETTERS.contains(c));
    let mut given: Vec<&str> = [
        data::MALE_COMMON,
        data::MALE_MUSLIM,
        data::MALE_CHRISTIAN,
        data::FEMALE_COMMON,
        data::FEMALE_MUSLIM,
        data::FEMALE_CHRISTIAN,
    ]
    .iter()
    .flat_map(|l| l.iter().map(|n| n.0))
    .chain(
        hawiya_aml::lexicon::all()
            .filter(|n| n.kind != hawiya_aml::lexicon::NameKind::Family)
            .map(|n| n.ar),
    )
    .filter(clean)
    .collect();
    let mut family: Vec<&str> = [data::FAMILY_COMMON, data::FAMILY_CHRISTIAN]
        .iter()
        .flat_map(|l| l.iter().map(|n| n.0))
        .chain(
            hawiya_aml::lexicon::all()
                .filter(|n| n.kind == hawiya_aml::lexicon::NameKind::Family)
                .map(|n| n.ar),
        )
        .filter(clean)
        .collect();
    for list in [&mut given, &mut family] {
        list.sort_unstable();
        list.dedup();
    }
    (given, family)
}

/// A name as a card may print it: final `ي` as `ى` and the hamza of `أ`/`إ` dropped, each
/// half the time (per line).
fn as_printed(name: &str, r: &mut Rng) -> String {
    let dotless_end = r.chance(0.5);
    let no_hamza = r.chance(0.5);
    name.split(' ')
        .map(|w| {
            let mut w: String = if no_hamza {
                w.replace(['أ', 'إ'], "ا")
            } else {
                w.to_string()
            };
            if dotless_end && w.ends_with('ي') && w.chars().count() > 1 {
                w.pop();
                w.push('ى');
            }
            w
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A made-up word of 2–7 random letters.
fn random_word(r: &mut Rng) -> String {
    let letters: Vec<char> = NAME_LETTERS.chars().collect();
    (0..r.range_u32(2, 7)).map(|_| *r.pick(&letters)).collect()
}

/// The text of a line: a given name (or two), the rest of a name, or made-up words.
fn line_text(r: &mut Rng, given: &[&str], family: &[&str]) -> String {
    let kind = r.range_u32(0, 99);
    let text = if kind < 45 {
        let mut t = r.pick(given).to_string();
        if r.chance(0.2) {
            t = format!("{t} {}", r.pick(given));
        }
        t
    } else if kind < 80 {
        let mut parts: Vec<&str> = (0..r.range_u32(2, 3)).map(|_| *r.pick(given)).collect();
        parts.push(*r.pick(family));
        parts.join(" ")
    } else {
        (0..r.range_u32(1, 3))
            .map(|_| random_word(r))
            .collect::<Vec<_>>()
            .join(" ")
    };
    as_printed(&text, r)
}

impl Generator {
    /// A name line sample `index` of `seed` (deterministic), labelled with its text.
    pub fn card_name_line(&self, seed: u64, index: u32) -> LineSample {
        let mut r = Rng::stream(seed, index, "card-name-line");
        let (given, family) = names();
        let text = line_text(&mut r, &given, &family);
        let font = *r.pick(&NAME_FONTS);
        let style = TextStyle::arabic(font, SIZE, [0, 0, 0]);
        let line = shape(&self.fonts, &style, &text);
        let text_h = (line.ink[3] - line.ink[1]).max(1.0);
        let ink_w = (line.ink[2] - line.ink[0]).max(1.0);
        let pad = 2.0 * text_h;
        let mut layer = Pixmap::new(
            (2.0 * pad + ink_w).ceil() as u32,
            (2.0 * pad + text_h).ceil() as u32,
        )
        .expect("non-empty layer");
        // The line's ink box at (pad, pad).
        let baseline = pad - line.ink[1];
        line.draw(
            &self.fonts,
            &mut layer,
            Align::Left(pad - line.ink[0]),
            baseline,
        );
        // The card's neighbouring lines, below and above, reaching into the crop.
        for (chance, below) in [(0.5, 1.0), (0.25, -1.0)] {
            if !r.chance(chance) {
                continue;
            }
            let other = shape(&self.fonts, &style, &line_text(&mut r, &given, &family));
            let step = text_h * r.range_f32(1.2, 1.9) * below;
            let right = pad + ink_w + text_h * r.range_f32(-0.3, 0.3);
            other.draw(
                &self.fonts,
                &mut layer,
                Align::Right(right),
                baseline + step,
            );
        }
        let mut ink_box = [pad, pad, pad + ink_w, pad + text_h];
        // The card's print is tall and narrow: half the lines squashed across.
        if r.chance(0.5) {
            let condense = r.range_f32(0.65, 0.95);
            layer = squash(&layer, condense);
            ink_box[0] *= condense;
            ink_box[2] *= condense;
        }
        let image = self.photograph(&mut r, &layer, ink_box, text_h, &NAME_CUT);
        LineSample { image, text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_lines_are_deterministic_arabic_text_with_ink() {
        let g = Generator::new(None).unwrap();
        for i in 0..30 {
            let a = g.card_name_line(5, i);
            assert_eq!(a.image, g.card_name_line(5, i).image);
            assert!(!a.text.is_empty());
            assert!(a.text.chars().all(|c| c == ' ' || NAME_LETTERS.contains(c)));
            assert_eq!(a.image.height(), 48);
            let min = a.image.pixels().map(|p| p[0]).min().unwrap();
            let max = a.image.pixels().map(|p| p[0]).max().unwrap();
            assert!(max as i32 - min as i32 > 40, "{} {min} {max}", a.text);
        }
        assert_ne!(g.card_name_line(5, 0).image, g.card_name_line(6, 0).image);
    }

    #[test]
    fn printed_spellings_vary_as_cards_do() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..40 {
            seen.insert(as_printed("أحمد علي", &mut Rng::stream(1, i, "t")));
        }
        assert!(
            seen.contains("أحمد علي") && seen.contains("احمد على"),
            "{seen:?}"
        );
    }
}

//! The name line recogniser: a [`LineNet`] trained by this project (`hawiya train names`)
//! on generated card name lines (`hawiya_synth`'s `card_name_line`) and real name crops of
//! the dev set's tuning part, for the ID front's name lines. Tesseract's `ara` reads the
//! card's bold print on the orange picture poorly (issue 16's notes); this reads it as the
//! digit recogniser reads the number.

use crate::digits::{Arch, LineNet};
use hawiya_core::nid::Gender;
use image::GrayImage;

/// The letters of a name line and the space between its words (`hawiya_synth`'s
/// `NAME_LETTERS` and a space, in that order).
pub const NAME_ALPHABET: [char; 37] = [
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي', 'ى', 'ة', 'ء', 'أ', 'إ', 'آ', 'ؤ', 'ئ', ' ',
];

/// The name recogniser's shape: taller input than the digits' (dots above and below the
/// letters), wider layers, and a hidden layer that sees two output columns on each side
/// (joined letters change shape with their neighbours).
pub const NAME_ARCH: Arch = Arch {
    input_h: 32,
    channels: [1, 16, 32, 64, 96],
    hidden: 128,
    hidden_reach: 2,
    alphabet: &NAME_ALPHABET,
    right_to_left: true,
};

/// The shipped weights (`hawiya train names`; sha256 in `MODELS.md`).
pub const WEIGHTS: &[u8] = include_bytes!("../models/names-v2.safetensors");
/// sha256 of [`WEIGHTS`].
pub const WEIGHTS_SHA256: &str = "229473cde2f8e0459032cd9a772819aa4b148dbdedcba70623bf439d010361d0";

/// The network with the shipped weights.
pub fn shipped() -> candle_core::Result<LineNet> {
    LineNet::load(WEIGHTS, &NAME_ARCH)
}

/// How much less likely (nats of CTC negative log-likelihood) than the greedy reading a
/// lexicon name may be and still replace a word's reading.
pub const SNAP_MAX_COST: f32 = 4.0;

/// Reads a name line crop: the greedy text, words separated by single spaces. The line is
/// cut into words where the network reads a space; a word that is no lexicon name becomes
/// the lexicon name (of `gender`, or of either gender) that the network finds most likely
/// in the word's columns, when it is at most [`SNAP_MAX_COST`] less likely than the
/// reading; a rare name read clearly stays as read.
pub fn read_name(
    net: &LineNet,
    crop: &GrayImage,
    gender: Option<Gender>,
) -> candle_core::Result<String> {
    let Some(line) = net.read_lines_scored(std::slice::from_ref(crop))?.pop() else {
        return Ok(String::new());
    };
    Ok(words_of(&line.log_probs, gender))
}

/// The words read in a name line's log-probabilities `[columns][classes]` (visual order),
/// each snapped ([`snap_word`]), in reading order.
fn words_of(log_probs: &[Vec<f32>], gender: Option<Gender>) -> String {
    let space = NAME_ARCH.class_of(' ');
    let best = |lp: &Vec<f32>| {
        lp.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(k, _)| k)
    };
    // The words' columns, left to right (the last word read first).
    let mut words: Vec<String> = log_probs
        .split(|lp| best(lp) == space)
        .filter_map(|columns| snap_word(columns, gender))
        .collect();
    words.reverse();
    words.join(" ")
}

/// The word read in `columns` (log-probabilities of one word's columns), snapped to the
/// lexicon as [`read_name`] says; `None` when nothing is read there.
fn snap_word(columns: &[Vec<f32>], gender: Option<Gender>) -> Option<String> {
    let chars = NAME_ARCH.decode(columns);
    let word: String = chars.iter().map(|c| c.ch).filter(|c| *c != ' ').collect();
    if word.is_empty() {
        return None;
    }
    let lexicon = crate::names::lexicon_words();
    if lexicon
        .iter()
        .any(|(w, _)| printed_forms(w).any(|f| f == word))
    {
        return Some(word);
    }
    let line = crate::digits::LineRead {
        chars,
        log_probs: columns.to_vec(),
    };
    let Some(read_cost) = line.nll_in(&word, &NAME_ARCH) else {
        return Some(word);
    };
    let best = lexicon
        .iter()
        .filter(|(_, g)| gender.is_none() || g.is_none() || *g == gender)
        .flat_map(|(w, _)| printed_forms(w))
        .filter_map(|form| Some((line.nll_in(&form, &NAME_ARCH)?, form)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    Some(match best {
        Some((cost, form)) if cost <= read_cost + SNAP_MAX_COST => form,
        _ => word,
    })
}

/// A name as cards print it: as spelled, without the hamza of `أ`/`إ`, with a final `ي`
/// as `ى`, and both.
fn printed_forms(name: &str) -> impl Iterator<Item = String> {
    let plain = name.replace(['أ', 'إ'], "ا");
    let dotless = |s: &str| match s.strip_suffix('ي') {
        Some(stem) if !stem.is_empty() => Some(format!("{stem}ى")),
        _ => None,
    };
    let mut forms = vec![name.to_string()];
    forms.extend(dotless(name));
    if plain != name {
        forms.extend(dotless(&plain));
        forms.push(plain);
    }
    forms.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_is_the_generators() {
        let letters: String = NAME_ALPHABET[..NAME_ALPHABET.len() - 1].iter().collect();
        assert_eq!(letters, hawiya_synth::NAME_LETTERS);
        assert_eq!(NAME_ARCH.classes(), 38);
    }

    /// Generated lines of 100 the shipped weights must read exactly (measured: see MODELS.md).
    const MIN_EXACT: usize = 6;

    #[test]
    fn the_shipped_weights_are_the_recorded_ones_and_read_generated_lines() {
        use sha2::Digest;
        assert_eq!(hex::encode(sha2::Sha256::digest(WEIGHTS)), WEIGHTS_SHA256);
        assert!(include_str!("../../../MODELS.md").contains(WEIGHTS_SHA256));
        // Lines of a seed no training run used, read as the front reader reads them.
        let g = hawiya_synth::Generator::new(None).unwrap();
        let net = shipped().unwrap();
        let lines: Vec<_> = (0..100).map(|i| g.card_name_line(907, i)).collect();
        let crops: Vec<GrayImage> = lines.iter().map(|l| l.image.clone()).collect();
        let reads = net.read_lines_scored(&crops).unwrap();
        let exact = lines
            .iter()
            .zip(&reads)
            .filter(|(l, r)| r.chars.iter().map(|c| c.ch).collect::<String>() == l.text)
            .count();
        assert!(
            exact >= MIN_EXACT,
            "{exact} of 100 generated name lines read exactly"
        );
    }

    #[test]
    fn each_word_is_snapped_in_its_own_columns() {
        // "محمر على" drawn right to left: one column per letter, blanks between, the
        // misread last letter of the first word unsure (ر 0.5, د 0.3).
        let classes = NAME_ARCH.classes();
        let column = |probs: &[(char, f32)]| -> Vec<f32> {
            let rest = 1.0 - probs.iter().map(|p| p.1).sum::<f32>();
            let mut v = vec![(rest / classes as f32).ln(); classes];
            for (c, p) in probs {
                let k = if *c == '_' {
                    0
                } else {
                    NAME_ARCH.class_of(*c).unwrap()
                };
                v[k] = (p + rest / classes as f32).ln();
            }
            v
        };
        let mut log_probs = Vec::new();
        let visual: Vec<Vec<(char, f32)>> = "محمر على"
            .chars()
            .rev()
            .map(|c| match c {
                'ر' => vec![('ر', 0.5), ('د', 0.3)],
                c => vec![(c, 0.9)],
            })
            .collect();
        for probs in &visual {
            log_probs.push(column(probs));
            log_probs.push(column(&[('_', 0.9)]));
        }
        assert_eq!(words_of(&log_probs, Some(Gender::Male)), "محمد على");
    }

    #[test]
    fn printed_forms_drop_hamza_and_dots() {
        let forms: Vec<String> = printed_forms("إبراهيم").collect();
        assert_eq!(forms, ["إبراهيم", "ابراهيم"]);
        let forms: Vec<String> = printed_forms("علي").collect();
        assert_eq!(forms, ["علي", "على"]);
        let forms: Vec<String> = printed_forms("أسامي").collect();
        assert_eq!(forms, ["أسامي", "أسامى", "اسامى", "اسامي"]);
    }
}

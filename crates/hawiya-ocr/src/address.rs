//! Reading an address line that mixes Arabic words and Arabic-Indic numbers (house and
//! building numbers, street names such as `٩ مارس`).
//!
//! Tesseract `ara` cannot read the digits ٢-٩: it drops them or reads them as letters
//! (`١٧٢` as `لاا`). So the line is cut into ink words; each is offered to the digit
//! recogniser, and the words it reads surely as digits are numbers. The numbers are cut out,
//! the rest closed up with a word gap, and Tesseract reads it as one line (it reads words far
//! better in context than alone, and drops a lone `ش` beside a wide blank). Its words are
//! then dealt, in reading order, to the runs of text words between the numbers, by how many
//! ink words each run holds. Line 1 is then mended against address and name words
//! ([`mend_line_1`]), line 2 against the governorates ([`mend_line_2`]).

use crate::digits::{self, DigitNet};
use crate::ink;
use crate::tesseract::TesseractPool;
use crate::vocab::Entry;
use image::{GrayImage, Luma};
use std::sync::LazyLock;

/// A piece of the line, in visual order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A number (Arabic-Indic digits).
    Number(String),
    /// A run of this many ink words of text.
    Words(usize),
}

/// Least character probability for an ink word to count as a number.
const NUMBER_MIN_PROB: f32 = 0.7;
/// Most digits in an address number.
const NUMBER_MAX_DIGITS: usize = 4;
/// Gap between words, as a fraction of the line's ink band height.
const WORD_GAP: f32 = 0.16;
/// Ink words this close (fraction of the band height) may be parts of one number.
const JOIN_GAP: f32 = 0.45;
/// An ink word narrower than this (fraction of the band height) is a thin stroke (`١`, `ا`).
const THIN_STROKE: f32 = 0.25;

/// The line in reading order: `visual` read right to left, numbers in place, each run of
/// text words given its share of Tesseract's `words` (reading order). When Tesseract found
/// as many words as the runs hold, each run gets exactly its own; otherwise each gets a
/// share in proportion (rounded down), the last run the rest.
pub fn assemble(visual: &[Piece], words: &[&str]) -> String {
    let reading: Vec<&Piece> = visual.iter().rev().collect();
    let ink_words: usize = reading
        .iter()
        .map(|p| match p {
            Piece::Words(n) => *n,
            Piece::Number(_) => 0,
        })
        .sum();
    let runs = reading
        .iter()
        .filter(|p| matches!(p, Piece::Words(_)))
        .count();
    let mut out: Vec<String> = Vec::new();
    let mut next = 0;
    let mut run = 0;
    for piece in reading {
        match piece {
            Piece::Number(n) => out.push(n.clone()),
            Piece::Words(n) => {
                run += 1;
                let take = if run == runs {
                    words.len() - next
                } else if ink_words == words.len() {
                    *n
                } else {
                    *n * words.len() / ink_words.max(1)
                };
                let take = take.min(words.len() - next);
                out.extend(words[next..next + take].iter().map(|w| w.to_string()));
                next += take;
            }
        }
    }
    out.join(" ")
}

/// A line cut into ink words as the address reader cuts it (also how `hawiya train digits`
/// cuts the word pieces it teaches the digit recogniser to read as nothing).
pub struct InkWords {
    /// The line with its lighting flattened (paper white).
    flat: GrayImage,
    /// Height of the line's ink band (pixels).
    band: f32,
    /// Least gap between two ink words (pixels).
    gap: u32,
    /// `(x0, x1)` of each ink word, left to right.
    pub spans: Vec<(u32, u32)>,
}

impl InkWords {
    /// Cuts `crop`; `None` when it holds no ink.
    pub fn cut(crop: &GrayImage) -> Option<InkWords> {
        let (_, y0, _, y1) = ink::ink_box(crop)?;
        let band = (y1 - y0) as f32;
        let gap = ((band * WORD_GAP).round() as u32).max(3);
        Some(InkWords {
            flat: ink::flatten(crop),
            band,
            gap,
            spans: ink::ink_segments(crop, gap),
        })
    }

    /// Columns `x0..x1` as the digit recogniser was trained to see a word: cut to its ink
    /// rows, with margins of blank paper (the neighbouring words are too close to take real
    /// margins).
    pub fn crop(&self, x0: u32, x1: u32) -> GrayImage {
        let h = self.flat.height();
        let word = image::imageops::crop_imm(&self.flat, x0, 0, x1 - x0, h).to_image();
        let word = ink::tighten(&word, 0.0, 0.15);
        let margin = (self.band * 0.3).round() as u32;
        let mut padded =
            GrayImage::from_pixel(word.width() + 2 * margin, word.height(), Luma([255]));
        image::imageops::replace(&mut padded, &word, i64::from(margin), 0);
        padded
    }

    /// Whether columns `x0..x1` are a thin stroke (`١`, `ا`).
    pub fn is_thin(&self, x0: u32, x1: u32) -> bool {
        ((x1 - x0) as f32) < self.band * THIN_STROKE
    }
}

/// Reads an address line (see the module docs); the text is cleaned as
/// [`crate::id_front::clean_arabic`] does.
pub fn read_line(
    crop: &GrayImage,
    net: &DigitNet,
    tesseract: &TesseractPool,
) -> anyhow::Result<String> {
    let tesseract_words = |img: &GrayImage| -> anyhow::Result<Vec<String>> {
        let text = crate::id_front::clean_arabic(&tesseract.read_line(img)?);
        Ok(text.split_whitespace().map(str::to_string).collect())
    };
    let Some(cut) = InkWords::cut(crop) else {
        return Ok(String::new());
    };
    let (band, gap, flat) = (cut.band, cut.gap, &cut.flat);
    let number_of = |r: &[digits::ReadChar]| -> Option<String> {
        let sure = !r.is_empty()
            && r.len() <= NUMBER_MAX_DIGITS
            && r.iter()
                .all(|c| c.ch.is_ascii_digit() && c.prob >= NUMBER_MIN_PROB);
        sure.then(|| digits::text(r))
    };
    let crops: Vec<GrayImage> = cut.spans.iter().map(|&(a, b)| cut.crop(a, b)).collect();
    let reads = digits::read_lines(net, &crops)?;
    // (x0, x1, number) of each ink word, left to right. A thin stroke read as `1` is as
    // likely the alef of `ال` (the same shape): left to Tesseract, which reads both `ا` and
    // `١`, unless it joins a number below.
    let mut words: Vec<(u32, u32, Option<String>)> = cut
        .spans
        .iter()
        .zip(&reads)
        .map(|(&(a, b), r)| {
            let n = number_of(r).filter(|n| !(n == "1" && cut.is_thin(a, b)));
            (a, b, n)
        })
        .collect();
    // Digits with wide side bearings fall apart at the word gap (a lone `١` reads as
    // nothing): a close neighbour of a number, or two close thin strokes, join when together
    // they read as a number with more digits than either part (two numbers: at least as
    // many as both).
    let digits_in = |n: &Option<String>| n.as_ref().map_or(0, String::len);
    let near = (band * JOIN_GAP).round() as u32;
    let mut i = 0;
    while i + 1 < words.len() {
        let (a, b) = (&words[i], &words[i + 1]);
        let candidate =
            (a.2.is_some() || b.2.is_some() || (cut.is_thin(a.0, a.1) && cut.is_thin(b.0, b.1)))
                && b.0 - a.1 <= near;
        if candidate {
            let read = digits::read_lines(net, &[cut.crop(a.0, b.1)])?;
            if let Some(n) = read.first().and_then(|r| number_of(r)) {
                // Two numbers side by side read again together: a lone small digit (`٠`)
                // scaled up to its own ink alone reads as a large one (`٩`).
                let (da, db) = (digits_in(&a.2), digits_in(&b.2));
                let both = da > 0 && db > 0;
                if n.len() > da.max(db) && (!both || n.len() >= da + db) {
                    words[i] = (a.0, b.1, Some(n));
                    words.remove(i + 1);
                    i = i.saturating_sub(1);
                    continue;
                }
            }
        }
        i += 1;
    }
    let mut visual: Vec<Piece> = Vec::new();
    // Columns of the numbers, up to the word gap either side (no other word is nearer):
    // faint and blurred edges of the digits lie past the columns counted as ink.
    let mut cut_out: Vec<(u32, u32)> = Vec::new();
    for (x0, x1, number) in &words {
        match (number, visual.last_mut()) {
            (Some(n), Some(Piece::Number(prev))) => prev.push_str(n),
            (Some(n), _) => visual.push(Piece::Number(n.clone())),
            (None, Some(Piece::Words(k))) => *k += 1,
            (None, _) => visual.push(Piece::Words(1)),
        }
        if number.is_some() {
            let reach = gap.saturating_sub(1);
            cut_out.push((x0.saturating_sub(reach), (*x1 + reach).min(flat.width())));
        }
    }
    if cut_out.is_empty() {
        return Ok(tesseract_words(crop)?.join(" "));
    }
    let masked = splice_out(flat, &cut_out, (band * SPLICE_GAP).round() as u32);
    for piece in visual.iter_mut() {
        if let Piece::Number(n) = piece {
            *n = hawiya_core::digits::to_arabic_indic(n);
        }
    }
    // Tokens with Latin digits are misread remnants of numbers (Tesseract's own `١` and
    // `٠` are kept: it reads those).
    let words: Vec<String> = tesseract_words(&masked)?
        .into_iter()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Ok(assemble(&visual, &words))
}

/// Gap left where numbers were cut out of a line, as a fraction of the band height: a
/// word gap, so that Tesseract reads the words either side as neighbours (across a wide
/// blank it drops a lone short word such as `ش`).
const SPLICE_GAP: f32 = 0.5;

/// `line` with the column ranges `cut` (left to right) taken out and the rest closed up,
/// `gap` blank columns left for each.
fn splice_out(line: &GrayImage, cut: &[(u32, u32)], gap: u32) -> GrayImage {
    let (w, h) = line.dimensions();
    let mut keep: Vec<(u32, u32)> = Vec::new();
    let mut x = 0;
    for &(a, b) in cut {
        if a > x {
            keep.push((x, a));
        }
        x = x.max(b);
    }
    if x < w {
        keep.push((x, w));
    }
    let width: u32 = keep.iter().map(|(a, b)| b - a).sum::<u32>() + gap * cut.len() as u32;
    let mut out = GrayImage::from_pixel(width.max(1), h, Luma([255]));
    let mut at = 0i64;
    for (i, &(a, b)) in keep.iter().enumerate() {
        let part = image::imageops::crop_imm(line, a, 0, b - a, h).to_image();
        image::imageops::replace(&mut out, &part, at, 0);
        at += i64::from(b - a);
        if i + 1 < keep.len() {
            at += i64::from(gap);
        }
    }
    out
}

/// What address line 1 is mended against: the address words ([`crate::vocab::ADDRESS_WORDS`])
/// and the words of the name lexicon (streets named after people).
static LINE_1_WORDS: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut words: Vec<Entry> = crate::vocab::ADDRESS_WORDS.to_vec();
    for &(w, _) in crate::names::lexicon_words() {
        if !words.iter().any(|(v, _)| *v == w) {
            words.push((w, None));
        }
    }
    words
});

/// Shortest word of address line 1 that is snapped to a list: street names are an open
/// vocabulary, and a short one read right (`حرب`, `العز`) is one or two edits from a listed
/// word (`درب`, `العزيز`).
const MEND_MIN_LETTERS: usize = 6;

/// Whether `w` is the street mark `ش` with a speck read beside it (`اش`, `نش`, `شن`):
/// Tesseract reads the lone letter's dots and the gap around it as extra letters.
fn is_street_mark(w: &str) -> bool {
    let letters: Vec<char> = w.chars().collect();
    letters.len() == 2
        && letters.contains(&'ش')
        && letters
            .iter()
            .all(|c| matches!(c, 'ش' | 'ا' | 'ن' | 'ل' | 'ب' | 'ي' | 'ت'))
}

/// Address line 1 mended word by word, as names are ([`crate::names::mend`]): dashes
/// (none belong on line 1) dropped, two neighbours that make a known word only together
/// (`بور سعيد`) joined, and a word no list knows snapped to the one address or name word it
/// clearly misreads (`المستشة` → `المستشفى`; words of six letters and more), `اش` read as
/// `ش`. Numbers and words far from every entry are kept as read.
pub fn mend_line_1(text: &str) -> String {
    let known = |w: &str| LINE_1_WORDS.iter().any(|(v, _)| *v == w);
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .collect();
    let is_number = |w: &str| w.chars().all(|c| c.is_numeric());
    crate::vocab::mend_words(&words, known, |w| {
        if known(w) || is_number(w) {
            w.to_string()
        } else if is_street_mark(w) {
            "ش".to_string()
        } else if w.chars().count() >= MEND_MIN_LETTERS {
            crate::vocab::snap_or_raw(w, &LINE_1_WORDS, None)
        } else {
            w.to_string()
        }
    })
}

/// Address line 2 (`[قسم|مركز] district - governorate`) with its closed parts snapped (see
/// [`crate::vocab::snap`]): the governorate to the list of governorates, the leading `قسم` /
/// `مركز` to those words, and the district to that governorate's districts
/// ([`crate::districts`]); a district not in the list is kept as read.
pub fn mend_line_2(text: &str) -> String {
    let Some((head, tail)) = text.rsplit_once('-') else {
        return text.to_string();
    };
    let governorates: Vec<crate::vocab::Entry> = hawiya_core::nid::GOVERNORATES
        .iter()
        .map(|g| (g.name_ar, None))
        .collect();
    let tail = tail.trim();
    let tail = crate::vocab::snap_or_raw(tail, &governorates, None);
    let mut words: Vec<String> = head.split_whitespace().map(str::to_string).collect();
    let mut prefix = None;
    if words.len() >= 2 {
        let first = crate::vocab::snap(&words[0], &[("قسم", None), ("مركز", None)], None);
        if let Some(p) = first {
            prefix = Some(p);
            words.remove(0);
        }
    }
    let district = words.join(" ");
    let known: Vec<crate::vocab::Entry> = hawiya_core::nid::GOVERNORATES
        .iter()
        .find(|g| g.name_ar == tail)
        .map(|g| crate::districts::of(g.code))
        .unwrap_or_default()
        .iter()
        .map(|d| (*d, None))
        .collect();
    let district = if known.iter().any(|(d, _)| *d == district) {
        district
    } else {
        crate::vocab::snap_short_list(&district, &known).map_or(district, str::to_string)
    };
    let head = match prefix {
        Some(p) => format!("{p} {district}"),
        None => district,
    };
    format!("{head} - {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Piece {
        Piece::Number(s.to_string())
    }

    #[test]
    fn numbers_go_between_the_runs_of_words() {
        // Visual order left to right: "مارس" "٩" "ش" "١٧٧" — reading order starts at the right.
        let visual = [Piece::Words(1), n("٩"), Piece::Words(1), n("١٧٧")];
        assert_eq!(assemble(&visual, &["ش", "مارس"]), "١٧٧ ش ٩ مارس");
        // A building number at the end of the reading.
        let visual = [n("٥٩"), Piece::Words(4)];
        assert_eq!(
            assemble(&visual, &["ش", "عبد", "العزيز", "عمارة"]),
            "ش عبد العزيز عمارة ٥٩"
        );
        // Tesseract split a word the ink kept whole: the last run takes the rest.
        let visual = [Piece::Words(1), n("٢٦"), Piece::Words(1), n("١٢٣")];
        assert_eq!(assemble(&visual, &["ش", "يو", "ليو"]), "١٢٣ ش ٢٦ يو ليو");
        // Fewer words than ink words: shares in proportion.
        let visual = [Piece::Words(2), n("٩"), Piece::Words(2)];
        assert_eq!(assemble(&visual, &["ش", "مارس"]), "ش ٩ مارس");
        assert_eq!(assemble(&[n("٥")], &[]), "٥");
        assert_eq!(assemble(&[], &["ش"]), "");
    }

    #[test]
    fn line_1_mends_misread_address_words() {
        assert_eq!(mend_line_1("٩٠ نش بورسعيد"), "٩٠ ش بورسعيد");
        assert_eq!(mend_line_1("١٢٣ ش- ٢٦ يوليو"), "١٢٣ ش ٢٦ يوليو");
        assert_eq!(mend_line_1("٤ اش المستشة"), "٤ ش المستشفى");
        assert_eq!(mend_line_1("ش بور سعيد عمارة ٢٠٢"), "ش بورسعيد عمارة ٢٠٢");
        assert_eq!(mend_line_1("ش الشبيد أحمد حمدي"), "ش الشهيد أحمد حمدي");
        // Short words are not snapped: read right, they are often near a listed word.
        assert_eq!(mend_line_1("ش طلعت حرب"), "ش طلعت حرب");
        assert_eq!(mend_line_1("قرية ميت العز"), "قرية ميت العز");
        // A street no list knows stays as read.
        assert_eq!(mend_line_1("٧ ش القرنفليات"), "٧ ش القرنفليات");
    }

    #[test]
    fn line_2_snaps_its_closed_parts() {
        assert_eq!(mend_line_2("مركا سوهاج - سوهاج"), "مركز سوهاج - سوهاج");
        assert_eq!(
            mend_line_2("مرز حي الضواحي - بورسعيد"),
            "مركز حي الضواحي - بورسعيد"
        );
        assert_eq!(mend_line_2("أبشواي - الفيرم"), "أبشواي - الفيوم");
        assert_eq!(mend_line_2("البياضية - الآقصر"), "البياضية - الأقصر");
        // Districts snap within their governorate; one not listed is kept.
        assert_eq!(mend_line_2("الوا سطى - بني سويف"), "الواسطى - بني سويف");
        assert_eq!(mend_line_2("قسم زفق - الغربية"), "قسم زفتى - الغربية");
        assert_eq!(mend_line_2("مركز الدفي - الجيزة"), "مركز الدقي - الجيزة");
        assert_eq!(mend_line_2("قسم الكرنك - الأقصر"), "قسم الكرنك - الأقصر");
        // A governorate no list knows: nothing to snap the district to.
        assert_eq!(mend_line_2("قسم زفق - كلام"), "قسم زفق - كلام");
        assert_eq!(mend_line_2("قسم زفق - "), "قسم زفق - ");
        // A one-word district is not a prefix; text without a dash is kept.
        assert_eq!(mend_line_2("مركا - سوهاج"), "مركا - سوهاج");
        assert_eq!(mend_line_2("مركز سوهاج"), "مركز سوهاج");
    }
}

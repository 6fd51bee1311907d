//! Reading an address line that mixes Arabic words and Arabic-Indic numbers (house and
//! building numbers, street names such as `٩ مارس`).
//!
//! Tesseract `ara` cannot read the digits ٢-٩: it drops them or reads them as letters
//! (`١٧٢` as `لاا`). So the line is cut into ink words; each is offered to the digit
//! recogniser, and the words it reads surely as digits are numbers. The numbers are painted
//! out and Tesseract reads the rest of the line as one line (it reads words far better in
//! context than alone). Its words are then dealt, in reading order, to the runs of text
//! words between the numbers, by how many ink words each run holds.

use crate::digits::{self, DigitNet};
use crate::ink;
use crate::tesseract::TesseractPool;
use image::{GrayImage, Luma};

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
    let Some((_, y0, _, y1)) = ink::ink_box(crop) else {
        return Ok(String::new());
    };
    let gap = (((y1 - y0) as f32 * WORD_GAP).round() as u32).max(3);
    let band = (y1 - y0) as f32;
    let h = crop.height();
    // A word as the digit recogniser was trained to see it: cut to its ink rows, with
    // margins of blank paper (the line's lighting flattened, so the paper is white) — the
    // neighbouring words are too close to take real margins.
    let flat = ink::flatten(crop);
    let word_crop = |x0: u32, x1: u32| -> GrayImage {
        let word = image::imageops::crop_imm(&flat, x0, 0, x1 - x0, h).to_image();
        let word = ink::tighten(&word, 0.0, 0.15);
        let margin = (band * 0.3).round() as u32;
        let mut padded =
            GrayImage::from_pixel(word.width() + 2 * margin, word.height(), Luma([255]));
        image::imageops::replace(&mut padded, &word, i64::from(margin), 0);
        padded
    };
    let number_of = |r: &[digits::ReadChar]| -> Option<String> {
        let sure = !r.is_empty()
            && r.len() <= NUMBER_MAX_DIGITS
            && r.iter()
                .all(|c| c.ch.is_ascii_digit() && c.prob >= NUMBER_MIN_PROB);
        sure.then(|| digits::text(r))
    };
    // (x0, x1, number) of each ink word, left to right.
    let segments = ink::ink_segments(crop, gap);
    let crops: Vec<GrayImage> = segments.iter().map(|&(a, b)| word_crop(a, b)).collect();
    let reads = digits::read_lines(net, &crops)?;
    // A thin stroke read as `1` is as likely the alef of `ال` (the same shape): left to
    // Tesseract, which reads both `ا` and `١`, unless it joins a number below.
    let mut words: Vec<(u32, u32, Option<String>)> = segments
        .iter()
        .zip(&reads)
        .map(|(&(a, b), r)| {
            let n = number_of(r).filter(|n| !(n == "1" && ((b - a) as f32) < band * THIN_STROKE));
            (a, b, n)
        })
        .collect();
    // Digits with wide side bearings fall apart at the word gap (a lone `١` reads as
    // nothing): a close neighbour of a number, or two close thin strokes, join when together
    // they read as a number with more digits than their parts.
    let digits_in = |n: &Option<String>| n.as_ref().map_or(0, String::len);
    let thin = |a: u32, b: u32| ((b - a) as f32) < band * THIN_STROKE;
    let near = (band * JOIN_GAP).round() as u32;
    let mut i = 0;
    while i + 1 < words.len() {
        let (a, b) = (&words[i], &words[i + 1]);
        let candidate = (a.2.is_some() || b.2.is_some() || (thin(a.0, a.1) && thin(b.0, b.1)))
            && b.0 - a.1 <= near;
        if candidate {
            let read = digits::read_lines(net, &[word_crop(a.0, b.1)])?;
            if let Some(n) = read.first().and_then(|r| number_of(r)) {
                if n.len() > digits_in(&a.2).max(digits_in(&b.2)) {
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
    let mut masked = flat.clone();
    for (x0, x1, number) in &words {
        match (number, visual.last_mut()) {
            (Some(n), Some(Piece::Number(prev))) => prev.push_str(n),
            (Some(n), _) => visual.push(Piece::Number(n.clone())),
            (None, Some(Piece::Words(k))) => *k += 1,
            (None, _) => visual.push(Piece::Words(1)),
        }
        if number.is_some() {
            // Up to the word gap either side (no other word is nearer): faint and blurred
            // edges of the digits lie past the columns counted as ink.
            let reach = gap.saturating_sub(1);
            let (a, b) = (x0.saturating_sub(reach), (*x1 + reach).min(masked.width()));
            for x in a..b {
                for y in 0..h {
                    masked.put_pixel(x, y, Luma([255]));
                }
            }
        }
    }
    if !visual.iter().any(|p| matches!(p, Piece::Number(_))) {
        return Ok(tesseract_words(crop)?.join(" "));
    }
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

/// Address line 2 (`[قسم|مركز] district - governorate`) with its closed parts snapped: the
/// governorate to the list of governorates, the leading `قسم` / `مركز` to those words (see
/// [`crate::vocab::snap`]). The district is kept as read (no district list yet).
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
    if words.len() >= 2 {
        words[0] = crate::vocab::snap_or_raw(&words[0], &[("قسم", None), ("مركز", None)], None);
    }
    format!("{} - {tail}", words.join(" "))
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
    fn line_2_snaps_its_closed_parts() {
        assert_eq!(mend_line_2("مركا سوهاج - سوهاج"), "مركز سوهاج - سوهاج");
        assert_eq!(
            mend_line_2("مرز حي الضواحي - بورسعيد"),
            "مركز حي الضواحي - بورسعيد"
        );
        assert_eq!(mend_line_2("أبشواي - الفيرم"), "أبشواي - الفيوم");
        assert_eq!(mend_line_2("البياضية - الآقصر"), "البياضية - الأقصر");
        // A one-word district is not a prefix; text without a dash is kept.
        assert_eq!(mend_line_2("مركا - سوهاج"), "مركا - سوهاج");
        assert_eq!(mend_line_2("مركز سوهاج"), "مركز سوهاج");
    }
}

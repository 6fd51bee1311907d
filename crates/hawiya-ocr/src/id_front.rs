//! Reading the front of a rectified national ID card: the 14-digit number and the printed
//! birth date with the digit recogniser, the name and address lines with Tesseract `ara`,
//! the numbers in address line 1 with the digit recogniser again ([`crate::address`]).
//!
//! The number is repaired with its own structure: when the read digits do not form a valid
//! number (date, governorate, check digit), the runner-up digit of the least certain
//! positions is tried, one position at a time, and the first valid result is kept (marked
//! `repaired`).

use crate::digits::{self, LineRead};
use crate::layout::{self, Roi};
use chrono::NaiveDate;
use hawiya_core::nid::{parse_national_id, NationalId, NidError};
use image::{DynamicImage, GrayImage, RgbImage};

/// Least character probability of a number read surely (see [`FrontText::findings`]);
/// set on the real dev photos' tuning part, where 0.7 let a misread valid number through.
pub const MIN_SURE_PROB: f32 = 0.8;

/// The national ID number as read.
#[derive(Debug, Clone, PartialEq)]
pub struct NidReading {
    /// The recogniser's string (ASCII digits), before repair.
    pub raw: String,
    /// The parsed number (after repair, if one was needed and found).
    pub parsed: Result<NationalId, NidError>,
    /// Whether the number was mended to be valid: a digit replaced by its runner-up, or
    /// read from a re-cut of the line ([`crate::anchor`]'s `RECUTS`) when the line as found
    /// read no valid number.
    pub repaired: bool,
    /// Lowest character probability of the reading.
    pub min_prob: f32,
    /// Whether a second, independent reading (another crop of the line) gave the same
    /// valid number.
    pub confirmed: bool,
}

impl NidReading {
    /// The number's findings: its structure (3001, 3002, 3003 as the parser names them) or
    /// its check digit (3001); none for a valid number.
    pub fn findings(&self) -> Vec<Finding> {
        match &self.parsed {
            Err(e) => vec![Finding {
                field: Some(e.field()),
                value: Some(self.raw.clone()),
                code: e.code(),
            }],
            Ok(n) if !n.checksum_valid => vec![Finding {
                field: Some("idNumber"),
                value: Some(n.digits.clone()),
                code: hawiya_core::codes::INVALID_ID_NUMBER.code,
            }],
            Ok(_) => Vec::new(),
        }
    }

    /// Whether the number was read surely: confirmed by a second reading, or read as
    /// printed with every character above [`MIN_SURE_PROB`].
    pub fn sure(&self) -> bool {
        self.confirmed || (!self.repaired && self.min_prob >= MIN_SURE_PROB)
    }

    /// The number when it is valid (structure and check digit).
    pub fn valid(&self) -> Option<&NationalId> {
        self.parsed.as_ref().ok().filter(|n| n.checksum_valid)
    }

    /// The API's `idNumber`: the parsed digits, else the raw reading.
    pub fn api_value(&self) -> String {
        self.parsed
            .as_ref()
            .map(|n| n.digits.clone())
            .unwrap_or_else(|_| self.raw.clone())
    }
}

/// The text fields of a card front.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontText {
    /// The national ID number.
    pub id_number: NidReading,
    /// The printed birth date as read (`YYYY/MM/DD` in ASCII digits; may be malformed).
    pub birth_date_printed: String,
    /// Whether the printed birth date line fits the number's birth date: `Some(false)` only
    /// when that date is clearly less likely than what was read (see [`REPAIR_MAX_COST`]);
    /// `None` without a valid number.
    pub birth_date_agrees: Option<bool>,
    /// First name.
    pub first_name: String,
    /// The other names.
    pub last_names: String,
    /// Address line 1 (house number and street).
    pub address_1: String,
    /// Address line 2 (district - governorate).
    pub address_2: String,
    /// The Latin card serial (`idKey`) as read: capital letters and digits only; empty when
    /// nothing was read.
    pub id_key: String,
    /// Estimated blur of the number line ([`crate::quality::blur_sigma`]).
    pub blur_sigma: f32,
    /// The text field most washed out by glare, and the washed-out fraction of its text
    /// span ([`crate::quality::worst_glare`]).
    pub glare: (&'static str, f32),
}

/// The grey crop of a field.
pub(crate) fn grey(card: &RgbImage, roi: Roi) -> GrayImage {
    DynamicImage::ImageRgb8(layout::crop(card, roi)).to_luma8()
}

/// Keeps Arabic letters, digits, spaces and `-`; collapses spaces.
pub fn clean_arabic(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| match c {
            '\u{0621}'..='\u{064A}' | '\u{0660}'..='\u{0669}' | '0'..='9' | '-' => c,
            _ => ' ',
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_digit(word: &str) -> bool {
    word.chars()
        .any(|c| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c))
}

/// A name line: Arabic words only (a name has no digits; Tesseract sometimes reads a short
/// name or a speck as `0`).
pub fn clean_name(text: &str) -> String {
    clean_arabic(text)
        .split_whitespace()
        .filter(|w| !has_digit(w) && *w != "-")
        .collect::<Vec<_>>()
        .join(" ")
}

/// How much less likely (in nats of CTC negative log-likelihood) than the greedy reading a
/// repaired number may be.
pub(crate) const REPAIR_MAX_COST: f32 = 8.0;
/// The same for a digit doubled next to its twin (a merged repeat).
const REPAIR_TWIN_MAX_COST: f32 = 20.0;
/// How much more likely than the next valid candidate a repair must be.
const REPAIR_MIN_MARGIN: f32 = 2.0;

/// Picks the national ID number from the recogniser's reading (see the module docs).
pub fn repair_nid(read: &LineRead, today: NaiveDate) -> NidReading {
    let raw = digits::text(&read.chars);
    let min_prob = read.chars.iter().map(|c| c.prob).fold(1.0f32, f32::min);
    let first = parse_national_id(&raw, today);
    let as_read = |parsed| NidReading {
        raw: raw.clone(),
        parsed,
        repaired: false,
        min_prob,
        confirmed: false,
    };
    if matches!(&first, Ok(n) if n.checksum_valid) || !(12..=16).contains(&read.chars.len()) {
        return as_read(first);
    }
    // Every string one edit away (a digit changed, lost or added) that is a valid number,
    // scored by how likely the line's columns make it, with its allowed cost: a digit
    // doubled next to its twin undoes the commonest error (blur merges "11" into one "1" in
    // the CTC output), so it may cost more.
    let chars: Vec<char> = raw.chars().collect();
    let mut candidates: std::collections::BTreeMap<String, f32> = Default::default();
    let mut add = |c: Vec<char>, allowed: f32| {
        let e = candidates.entry(c.into_iter().collect()).or_insert(allowed);
        *e = e.max(allowed);
    };
    for i in 0..=chars.len() {
        for d in '0'..='9' {
            let mut c = chars.clone();
            c.insert(i, d);
            let twin = (i > 0 && chars[i - 1] == d) || chars.get(i) == Some(&d);
            add(
                c,
                if twin {
                    REPAIR_TWIN_MAX_COST
                } else {
                    REPAIR_MAX_COST
                },
            );
            if i < chars.len() {
                let mut c = chars.clone();
                c[i] = d;
                add(c, REPAIR_MAX_COST);
            }
        }
        if i < chars.len() {
            let mut c = chars.clone();
            c.remove(i);
            add(c, REPAIR_MAX_COST);
        }
    }
    let mut scored: Vec<(f32, f32, NationalId)> = candidates
        .iter()
        .filter_map(|(c, allowed)| {
            let n = parse_national_id(c, today)
                .ok()
                .filter(|n| n.checksum_valid)?;
            Some((read.nll(c)?, *allowed, n))
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let raw_nll = read.nll(&raw).unwrap_or(f32::INFINITY);
    match scored.as_slice() {
        [(best, allowed, n), rest @ ..]
            if *best <= raw_nll + allowed
                && rest
                    .first()
                    .is_none_or(|(next, _, _)| next - best >= REPAIR_MIN_MARGIN) =>
        {
            NidReading {
                raw: raw.clone(),
                parsed: Ok(n.clone()),
                repaired: true,
                min_prob,
                confirmed: false,
            }
        }
        _ => as_read(first),
    }
}

/// The front's text fields, where glare is looked for.
pub const TEXT_FIELDS: &[(&str, Roi)] = &[
    ("firstName", layout::FRONT_FIRST_NAME),
    ("lastName", layout::FRONT_LAST_NAMES),
    ("address", layout::FRONT_ADDRESS_1),
    ("address", layout::FRONT_ADDRESS_2),
    ("idNumber", layout::FRONT_ID_NUMBER),
    ("dateOfBirth", layout::FRONT_BIRTH_DATE),
];

/// Width the text column of the card is given to the line detector at: about half the
/// card's scale (its lines are 30-50 px high on the card), a fifth of the whole card's cost.
const DETECT_WIDTH: u32 = 352;

/// The text lines the detector finds in the front's text column
/// ([`layout::FRONT_TEXT_COLUMN`]), in card pixels.
pub fn text_lines(
    card: &RgbImage,
    reader: &crate::IdReader,
) -> anyhow::Result<Vec<crate::detect::TextBox>> {
    let [x0, y0, ..] = layout::FRONT_TEXT_COLUMN;
    let column = layout::crop(card, layout::FRONT_TEXT_COLUMN);
    Ok(reader
        .lines
        .detect(&column, DETECT_WIDTH)?
        .into_iter()
        .map(|b| crate::detect::TextBox {
            x0: b.x0 + x0 as f32,
            y0: b.y0 + y0 as f32,
            x1: b.x1 + x0 as f32,
            y1: b.y1 + y0 as f32,
            score: b.score,
        })
        .collect())
}

/// Reads the fields of a rectified front whose number line was already read and repaired
/// (choosing the way up needs it first).
pub fn read_front(
    card: &RgbImage,
    id_number: NidReading,
    reader: &crate::IdReader,
) -> anyhow::Result<FrontText> {
    let (net, tesseract) = (&reader.digits, &reader.tesseract);
    let birth_crop = crate::ink::tighten(&grey(card, layout::FRONT_BIRTH_DATE), 0.3, 0.15);
    let scored = digits::read_lines_scored(net, &[birth_crop])?;
    let birth_line = scored[0].clone();
    let birth_date_printed = digits::text(&birth_line.chars);
    // Does the printed date look like the number's date? Judged by likelihood, not by the
    // greedy string, so a blurred "1999" read as "199" is no mismatch.
    let birth_date_agrees = id_number.parsed.as_ref().ok().map(|n| {
        let expected = n.birth_date.format("%Y/%m/%d").to_string();
        match (
            birth_line.nll(&expected),
            birth_line.nll(&birth_date_printed),
        ) {
            (Some(e), Some(r)) => e <= r + REPAIR_MAX_COST,
            _ => true,
        }
    });
    // Each text line where the detector found it, else where the template puts it.
    let boxes = text_lines(card, reader)?;
    let placed = |roi: Roi| crate::detect::field_box(roi, &boxes);
    let line = |roi: Roi| -> anyhow::Result<String> {
        Ok(clean_arabic(
            &tesseract.read_line(&grey(card, placed(roi)))?,
        ))
    };
    // The first name is in the holder's gender; the father's and grandfather's are men's.
    let holder = id_number.valid().map(|n| n.gender);
    // Tesseract first; where its reading is no lexicon name, the name recogniser's if that
    // is one (real print on the rectified card).
    let mut first_name = crate::names::mend(&clean_name(&line(layout::FRONT_FIRST_NAME)?), holder);
    if !crate::names::all_known(&first_name) {
        let crop = grey(card, placed(layout::FRONT_FIRST_NAME));
        let other = crate::names::mend(
            &crate::name_net::read_name(&reader.names, &crop, holder)?,
            holder,
        );
        if crate::names::all_known(&other) {
            first_name = other;
        }
    }
    let last_names = crate::names::mend(
        &clean_name(&line(layout::FRONT_LAST_NAMES)?),
        Some(hawiya_core::nid::Gender::Male),
    );
    let address_1 = crate::address::mend_line_1(&crate::address::read_line(
        &grey(card, placed(layout::FRONT_ADDRESS_1)),
        net,
        tesseract,
    )?);
    let address_2 = crate::address::mend_line_2(&line(layout::FRONT_ADDRESS_2)?);
    let id_key = read_serial(&layout::crop(card, serial_box(card, reader)?), reader)?;
    Ok(FrontText {
        id_number,
        birth_date_printed,
        birth_date_agrees,
        first_name,
        last_names,
        address_1,
        address_2,
        id_key,
        blur_sigma: crate::quality::blur_sigma(card, layout::FRONT_ID_NUMBER),
        glare: crate::quality::worst_glare(card, TEXT_FIELDS),
    })
}

/// The Latin serial read from its line's crop: capital letters and digits, put in shape
/// ([`serial_fixup`]).
fn read_serial(line: &RgbImage, reader: &crate::IdReader) -> anyhow::Result<String> {
    Ok(serial_fixup(
        &reader
            .latin
            .read(line)?
            .text
            .chars()
            .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .collect::<String>(),
    ))
}

/// Where the Latin card serial is printed: the longest text line the detector finds in
/// the card's bottom-left corner ([`layout::FRONT_ID_KEY_SEARCH`]) with a margin of a
/// fifth of its height, else the template box [`layout::FRONT_ID_KEY`].
fn serial_box(card: &RgbImage, reader: &crate::IdReader) -> anyhow::Result<Roi> {
    let [x0, y0, x1, y1] = layout::FRONT_ID_KEY_SEARCH;
    let area = layout::crop(card, layout::FRONT_ID_KEY_SEARCH);
    let found = crate::detect::longest_line(reader.lines.detect(&area, x1 - x0)?, 3.0);
    Ok(match found {
        Some(b) => [
            (x0 as f32 + b.x0).max(0.0) as u32,
            (y0 as f32 + b.y0).max(0.0) as u32,
            (x0 as f32 + b.x1).min(x1 as f32) as u32,
            (y0 as f32 + b.y1).min(y1 as f32) as u32,
        ],
        None => layout::FRONT_ID_KEY,
    })
}

/// Reads the fields of a front found by its number line ([`crate::anchor`]) from the text
/// lines detected on the photo itself, each cut along its own axis: the card's layout is
/// not assumed beyond the order of the lines above the number. The name lines are read by
/// the name recogniser ([`crate::name_net`]; the rectified card of [`read_front`] keeps
/// Tesseract first, which reads the generated cards' template crops better). The printed birth
/// date is not read on this path (its place differs between card generations); blur and
/// glare are measured on `card`, the photo rectified around the number line.
pub fn read_front_lines(
    img: &RgbImage,
    card: &RgbImage,
    number: &crate::anchor::NumberLine,
    lines: &[crate::detect::OrientedLine],
    reader: &crate::IdReader,
) -> anyhow::Result<FrontText> {
    let (net, tesseract) = (&reader.digits, &reader.tesseract);
    let [first, last, address_1, address_2] = crate::anchor::field_lines(&number.line, lines);
    let crop = |line: Option<crate::detect::OrientedLine>| {
        line.map(|l| DynamicImage::ImageRgb8(crate::anchor::text_crop(img, &l)).to_luma8())
    };
    let read = |line| -> anyhow::Result<String> {
        Ok(match crop(line) {
            Some(grey) => clean_arabic(&tesseract.read_line(&grey)?),
            None => String::new(),
        })
    };
    let holder = number.number.valid().map(|n| n.gender);
    let name = |line: Option<crate::detect::OrientedLine>, gender| -> anyhow::Result<String> {
        Ok(match line {
            Some(l) => crate::name_net::read_name(
                &reader.names,
                &crate::anchor::name_crop(img, &l),
                gender,
            )?,
            None => String::new(),
        })
    };
    let first_name = crate::names::mend(&name(first, holder)?, holder);
    let male = Some(hawiya_core::nid::Gender::Male);
    let last_names = crate::names::mend(&name(last, male)?, male);
    let address_1 = match crop(address_1) {
        Some(grey) => {
            crate::address::mend_line_1(&crate::address::read_line(&grey, net, tesseract)?)
        }
        None => String::new(),
    };
    let address_2 = crate::address::mend_line_2(&read(address_2)?);
    let serial_area = crate::anchor::serial_area(img, &number.line);
    let mut id_key = String::new();
    if let Some(line) = crate::anchor::serial_line(&serial_area, reader)? {
        for ends in SERIAL_ENDS {
            id_key = read_serial(
                &crate::anchor::serial_crop(&serial_area, &line, ends),
                reader,
            )?;
            if serial_shaped(&id_key) {
                break;
            }
        }
    }
    Ok(FrontText {
        id_number: number.number.clone(),
        birth_date_printed: String::new(),
        birth_date_agrees: None,
        first_name,
        last_names,
        address_1,
        address_2,
        id_key,
        blur_sigma: crate::quality::blur_sigma(card, layout::FRONT_ID_NUMBER),
        glare: crate::quality::worst_glare(card, TEXT_FIELDS),
    })
}

/// Room cut at each end of the serial's detected line, in its heights: as detected, then,
/// when that reads as no serial, wider (the detector's box can clip a first letter).
const SERIAL_ENDS: [f32; 2] = [0.0, 0.35];

/// The card serial in its known shape, two letters and seven digits (`VM3526924`): a
/// nine-character reading has look-alikes put right by position (`8` → `B` among the
/// letters, `O` → `0` among the digits). Other readings are returned as they are: the
/// shape is not verified on every card generation.
pub fn serial_fixup(read: &str) -> String {
    if read.chars().count() != 9 {
        return read.to_string();
    }
    let fixed: String = read
        .chars()
        .enumerate()
        .map(|(i, c)| match (i < 2, c) {
            (true, '0') => 'O',
            (true, '1') => 'I',
            (true, '2') => 'Z',
            (true, '5') => 'S',
            (true, '6') => 'G',
            (true, '8') => 'B',
            (false, 'O' | 'D' | 'Q') => '0',
            (false, 'I' | 'L') => '1',
            (false, 'Z') => '2',
            (false, 'S') => '5',
            (false, 'G') => '6',
            (false, 'B') => '8',
            (_, c) => c,
        })
        .collect();
    if serial_shaped(&fixed) {
        fixed
    } else {
        read.to_string()
    }
}

/// Whether `serial` has the card serial's shape: two capital letters, seven digits.
pub fn serial_shaped(serial: &str) -> bool {
    serial.chars().count() == 9
        && serial.chars().take(2).all(|c| c.is_ascii_uppercase())
        && serial.chars().skip(2).all(|c| c.is_ascii_digit())
}

/// 1050 when glare washes out part of a text field (value: the washed-out percentage of
/// the field's text span, [`crate::quality::glare_fraction`]).
pub fn glare_covered((field, fraction): (&'static str, f32)) -> Option<Finding> {
    (fraction > crate::quality::MAX_GLARE_FRACTION).then(|| Finding {
        field: Some(field),
        value: Some(format!("{:.0} %", fraction * 100.0)),
        code: hawiya_core::codes::IMAGE_QUALITY_TOO_LOW.code,
    })
}

/// 5006 when the print is too blurred to trust (value: the estimated blur in pixels).
pub fn out_of_focus(blur_sigma: f32) -> Option<Finding> {
    (blur_sigma > crate::quality::MAX_BLUR_SIGMA).then(|| Finding {
        field: None,
        value: Some(format!("{blur_sigma:.1}")),
        code: hawiya_core::codes::IMAGE_NOT_IN_FOCUS.code,
    })
}

/// Where the face photo should be, on a rectified front: is there a face, and how sure.
/// The caller supplies it (the face engine lives in another crate).
pub type PhotoCheck<'a> = &'a dyn Fn(&RgbImage) -> Option<f32>;

/// A finding of the checks, as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The API field, or `None` for the document as a whole.
    pub field: Option<&'static str>,
    /// The value at fault, when there is one.
    pub value: Option<String>,
    /// Validation code (`hawiya_core::codes`).
    pub code: u16,
}

/// What reading a photo of a card front gave.
#[derive(Debug, Clone)]
pub enum FrontOutcome {
    /// No card outline and not a card-filling image (3011).
    NoCard,
    /// The card shows its back (the wrong endpoint).
    BackSide,
    /// A front: the rectified card, its fields and the checks' findings.
    Front {
        /// The card, rectified to 1012×638 and upright.
        card: RgbImage,
        /// The card's outline in the photo.
        quad: crate::card::CardQuad,
        /// The fields read.
        text: Box<FrontText>,
        /// Whether a face was found in the photo area.
        photo_found: bool,
    },
}

/// Vertical-stripe energy of the back's barcode band: horizontal gradients against vertical
/// ones. A barcode gives a ratio far above printed text or a photo.
pub fn barcode_score(card: &RgbImage) -> f32 {
    let band = grey(card, layout::BACK_BARCODE);
    let (w, h) = band.dimensions();
    let (mut gx, mut gy) = (0f64, 0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let p = |dx: i32, dy: i32| {
                band.get_pixel((x as i32 + dx) as u32, (y as i32 + dy) as u32)[0] as f64
            };
            gx += (p(1, 0) - p(-1, 0)).abs();
            gy += (p(0, 1) - p(0, -1)).abs();
        }
    }
    (gx / gy.max(1.0)) as f32
}

/// Barcode score from which the band is a barcode. Measured on 30 synthetic cards, clean and
/// with blur + noise + JPEG, either way up (`tests/side.rs`): backs 1.96 and more, fronts
/// 1.21 at most — a thin margin, to be re-measured on real cards.
pub const BARCODE_MIN: f32 = 1.6;

/// Finds the card in a photo, turns it upright, tells front from back, and reads a front.
///
/// The card is found by its number line first ([`crate::anchor`]): a line that reads as a
/// valid number fixes the card's frame even when its outline is cut off or lost in the
/// background. Without one, the card's outline is looked for ([`crate::card::find_card`]);
/// a number line that reads as no valid number is used only when no outline is found.
/// When neither finds a card, the photo is tried again turned a quarter, while `wanted()`
/// holds ([`crate::card::read_either_way`]).
pub fn read_front_photo(
    img: &RgbImage,
    reader: &crate::IdReader,
    photo_check: PhotoCheck,
    today: NaiveDate,
    wanted: &dyn Fn() -> bool,
) -> anyhow::Result<FrontOutcome> {
    crate::card::read_either_way(img, wanted, |img| {
        read_front_upright(img, reader, photo_check, today)
    })
}

impl crate::card::PhotoOutcome for FrontOutcome {
    fn no_card(&self) -> bool {
        matches!(self, FrontOutcome::NoCard)
    }

    fn turned_back(self, height: u32) -> Self {
        match self {
            FrontOutcome::Front {
                card,
                quad,
                text,
                photo_found,
            } => FrontOutcome::Front {
                card,
                quad: quad.turned_back(height),
                text,
                photo_found,
            },
            other => other,
        }
    }
}

/// [`read_front_photo`] on the photo as it stands.
fn read_front_upright(
    img: &RgbImage,
    reader: &crate::IdReader,
    photo_check: PhotoCheck,
    today: NaiveDate,
) -> anyhow::Result<FrontOutcome> {
    let (pieces, anchored) = crate::anchor::locate_number(img, reader, today)?;
    let outline = crate::card::find_card(img);
    match (anchored, outline) {
        // The outline agrees with the number line: the card's own corners rectify it
        // best (perspective included).
        (Some(number), Some(quad))
            if number.number.valid().is_some() && number.fits_outline(&quad) =>
        {
            let mut outcome = read_outlined(img, quad, reader, photo_check, today)?;
            if let FrontOutcome::Front { text, .. } = &mut outcome {
                let digits = |n: &NidReading| n.valid().map(|v| v.digits.clone());
                text.id_number.confirmed = digits(&text.id_number) == digits(&number.number);
            }
            Ok(outcome)
        }
        // A valid number without an agreeing outline, or the only reading there is.
        (Some(number), outline) if number.number.valid().is_some() || outline.is_none() => {
            let lines = crate::anchor::join_pieces(pieces);
            read_anchored(img, number, &lines, reader, photo_check)
        }
        (_, Some(quad)) => read_outlined(img, quad, reader, photo_check, today),
        (_, None) => Ok(FrontOutcome::NoCard),
    }
}

/// Reads a front whose frame the number line fixed; a back is told apart by the text
/// lines around its number ([`crate::anchor::looks_like_back`]).
fn read_anchored(
    img: &RgbImage,
    number: crate::anchor::NumberLine,
    lines: &[crate::detect::OrientedLine],
    reader: &crate::IdReader,
    photo_check: PhotoCheck,
) -> anyhow::Result<FrontOutcome> {
    if crate::anchor::looks_like_back(&number.line, lines) {
        return Ok(FrontOutcome::BackSide);
    }
    let quad = number.card_quad();
    let card = crate::card::rectify(img, &quad, false);
    let photo_found = photo_check(&layout::crop(&card, layout::FRONT_PHOTO_SEARCH)).is_some();
    let text = read_front_lines(img, &card, &number, lines, reader)?;
    Ok(FrontOutcome::Front {
        quad,
        card,
        text: Box::new(text),
        photo_found,
    })
}

/// Rectifies the card outlined by `quad`, turns it upright, tells front from back, and
/// reads a front.
fn read_outlined(
    img: &RgbImage,
    quad: crate::card::CardQuad,
    reader: &crate::IdReader,
    photo_check: PhotoCheck,
    today: NaiveDate,
) -> anyhow::Result<FrontOutcome> {
    let upright = crate::card::rectify(img, &quad, false);
    let flipped = crate::card::rectify(img, &quad, true);
    let face_up = photo_check(&layout::crop(&upright, layout::FRONT_PHOTO));
    let face_flipped = photo_check(&layout::crop(&flipped, layout::FRONT_PHOTO));
    if face_up.is_none()
        && face_flipped.is_none()
        && barcode_score(&upright).max(barcode_score(&flipped)) >= BARCODE_MIN
    {
        return Ok(FrontOutcome::BackSide);
    }
    // Which way up: the number line decides first (read upside down it is no valid number),
    // then the face in the photo area, then how surely the line reads. The face detector
    // alone is not enough: on blurred photos it finds faces upside down too.
    let lines = digits::read_lines_scored(
        &reader.number_digits,
        &[
            grey(&upright, layout::FRONT_ID_NUMBER),
            grey(&flipped, layout::FRONT_ID_NUMBER),
        ],
    )?;
    let numbers = [repair_nid(&lines[0], today), repair_nid(&lines[1], today)];
    let way_score = |line: &LineRead, number: &NidReading, face: Option<f32>| -> f32 {
        let valid = matches!(&number.parsed, Ok(n) if n.checksum_valid);
        let sureness = line.chars.iter().map(|c| c.prob).sum::<f32>() / 14.0;
        f32::from(u8::from(valid)) * 10.0 + face.map_or(0.0, |f| 1.0 + f) + sureness.min(1.0)
    };
    let flip = way_score(&lines[1], &numbers[1], face_flipped)
        > way_score(&lines[0], &numbers[0], face_up);
    let [number_up, number_flipped] = numbers;
    let (card, id_number, photo_found) = if flip {
        (flipped, number_flipped, face_flipped.is_some())
    } else {
        (upright, number_up, face_up.is_some())
    };
    let text = read_front(&card, id_number, reader)?;
    Ok(FrontOutcome::Front {
        quad,
        card,
        text: Box::new(text),
        photo_found,
    })
}

/// The governorate named at the end of address line 2 (after the last `-`), snapped to the
/// list when it is within two edits of a name; else the number's governorate.
fn governorate_of(
    address_2: &str,
    nid: Option<&NationalId>,
) -> Option<&'static hawiya_core::nid::Governorate> {
    let tail = address_2.rsplit('-').next().unwrap_or("").trim();
    let best = hawiya_core::nid::GOVERNORATES
        .iter()
        .map(|g| (g, edit_distance(tail, g.name_ar)))
        .min_by_key(|(_, d)| *d);
    match best {
        Some((g, d)) if !tail.is_empty() && d <= 2 => Some(g),
        _ => nid.map(|n| n.governorate),
    }
}

pub use hawiya_core::text::edit_distance;

impl FrontText {
    /// The API's `IdFrontData` fields (without the transaction ids).
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::{json, Value};
        let nid = self.id_number.parsed.as_ref().ok();
        let name = format!("{} {}", self.first_name, self.last_names)
            .trim()
            .to_string();
        let govern = governorate_of(&self.address_2, nid);
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("name", json!(name));
        put("name_english", json!(crate::translit::transliterate(&name)));
        put("first_name", json!(self.first_name));
        put(
            "first_name_english",
            json!(crate::translit::transliterate(&self.first_name)),
        );
        put("last_names", json!(self.last_names));
        put(
            "last_names_english",
            json!(crate::translit::transliterate(&self.last_names)),
        );
        let address = format!("{} {}", self.address_1, self.address_2)
            .trim()
            .to_string();
        put(
            "address_english",
            json!(crate::translit::transliterate(&address)),
        );
        put("address", json!(address));
        put("address_1", json!(self.address_1));
        put("address_2", json!(self.address_2));
        put("govern", json!(govern.map(|g| g.name_ar)));
        put("govern_english", json!(govern.map(|g| g.name_en)));
        put(
            "idKey",
            if self.id_key.is_empty() {
                Value::Null
            } else {
                json!(self.id_key)
            },
        );
        put(
            "dateOfBirth",
            json!(nid.map(|n| n.birth_date.format("%Y-%m-%d").to_string())),
        );
        put("idNumber", json!(self.id_number.api_value()));
        put("gender", json!(nid.map(|n| n.gender.as_ar())));
        m
    }

    /// The checks' findings: the number's structure and check digit, a valid number read
    /// unsurely (repaired, or a character under [`MIN_SURE_PROB`]: 1050 on `idNumber`, the
    /// number still returned but not as if it were sure), the printed birth date against
    /// the number's, a serial read in another shape than [`serial_shaped`] (3004: cut off
    /// at the photo's edge, or misread), a print too blurred to trust (5006) and glare
    /// (1050).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = self.id_number.findings();
        if self.id_number.valid().is_some() && !self.id_number.sure() {
            out.push(Finding {
                field: Some("idNumber"),
                value: Some("low confidence".into()),
                code: hawiya_core::codes::IMAGE_QUALITY_TOO_LOW.code,
            });
        }
        if out.is_empty() && self.birth_date_agrees == Some(false) {
            out.push(Finding {
                field: Some("dateOfBirth"),
                value: Some(self.birth_date_printed.replace('/', "-")),
                code: hawiya_core::codes::INVALID_BIRTH_DATE.code,
            });
        }
        if !self.id_key.is_empty() && !serial_shaped(&self.id_key) {
            out.push(Finding {
                field: Some("idKey"),
                value: Some(self.id_key.clone()),
                code: hawiya_core::codes::INVALID_ID_KEY.code,
            });
        }
        out.extend(out_of_focus(self.blur_sigma));
        out.extend(glare_covered(self.glare));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns for `text` as a blurred line gives them: each character over 3 columns
    /// (p = 0.9), a blank column between characters, except that the columns of a merged
    /// pair (`merge` = index of its second character) show the blank only weakly.
    fn line(text: &str, merge: Option<usize>, confusion: Option<(usize, char)>) -> LineRead {
        let c = digits::CLASSES;
        let col = |k: usize, p: f32, other: Option<(usize, f32)>| -> Vec<f32> {
            let mut v = vec![(1.0 - p) / (c - 1) as f32; c];
            v[k] = p;
            if let Some((o, q)) = other {
                v[o] += q;
                v[k] -= q;
            }
            v.iter().map(|x| x.ln()).collect()
        };
        let mut cols = Vec::new();
        for (i, ch) in text.chars().enumerate() {
            let k = digits::class_of(ch).unwrap();
            if merge == Some(i) {
                // No clean blank: a weak one inside the run.
                cols.push(col(k, 0.9, Some((0, 0.3))));
            } else if i > 0 {
                cols.push(col(0, 0.9, None));
            }
            let other = confusion
                .filter(|(at, _)| *at == i)
                .map(|(_, o)| (digits::class_of(o).unwrap(), 0.4));
            for _ in 0..3 {
                cols.push(col(k, 0.9, other));
            }
        }
        cols.push(col(0, 0.9, None));
        LineRead {
            chars: digits::decode(&cols),
            log_probs: cols,
        }
    }

    #[test]
    fn the_number_is_repaired_by_its_likelihood() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        // Read as printed and valid: untouched.
        let r = repair_nid(&line("28811012976520", None, None), today);
        assert!(!r.repaired && r.parsed.unwrap().checksum_valid);
        // "11" merged into one "1" (position 4): the only likely valid candidate restores it.
        let merged = line("28811012976520", Some(4), None);
        assert_eq!(digits::text(&merged.chars), "2881012976520");
        let r = repair_nid(&merged, today);
        assert!(r.repaired, "{r:?}");
        assert_eq!(r.parsed.unwrap().digits, "28811012976520");
        // A 7 that reads as 3 with a strong runner-up: mended.
        let mut confused = line("28811012936520", None, Some((9, '7')));
        let r = repair_nid(&confused, today);
        assert_eq!(r.parsed.unwrap().digits, "28811012976520");
        // Printed wrong (no doubt in the columns): reported as read, check digit invalid.
        confused = line("28811012976521", None, None);
        let r = repair_nid(&confused, today);
        assert!(!r.repaired);
        assert!(!r.parsed.unwrap().checksum_valid);
        // Far too short: a format error.
        let r = repair_nid(&line("2881101297", None, None), today);
        assert_eq!(r.parsed.unwrap_err(), NidError::Format);
    }

    #[test]
    fn serials_are_put_in_shape() {
        assert_eq!(serial_fixup("L82658059"), "LB2658059");
        assert_eq!(serial_fixup("VM35269O4"), "VM3526904");
        assert_eq!(serial_fixup("Z0079651"), "Z0079651");
        // Not two letters and seven digits even after the look-alikes: as read.
        assert_eq!(serial_fixup("VMX526924"), "VMX526924");
        assert!(serial_shaped("VM3526924"));
        assert!(!serial_shaped("M3526924") && !serial_shaped("VMX526924"));
    }

    #[test]
    fn names_lose_digits_and_specks() {
        assert_eq!(clean_name("قتحي 000"), "قتحي");
        assert_eq!(clean_name("0"), "");
        assert_eq!(clean_name("عبد الله"), "عبد الله");
    }

    #[test]
    fn cleaning_keeps_arabic_and_digits() {
        assert_eq!(clean_arabic(" محمد|  أحمد\n"), "محمد أحمد");
        assert_eq!(clean_arabic("بورفؤاد - بورسعيد."), "بورفؤاد - بورسعيد");
    }
}

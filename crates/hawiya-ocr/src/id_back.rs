//! Reading the back of a national ID card: the number, release and expiry dates with the
//! digit recogniser; profession, gender, religion, marital status and the husband's name
//! with Tesseract `ara`, the closed lists snapped to their vocabularies ([`crate::vocab`]).
//!
//! The two dates check each other: a card is valid for seven years, so the expiry's year and
//! month are the release's plus seven years. When they disagree, the one-sided mend (release
//! from expiry, or expiry from release) that the recogniser's columns find likely enough is
//! taken, as the number's repair does; otherwise both stay as read and the disagreement is a
//! finding (3006). A release that reads as no month at all (a lost `/` or a merged `11`)
//! first becomes the likeliest month, if that is likely enough.

use crate::digits::{self, LineRead};
use crate::id_front::{grey, repair_nid, Finding, NidReading, REPAIR_MAX_COST};
use crate::layout;
use crate::vocab;
use chrono::{Datelike, Months, NaiveDate};
use hawiya_core::codes;
use image::{GrayImage, RgbImage};

/// Validity of a card: seven years from its release.
pub const VALIDITY_MONTHS: u32 = 7 * 12;
/// Years a release date is searched in when it reads as no month.
const RELEASE_YEARS: (i32, i32) = (1980, 2050);

/// Margins left around a date's ink for the digit recogniser, in band heights.
const DATE_MARGIN_X: f32 = 0.3;
/// See [`DATE_MARGIN_X`].
const DATE_MARGIN_Y: f32 = 0.15;
/// The back's text fields, where glare is looked for.
pub const TEXT_FIELDS: &[(&str, crate::layout::Roi)] = &[
    ("idNumber", layout::BACK_ID_NUMBER),
    ("releaseDate", layout::BACK_RELEASE_DATE),
    ("idExpiry", layout::BACK_EXPIRY_LINE),
    ("job", layout::BACK_JOB),
    ("jobTitle", layout::BACK_JOB_TITLE),
    ("gender", layout::BACK_GENDER),
    ("religion", layout::BACK_RELIGION),
    ("maritalStatus", layout::BACK_MARITAL),
    ("husbandName", layout::BACK_HUSBAND),
];

/// The text fields of a card back.
#[derive(Debug, Clone, PartialEq)]
pub struct BackText {
    /// The national ID number.
    pub id_number: NidReading,
    /// The release date as read (`YYYY/MM`, ASCII digits; may be malformed).
    pub release_printed: String,
    /// The expiry date as read (`YYYY/MM/DD`).
    pub expiry_printed: String,
    /// Whether one date was mended from the other.
    pub dates_repaired: bool,
    /// Profession, first line.
    pub job: String,
    /// Profession, second line (empty when the card has none).
    pub job_title: String,
    /// The gender word, when it reads as one of the two (empty otherwise).
    pub gender: String,
    /// Religion.
    pub religion: String,
    /// Marital status.
    pub marital_status: String,
    /// The husband's name (empty when the card has none).
    pub husband_name: String,
    /// Estimated blur of the number line ([`crate::quality::blur_sigma`]).
    pub blur_sigma: f32,
    /// The text field most washed out by glare, and the washed-out fraction of its text
    /// span ([`crate::quality::worst_glare`]).
    pub glare: (&'static str, f32),
}

/// What reading a photo of a card back gave.
#[derive(Debug, Clone)]
pub enum BackOutcome {
    /// No card, or a card that is neither side of a national ID (3011).
    NoCard,
    /// The card shows its front (the wrong endpoint).
    FrontSide,
    /// A back: the rectified card and its fields.
    Back {
        /// The card, rectified to 1012×638 and upright.
        card: RgbImage,
        /// The card's outline in the photo.
        quad: crate::card::CardQuad,
        /// The fields read.
        text: Box<BackText>,
    },
}

/// `YYYY/MM` → the first of that month.
pub fn parse_release(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.split_once('/')?;
    (y.len() == 4 && m.len() == 2).then_some(())?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// `YYYY/MM/DD` → the date.
pub fn parse_expiry(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split('/');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && y.len() == 4 && m.len() == 2 && d.len() == 2).then_some(())?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn month_key(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

/// Whether the expiry falls seven years after the release month.
fn dates_agree(release: NaiveDate, expiry: NaiveDate) -> bool {
    release
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .is_some_and(|e| month_key(e) == month_key(expiry))
}

/// The two dates as read, mended from each other when that is likely (module docs):
/// `(release, expiry, repaired)`.
pub fn reconcile_dates(release: &LineRead, expiry: &LineRead) -> (String, String, bool) {
    let raw_r = digits::text(&release.chars);
    let raw_e = digits::text(&expiry.chars);
    let cost = |line: &LineRead, candidate: &str, raw: &str| -> Option<f32> {
        Some(line.nll(candidate)? - line.nll(raw)?)
    };
    // A release that reads as no month (a lost `/` or digit): the likeliest month, if it
    // is likely enough.
    let (mut release_text, mut release_cost) = (raw_r.clone(), 0.0);
    if parse_release(&raw_r).is_none() {
        let best = (RELEASE_YEARS.0..=RELEASE_YEARS.1)
            .flat_map(|y| (1..=12).map(move |m| format!("{y}/{m:02}")))
            .filter_map(|t| Some((cost(release, &t, &raw_r)?, t)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((c, t)) = best.filter(|(c, _)| *c <= REPAIR_MAX_COST) {
            (release_text, release_cost) = (t, c);
        }
    }
    let mended_release = release_text != raw_r;
    let (r, e) = (parse_release(&release_text), parse_expiry(&raw_e));
    if let (Some(r), Some(e)) = (r, e) {
        if dates_agree(r, e) {
            return (release_text, raw_e, mended_release);
        }
    }
    let mut options: Vec<(f32, String, String)> = Vec::new();
    // The release from the expiry.
    if let Some(mended) = e.and_then(|e| e.checked_sub_months(Months::new(VALIDITY_MONTHS))) {
        let text = mended.format("%Y/%m").to_string();
        if let Some(c) = cost(release, &text, &raw_r) {
            options.push((c, text, raw_e.clone()));
        }
    }
    // The expiry from the release, with the likeliest day.
    if let Some(month) = r.and_then(|r| r.checked_add_months(Months::new(VALIDITY_MONTHS))) {
        let best = (1..=31)
            .filter_map(|d| NaiveDate::from_ymd_opt(month.year(), month.month(), d))
            .filter_map(|date| {
                let text = date.format("%Y/%m/%d").to_string();
                Some((cost(expiry, &text, &raw_e)?, text))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((c, text)) = best {
            options.push((release_cost + c, release_text.clone(), text));
        }
    }
    match options.into_iter().min_by(|a, b| a.0.total_cmp(&b.0)) {
        Some((c, r, e)) if c <= REPAIR_MAX_COST => (r, e, true),
        _ => (release_text, raw_e, mended_release),
    }
}

/// The crop of the expiry date on its line: the widest run of ink that starts left of the
/// caption (see [`layout::BACK_EXPIRY_LINE`]).
fn expiry_crop(card: &RgbImage) -> GrayImage {
    let line = grey(card, layout::BACK_EXPIRY_LINE);
    let h = line.height();
    let origin = layout::BACK_EXPIRY_LINE[0];
    let widest = crate::ink::ink_segments(&line, (h / 4).max(4))
        .into_iter()
        .filter(|(x0, _)| origin + x0 < layout::BACK_EXPIRY_DATE_MAX_X0)
        .max_by_key(|(x0, x1)| x1 - x0);
    match widest {
        Some((x0, x1)) => {
            let pad = h / 6;
            let x0 = x0.saturating_sub(pad);
            let x1 = (x1 + pad).min(line.width());
            image::imageops::crop_imm(&line, x0, 0, x1 - x0, h).to_image()
        }
        None => line,
    }
}

/// Reads the fields of a rectified, upright back whose number was already read.
pub fn read_back(
    card: &RgbImage,
    id_number: NidReading,
    reader: &crate::IdReader,
) -> anyhow::Result<BackText> {
    let (net, tesseract) = (&reader.digits, &reader.tesseract);
    // Cut to the ink with the margins the recogniser was trained with: the template boxes
    // leave about one line height around these short dates, and read 66 % exact against
    // 100 % (release) and 98 % (expiry) tightened, on 100 clean synthetic backs.
    let tight = |crop: &GrayImage| crate::ink::tighten(crop, DATE_MARGIN_X, DATE_MARGIN_Y);
    let dates = digits::read_lines_scored(
        net,
        &[
            tight(&grey(card, layout::BACK_RELEASE_DATE)),
            tight(&expiry_crop(card)),
        ],
    )?;
    let (release_printed, expiry_printed, dates_repaired) = reconcile_dates(&dates[0], &dates[1]);
    // Profession, qualification and husband's name are words: a reading without a letter
    // (specks of an empty line read as `2`) is nothing.
    let line = |roi| -> anyhow::Result<String> {
        let read = crate::id_front::clean_arabic(&tesseract.read_line(&grey(card, roi))?);
        Ok(if read.chars().any(char::is_alphabetic) {
            read
        } else {
            String::new()
        })
    };
    // A word of a closed list, read with only the list's letters allowed.
    let word = |roi, vocab: &[vocab::Entry]| -> anyhow::Result<String> {
        let read = tesseract.read_line_limited(&grey(card, roi), &vocab::letters(vocab))?;
        Ok(crate::id_front::clean_name(&read.text))
    };
    let holder = id_number.valid().map(|n| n.gender);
    // The gender word only counts when it snaps; the number says the gender anyway.
    let gender = vocab::snap(
        &word(layout::BACK_GENDER, vocab::GENDERS)?,
        vocab::GENDERS,
        holder,
    )
    .unwrap_or_default()
    .to_string();
    // The printed gender word, else the number's, picks the forms of the other words.
    let form = vocab::form_of(&gender, vocab::GENDERS).or(holder);
    // Religion and marital status: the short lists in the holder's form, snapped further
    // when the holder's gender is known; a reading that is no entry is read again at other
    // scales.
    let closed = |roi: layout::Roi, list: &[vocab::Entry]| -> anyhow::Result<String> {
        let snapped = |read: &str| {
            form.and_then(|g| vocab::snap_closed(read, list, g))
                .or_else(|| vocab::snap(read, list, form))
        };
        let first = word(roi, list)?;
        if let Some(s) = snapped(&first) {
            return Ok(s.to_string());
        }
        // Not an entry: the other readings at other scales, the first that is one.
        let others = tesseract.alternative_readings(&grey(card, roi), &vocab::letters(list))?;
        Ok(others
            .iter()
            .find_map(|r| snapped(&crate::id_front::clean_name(r)))
            .map_or(first, str::to_string))
    };
    Ok(BackText {
        job: vocab::snap_or_raw(&line(layout::BACK_JOB)?, vocab::PROFESSIONS, form),
        job_title: vocab::snap_or_raw(&line(layout::BACK_JOB_TITLE)?, vocab::QUALIFICATIONS, form),
        religion: closed(layout::BACK_RELIGION, vocab::RELIGIONS)?,
        marital_status: closed(layout::BACK_MARITAL, vocab::MARITAL_STATUSES)?,
        husband_name: crate::names::mend(
            &crate::id_front::clean_name(&line(layout::BACK_HUSBAND)?),
            Some(hawiya_core::nid::Gender::Male),
        ),
        gender,
        id_number,
        release_printed,
        expiry_printed,
        dates_repaired,
        blur_sigma: crate::quality::blur_sigma(card, layout::BACK_ID_NUMBER),
        glare: crate::quality::worst_glare(card, TEXT_FIELDS),
    })
}

/// Finds the card in a photo, turns it upright by its barcode band and number, tells it from
/// a front, and reads a back. When no card is found the photo is tried again turned a
/// quarter while `wanted()` holds, as fronts are ([`crate::card::read_either_way`]).
pub fn read_back_photo(
    img: &RgbImage,
    reader: &crate::IdReader,
    today: NaiveDate,
    wanted: &dyn Fn() -> bool,
) -> anyhow::Result<BackOutcome> {
    crate::card::read_either_way(img, wanted, |img| read_back_upright(img, reader, today))
}

impl crate::card::PhotoOutcome for BackOutcome {
    fn no_card(&self) -> bool {
        matches!(self, BackOutcome::NoCard)
    }

    fn turned_back(self, height: u32) -> Self {
        match self {
            BackOutcome::Back { card, quad, text } => BackOutcome::Back {
                card,
                quad: quad.turned_back(height),
                text,
            },
            other => other,
        }
    }
}

/// [`read_back_photo`] on the photo as it stands.
fn read_back_upright(
    img: &RgbImage,
    reader: &crate::IdReader,
    today: NaiveDate,
) -> anyhow::Result<BackOutcome> {
    let net = &reader.number_digits;
    let Some(quad) = crate::card::find_card(img) else {
        return read_back_anchored(img, reader, today);
    };
    let ways = [
        crate::card::rectify(img, &quad, false),
        crate::card::rectify(img, &quad, true),
    ];
    let lines = digits::read_lines_scored(
        net,
        &[
            grey(&ways[0], layout::BACK_ID_NUMBER),
            grey(&ways[1], layout::BACK_ID_NUMBER),
            grey(&ways[0], layout::FRONT_ID_NUMBER),
            grey(&ways[1], layout::FRONT_ID_NUMBER),
        ],
    )?;
    let numbers: Vec<NidReading> = lines.iter().map(|l| repair_nid(l, today)).collect();
    let valid = |i: usize| numbers[i].valid().is_some();
    let barcodes = [
        crate::id_front::barcode_score(&ways[0]),
        crate::id_front::barcode_score(&ways[1]),
    ];
    let has_barcode = barcodes.iter().any(|&b| b >= crate::id_front::BARCODE_MIN);
    if !has_barcode && (valid(2) || valid(3)) {
        return Ok(BackOutcome::FrontSide);
    }
    if !has_barcode && !valid(0) && !valid(1) {
        return read_back_anchored(img, reader, today);
    }
    let score = |i: usize| f32::from(u8::from(valid(i))) * 10.0 + barcodes[i];
    let flip = score(1) > score(0);
    let [up, flipped]: [RgbImage; 2] = ways;
    let mut numbers = numbers.into_iter();
    let (number_up, number_flipped) = (numbers.next(), numbers.next());
    let (card, id_number) = if flip {
        (flipped, number_flipped)
    } else {
        (up, number_up)
    };
    let id_number = id_number.expect("four readings");
    if id_number.valid().is_none() {
        // The outline may be another edge than the card's: the number line decides.
        let anchored = read_back_anchored(img, reader, today)?;
        if matches!(&anchored, BackOutcome::Back { text, .. } if text.id_number.valid().is_some()) {
            return Ok(anchored);
        }
    }
    let text = read_back(&card, id_number, reader)?;
    Ok(BackOutcome::Back {
        card,
        quad,
        text: Box::new(text),
    })
}

/// Finds a back by its number line when its outline is not found or reads as no card
/// ([`crate::anchor`]): a valid number is read as a back's, rectified around it, unless
/// the text lines around it show a front.
fn read_back_anchored(
    img: &RgbImage,
    reader: &crate::IdReader,
    today: NaiveDate,
) -> anyhow::Result<BackOutcome> {
    let (pieces, number) = crate::anchor::locate_number(img, reader, today)?;
    let Some(number) = number.filter(|n| n.number.valid().is_some()) else {
        return Ok(BackOutcome::NoCard);
    };
    let lines = crate::anchor::join_pieces(pieces);
    if crate::anchor::looks_like_front(&number.line, &lines) {
        return Ok(BackOutcome::FrontSide);
    }
    let quad = number.back_quad();
    let card = crate::card::rectify(img, &quad, false);
    let text = read_back(&card, number.number, reader)?;
    Ok(BackOutcome::Back {
        card,
        quad,
        text: Box::new(text),
    })
}

impl BackText {
    /// The release date (first of its month), if it reads as one.
    pub fn release_date(&self) -> Option<NaiveDate> {
        parse_release(&self.release_printed)
    }

    /// The expiry date, if it reads as one.
    pub fn expiry(&self) -> Option<NaiveDate> {
        parse_expiry(&self.expiry_printed)
    }

    /// The API's `IdBackData` fields (without the transaction ids). `releaseDate` is
    /// `YYYY-MM` (the card prints no day); `gender` is the printed word, or the number's
    /// gender when the word is unreadable; absent lines are `null`.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::{json, Value};
        let text = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                json!(s)
            }
        };
        let nid = self.id_number.valid();
        let gender = if self.gender.is_empty() {
            nid.map(|n| n.gender.as_ar().to_string())
                .unwrap_or_default()
        } else {
            self.gender.clone()
        };
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("idNumber", json!(self.id_number.api_value()));
        put("job", text(&self.job));
        put("jobTitle", text(&self.job_title));
        put("gender", text(&gender));
        put("religion", text(&self.religion));
        put("maritalStatus", text(&self.marital_status));
        put("husbandName", text(&self.husband_name));
        put(
            "releaseDate",
            json!(self.release_date().map(|d| d.format("%Y-%m").to_string())),
        );
        put(
            "idExpiry",
            json!(self.expiry().map(|d| d.format("%Y-%m-%d").to_string())),
        );
        put(
            "dateOfBirth",
            json!(nid.map(|n| n.birth_date.format("%Y-%m-%d").to_string())),
        );
        m
    }

    /// The checks' findings: the number (3001…), the dates' format (3008, 3009), a release
    /// in the future, before the holder was 16 or not seven years before the expiry (3006),
    /// an expired card (3010), a print too blurred to trust (5006) and a gender word that
    /// contradicts the number (3005).
    pub fn findings(&self, today: NaiveDate) -> Vec<Finding> {
        let mut out = self.id_number.findings();
        let finding = |field: &'static str, value: &str, code: codes::ErrorCode| Finding {
            field: Some(field),
            value: Some(value.replace('/', "-")),
            code: code.code,
        };
        let nid = self.id_number.valid();
        let release = self.release_date();
        let expiry = self.expiry();
        match release {
            None => out.push(finding(
                "releaseDate",
                &self.release_printed,
                codes::WRONG_FORMAT_RELEASE_DATE,
            )),
            Some(r) => {
                let too_young = nid
                    .and_then(|n| n.birth_date.checked_add_months(Months::new(16 * 12 - 1)))
                    .is_some_and(|earliest| month_key(r) < month_key(earliest));
                let inconsistent = expiry.is_some_and(|e| !dates_agree(r, e));
                if month_key(r) > month_key(today) || too_young || inconsistent {
                    out.push(finding(
                        "releaseDate",
                        &self.release_printed,
                        codes::INVALID_RELEASE_DATE,
                    ));
                }
            }
        }
        match expiry {
            None => out.push(finding(
                "idExpiry",
                &self.expiry_printed,
                codes::WRONG_FORMAT_EXPIRY_DATE,
            )),
            Some(e) if e < today => out.push(finding(
                "idExpiry",
                &self.expiry_printed,
                codes::DOCUMENT_EXPIRED,
            )),
            Some(_) => {}
        }
        out.extend(crate::id_front::out_of_focus(self.blur_sigma));
        out.extend(crate::id_front::glare_covered(self.glare));
        let printed = vocab::form_of(&self.gender, vocab::GENDERS);
        if let (Some(p), Some(n)) = (printed, nid) {
            if p != n.gender {
                out.push(finding("gender", &self.gender, codes::INVALID_GENDER));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clean line: each character over 3 columns at p = 0.9, blanks between.
    fn line(text: &str) -> LineRead {
        let c = digits::CLASSES;
        let col = |k: usize| -> Vec<f32> {
            let mut v = vec![0.1 / (c - 1) as f32; c];
            v[k] = 0.9;
            v.iter().map(|x| x.ln()).collect()
        };
        let mut cols = vec![col(0)];
        for ch in text.chars() {
            for _ in 0..3 {
                cols.push(col(digits::class_of(ch).unwrap()));
            }
            cols.push(col(0));
        }
        LineRead {
            chars: digits::decode(&cols),
            log_probs: cols,
        }
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            parse_release("2019/06"),
            NaiveDate::from_ymd_opt(2019, 6, 1)
        );
        assert_eq!(parse_release("2019/6"), None);
        assert_eq!(parse_release("2019/13"), None);
        assert_eq!(
            parse_expiry("2026/06/22"),
            NaiveDate::from_ymd_opt(2026, 6, 22)
        );
        assert_eq!(parse_expiry("2026/02/30"), None);
        assert_eq!(parse_expiry("2026/06/22/1"), None);
    }

    #[test]
    fn agreeing_dates_stay_and_sure_disagreeing_ones_are_reported() {
        let (r, e, mended) = reconcile_dates(&line("2019/06"), &line("2026/06/22"));
        assert_eq!(
            (r.as_str(), e.as_str(), mended),
            ("2019/06", "2026/06/22", false)
        );
        // Both read surely, seven years apart but one month off: nothing is likely enough
        // to change, so the card is reported.
        let (r, e, mended) = reconcile_dates(&line("2019/05"), &line("2026/06/22"));
        assert_eq!(
            (r.as_str(), e.as_str(), mended),
            ("2019/05", "2026/06/22", false)
        );
    }

    /// The release "2011/11" with the blank between its last two "1"s gone, as blur does.
    fn merged_release() -> LineRead {
        let mut release = line("2011/11");
        let n = release.log_probs.len();
        release.log_probs.remove(n - 5);
        release.chars = digits::decode(&release.log_probs);
        release
    }

    #[test]
    fn a_lost_digit_is_mended_from_the_other_date() {
        // The release lost a digit (a merged "11"): its columns still favour "2011/11"
        // enough, given the expiry 2018/11/03.
        let release = merged_release();
        assert_eq!(digits::text(&release.chars), "2011/1");
        let (r, e, mended) = reconcile_dates(&release, &line("2018/11/03"));
        assert_eq!(
            (r.as_str(), e.as_str(), mended),
            ("2011/11", "2018/11/03", true)
        );
    }

    #[test]
    fn a_release_that_is_no_month_becomes_the_likeliest_one() {
        let release = merged_release();
        // No expiry to help: the month search alone.
        let (r, e, mended) = reconcile_dates(&release, &LineRead::default());
        assert_eq!((r.as_str(), e.as_str(), mended), ("2011/11", "", true));
    }

    fn text(release: &str, expiry: &str, gender: &str) -> BackText {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        BackText {
            id_number: repair_nid(&line("28811012976520"), today),
            release_printed: release.into(),
            expiry_printed: expiry.into(),
            dates_repaired: false,
            job: "مهندس".into(),
            job_title: String::new(),
            gender: gender.into(),
            religion: "مسلم".into(),
            marital_status: "متزوج".into(),
            husband_name: String::new(),
            blur_sigma: 0.5,
            glare: ("idNumber", 0.0),
        }
    }

    #[test]
    fn findings_name_the_dates_and_the_gender() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let codes_of =
            |t: &BackText| -> Vec<u16> { t.findings(today).iter().map(|f| f.code).collect() };
        assert!(codes_of(&text("2022/03", "2029/03/14", "أنثى")).is_empty());
        assert_eq!(codes_of(&text("2019/03", "2026/03/14", "أنثى")), [3010]);
        assert_eq!(codes_of(&text("2022/03", "2029/04/14", "أنثى")), [3006]);
        assert_eq!(codes_of(&text("2027/03", "2034/03/14", "أنثى")), [3006]);
        // Born 1988-11-01 (a woman: digit 13 is even): a card released at 12 is impossible.
        assert_eq!(
            codes_of(&text("2000/03", "2007/03/14", "أنثى")),
            [3006, 3010]
        );
        assert_eq!(codes_of(&text("2022/3", "2029/03/14", "أنثى")), [3008]);
        assert_eq!(codes_of(&text("2022/03", "202/03/14", "أنثى")), [3009]);
        assert_eq!(codes_of(&text("2022/03", "2029/03/14", "ذكر")), [3005]);
        let fields = text("2022/03", "2029/03/14", "أنثى").fields();
        assert_eq!(fields["releaseDate"], "2022-03");
        assert_eq!(fields["idExpiry"], "2029-03-14");
        assert_eq!(fields["husbandName"], serde_json::Value::Null);
        assert_eq!(fields["dateOfBirth"], "1988-11-01");
    }
}

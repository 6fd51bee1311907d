//! ICAO Doc 9303 machine-readable zones: TD1 (3 × 30), TD2 (2 × 36) and TD3 (2 × 44).
//!
//! Parsing is OCR-tolerant: only the shape (line count, line lengths) and the character
//! set are hard errors. Every check digit is validated separately and reported in
//! [`CheckDigits`], so a caller can accept a zone whose composite fails but whose
//! individual fields are sound, or flag it for review.

use chrono::NaiveDate;
use serde::Serialize;

/// Numeric value of an MRZ character: `0`-`9` → 0-9, `A`-`Z` → 10-35, `<` → 0;
/// `None` for anything else (including lower case).
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// ICAO 9303 check digit of `field`: values weighted 7, 3, 1 repeating, summed, mod 10;
/// `None` if `field` contains a character outside `0-9A-Z<`.
pub fn check_digit(field: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in field.chars().enumerate() {
        sum += char_value(c)? * WEIGHTS[i % 3];
    }
    Some((sum % 10) as u8)
}

/// Whether the check-digit character `cd` is a digit equal to the check digit of `field`.
fn digit_matches(field: &str, cd: char) -> bool {
    match (check_digit(field), cd.to_digit(10)) {
        (Some(expected), Some(found)) => u32::from(expected) == found,
        _ => false,
    }
}

/// MRZ layout, named after the ICAO document size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MrzFormat {
    /// ID cards: 3 lines × 30 characters.
    Td1,
    /// Official travel documents and some ID cards: 2 lines × 36 characters.
    Td2,
    /// Passports: 2 lines × 44 characters.
    Td3,
}

impl MrzFormat {
    /// Number of lines of this format.
    pub fn line_count(self) -> usize {
        match self {
            MrzFormat::Td1 => 3,
            MrzFormat::Td2 | MrzFormat::Td3 => 2,
        }
    }

    /// Characters per line of this format.
    pub fn line_len(self) -> usize {
        match self {
            MrzFormat::Td1 => 30,
            MrzFormat::Td2 => 36,
            MrzFormat::Td3 => 44,
        }
    }
}

/// Outcome of every check digit in the zone; `true` means it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckDigits {
    /// Document number check digit (for long TD1/TD2 numbers, the one in the optional field).
    pub document_number: bool,
    /// Date-of-birth check digit.
    pub birth_date: bool,
    /// Date-of-expiry check digit.
    pub expiry_date: bool,
    /// TD3 personal-number check digit; `None` for TD1/TD2, and for TD3 when both the
    /// personal number and its check digit are fillers (`<`).
    pub optional: Option<bool>,
    /// Composite check digit over the zone.
    pub composite: bool,
}

impl CheckDigits {
    /// `true` if every present check digit matched.
    pub fn all_valid(&self) -> bool {
        self.document_number
            && self.birth_date
            && self.expiry_date
            && self.optional.unwrap_or(true)
            && self.composite
    }
}

/// A parsed machine-readable zone. Text fields have fillers removed unless noted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mrz {
    /// Detected layout.
    pub format: MrzFormat,
    /// Document code, e.g. `"P"`, `"I"`, `"ID"` (trailing `<` removed).
    pub document_code: String,
    /// Issuing state or organisation, e.g. `"EGY"` (`<` removed, so `"D"` for Germany).
    pub issuing_state: String,
    /// Primary identifier (before `<<`), with `<` turned into spaces.
    pub surname: String,
    /// Secondary identifier (after `<<`), with `<` turned into single spaces, trimmed.
    pub given_names: String,
    /// Document number without fillers; long TD1/TD2 numbers include the overflow part.
    pub document_number: String,
    /// Nationality, e.g. `"EGY"` (`<` removed).
    pub nationality: String,
    /// Date of birth, raw `YYMMDD` (may contain `<` for unknown parts); see [`parse_mrz_date`].
    pub birth_date: String,
    /// Sex, raw: `"M"`, `"F"` or `"<"` (unspecified).
    pub sex: String,
    /// Date of expiry, raw `YYMMDD`; see [`parse_mrz_date`].
    pub expiry_date: String,
    /// TD3 personal number, TD2 optional data, TD1 optional data 1 (line 1, after any
    /// document-number overflow); leading/trailing `<` removed.
    pub optional_data: String,
    /// TD1 optional data 2 (line 2); empty for TD2/TD3.
    pub optional_data_2: String,
    /// Result of every check digit.
    pub checks: CheckDigits,
}

impl Mrz {
    /// Birth date resolved with [`parse_mrz_date`] using `today`'s year as pivot, so it is
    /// never more than 99 years ago and never in a later century than `today`.
    pub fn birth_date_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        parse_mrz_date(&self.birth_date, today.year())
    }

    /// Expiry date resolved with [`parse_mrz_date`] using `today`'s year + 50 as pivot
    /// (expiries up to 50 years ahead, or up to 49 years in the past).
    pub fn expiry_date_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        parse_mrz_date(&self.expiry_date, today.year() + 50)
    }
}

/// Hard MRZ parsing errors. Line and column numbers are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    /// Not 2 or 3 non-empty lines.
    #[error("MRZ has {0} lines; expected 3 (TD1) or 2 (TD2/TD3)")]
    LineCount(usize),
    /// A line does not have the length its format requires (after trimming trailing
    /// whitespace). For two-line zones the format is taken from line 1's length, or the
    /// nearer of 36/44 if line 1 matches neither.
    #[error("MRZ line {line} has {found} characters; expected {expected}")]
    LineLength {
        /// 1-based line number.
        line: usize,
        /// Required length.
        expected: usize,
        /// Actual length in characters.
        found: usize,
    },
    /// A character outside `0-9`, `A-Z` and `<`.
    #[error("MRZ line {line} column {column} has invalid character {ch:?}")]
    InvalidChar {
        /// 1-based line number.
        line: usize,
        /// 1-based column (character position).
        column: usize,
        /// The offending character.
        ch: char,
    },
}

/// Detects the format and checks the shape and character set.
fn validate_shape(lines: &[&str]) -> Result<MrzFormat, MrzError> {
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let format = match lens.len() {
        3 => MrzFormat::Td1,
        2 => match lens[0] {
            36 => MrzFormat::Td2,
            44 => MrzFormat::Td3,
            // Nearer of 36 and 44; ties (40) go to TD3, the most common two-line zone.
            n if n < 40 => MrzFormat::Td2,
            _ => MrzFormat::Td3,
        },
        n => return Err(MrzError::LineCount(n)),
    };
    let expected = format.line_len();
    for (i, &found) in lens.iter().enumerate() {
        if found != expected {
            return Err(MrzError::LineLength {
                line: i + 1,
                expected,
                found,
            });
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if let Some((j, ch)) = line
            .chars()
            .enumerate()
            .find(|&(_, c)| char_value(c).is_none())
        {
            return Err(MrzError::InvalidChar {
                line: i + 1,
                column: j + 1,
                ch,
            });
        }
    }
    Ok(format)
}

/// Removes every `<`.
fn strip_fillers(s: &str) -> String {
    s.chars().filter(|&c| c != '<').collect()
}

/// Trims `<` from both ends, keeping internal fillers.
fn trim_fillers(s: &str) -> String {
    s.trim_matches('<').to_string()
}

/// Splits a name field into (surname, given names).
fn parse_name(field: &str) -> (String, String) {
    let (primary, secondary) = field.split_once("<<").unwrap_or((field, ""));
    let words = |s: &str| {
        s.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (words(primary), words(secondary))
}

/// Document number and its check-digit result, plus the optional data left after any
/// overflow. `number` is the 9-character field, `cd` its check-digit character, and
/// `optional` the optional-data field that follows (TD1 line 1 / TD2 line 2).
///
/// ICAO 9303 Parts 5 and 6: a number longer than 9 characters puts its first 9 characters
/// in the field, `<` in the check-digit position, then the remaining characters followed
/// by the check digit of the whole number at the start of the optional data, terminated
/// by `<`.
fn document_number_with_overflow(number: &str, cd: char, optional: &str) -> (String, bool, String) {
    if cd != '<' {
        return (
            strip_fillers(number),
            digit_matches(number, cd),
            trim_fillers(optional),
        );
    }
    let run_len = optional.find('<').unwrap_or(optional.len());
    let run = &optional[..run_len];
    let rest = trim_fillers(&optional[run_len..]);
    if run.len() < 2 {
        // `<` in the check-digit position without an overflow and check digit: invalid.
        return (strip_fillers(number), false, trim_fillers(optional));
    }
    let (extension, overflow_cd) = run.split_at(run.len() - 1);
    let full = format!("{number}{extension}");
    let valid = overflow_cd
        .chars()
        .next()
        .is_some_and(|c| digit_matches(&full, c));
    (strip_fillers(&full), valid, rest)
}

/// Parses an MRZ given as its lines.
///
/// The format is detected from the line count and length: 3 × 30 (TD1), 2 × 36 (TD2),
/// 2 × 44 (TD3). Trailing whitespace (including `\r`) is trimmed from each line first;
/// anything else outside `0-9A-Z<` is an error. Check-digit failures are not errors:
/// they are reported field by field in [`Mrz::checks`].
pub fn parse_mrz(lines: &[&str]) -> Result<Mrz, MrzError> {
    let lines: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    let format = validate_shape(&lines)?;
    // Shape validation guarantees ASCII lines of the right length, so byte slicing is safe.
    let chr = |line: &str, i: usize| char::from(line.as_bytes()[i]);

    let mrz = match format {
        MrzFormat::Td3 => {
            let (l1, l2) = (lines[0], lines[1]);
            let (surname, given_names) = parse_name(&l1[5..44]);
            let personal = &l2[28..42];
            let personal_cd = chr(l2, 42);
            let optional = if personal_cd == '<' && personal.bytes().all(|b| b == b'<') {
                None
            } else {
                Some(digit_matches(personal, personal_cd))
            };
            let composite_input = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
            Mrz {
                format,
                document_code: trim_fillers(&l1[0..2]),
                issuing_state: strip_fillers(&l1[2..5]),
                surname,
                given_names,
                document_number: strip_fillers(&l2[0..9]),
                nationality: strip_fillers(&l2[10..13]),
                birth_date: l2[13..19].to_string(),
                sex: l2[20..21].to_string(),
                expiry_date: l2[21..27].to_string(),
                optional_data: trim_fillers(personal),
                optional_data_2: String::new(),
                checks: CheckDigits {
                    document_number: digit_matches(&l2[0..9], chr(l2, 9)),
                    birth_date: digit_matches(&l2[13..19], chr(l2, 19)),
                    expiry_date: digit_matches(&l2[21..27], chr(l2, 27)),
                    optional,
                    composite: digit_matches(&composite_input, chr(l2, 43)),
                },
            }
        }
        MrzFormat::Td2 => {
            let (l1, l2) = (lines[0], lines[1]);
            let (surname, given_names) = parse_name(&l1[5..36]);
            let (document_number, doc_ok, optional_data) =
                document_number_with_overflow(&l2[0..9], chr(l2, 9), &l2[28..35]);
            let composite_input = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..35]);
            Mrz {
                format,
                document_code: trim_fillers(&l1[0..2]),
                issuing_state: strip_fillers(&l1[2..5]),
                surname,
                given_names,
                document_number,
                nationality: strip_fillers(&l2[10..13]),
                birth_date: l2[13..19].to_string(),
                sex: l2[20..21].to_string(),
                expiry_date: l2[21..27].to_string(),
                optional_data,
                optional_data_2: String::new(),
                checks: CheckDigits {
                    document_number: doc_ok,
                    birth_date: digit_matches(&l2[13..19], chr(l2, 19)),
                    expiry_date: digit_matches(&l2[21..27], chr(l2, 27)),
                    optional: None,
                    composite: digit_matches(&composite_input, chr(l2, 35)),
                },
            }
        }
        MrzFormat::Td1 => {
            let (l1, l2, l3) = (lines[0], lines[1], lines[2]);
            let (surname, given_names) = parse_name(l3);
            let (document_number, doc_ok, optional_data) =
                document_number_with_overflow(&l1[5..14], chr(l1, 14), &l1[15..30]);
            let composite_input =
                format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
            Mrz {
                format,
                document_code: trim_fillers(&l1[0..2]),
                issuing_state: strip_fillers(&l1[2..5]),
                surname,
                given_names,
                document_number,
                nationality: strip_fillers(&l2[15..18]),
                birth_date: l2[0..6].to_string(),
                sex: l2[7..8].to_string(),
                expiry_date: l2[8..14].to_string(),
                optional_data,
                optional_data_2: trim_fillers(&l2[18..29]),
                checks: CheckDigits {
                    document_number: doc_ok,
                    birth_date: digit_matches(&l2[0..6], chr(l2, 6)),
                    expiry_date: digit_matches(&l2[8..14], chr(l2, 14)),
                    optional: None,
                    composite: digit_matches(&composite_input, chr(l2, 29)),
                },
            }
        }
    };
    Ok(mrz)
}

/// Parses an MRZ given as one block of text: splits on line breaks, trims trailing
/// whitespace and drops blank lines, then calls [`parse_mrz`].
pub fn parse_mrz_text(text: &str) -> Result<Mrz, MrzError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    parse_mrz(&lines)
}

/// Resolves an MRZ `YYMMDD` date; `None` unless it is six ASCII digits forming a real date.
///
/// Two-digit-year rule: let `p = pivot_year mod 100`. A year `YY > p` belongs to the
/// century before the pivot's, otherwise to the pivot's century. For pivots in 2000–2099
/// that is: `YY > p` → `19YY`, else `20YY`. Use the current year as pivot for birth dates
/// (so nobody is born in the future) and a later pivot for expiry dates.
pub fn parse_mrz_date(yymmdd: &str, pivot_year: i32) -> Option<NaiveDate> {
    if yymmdd.len() != 6 || !yymmdd.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = yymmdd[0..2].parse().ok()?;
    let month: u32 = yymmdd[2..4].parse().ok()?;
    let day: u32 = yymmdd[4..6].parse().ok()?;
    let pivot_yy = pivot_year.rem_euclid(100);
    let century = pivot_year - pivot_yy;
    let year = if yy > pivot_yy {
        century - 100 + yy
    } else {
        century + yy
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    const TD2: [&str; 2] = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];

    fn all_true(optional: Option<bool>) -> CheckDigits {
        CheckDigits {
            document_number: true,
            birth_date: true,
            expiry_date: true,
            optional,
            composite: true,
        }
    }

    #[test]
    fn char_values() {
        assert_eq!(char_value('0'), Some(0));
        assert_eq!(char_value('9'), Some(9));
        assert_eq!(char_value('A'), Some(10));
        assert_eq!(char_value('Z'), Some(35));
        assert_eq!(char_value('<'), Some(0));
        assert_eq!(char_value('a'), None);
        assert_eq!(char_value(' '), None);
        assert_eq!(char_value('«'), None);
    }

    #[test]
    fn check_digits_of_spec_fields() {
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(1));
        assert_eq!(check_digit("D23145890"), Some(7));
        assert_eq!(check_digit("<<<<<<<<<<<<<<"), Some(0));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("AB c"), None);
    }

    #[test]
    fn td3_specimen() {
        let m = parse_mrz(&TD3).unwrap();
        assert_eq!(m.format, MrzFormat::Td3);
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.birth_date, "740812");
        assert_eq!(m.sex, "F");
        assert_eq!(m.expiry_date, "120415");
        assert_eq!(m.optional_data, "ZE184226B");
        assert_eq!(m.optional_data_2, "");
        assert_eq!(m.checks, all_true(Some(true)));
        assert!(m.checks.all_valid());
    }

    #[test]
    fn td2_specimen() {
        let m = parse_mrz(&TD2).unwrap();
        assert_eq!(m.format, MrzFormat::Td2);
        assert_eq!(m.document_code, "I");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.birth_date, "740812");
        assert_eq!(m.sex, "F");
        assert_eq!(m.expiry_date, "120415");
        assert_eq!(m.optional_data, "");
        assert_eq!(m.checks, all_true(None));
        assert!(m.checks.all_valid());
    }

    #[test]
    fn td1_specimen() {
        let m = parse_mrz(&TD1).unwrap();
        assert_eq!(m.format, MrzFormat::Td1);
        assert_eq!(m.document_code, "I");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.birth_date, "740812");
        assert_eq!(m.sex, "F");
        assert_eq!(m.expiry_date, "120415");
        assert_eq!(m.optional_data, "");
        assert_eq!(m.optional_data_2, "");
        assert_eq!(m.checks, all_true(None));
        assert!(m.checks.all_valid());
    }

    #[test]
    fn td3_composite_failure_is_reported_not_raised() {
        let l1 = format!("{:<<44}", "P<GBRTESTER<<ALICIA");
        let l2 = "C987654320GBR7505205F2905202CC0000000<<<<<05";
        let m = parse_mrz(&[&l1, l2]).unwrap();
        assert_eq!(m.surname, "TESTER");
        assert_eq!(m.given_names, "ALICIA");
        assert_eq!(m.document_number, "C98765432");
        assert_eq!(m.nationality, "GBR");
        assert_eq!(m.birth_date, "750520");
        assert_eq!(m.expiry_date, "290520");
        assert_eq!(m.optional_data, "CC0000000");
        assert!(m.checks.document_number);
        assert!(m.checks.birth_date);
        assert!(m.checks.expiry_date);
        assert_eq!(m.checks.optional, Some(true));
        assert!(!m.checks.composite);
        assert!(!m.checks.all_valid());
        // The correct composite is 4.
        let fixed = format!("{}4", &l2[..43]);
        assert!(parse_mrz(&[&l1, &fixed]).unwrap().checks.all_valid());
    }

    #[test]
    fn td3_each_field_checked_separately() {
        // Corrupt the DOB check digit only: 2 → 3. Composite covers it too.
        let l2 = TD3[1].replacen("7408122F", "7408123F", 1);
        let c = parse_mrz(&[TD3[0], &l2]).unwrap().checks;
        assert!(c.document_number && c.expiry_date && c.optional == Some(true));
        assert!(!c.birth_date);
        assert!(!c.composite);
        // Personal-number check digit replaced by '<' while the field is non-empty.
        let l2 = format!("{}<{}", &TD3[1][..42], &TD3[1][43..]);
        assert_eq!(
            parse_mrz(&[TD3[0], &l2]).unwrap().checks.optional,
            Some(false)
        );
    }

    #[test]
    fn td3_empty_personal_number() {
        // Personal number and its check digit all fillers: optional check absent.
        let mut l2 = format!("{}<<<<<<<<<<<<<<<", &TD3[1][..28]);
        let cd = check_digit(&format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43])).unwrap();
        l2.push(char::from(b'0' + cd));
        let m = parse_mrz(&[TD3[0], &l2]).unwrap();
        assert_eq!(m.optional_data, "");
        assert_eq!(m.checks.optional, None);
        assert!(m.checks.all_valid());
        // Empty personal number with check digit '0' (check digit of all fillers) is valid too.
        let l2b = format!("{}0{}", &l2[..42], &l2[43..]);
        assert_eq!(
            parse_mrz(&[TD3[0], &l2b]).unwrap().checks.optional,
            Some(true)
        );
    }

    #[test]
    fn td1_long_document_number() {
        // Document number AB1234567890 (12 characters): "AB1234567" in L1 6–14, '<' in 15,
        // then the overflow "890", the check digit of the whole number, and a '<'.
        // By hand, values × weights 7,3,1,…:
        //   A 10·7=70, B 11·3=33, 1·1=1, 2·7=14, 3·3=9, 4·1=4, 5·7=35, 6·3=18, 7·1=7,
        //   8·7=56, 9·3=27, 0·1=0; sum 274 → check digit 4.
        assert_eq!(check_digit("AB1234567890"), Some(4));
        let l1 = "I<UTOAB1234567<8904<XY12<<<<<<";
        let l2_body = "7408122F1204159UTO<<<<<<<<<<<";
        let composite = check_digit(&format!(
            "{}{}{}{}",
            &l1[5..30],
            &l2_body[0..7],
            &l2_body[8..15],
            &l2_body[18..29]
        ))
        .unwrap();
        assert_eq!(composite, 4);
        let l2 = format!("{l2_body}{composite}");
        let l3 = TD1[2];
        let m = parse_mrz(&[l1, &l2, l3]).unwrap();
        assert_eq!(m.format, MrzFormat::Td1);
        assert_eq!(m.document_number, "AB1234567890");
        assert_eq!(m.optional_data, "XY12");
        assert_eq!(m.checks, all_true(None));

        // Wrong overflow check digit.
        let bad = "I<UTOAB1234567<8905<XY12<<<<<<";
        let c = parse_mrz(&[bad, &l2, l3]).unwrap().checks;
        assert!(!c.document_number);
        assert!(!c.composite);
        assert!(c.birth_date && c.expiry_date);

        // '<' in the check-digit position with no overflow at all.
        let none = "I<UTOAB1234567<<<<<<<<<<<<<<<<";
        let m = parse_mrz(&[none, &l2, l3]).unwrap();
        assert_eq!(m.document_number, "AB1234567");
        assert!(!m.checks.document_number);
    }

    #[test]
    fn td1_optional_data_2() {
        let l2_body = "7408122F1204159UTO12345678<<<";
        let cd = check_digit(&format!(
            "{}{}{}{}",
            &TD1[0][5..30],
            &l2_body[0..7],
            &l2_body[8..15],
            &l2_body[18..29]
        ))
        .unwrap();
        let l2 = format!("{l2_body}{cd}");
        let m = parse_mrz(&[TD1[0], &l2, TD1[2]]).unwrap();
        assert_eq!(m.optional_data_2, "12345678");
        assert!(m.checks.all_valid());
    }

    #[test]
    fn trailing_whitespace_is_trimmed() {
        let m = parse_mrz(&[&format!("{}  ", TD3[0]), &format!("{}\r", TD3[1])]).unwrap();
        assert!(m.checks.all_valid());
        let text = format!("\n{}\r\n{}\r\n\n", TD2[0], TD2[1]);
        assert_eq!(parse_mrz_text(&text).unwrap(), parse_mrz(&TD2).unwrap());
    }

    #[test]
    fn names() {
        assert_eq!(
            parse_name("VAN<DER<BERG<<JAN<<<<<"),
            ("VAN DER BERG".to_string(), "JAN".to_string())
        );
        assert_eq!(
            parse_name("MANSOOR<<<<<<<"),
            ("MANSOOR".to_string(), String::new())
        );
        assert_eq!(
            parse_name("NOSEPARATOR"),
            ("NOSEPARATOR".to_string(), String::new())
        );
    }

    #[test]
    fn wrong_line_count() {
        assert_eq!(parse_mrz(&[TD3[0]]), Err(MrzError::LineCount(1)));
        assert_eq!(parse_mrz(&[]), Err(MrzError::LineCount(0)));
        assert_eq!(
            parse_mrz(&[TD1[0], TD1[1], TD1[2], TD1[2]]),
            Err(MrzError::LineCount(4))
        );
    }

    #[test]
    fn wrong_line_lengths() {
        assert_eq!(
            parse_mrz(&[TD3[0], &TD3[1][..43]]),
            Err(MrzError::LineLength {
                line: 2,
                expected: 44,
                found: 43
            })
        );
        assert_eq!(
            parse_mrz(&[TD2[0], TD3[1]]),
            Err(MrzError::LineLength {
                line: 2,
                expected: 36,
                found: 44
            })
        );
        assert_eq!(
            parse_mrz(&[&TD1[0][..29], TD1[1], TD1[2]]),
            Err(MrzError::LineLength {
                line: 1,
                expected: 30,
                found: 29
            })
        );
        // Two 30-character lines: nearest two-line format is TD2.
        assert_eq!(
            parse_mrz(&[TD1[0], TD1[1]]),
            Err(MrzError::LineLength {
                line: 1,
                expected: 36,
                found: 30
            })
        );
        // Leading whitespace is not trimmed.
        assert!(matches!(
            parse_mrz(&[&format!(" {}", TD3[0]), TD3[1]]),
            Err(MrzError::LineLength { line: 1, .. })
        ));
    }

    #[test]
    fn invalid_characters() {
        let l2 = TD3[1].replacen("UTO", "UtO", 1);
        assert_eq!(
            parse_mrz(&[TD3[0], &l2]),
            Err(MrzError::InvalidChar {
                line: 2,
                column: 12,
                ch: 't'
            })
        );
        let l1 = TD1[0].replacen("I<", "I ", 1);
        let err = parse_mrz(&[&l1, TD1[1], TD1[2]]).unwrap_err();
        assert_eq!(
            err,
            MrzError::InvalidChar {
                line: 1,
                column: 2,
                ch: ' '
            }
        );
        assert!(err.to_string().contains("line 1 column 2"));
        // A non-ASCII character of the right count is reported, not a panic.
        let l3 = TD1[2].replacen("ANNA", "ANNÄ", 1);
        assert_eq!(
            parse_mrz(&[TD1[0], TD1[1], &l3]),
            Err(MrzError::InvalidChar {
                line: 3,
                column: 14,
                ch: 'Ä'
            })
        );
    }

    #[test]
    fn mrz_dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_mrz_date("740812", 2025), d(1974, 8, 12));
        assert_eq!(parse_mrz_date("250101", 2025), d(2025, 1, 1));
        assert_eq!(parse_mrz_date("260101", 2025), d(1926, 1, 1));
        assert_eq!(parse_mrz_date("000229", 2025), d(2000, 2, 29));
        assert_eq!(parse_mrz_date("120415", 2075), d(2012, 4, 15));
        assert_eq!(parse_mrz_date("990101", 2075), d(1999, 1, 1));
        assert_eq!(parse_mrz_date("010229", 2025), None);
        assert_eq!(parse_mrz_date("741312", 2025), None);
        assert_eq!(parse_mrz_date("7408<<", 2025), None);
        assert_eq!(parse_mrz_date("74081", 2025), None);
        assert_eq!(parse_mrz_date("٧٤٠٨١٢", 2025), None);
    }

    #[test]
    fn resolved_dates() {
        let m = parse_mrz(&TD3).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert_eq!(m.birth_date_on(today), NaiveDate::from_ymd_opt(1974, 8, 12));
        assert_eq!(
            m.expiry_date_on(today),
            NaiveDate::from_ymd_opt(2012, 4, 15)
        );
    }
}

//! The Egyptian 14-digit national ID number (الرقم القومي).
//!
//! Layout (1-based positions):
//!
//! | Pos   | Meaning                                                    |
//! |-------|------------------------------------------------------------|
//! | 1     | century of birth: `2` = 1900–1999, `3` = 2000–2099         |
//! | 2–7   | birth date `YYMMDD`                                        |
//! | 8–9   | governorate of birth (`88` = born abroad)                  |
//! | 10–13 | serial; the parity of digit 13 is the sex (odd = male)     |
//! | 14    | check digit (unofficial algorithm, see [`check_digit`])    |
//!
//! The check-digit algorithm is not officially published, so [`parse_national_id`]
//! rejects only structural errors and reports the checksum as a soft signal in
//! [`NationalId::checksum_valid`].

use chrono::NaiveDate;
use serde::Serialize;

use crate::digits::normalize_digits;

/// A governorate of birth as encoded in digits 8–9 of the national ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Governorate {
    /// Two-digit code (1–35, or 88 for "born outside Egypt").
    pub code: u8,
    /// English name.
    pub name_en: &'static str,
    /// Arabic name.
    pub name_ar: &'static str,
}

const fn gov(code: u8, name_en: &'static str, name_ar: &'static str) -> Governorate {
    Governorate {
        code,
        name_en,
        name_ar,
    }
}

/// Every governorate code that may appear in a national ID number, in code order.
pub static GOVERNORATES: [Governorate; 28] = [
    gov(1, "Cairo", "القاهرة"),
    gov(2, "Alexandria", "الإسكندرية"),
    gov(3, "Port Said", "بورسعيد"),
    gov(4, "Suez", "السويس"),
    gov(11, "Damietta", "دمياط"),
    gov(12, "Dakahlia", "الدقهلية"),
    gov(13, "Sharqia", "الشرقية"),
    gov(14, "Qalyubia", "القليوبية"),
    gov(15, "Kafr El Sheikh", "كفر الشيخ"),
    gov(16, "Gharbia", "الغربية"),
    gov(17, "Monufia", "المنوفية"),
    gov(18, "Beheira", "البحيرة"),
    gov(19, "Ismailia", "الإسماعيلية"),
    gov(21, "Giza", "الجيزة"),
    gov(22, "Beni Suef", "بني سويف"),
    gov(23, "Fayoum", "الفيوم"),
    gov(24, "Minya", "المنيا"),
    gov(25, "Assiut", "أسيوط"),
    gov(26, "Sohag", "سوهاج"),
    gov(27, "Qena", "قنا"),
    gov(28, "Aswan", "أسوان"),
    gov(29, "Luxor", "الأقصر"),
    gov(31, "Red Sea", "البحر الأحمر"),
    gov(32, "New Valley", "الوادي الجديد"),
    gov(33, "Matrouh", "مطروح"),
    gov(34, "North Sinai", "شمال سيناء"),
    gov(35, "South Sinai", "جنوب سيناء"),
    gov(88, "Born outside Egypt", "خارج الجمهورية"),
];

/// Looks up a governorate by its two-digit code; `None` for unassigned codes.
pub fn governorate(code: u8) -> Option<&'static Governorate> {
    GOVERNORATES.iter().find(|g| g.code == code)
}

/// Sex as encoded by the parity of digit 13 (odd = male, even = female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Gender {
    /// Odd digit 13.
    Male,
    /// Even digit 13.
    Female,
}

impl Gender {
    /// English label: `"Male"` or `"Female"`.
    pub fn as_en(&self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        }
    }

    /// Arabic label as printed on the card: `"ذكر"` or `"أنثى"`.
    pub fn as_ar(&self) -> &'static str {
        match self {
            Gender::Male => "ذكر",
            Gender::Female => "أنثى",
        }
    }
}

/// Weights applied to digits 1–13 by [`check_digit`].
const WEIGHTS: [u32; 13] = [2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Computes the (unofficial, widely corroborated) check digit from the first 13 digits,
/// given as numeric values 0–9 (not ASCII bytes).
///
/// `s = Σ dᵢ·wᵢ` with `w = [2,7,6,5,4,3,2,7,6,5,4,3,2]`; `r = s mod 11`;
/// `c = (11 − r) mod 10`, so `r = 1 → 0` and `r = 0 → 1`.
pub fn check_digit(first13: &[u8; 13]) -> u8 {
    let s: u32 = first13
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let r = s % 11;
    ((11 - r) % 10) as u8
}

/// A structurally valid, parsed national ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NationalId {
    /// The 14 ASCII digits, separators removed.
    pub digits: String,
    /// Birth date from digits 1–7.
    pub birth_date: NaiveDate,
    /// Governorate of birth from digits 8–9.
    pub governorate: &'static Governorate,
    /// Serial, digits 10–13.
    pub serial: String,
    /// Sex from the parity of digit 13.
    pub gender: Gender,
    /// Whether digit 14 matches [`check_digit`]; a soft signal, not a rejection reason.
    pub checksum_valid: bool,
}

impl NationalId {
    /// Age in completed years on `date` (0 if `date` precedes the birth date).
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }
}

/// Structural errors in a national ID number, mapped to Vlens validation codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NidError {
    /// Not exactly 14 digits after removing separators, or a non-digit character.
    #[error("national ID number must be exactly 14 digits")]
    Format,
    /// First digit is not `2` (1900s) or `3` (2000s).
    #[error("national ID number has invalid century digit '{0}' (expected 2 or 3)")]
    Century(char),
    /// Digits 1–7 do not encode a real calendar date.
    #[error("national ID number encodes an impossible birth date {year:04}-{month:02}-{day:02}")]
    BirthDate {
        /// Full year (century applied).
        year: i32,
        /// Month as encoded (may be out of range).
        month: u32,
        /// Day as encoded (may be out of range).
        day: u32,
    },
    /// The encoded birth date is after the reference `today`.
    #[error("national ID number encodes a birth date in the future")]
    FutureBirthDate,
    /// Digits 8–9 are not an assigned governorate code.
    #[error("national ID number has unknown governorate code {0:02}")]
    Governorate(u8),
}

impl NidError {
    /// Vlens validation code: 3001 format/century, 3002 birth date, 3003 governorate.
    pub fn code(&self) -> u16 {
        match self {
            NidError::Format | NidError::Century(_) => 3001,
            NidError::BirthDate { .. } | NidError::FutureBirthDate => 3002,
            NidError::Governorate(_) => 3003,
        }
    }

    /// API field the error refers to: `"idNumber"` or `"dateOfBirth"`.
    pub fn field(&self) -> &'static str {
        match self {
            NidError::Format | NidError::Century(_) | NidError::Governorate(_) => "idNumber",
            NidError::BirthDate { .. } | NidError::FutureBirthDate => "dateOfBirth",
        }
    }
}

/// Characters silently dropped from the input: ASCII space, no-break space, hyphen,
/// and the bidi marks LRM (U+200E), RLM (U+200F) and ALM (U+061C).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{00A0}' | '-' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Parses and structurally validates a national ID number.
///
/// Accepts Western, Arabic-Indic and Eastern Arabic-Indic digits and ignores the
/// separators space, no-break space, `-` and bidi marks (LRM, RLM, ALM); any other
/// character is a [`NidError::Format`] error. Checks, in order: length and digits,
/// century, calendar date, date not after `today`, governorate. A check-digit mismatch
/// is **not** an error: it is reported in [`NationalId::checksum_valid`].
pub fn parse_national_id(input: &str, today: NaiveDate) -> Result<NationalId, NidError> {
    let digits: String = normalize_digits(input)
        .chars()
        .filter(|&c| !is_separator(c))
        .collect();
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NidError::Format);
    }
    let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    let num = |from: usize, to: usize| {
        d[from..to]
            .iter()
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };

    let century_base = match d[0] {
        2 => 1900,
        3 => 2000,
        _ => return Err(NidError::Century(char::from(b'0' + d[0]))),
    };
    let year = century_base + num(1, 3) as i32;
    let month = num(3, 5);
    let day = num(5, 7);
    let birth_date = NaiveDate::from_ymd_opt(year, month, day).ok_or(NidError::BirthDate {
        year,
        month,
        day,
    })?;
    if birth_date > today {
        return Err(NidError::FutureBirthDate);
    }

    let gov_code = num(7, 9) as u8;
    let governorate = governorate(gov_code).ok_or(NidError::Governorate(gov_code))?;

    let gender = if d[12] % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    let mut first13 = [0u8; 13];
    first13.copy_from_slice(&d[..13]);
    let checksum_valid = check_digit(&first13) == d[13];

    Ok(NationalId {
        serial: digits[9..13].to_string(),
        digits,
        birth_date,
        governorate,
        gender,
        checksum_valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn digits13(s: &str) -> [u8; 13] {
        let mut a = [0u8; 13];
        for (slot, b) in a.iter_mut().zip(s.bytes()) {
            *slot = b - b'0';
        }
        a
    }

    /// Appends the correct check digit to a 13-digit prefix.
    fn with_check(prefix13: &str) -> String {
        format!("{prefix13}{}", check_digit(&digits13(prefix13)))
    }

    #[test]
    fn governorate_table() {
        assert_eq!(GOVERNORATES.len(), 28);
        assert_eq!(governorate(1).unwrap().name_en, "Cairo");
        assert_eq!(governorate(21).unwrap().name_ar, "الجيزة");
        assert_eq!(governorate(35).unwrap().name_en, "South Sinai");
        let abroad = governorate(88).unwrap();
        assert_eq!(abroad.name_en, "Born outside Egypt");
        assert_eq!(abroad.name_ar, "خارج الجمهورية");
        for unassigned in [0, 5, 10, 20, 30, 36, 87, 89, 99] {
            assert!(governorate(unassigned).is_none(), "{unassigned}");
        }
    }

    #[test]
    fn gender_labels() {
        assert_eq!(Gender::Male.as_en(), "Male");
        assert_eq!(Gender::Female.as_en(), "Female");
        assert_eq!(Gender::Male.as_ar(), "ذكر");
        assert_eq!(Gender::Female.as_ar(), "أنثى");
    }

    #[test]
    fn check_digit_spec_vectors() {
        // 2·2+8·7+2·6+0·5+8·4+1·3+5·2+1·7+3·6+0·5+4·4+5·3+9·2 = 191; 191 mod 11 = 4; 11−4 = 7.
        assert_eq!(check_digit(&digits13("2820815130459")), 7);
        assert_eq!(check_digit(&digits13("2900101123456")), 4);
        // r = 0 → 11 → 1.
        assert_eq!(check_digit(&digits13("2731016285951")), 1);
    }

    #[test]
    fn check_digit_edges() {
        // All zeros: s = 0, r = 0 → 1.
        assert_eq!(check_digit(&[0; 13]), 1);
        // d12 = 4 (weight 3): s = 12, r = 1 → 10 → 0.
        let mut a = [0u8; 13];
        a[11] = 4;
        assert_eq!(check_digit(&a), 0);
    }

    #[test]
    fn parses_civil_registry_example() {
        let id = parse_national_id("28208151304597", today()).unwrap();
        assert_eq!(id.digits, "28208151304597");
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1982, 8, 15).unwrap());
        assert_eq!(id.governorate.code, 13);
        assert_eq!(id.governorate.name_en, "Sharqia");
        assert_eq!(id.serial, "0459");
        assert_eq!(id.gender, Gender::Male);
        assert!(id.checksum_valid);
    }

    #[test]
    fn parses_package_examples() {
        let id = parse_national_id("29001011234564", today()).unwrap();
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1990, 1, 1).unwrap());
        assert_eq!(id.governorate.code, 12);
        assert_eq!(id.serial, "3456");
        assert_eq!(id.gender, Gender::Female); // digit 13 = 6
        assert!(id.checksum_valid);

        let id = parse_national_id("27310162859511", today()).unwrap();
        assert_eq!(
            id.birth_date,
            NaiveDate::from_ymd_opt(1973, 10, 16).unwrap()
        );
        assert_eq!(id.governorate.name_en, "Aswan");
        assert_eq!(id.serial, "5951");
        assert_eq!(id.gender, Gender::Male); // digit 13 = 1
        assert!(id.checksum_valid);
    }

    #[test]
    fn counter_examples_parse_but_fail_checksum() {
        // Listed in the spec as not satisfying the algorithm; verify by computing.
        for s in ["29512301234567", "30101011234565", "30101011234567"] {
            let d = digits13(&s[..13]);
            assert_ne!(check_digit(&d), s.as_bytes()[13] - b'0', "{s}");
            let id = parse_national_id(s, today()).unwrap();
            assert!(!id.checksum_valid, "{s}");
        }
        // The correct digits for those prefixes: 2951230123456 → 2, 3010101123456 → 4.
        assert!(
            parse_national_id("29512301234562", today())
                .unwrap()
                .checksum_valid
        );
        assert!(
            parse_national_id("30101011234564", today())
                .unwrap()
                .checksum_valid
        );
    }

    #[test]
    fn arabic_indic_input_parses_identically() {
        let western = parse_national_id("28208151304597", today()).unwrap();
        let arabic = parse_national_id("٢٨٢٠٨١٥١٣٠٤٥٩٧", today()).unwrap();
        assert_eq!(arabic, western);
        let persian = parse_national_id("۲۸۲۰۸۱۵۱۳۰۴۵۹۷", today()).unwrap();
        assert_eq!(persian, western);
    }

    #[test]
    fn separators_ignored_other_chars_rejected() {
        let western = parse_national_id("28208151304597", today()).unwrap();
        for s in [
            "2 820815 13 0459 7",
            "28208151-30-4597",
            "\u{200F}٢٨٢٠٨١٥١٣٠٤٥٩٧\u{200E}",
            " 28208151304597 ",
        ] {
            assert_eq!(parse_national_id(s, today()).unwrap(), western, "{s:?}");
        }
        for s in [
            "28208151304597.",
            "2820815130459O",
            "28208151/304597",
            "2820815130459٧x",
        ] {
            assert_eq!(
                parse_national_id(s, today()),
                Err(NidError::Format),
                "{s:?}"
            );
        }
    }

    #[test]
    fn wrong_length_is_format_error() {
        for s in ["2820815130459", "282081513045970", "", "   "] {
            let err = parse_national_id(s, today()).unwrap_err();
            assert_eq!(err, NidError::Format);
            assert_eq!(err.code(), 3001);
            assert_eq!(err.field(), "idNumber");
        }
    }

    #[test]
    fn century_one_is_rejected() {
        let err = parse_national_id(&with_check("1900101123456"), today()).unwrap_err();
        assert_eq!(err, NidError::Century('1'));
        assert_eq!(err.code(), 3001);
        assert_eq!(err.field(), "idNumber");
        let err = parse_national_id(&with_check("4000101123456"), today()).unwrap_err();
        assert_eq!(err, NidError::Century('4'));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        // 2005-02-30.
        let err = parse_national_id(&with_check("3050230010012"), today()).unwrap_err();
        assert_eq!(
            err,
            NidError::BirthDate {
                year: 2005,
                month: 2,
                day: 30
            }
        );
        assert_eq!(err.code(), 3002);
        assert_eq!(err.field(), "dateOfBirth");
        // 1900 is not a leap year.
        let err = parse_national_id(&with_check("2000229010012"), today()).unwrap_err();
        assert_eq!(
            err,
            NidError::BirthDate {
                year: 1900,
                month: 2,
                day: 29
            }
        );
        // Month 13 and day 00.
        assert_eq!(
            parse_national_id(&with_check("2901301010012"), today())
                .unwrap_err()
                .code(),
            3002
        );
        assert_eq!(
            parse_national_id(&with_check("2900100010012"), today())
                .unwrap_err()
                .code(),
            3002
        );
    }

    #[test]
    fn leap_day_2000_is_valid() {
        let id = parse_national_id(&with_check("3000229010012"), today()).unwrap();
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(2000, 2, 29).unwrap());
        assert!(id.checksum_valid);
        assert_eq!(id.governorate.name_en, "Cairo");
    }

    #[test]
    fn future_birth_date_is_rejected() {
        // 2025-06-02 is one day after `today()`.
        let err = parse_national_id(&with_check("3250602010012"), today()).unwrap_err();
        assert_eq!(err, NidError::FutureBirthDate);
        assert_eq!(err.code(), 3002);
        assert_eq!(err.field(), "dateOfBirth");
        // Born today is fine.
        assert!(parse_national_id(&with_check("3250601010012"), today()).is_ok());
    }

    #[test]
    fn unknown_governorate_is_rejected() {
        let err = parse_national_id(&with_check("2900101051234"), today()).unwrap_err();
        assert_eq!(err, NidError::Governorate(5));
        assert_eq!(err.code(), 3003);
        assert_eq!(err.field(), "idNumber");
        assert!(err.to_string().contains("05"));
    }

    #[test]
    fn born_abroad_is_accepted() {
        let id = parse_national_id(&with_check("2900101881234"), today()).unwrap();
        assert_eq!(id.governorate.code, 88);
        assert_eq!(id.governorate.name_ar, "خارج الجمهورية");
    }

    #[test]
    fn gender_follows_digit_13_parity() {
        for (d13, expected) in (0..10).map(|d| {
            (
                d,
                if d % 2 == 1 {
                    Gender::Male
                } else {
                    Gender::Female
                },
            )
        }) {
            let id =
                parse_national_id(&with_check(&format!("290010101123{d13}")), today()).unwrap();
            assert_eq!(id.gender, expected, "digit 13 = {d13}");
        }
    }

    #[test]
    fn checksum_mismatch_is_soft() {
        let id = parse_national_id("28208151304598", today()).unwrap();
        assert!(!id.checksum_valid);
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1982, 8, 15).unwrap());
    }

    #[test]
    fn age() {
        let id = parse_national_id("28208151304597", today()).unwrap();
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2000, 8, 14).unwrap()), 17);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2000, 8, 15).unwrap()), 18);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()), 0);
    }
}

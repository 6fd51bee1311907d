//! Identifiers and dates: Egyptian national ID numbers, digit normalisation, birth dates.

/// Governorate codes used in Egyptian national IDs (digits 8–9).
pub const GOVERNORATES: &[u8] = &[
    1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33,
    34, 35, 88,
];

/// Keeps the letters and digits of an identifier, upper-cased, with Arabic-Indic digits as ASCII.
///
/// ```
/// assert_eq!(hawiya_aml::normalize_id("٢٩٠٠١٠١ 0123-4567"), "2900101 01234567".replace(' ', ""));
/// ```
pub fn normalize_id(s: &str) -> String {
    hawiya_core::digits::normalize_digits(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Check digit of the first 13 digits (the validation core's algorithm); extra digits are
/// ignored and missing ones count as 0.
pub fn nid_check_digit(first13: &[u8]) -> u8 {
    let mut digits = [0u8; 13];
    for (d, v) in digits.iter_mut().zip(first13) {
        *d = *v;
    }
    hawiya_core::nid::check_digit(&digits)
}

/// A structurally valid Egyptian national ID (after [`normalize_id`]): 14 digits, century 2 or 3,
/// a real birth date. The check digit is not required (OCR and old cards get it wrong).
pub fn is_egyptian_nid(normalized: &str) -> bool {
    nid_birth_date(normalized).is_some()
}

/// True when the check digit of a normalised 14-digit ID is right.
pub fn nid_checksum_ok(normalized: &str) -> bool {
    let b = normalized.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u8> = b.iter().map(|c| c - b'0').collect();
    nid_check_digit(&d[..13]) == d[13]
}

/// Birth date encoded in a normalised Egyptian national ID.
pub fn nid_birth_date(normalized: &str) -> Option<Dob> {
    let b = normalized.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| normalized[r].parse::<u16>().ok();
    let century = match b[0] {
        b'2' => 1900,
        b'3' => 2000,
        _ => return None,
    };
    let dob = Dob {
        year: century + num(1..3)?,
        month: num(3..5)? as u8,
        day: num(5..7)? as u8,
    };
    dob.is_real_date().then_some(dob)
}

/// Builds a valid national ID (with check digit) from its parts; `serial` is 0..=999 and the
/// gender digit is odd for men.
pub fn make_nid(dob: Dob, governorate: u8, serial: u16, male: bool, gender_base: u8) -> String {
    let century = if dob.year >= 2000 { 3 } else { 2 };
    let g = (gender_base % 5) * 2 + u8::from(male);
    let s = format!(
        "{century}{:02}{:02}{:02}{:02}{:03}{g}",
        dob.year % 100,
        dob.month,
        dob.day,
        governorate,
        serial % 1000
    );
    let d: Vec<u8> = s.bytes().map(|c| c - b'0').collect();
    format!("{s}{}", nid_check_digit(&d))
}

/// A birth date; `month` and `day` are 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dob {
    /// Year.
    pub year: u16,
    /// Month 1–12, 0 when unknown.
    pub month: u8,
    /// Day 1–31, 0 when unknown.
    pub day: u8,
}

impl Dob {
    /// A year-only date.
    pub fn year_only(year: u16) -> Dob {
        Dob {
            year,
            month: 0,
            day: 0,
        }
    }

    /// True when month and day are known.
    pub fn is_full(&self) -> bool {
        self.month != 0 && self.day != 0
    }

    fn is_real_date(&self) -> bool {
        if !(1000..=2999).contains(&self.year) || !(1..=12).contains(&self.month) {
            return false;
        }
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days).contains(&self.day)
    }

    /// Parses `YYYY-MM-DD` or `YYYY` (the [`crate::ListEntry::birth_dates`] forms).
    pub fn parse_iso(s: &str) -> Option<Dob> {
        let s = normalize_digits(s.trim());
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] if y.len() == 4 => Some(Dob::year_only(y.parse().ok()?)),
            [y, m, d] if y.len() == 4 => {
                let dob = Dob {
                    year: y.parse().ok()?,
                    month: m.parse().ok()?,
                    day: d.parse().ok()?,
                };
                dob.is_real_date().then_some(dob)
            }
            _ => None,
        }
    }

    /// Parses the date forms found in list files: `YYYY-MM-DD`, `YYYY`, `DD/MM/YYYY` (zeros for
    /// unknown parts), `DD Mon YYYY`, `Mon YYYY`, `circa YYYY`, `YYYY/MM/DD`.
    pub fn parse_loose(s: &str) -> Option<Dob> {
        let t = normalize_digits(s.trim());
        let t = t
            .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
            .trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
        let lower = t.to_ascii_lowercase();
        let t = lower
            .strip_prefix("circa")
            .or_else(|| lower.strip_prefix("approximately"))
            .or_else(|| lower.strip_prefix("approx."))
            .or_else(|| lower.strip_prefix("about"))
            .map(str::trim)
            .unwrap_or(&lower);
        if let Some(d) = Dob::parse_iso(t) {
            return Some(d);
        }
        let parts: Vec<&str> = t
            .split(['/', ' ', '.', '-'])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |p: &str| p.parse::<u16>().ok();
        match parts.as_slice() {
            [d, m, y] if y.len() == 4 => {
                let year = num(y)?;
                let month = match num(m) {
                    Some(m) => m as u8,
                    None => month_from_name(m)?,
                };
                let day = num(d)? as u8;
                let dob = Dob { year, month, day };
                if month == 0 || day == 0 {
                    (year >= 1000).then_some(Dob::year_only(year))
                } else {
                    dob.is_real_date().then_some(dob)
                }
            }
            [y, m, d] if y.len() == 4 => {
                let dob = Dob {
                    year: num(y)?,
                    month: num(m)? as u8,
                    day: num(d)? as u8,
                };
                dob.is_real_date().then_some(dob)
            }
            [m, y] if y.len() == 4 => {
                month_from_name(m).or_else(|| num(m).map(|v| v as u8))?;
                Some(Dob::year_only(num(y)?))
            }
            _ => None,
        }
    }

    /// `YYYY-MM-DD`, or `YYYY` when month or day is unknown.
    pub fn to_iso(&self) -> String {
        if self.is_full() {
            format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
        } else {
            format!("{:04}", self.year)
        }
    }
}

fn month_from_name(m: &str) -> Option<u8> {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = m.to_ascii_lowercase();
    M.iter()
        .position(|x| m.starts_with(x))
        .map(|i| (i + 1) as u8)
}

/// Arabic-Indic digits to ASCII; everything else unchanged.
pub fn normalize_digits(s: &str) -> String {
    hawiya_core::digits::normalize_digits(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_and_birth_date() {
        let dob = Dob {
            year: 1990,
            month: 1,
            day: 23,
        };
        let id = make_nid(dob, 21, 123, true, 2);
        assert_eq!(id.len(), 14);
        assert!(nid_checksum_ok(&id));
        assert!(is_egyptian_nid(&id));
        assert_eq!(nid_birth_date(&id), Some(dob));
        let arabic: String = id
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        assert_eq!(normalize_id(&arabic), id);
        assert!(!is_egyptian_nid("19001011234567"));
        assert!(!is_egyptian_nid("29013011234567"));
    }

    #[test]
    fn parses_list_dates() {
        let full = |y, m, d| {
            Some(Dob {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(Dob::parse_loose("1965-02-12"), full(1965, 2, 12));
        assert_eq!(Dob::parse_loose("12 Feb 1965"), full(1965, 2, 12));
        assert_eq!(Dob::parse_loose("12/02/1965"), full(1965, 2, 12));
        assert_eq!(Dob::parse_loose("00/00/1965"), Some(Dob::year_only(1965)));
        assert_eq!(Dob::parse_loose("circa 1965"), Some(Dob::year_only(1965)));
        assert_eq!(Dob::parse_loose("Feb 1965"), Some(Dob::year_only(1965)));
        assert_eq!(Dob::parse_loose("1965"), Some(Dob::year_only(1965)));
        assert_eq!(Dob::parse_loose("١٩٦٥-٠٢-١٢"), full(1965, 2, 12));
        assert_eq!(Dob::parse_loose("31/02/1965"), None);
        assert_eq!(Dob::parse_loose("soon"), None);
        assert_eq!(Dob::parse_iso("1965-02-12").unwrap().to_iso(), "1965-02-12");
    }
}

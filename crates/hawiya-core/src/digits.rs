//! Conversion between Western (ASCII) and Arabic-Indic digits.
//!
//! Egyptian ID cards print the national number in Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩);
//! OCR engines and users may also produce Eastern Arabic-Indic (Persian/Urdu) digits
//! (۰۱۲۳۴۵۶۷۸۹). Everything downstream works on ASCII digits.

/// Returns the ASCII digit for an Arabic-Indic (U+0660..U+0669) or Eastern
/// Arabic-Indic (U+06F0..U+06F9) digit, or `None` for any other character.
pub fn arabic_digit_to_ascii(c: char) -> Option<char> {
    let base = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    // The offset is 0..=9, so it always fits in a `u8`.
    let offset = (c as u32 - base) as u8;
    Some(char::from(b'0' + offset))
}

/// Maps Arabic-Indic (U+0660..U+0669) and Eastern Arabic-Indic (U+06F0..U+06F9)
/// digits to ASCII `0`-`9`; every other character is left unchanged.
pub fn normalize_digits(s: &str) -> String {
    s.chars()
        .map(|c| arabic_digit_to_ascii(c).unwrap_or(c))
        .collect()
}

/// Maps ASCII digits `0`-`9` to Arabic-Indic digits (U+0660..U+0669); every other
/// character is left unchanged.
pub fn to_arabic_indic(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x0660 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_indic_to_ascii() {
        assert_eq!(normalize_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
    }

    #[test]
    fn eastern_arabic_indic_to_ascii() {
        assert_eq!(normalize_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
    }

    #[test]
    fn other_characters_unchanged() {
        assert_eq!(normalize_digits("ID: ٢٨-abc 12 ذكر"), "ID: 28-abc 12 ذكر");
        assert_eq!(normalize_digits(""), "");
    }

    #[test]
    fn ascii_to_arabic_indic() {
        assert_eq!(to_arabic_indic("0123456789"), "٠١٢٣٤٥٦٧٨٩");
        assert_eq!(to_arabic_indic("No. 28-x"), "No. ٢٨-x");
    }

    #[test]
    fn round_trip() {
        let s = "28208151304597";
        assert_eq!(normalize_digits(&to_arabic_indic(s)), s);
    }

    #[test]
    fn single_char_helper() {
        assert_eq!(arabic_digit_to_ascii('٧'), Some('7'));
        assert_eq!(arabic_digit_to_ascii('۹'), Some('9'));
        assert_eq!(arabic_digit_to_ascii('7'), None);
        assert_eq!(arabic_digit_to_ascii('a'), None);
    }
}

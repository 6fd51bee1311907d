//! Base64 (and `data:` URL) unwrapping, with the size checked before anything is allocated.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, DecodeError, Engine};

use crate::{decode_image_bytes, DecodedImage, ImageError, Limits};

/// Standard alphabet, padding optional. URL-safe input is mapped onto the standard alphabet
/// while the input is cleaned, so one engine serves both.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a base64 image, as sent in a JSON body, under `limits`.
///
/// Accepts an optional `data:<mime>;base64,` prefix (the mime type is ignored: the format is
/// sniffed from the bytes), the standard or URL-safe alphabet, with or without padding, and
/// ASCII whitespace anywhere in the payload. The decoded size is computed from the base64
/// length and checked against [`Limits::max_bytes`] before any buffer is allocated; the bytes
/// are then handed to [`decode_image_bytes`].
pub fn decode_base64_image(input: &str, limits: &Limits) -> Result<DecodedImage, ImageError> {
    let bytes = decode_base64(input, limits.max_bytes)?;
    decode_image_bytes(&bytes, limits)
}

/// Strips an optional `data:...;base64,` prefix; returns the payload and its offset in `input`.
fn strip_data_url(input: &str) -> Result<(usize, &str), ImageError> {
    let start = input.len() - input.trim_start_matches(is_ws_char).len();
    let rest = &input[start..];
    let is_data_url = rest
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("data:"));
    if !is_data_url {
        return Ok((start, rest));
    }
    let Some(comma) = rest.find(',') else {
        // `data:image/png;base64` and nothing else: a data URL without a payload.
        return Err(ImageError::Empty);
    };
    let payload_start = start + comma + 1;
    let payload = &input[payload_start..];
    if payload.trim_matches(is_ws_char).is_empty() {
        return Err(ImageError::Empty);
    }
    let meta = rest[5..comma].trim_end_matches(is_ws_char);
    let is_base64 = meta.len() >= 7
        && meta
            .get(meta.len() - 7..)
            .is_some_and(|s| s.eq_ignore_ascii_case(";base64"));
    if !is_base64 {
        // A percent-encoded (non-base64) data URL.
        return Err(ImageError::InvalidBase64 { position: None });
    }
    Ok((payload_start, payload))
}

fn is_ws_char(c: char) -> bool {
    c.is_ascii_whitespace()
}

/// Unwraps and decodes base64 text to bytes, refusing more than `max_bytes` of output.
pub(crate) fn decode_base64(input: &str, max_bytes: usize) -> Result<Vec<u8>, ImageError> {
    let (offset, payload) = strip_data_url(input)?;
    let payload = payload.as_bytes();

    // Pass 1, no allocation: count significant characters and trailing padding to know the
    // decoded size exactly (for valid input) before allocating anything.
    let mut significant = 0usize;
    let mut trailing_pad = 0usize;
    for &b in payload {
        if b.is_ascii_whitespace() {
            continue;
        }
        significant += 1;
        if b == b'=' {
            trailing_pad += 1;
        } else {
            trailing_pad = 0;
        }
    }
    if significant == 0 {
        return Err(ImageError::Empty);
    }
    let data_chars = significant - trailing_pad.min(2).min(significant);
    // (n / 4) * 3 + ... without overflow for any n.
    let decoded_len = data_chars / 4 * 3 + (data_chars % 4) * 3 / 4;
    if decoded_len > max_bytes {
        return Err(ImageError::TooLarge {
            bytes: decoded_len,
            limit: max_bytes,
        });
    }

    // Pass 2: validate the alphabet, map URL-safe to standard and drop whitespace.
    let mut clean = Vec::with_capacity(significant);
    let mut pad_seen = 0usize;
    for (i, &b) in payload.iter().enumerate() {
        let mapped = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad_seen == 0 => b,
            b'-' if pad_seen == 0 => b'+',
            b'_' if pad_seen == 0 => b'/',
            b'=' if pad_seen < 2 => {
                pad_seen += 1;
                b
            }
            b if b.is_ascii_whitespace() => continue,
            _ => {
                return Err(ImageError::InvalidBase64 {
                    position: Some(offset + i),
                })
            }
        };
        clean.push(mapped);
    }

    let bytes = ENGINE.decode(&clean).map_err(|e| {
        let position = match e {
            DecodeError::InvalidByte(n, _) | DecodeError::InvalidLastSymbol(n, _) => {
                nth_significant(payload, n).map(|p| offset + p)
            }
            DecodeError::InvalidLength(_) | DecodeError::InvalidPadding => None,
        };
        ImageError::InvalidBase64 { position }
    })?;
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    Ok(bytes)
}

/// Index in `payload` of the `n`-th (0-based) non-whitespace byte.
fn nth_significant(payload: &[u8], n: usize) -> Option<usize> {
    payload
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_ascii_whitespace())
        .nth(n)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<Vec<u8>, ImageError> {
        decode_base64(s, 1024)
    }

    #[test]
    fn plain_padded_unpadded_and_url_safe() {
        assert_eq!(dec("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(dec("aGVsbG8").unwrap(), b"hello");
        // 0xfb 0xff encodes to "+/8=" standard, "-_8=" URL-safe.
        assert_eq!(dec("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(dec("-_8").unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn whitespace_and_data_url() {
        assert_eq!(dec("  aGVs\r\nbG8=\n").unwrap(), b"hello");
        assert_eq!(dec("DATA:text/plain;BASE64,aGVs bG8=").unwrap(), b"hello");
        assert_eq!(dec("data:;base64,aGVsbG8=").unwrap(), b"hello");
    }

    #[test]
    fn empty_inputs() {
        for s in [
            "",
            "   \n\t",
            "data:image/png;base64,",
            "data:image/png;base64, \n",
            "data:x",
        ] {
            assert_eq!(dec(s), Err(ImageError::Empty), "{s:?}");
        }
    }

    #[test]
    fn invalid_positions() {
        assert_eq!(
            dec("aGVs!G8="),
            Err(ImageError::InvalidBase64 { position: Some(4) })
        );
        assert_eq!(
            dec("data:image/png;base64,aG?s"),
            Err(ImageError::InvalidBase64 { position: Some(24) })
        );
        // Data after padding.
        assert_eq!(
            dec("aGVsbG8=aGVs"),
            Err(ImageError::InvalidBase64 { position: Some(8) })
        );
        // Too much padding.
        assert_eq!(
            dec("aGVsbG==="),
            Err(ImageError::InvalidBase64 { position: Some(8) })
        );
        // One dangling symbol: invalid length.
        assert_eq!(
            dec("aGVsb"),
            Err(ImageError::InvalidBase64 { position: None })
        );
        // Non-zero trailing bits in the last symbol ("aGVsbG9" decodes "hello" + junk bits).
        assert!(matches!(
            dec("aGVsbG9"),
            Err(ImageError::InvalidBase64 { position: Some(6) })
        ));
        // Non-base64 data URL.
        assert_eq!(
            dec("data:image/png,%89PNG"),
            Err(ImageError::InvalidBase64 { position: None })
        );
        // Non-ASCII.
        assert!(matches!(
            dec("aGVs\u{00e9}"),
            Err(ImageError::InvalidBase64 { position: Some(4) })
        ));
    }

    #[test]
    fn size_is_checked_before_validation() {
        // 4000 significant chars would decode to 3000 bytes: refused before the bad
        // characters are even looked at.
        let s = "!".repeat(4000);
        assert_eq!(
            decode_base64(&s, 1000),
            Err(ImageError::TooLarge {
                bytes: 3000,
                limit: 1000
            })
        );
        // Exactly at the limit is fine; whitespace does not count.
        let ok = "AAAA\n".repeat(10);
        assert_eq!(decode_base64(&ok, 30).unwrap().len(), 30);
        assert!(matches!(
            decode_base64(&ok, 29),
            Err(ImageError::TooLarge { bytes: 30, .. })
        ));
    }
}

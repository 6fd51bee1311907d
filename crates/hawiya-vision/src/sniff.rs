//! Format detection from magic bytes. A client's declared mime type is never trusted.

use crate::ImageFormat;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Identifies JPEG, PNG or WebP from the leading magic bytes; `None` for anything else.
pub fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::Webp)
    } else {
        None
    }
}

/// Names a recognisable format that is not accepted, for [`crate::ImageError::UnsupportedFormat`].
pub(crate) fn detect_other(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("gif")
    } else if starts(b"%PDF") {
        Some("pdf")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("tiff")
    } else if starts(b"BM") && bytes.len() >= 14 && bytes[6..10] == [0; 4] {
        // The four reserved header bytes are zero in practice; this avoids naming text.
        Some("bmp")
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        // ISO-BMFF: the major brand tells HEIF/HEIC from AVIF (and from video).
        match &bytes[8..12] {
            b"avif" | b"avis" => Some("avif"),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Some("heic")
            }
            _ => None,
        }
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_accepted_formats() {
        assert_eq!(
            sniff_format(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            sniff_format(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            sniff_format(b"RIFF\x10\0\0\0WEBPVP8L"),
            Some(ImageFormat::Webp)
        );
        assert_eq!(sniff_format(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff_format(&[0xFF, 0xD8]), None);
        assert_eq!(sniff_format(b""), None);
    }

    #[test]
    fn names_other_formats() {
        assert_eq!(detect_other(b"GIF89a\x01\0\x01\0"), Some("gif"));
        assert_eq!(detect_other(b"%PDF-1.7\n"), Some("pdf"));
        assert_eq!(detect_other(b"II*\0\x08\0\0\0"), Some("tiff"));
        assert_eq!(detect_other(b"MM\0*\0\0\0\x08"), Some("tiff"));
        assert_eq!(detect_other(b"BM\0\0\0\0\0\0\0\0\x36\0\0\0"), Some("bmp"));
        assert_eq!(detect_other(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("heic"));
        assert_eq!(detect_other(b"\0\0\0\x1cftypavif\0\0\0\0"), Some("avif"));
        assert_eq!(detect_other(b"\0\0\0\x18ftypisom\0\0\0\0"), None);
        assert_eq!(detect_other(b"hello world"), None);
    }
}

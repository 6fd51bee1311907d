//! Cheap container parsing, with no allocation: the dimensions declared by the header (to
//! refuse oversized images before any decoder runs) and the file's completeness (to refuse
//! truncated uploads that a lenient decoder would accept).

use crate::{ImageError, ImageFormat};

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// `(width, height)` as declared by the header, where it can be read; `None` when the header
/// is too short or malformed (the decoder then reports the problem).
pub(crate) fn header_dimensions(bytes: &[u8], format: ImageFormat) -> Option<(u32, u32)> {
    match format {
        // IHDR is always the first chunk: width and height at fixed offsets.
        ImageFormat::Png if bytes.get(12..16) == Some(b"IHDR") => {
            Some((be32(bytes, 16)?, be32(bytes, 20)?))
        }
        ImageFormat::Png => None,
        ImageFormat::Jpeg => walk_jpeg(bytes).frame,
        ImageFormat::Webp => match bytes.get(12..16)? {
            b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
            b"VP8L" if bytes.get(20) == Some(&0x2F) => {
                let bits = le32(bytes, 21)?;
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8 " if bytes.get(23..26) == Some(&[0x9D, 0x01, 0x2A]) => Some((
                u32::from(le16(bytes, 26)? & 0x3FFF),
                u32::from(le16(bytes, 28)? & 0x3FFF),
            )),
            _ => None,
        },
    }
}

/// Refuses files that end before their own structure says they do.
///
/// Needed because decoders are lenient on truncation (pinned by the tests):
/// - JPEG: zune-jpeg decodes a file cut anywhere in the entropy-coded data and fills the
///   missing blocks with gray. The file must contain the EOI marker (`FF D9`) after the
///   first scan's SOS marker. Entropy-coded data cannot contain `FF D9` (a data `FF` is
///   always stuffed as `FF 00`), so a cut file has none. Data after EOI is allowed: phones
///   append trailers there (Samsung's SEFT, motion-photo videos), and so does zero padding.
/// - PNG: the decoder stops after the image data and accepts a file whose IEND chunk is
///   missing or cut. The chunks are walked by their length fields and a complete IEND chunk
///   is required (data after it is allowed).
/// - WebP: image-webp rejects truncated files itself; the RIFF size field is still checked
///   against the received length, cheaply, before decoding.
pub(crate) fn check_complete(bytes: &[u8], format: ImageFormat) -> Result<(), ImageError> {
    let reason = match format {
        ImageFormat::Jpeg => match walk_jpeg(bytes).scan_start {
            None => Some("JPEG has no image scan"),
            Some(sos) => match bytes.get(sos..) {
                Some(rest) if rest.windows(2).any(|w| w == [0xFF, 0xD9]) => None,
                _ => Some("JPEG is truncated (no end-of-image marker)"),
            },
        },
        ImageFormat::Png => (!png_has_iend(bytes)).then_some("PNG is truncated (no IEND chunk)"),
        ImageFormat::Webp => {
            let complete = le32(bytes, 4)
                .and_then(|size| usize::try_from(size).ok())
                .and_then(|size| size.checked_add(8))
                .is_some_and(|end| end <= bytes.len());
            (!complete).then_some("WebP is truncated (shorter than its RIFF size)")
        }
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(ImageError::Corrupt {
            reason: reason.to_owned(),
        }),
    }
}

fn png_has_iend(bytes: &[u8]) -> bool {
    let mut at = 8usize; // after the signature
    loop {
        let (Some(len), Some(kind)) = (be32(bytes, at), bytes.get(at + 4..at + 8)) else {
            return false;
        };
        // length + type + data + CRC
        let Some(end) = usize::try_from(len)
            .ok()
            .and_then(|len| at.checked_add(12)?.checked_add(len))
        else {
            return false;
        };
        if end > bytes.len() {
            return false;
        }
        if kind == b"IEND" {
            return true;
        }
        at = end;
    }
}

/// What a walk over a JPEG's marker segments found before the first scan.
struct JpegWalk {
    /// `(width, height)` from the first SOFn segment.
    frame: Option<(u32, u32)>,
    /// Offset just past the first SOS marker.
    scan_start: Option<usize>,
}

/// Walks marker segments by their lengths (so markers inside APPn payloads, such as an Exif
/// thumbnail's, are skipped) up to the first SOS.
fn walk_jpeg(bytes: &[u8]) -> JpegWalk {
    let mut walk = JpegWalk {
        frame: None,
        scan_start: None,
    };
    let mut at = 2usize; // after SOI
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return walk;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1; // marker, possibly preceded by fill bytes
        }
        let Some(&marker) = bytes.get(at) else {
            return walk;
        };
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD8 => continue, // standalone markers
            0xDA => {
                walk.scan_start = Some(at);
                return walk;
            }
            0x00 | 0xD9 => return walk,
            _ => {}
        }
        let Some(len) = be16(bytes, at).filter(|&l| l >= 2) else {
            return walk;
        };
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC): P, Y, X.
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof && walk.frame.is_none() {
            if let (Some(h), Some(w)) = (be16(bytes, at + 3), be16(bytes, at + 5)) {
                walk.frame = Some((u32::from(w), u32::from(h)));
            }
        }
        at += usize::from(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_walk_skips_markers_inside_segments() {
        // APP1 whose payload holds a fake SOF and SOS, then the real SOF0 and SOS.
        let mut j = vec![0xFF, 0xD8];
        j.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x0C]);
        j.extend_from_slice(&[0xFF, 0xC0, 0, 0, 8, 0, 1, 0, 1, 0]);
        j.extend_from_slice(&[
            0xFF, 0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x20, 0x00, 0x30, 1, 1,
        ]);
        j.extend_from_slice(&[0x11, 0]);
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34]);
        assert_eq!(header_dimensions(&j, ImageFormat::Jpeg), Some((0x30, 0x20)));
        assert!(check_complete(&j, ImageFormat::Jpeg).is_err());
        j.extend_from_slice(&[0xFF, 0xD9, b'S', b'E', b'F', b'T']);
        assert!(check_complete(&j, ImageFormat::Jpeg).is_ok());
    }

    #[test]
    fn short_inputs_do_not_panic() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Webp] {
            for len in 0..40 {
                let ff = vec![0xFF; len];
                let _ = header_dimensions(&ff, format);
                let _ = check_complete(&ff, format);
                let zeros = vec![0; len];
                let _ = header_dimensions(&zeros, format);
                let _ = check_complete(&zeros, format);
            }
        }
        // A chunk length near u32::MAX must not overflow.
        let mut p = b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR".to_vec();
        p.extend_from_slice(&[0; 8]);
        assert!(check_complete(&p, ImageFormat::Png).is_err());
        let w = b"RIFF\xff\xff\xff\xffWEBPVP8L".to_vec();
        assert!(check_complete(&w, ImageFormat::Webp).is_err());
    }
}

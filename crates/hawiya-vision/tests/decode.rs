//! End-to-end tests of untrusted image decoding. All images are generated in-process.

use std::io::Cursor;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use hawiya_vision::{
    decode_base64_image, decode_image_bytes, sniff_format, ImageError, ImageFormat, Limits,
};
use image::{DynamicImage, ImageEncoder, RgbImage};

fn gradient(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    }))
}

fn encode(img: &DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    // WebP: the image crate's encoder is lossless-only; fine for tests.
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(&gradient(w, h), image::ImageFormat::Jpeg)
}
fn png(w: u32, h: u32) -> Vec<u8> {
    encode(&gradient(w, h), image::ImageFormat::Png)
}
fn webp(w: u32, h: u32) -> Vec<u8> {
    encode(&gradient(w, h), image::ImageFormat::WebP)
}

fn lim() -> Limits {
    Limits::default()
}

/// CRC-32 (IEEE), for crafting PNG chunks.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    c.extend_from_slice(&(data.len() as u32).to_be_bytes());
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    c.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    c
}

/// A PNG signature and IHDR (8-bit grayscale) and nothing else: a header without pixels.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out
}

/// Inserts an APP1 Exif segment with the given Orientation right after the JPEG's SOI.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0"); // little-endian TIFF
    tiff.extend_from_slice(&8u32.to_le_bytes()); // offset of IFD0
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // tag: Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // type: SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes()); // count
    tiff.extend_from_slice(&orientation.to_le_bytes()); // value, left-justified
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);

    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn assert_corrupt(result: Result<hawiya_vision::DecodedImage, ImageError>, what: &str) {
    match result {
        Err(ImageError::Corrupt { .. }) => {}
        Err(e) => panic!("{what}: expected Corrupt, got {e:?}"),
        Ok(d) => panic!("{what}: expected Corrupt, decoded {}x{}", d.width, d.height),
    }
}

#[test]
fn each_format_decodes_with_its_dimensions() {
    for (bytes, format) in [
        (jpeg(64, 48), ImageFormat::Jpeg),
        (png(64, 48), ImageFormat::Png),
        (webp(64, 48), ImageFormat::Webp),
    ] {
        assert_eq!(sniff_format(&bytes), Some(format));
        let d = decode_image_bytes(&bytes, &lim()).expect("decodes");
        assert_eq!(d.format, format);
        assert_eq!((d.width, d.height), (64, 48), "{format:?}");
        assert_eq!((d.image.width(), d.image.height()), (64, 48));
        assert_eq!(d.byte_len, bytes.len());
        assert!(!d.orientation_applied);

        let b64 = STANDARD.encode(&bytes);
        let d = decode_base64_image(&b64, &lim()).expect("decodes from base64");
        assert_eq!((d.format, d.width, d.height), (format, 64, 48));
    }
}

#[test]
fn lossless_formats_roundtrip_pixels() {
    let img = gradient(33, 17);
    for format in [image::ImageFormat::Png, image::ImageFormat::WebP] {
        let d = decode_image_bytes(&encode(&img, format), &lim()).unwrap();
        assert_eq!(d.image.to_rgb8(), img.to_rgb8(), "{format:?}");
    }
}

#[test]
fn data_url_prefix_is_accepted_and_its_mime_ignored() {
    let bytes = png(10, 7);
    let b64 = STANDARD.encode(&bytes);
    for prefix in [
        "data:image/png;base64,",
        "DATA:IMAGE/PNG;BASE64,",
        // Lying mime type: the bytes decide.
        "data:image/jpeg;base64,",
        "  data:application/octet-stream;base64,",
    ] {
        let d = decode_base64_image(&format!("{prefix}{b64}"), &lim()).expect(prefix);
        assert_eq!((d.format, d.width, d.height), (ImageFormat::Png, 10, 7));
    }
}

#[test]
fn whitespace_wrapped_base64() {
    let b64 = STANDARD.encode(jpeg(20, 20));
    let wrapped: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    let input = format!("\n  {wrapped}\n\t ");
    let d = decode_base64_image(&input, &lim()).expect("wrapped");
    assert_eq!((d.format, d.width, d.height), (ImageFormat::Jpeg, 20, 20));
}

#[test]
fn url_safe_and_unpadded_base64() {
    // Find a size whose encoding actually uses '-' or '_' and needs padding.
    let bytes = webp(31, 9);
    let url = URL_SAFE_NO_PAD.encode(&bytes);
    assert!(
        url.contains(['-', '_']),
        "test image should exercise the URL-safe alphabet"
    );
    let d = decode_base64_image(&url, &lim()).expect("url-safe");
    assert_eq!((d.format, d.width, d.height), (ImageFormat::Webp, 31, 9));

    let d = decode_base64_image(&STANDARD_NO_PAD.encode(&bytes), &lim()).expect("no pad");
    assert_eq!((d.width, d.height), (31, 9));
}

#[test]
fn empty_inputs() {
    for s in [
        "",
        "   ",
        "\r\n\t",
        "data:image/png;base64,",
        "data:image/png;base64,  \n",
    ] {
        assert_eq!(
            decode_base64_image(s, &lim()).unwrap_err(),
            ImageError::Empty,
            "{s:?}"
        );
    }
    assert_eq!(
        decode_image_bytes(&[], &lim()).unwrap_err(),
        ImageError::Empty
    );
}

#[test]
fn invalid_base64() {
    assert_eq!(
        decode_base64_image("not base64!!", &lim()).unwrap_err(),
        // Spaces are skipped as line wrapping; the first '!' is the culprit.
        ImageError::InvalidBase64 { position: Some(10) }
    );
    let err = decode_base64_image("data:image/png;base64,iVBO*w0K", &lim()).unwrap_err();
    assert_eq!(err, ImageError::InvalidBase64 { position: Some(26) });
}

#[test]
fn text_is_unsupported_format() {
    let b64 = STANDARD.encode("hello world");
    assert_eq!(
        decode_base64_image(&b64, &lim()).unwrap_err(),
        ImageError::UnsupportedFormat { detected: None }
    );
}

#[test]
fn other_formats_are_named() {
    let cases: [(&[u8], &str); 5] = [
        (b"GIF89a\x0a\0\x0a\0\x80\0\0", "gif"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"II*\0\x08\0\0\0\0\0", "tiff"),
        (b"\0\0\0\x1cftypheic\0\0\0\0mif1heic", "heic"),
        (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1", "avif"),
    ];
    for (bytes, name) in cases {
        let err = decode_base64_image(&STANDARD.encode(bytes), &lim()).unwrap_err();
        assert_eq!(
            err,
            ImageError::UnsupportedFormat {
                detected: Some(name)
            }
        );
    }
    // A data: URL claiming PNG does not change the verdict.
    let b64 = STANDARD.encode(b"GIF89a\x0a\0\x0a\0\x80\0\0");
    let err = decode_base64_image(&format!("data:image/png;base64,{b64}"), &lim()).unwrap_err();
    assert_eq!(
        err,
        ImageError::UnsupportedFormat {
            detected: Some("gif")
        }
    );
}

/// Every proper prefix of a valid file must be refused as corrupt (or, for the tiniest
/// prefixes, as unrecognised): the decoders alone are lenient on some (see `structure.rs`).
fn assert_truncations_corrupt(name: &str, bytes: &[u8]) {
    let n = bytes.len();
    assert_corrupt(
        decode_image_bytes(&bytes[..n / 2], &lim()),
        &format!("{name} at 50%"),
    );
    for cut in 1..n {
        let result = decode_image_bytes(&bytes[..cut], &lim());
        if let Err(ImageError::UnsupportedFormat { detected: None }) = result {
            assert!(cut < 12, "{name} cut at {cut}/{n}: not sniffed");
            continue;
        }
        assert_corrupt(result, &format!("{name} cut at {cut}/{n}"));
    }
}

#[test]
fn truncated_jpeg_is_corrupt() {
    assert_truncations_corrupt("jpeg", &jpeg(96, 64));
    assert_truncations_corrupt("jpeg+exif", &with_exif_orientation(&jpeg(24, 16), 6));
}

#[test]
fn truncated_png_is_corrupt() {
    assert_truncations_corrupt("png", &png(96, 64));
}

#[test]
fn truncated_webp_is_corrupt() {
    assert_truncations_corrupt("webp", &webp(96, 64));
}

#[test]
fn garbage_after_magic_is_corrupt() {
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
    fake.extend(std::iter::repeat_n(0x5A, 200));
    assert_corrupt(decode_image_bytes(&fake, &lim()), "jpeg magic + garbage");
    let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
    fake.extend(std::iter::repeat_n(0x5A, 200));
    assert_corrupt(decode_image_bytes(&fake, &lim()), "png magic + garbage");
    let mut fake = b"RIFF\xc8\0\0\0WEBP".to_vec();
    fake.extend(std::iter::repeat_n(0x5A, 200));
    assert_corrupt(decode_image_bytes(&fake, &lim()), "webp magic + garbage");
}

#[test]
fn trailing_data_after_complete_file_is_tolerated() {
    // Zero padding, a newline, or a phone's trailer after JPEG's EOI (Samsung appends
    // "SEFH...SEFT" metadata, motion photos append a video).
    let trailers: [&[u8]; 3] = [&[0, 0, 0, 0], b"\n", b"SEFH\0\0\0\x01\xff\xd8junkSEFT"];
    for bytes in [jpeg(16, 16), png(16, 16), webp(16, 16)] {
        for trailer in trailers {
            let mut padded = bytes.clone();
            padded.extend_from_slice(trailer);
            let d = decode_image_bytes(&padded, &lim()).expect("trailing data");
            assert_eq!((d.width, d.height), (16, 16));
        }
    }
}

#[test]
fn too_many_pixels_from_a_real_png_header() {
    // 6000x5000 8-bit grayscale of zeros: 30 MP, compresses to a few tens of KiB.
    let (w, h) = (6000u32, 5000u32);
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            &vec![0u8; (w * h) as usize],
            w,
            h,
            image::ExtendedColorType::L8,
        )
        .unwrap();
    assert!(out.len() < Limits::default().max_bytes);
    assert_eq!(
        decode_image_bytes(&out, &lim()).unwrap_err(),
        ImageError::TooManyPixels {
            width: 6000,
            height: 5000,
            limit: 25_000_000
        }
    );
}

#[test]
fn too_many_pixels_needs_only_the_header() {
    // No pixel data at all: decoding pixels would fail, so the limit must be checked first.
    let err = decode_image_bytes(&png_header_only(6000, 5000), &lim()).unwrap_err();
    assert_eq!(
        err,
        ImageError::TooManyPixels {
            width: 6000,
            height: 5000,
            limit: 25_000_000
        }
    );
    // Extreme dimensions do not overflow or allocate.
    let err = decode_image_bytes(&png_header_only(0x7FFF_FFFF, 0x7FFF_FFFF), &lim()).unwrap_err();
    assert!(matches!(err, ImageError::TooManyPixels { .. }), "{err:?}");
    // A small custom pixel limit applies to every format.
    let small = Limits {
        max_pixels: 100,
        ..Limits::default()
    };
    for bytes in [jpeg(11, 10), png(11, 10), webp(11, 10)] {
        assert_eq!(
            decode_image_bytes(&bytes, &small).unwrap_err(),
            ImageError::TooManyPixels {
                width: 11,
                height: 10,
                limit: 100
            }
        );
    }
    assert!(decode_image_bytes(&png(10, 10), &small).is_ok());
}

/// Offset of the first SOF0 segment's length field in an encoder-made JPEG.
fn sof0_offset(jpeg: &[u8]) -> usize {
    jpeg.windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0")
        + 2
}

#[test]
fn too_many_pixels_from_jpeg_and_webp_headers() {
    let mut j = jpeg(16, 16);
    let sof = sof0_offset(&j);
    j[sof + 3..sof + 5].copy_from_slice(&5000u16.to_be_bytes());
    j[sof + 5..sof + 7].copy_from_slice(&6000u16.to_be_bytes());
    assert_eq!(
        decode_image_bytes(&j, &lim()).unwrap_err(),
        ImageError::TooManyPixels {
            width: 6000,
            height: 5000,
            limit: 25_000_000
        }
    );

    // VP8L: 14-bit (width - 1) and (height - 1) after the 0x2F signature byte.
    let mut w = webp(16, 16);
    assert_eq!(&w[12..16], b"VP8L");
    let bits = u32::from_le_bytes(w[21..25].try_into().unwrap());
    let bits = (bits & !0x0FFF_FFFF) | 5999 | (4999 << 14);
    w[21..25].copy_from_slice(&bits.to_le_bytes());
    assert_eq!(
        decode_image_bytes(&w, &lim()).unwrap_err(),
        ImageError::TooManyPixels {
            width: 6000,
            height: 5000,
            limit: 25_000_000
        }
    );
}

#[test]
fn zero_dimensions() {
    for (w, h) in [(0, 10), (10, 0), (0, 0)] {
        assert_eq!(
            decode_image_bytes(&png_header_only(w, h), &lim()).unwrap_err(),
            ImageError::ZeroDimensions,
            "png {w}x{h}"
        );
    }
    let mut j = jpeg(16, 16);
    let sof = sof0_offset(&j);
    j[sof + 3..sof + 5].copy_from_slice(&0u16.to_be_bytes());
    assert_eq!(
        decode_image_bytes(&j, &lim()).unwrap_err(),
        ImageError::ZeroDimensions
    );
}

#[test]
fn too_large_exact_and_estimated() {
    let bytes = png(40, 40);
    let limits = Limits {
        max_bytes: bytes.len() - 1,
        ..Limits::default()
    };
    // Exact: raw bytes.
    assert_eq!(
        decode_image_bytes(&bytes, &limits).unwrap_err(),
        ImageError::TooLarge {
            bytes: bytes.len(),
            limit: bytes.len() - 1
        }
    );
    // Estimated from the base64 length, padded or not, wrapped or not.
    for b64 in [STANDARD.encode(&bytes), STANDARD_NO_PAD.encode(&bytes)] {
        assert_eq!(
            decode_base64_image(&b64, &limits).unwrap_err(),
            ImageError::TooLarge {
                bytes: bytes.len(),
                limit: bytes.len() - 1
            }
        );
    }
    // At the limit exactly, it decodes.
    let at = Limits {
        max_bytes: bytes.len(),
        ..Limits::default()
    };
    assert!(decode_base64_image(&STANDARD.encode(&bytes), &at).is_ok());

    // A huge string is refused on its length alone, before validating or allocating.
    let huge = "#".repeat(8 * 1024 * 1024);
    assert!(matches!(
        decode_base64_image(&huge, &lim()).unwrap_err(),
        ImageError::TooLarge { bytes, limit } if bytes == 6 * 1024 * 1024 && limit == 5 * 1024 * 1024
    ));
}

#[test]
fn exif_orientation_6_rotates_90() {
    let plain = jpeg(40, 20);
    let rotated = with_exif_orientation(&plain, 6);
    let d = decode_image_bytes(&rotated, &lim()).expect("decodes");
    assert!(d.orientation_applied);
    assert_eq!((d.width, d.height), (20, 40));
    assert_eq!((d.image.width(), d.image.height()), (20, 40));
    // Same pixels as the plain decode, rotated 90 degrees clockwise.
    let upright = decode_image_bytes(&plain, &lim()).unwrap();
    assert!(!upright.orientation_applied);
    assert_eq!(d.image.to_rgb8(), upright.image.rotate90().to_rgb8());

    // Orientation 1 is the identity.
    let d = decode_image_bytes(&with_exif_orientation(&plain, 1), &lim()).unwrap();
    assert!(!d.orientation_applied);
    assert_eq!((d.width, d.height), (40, 20));
}

#[test]
fn errors_have_distinct_codes_and_messages() {
    let errors = [
        ImageError::Empty,
        ImageError::InvalidBase64 { position: Some(3) },
        ImageError::TooLarge { bytes: 2, limit: 1 },
        ImageError::UnsupportedFormat {
            detected: Some("gif"),
        },
        ImageError::TooManyPixels {
            width: 2,
            height: 2,
            limit: 3,
        },
        ImageError::ZeroDimensions,
        ImageError::Corrupt { reason: "x".into() },
    ];
    let codes: std::collections::HashSet<_> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), errors.len());
    assert_eq!(
        errors[3].to_string(),
        "unsupported image format (gif); expected jpeg, png or webp"
    );
    assert_eq!(
        errors[1].to_string(),
        "image is not valid base64 (at byte 3)"
    );
}

//! Decoding of untrusted image bytes: sniff, header checks, completeness checks, pixels.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::sniff::{detect_other, sniff_format};
use crate::structure::{check_complete, header_dimensions};
use crate::{DecodedImage, ImageError, ImageFormat, Limits};

/// Decodes untrusted image bytes under `limits`, applying the EXIF orientation.
///
/// Checks run cheapest first, and none allocates pixel memory before the header's
/// dimensions have been checked: empty, byte size, magic bytes (JPEG, PNG or WebP only),
/// header dimensions (zero, then [`Limits::max_pixels`]), the file's completeness
/// (truncation), and only then the pixel decode.
pub fn decode_image_bytes(bytes: &[u8], limits: &Limits) -> Result<DecodedImage, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            bytes: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let format = sniff_format(bytes).ok_or_else(|| ImageError::UnsupportedFormat {
        detected: detect_other(bytes),
    })?;

    // Our own header parse first: it needs nothing but the first bytes, whereas building a
    // decoder copies the input (JPEG) or reads every chunk up to the image data (PNG).
    if let Some((width, height)) = header_dimensions(bytes, format) {
        check_dimensions(width, height, limits)?;
    }

    // Defence in depth: the decoder enforces its own caps too, from construction on.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), to_image_format(format));
    reader.limits(image_limits(limits));
    let mut decoder = reader.into_decoder().map_err(|e| corrupt(&e))?;

    // The decoder's view of the header is authoritative; check it as well.
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;

    // A malformed Exif block must not reject an otherwise good photo: treat as upright.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);

    check_complete(bytes, format)?;

    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| corrupt(&e))?;
    let orientation_applied = orientation != image::metadata::Orientation::NoTransforms;
    image.apply_orientation(orientation);
    Ok(DecodedImage {
        width: image.width(),
        height: image.height(),
        image,
        format,
        byte_len: bytes.len(),
        bytes: bytes.to_vec(),
        orientation_applied,
    })
}

fn to_image_format(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    }
}

/// The `image` crate's limits matching ours: no side longer than `max_pixels`, and
/// `max_alloc` of 16 bytes per permitted pixel (RGBA16 output plus the decoder's working
/// buffers) plus 16 MiB of slack.
fn image_limits(limits: &Limits) -> image::Limits {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut l = image::Limits::default();
    l.max_image_width = Some(side);
    l.max_image_height = Some(side);
    l.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(16)
            .saturating_add(16 * 1024 * 1024),
    );
    l
}

fn check_dimensions(width: u32, height: u32, limits: &Limits) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::ZeroDimensions);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageError::TooManyPixels {
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    Ok(())
}

fn corrupt(err: &image::ImageError) -> ImageError {
    ImageError::Corrupt {
        reason: err.to_string(),
    }
}

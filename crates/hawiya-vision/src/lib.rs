//! Safe decoding of untrusted images sent as base64 in JSON API bodies.
//!
//! Every bad input maps to a distinct [`ImageError`] variant and nothing here panics on
//! untrusted data. Checks are ordered so that memory is protected: the base64 length is
//! checked before any buffer is allocated, the decoded byte length before the image is
//! parsed, and the header's dimensions before any pixel buffer is allocated.
//!
//! ```
//! use hawiya_vision::{decode_base64_image, ImageError, Limits};
//!
//! let err = decode_base64_image("data:image/png;base64,", &Limits::default()).unwrap_err();
//! assert!(matches!(err, ImageError::Empty));
//! ```

#![warn(missing_docs)]

mod b64;
mod decode;
mod sniff;
pub mod spectrum;
mod structure;

pub use b64::decode_base64_image;
pub use decode::decode_image_bytes;
pub use sniff::sniff_format;

/// Size limits applied to an untrusted image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum length of the encoded image file in bytes (after base64 decoding).
    pub max_bytes: usize,
    /// Maximum number of pixels (`width * height`) declared by the image header.
    pub max_pixels: u64,
}

impl Limits {
    /// Default for [`Limits::max_bytes`]: 5 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
    /// Default for [`Limits::max_pixels`]: 25 megapixels.
    pub const DEFAULT_MAX_PIXELS: u64 = 25_000_000;
}

impl Default for Limits {
    /// 5 MiB and 25 megapixels.
    fn default() -> Self {
        Limits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_pixels: Self::DEFAULT_MAX_PIXELS,
        }
    }
}

/// An accepted image format, identified by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG / JFIF / Exif (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 'PNG' 0D 0A 1A 0A`).
    Png,
    /// WebP (`'RIFF' <size> 'WEBP'`), lossy or lossless.
    Webp,
}

impl ImageFormat {
    /// Lower-case short name: `"jpeg"`, `"png"` or `"webp"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::Webp => "webp",
        }
    }

    /// The IANA media type, e.g. `"image/jpeg"`.
    pub fn mime_type(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Webp => "image/webp",
        }
    }
}

impl std::fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successfully decoded image.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    /// The pixels, with the EXIF orientation already applied.
    pub image: image::DynamicImage,
    /// The format detected from the magic bytes.
    pub format: ImageFormat,
    /// Length of the encoded image file in bytes.
    pub byte_len: usize,
    /// The encoded image file as received (kept only if the operator stores images).
    pub bytes: Vec<u8>,
    /// Width in pixels, after orientation.
    pub width: u32,
    /// Height in pixels, after orientation.
    pub height: u32,
    /// Whether a non-identity EXIF orientation was found and applied.
    pub orientation_applied: bool,
}

/// Why an untrusted image was rejected.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// Nothing to decode: an empty or whitespace-only string, a `data:` URL without a
    /// payload, or zero bytes.
    #[error("image is empty")]
    Empty,
    /// The input is not valid base64. `position` is the byte offset of the offending
    /// character in the original input string, where known.
    #[error("image is not valid base64{}", match .position {
        Some(p) => format!(" (at byte {p})"),
        None => String::new(),
    })]
    InvalidBase64 {
        /// Byte offset of the offending character in the input string, if known.
        position: Option<usize>,
    },
    /// The encoded image is larger than [`Limits::max_bytes`]. Before base64 decoding,
    /// `bytes` is computed from the base64 length.
    #[error("image is {bytes} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the image in bytes (decoded, or computed from the base64 length).
        bytes: usize,
        /// The configured [`Limits::max_bytes`].
        limit: usize,
    },
    /// Not a JPEG, PNG or WebP file. `detected` names the format when it is a recognisable
    /// other one (`"gif"`, `"bmp"`, `"tiff"`, `"pdf"`, `"heic"`, `"avif"`).
    #[error("unsupported image format{}; expected jpeg, png or webp", match .detected {
        Some(d) => format!(" ({d})"),
        None => String::new(),
    })]
    UnsupportedFormat {
        /// The recognised other format, if any.
        detected: Option<&'static str>,
    },
    /// The header declares more pixels than [`Limits::max_pixels`]; no pixels were decoded.
    #[error("image is {width}x{height} pixels, over the limit of {limit} pixels")]
    TooManyPixels {
        /// Width declared by the header.
        width: u32,
        /// Height declared by the header.
        height: u32,
        /// The configured [`Limits::max_pixels`].
        limit: u64,
    },
    /// The header declares a width or height of zero.
    #[error("image has a zero width or height")]
    ZeroDimensions,
    /// The data is truncated or corrupt and could not be decoded.
    #[error("image is corrupt: {reason}")]
    Corrupt {
        /// Human-readable cause, for logs.
        reason: String,
    },
}

impl ImageError {
    /// A stable snake_case identifier for the variant, suitable for API error codes.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::Empty => "image_empty",
            ImageError::InvalidBase64 { .. } => "image_invalid_base64",
            ImageError::TooLarge { .. } => "image_too_large",
            ImageError::UnsupportedFormat { .. } => "image_unsupported_format",
            ImageError::TooManyPixels { .. } => "image_too_many_pixels",
            ImageError::ZeroDimensions => "image_zero_dimensions",
            ImageError::Corrupt { .. } => "image_corrupt",
        }
    }
}

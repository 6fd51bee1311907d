//! Request bodies: strict JSON parsing with field-level errors, and image fields.

use crate::envelope::{ApiError, ApiResult};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use hawiya_core::codes;
use hawiya_vision::{DecodedImage, ImageError};
use serde::de::DeserializeOwned;

/// A JSON body parsed into `T`, with errors in the envelope:
/// malformed JSON → 6101, a wrong type or a NUL character → 6102, too large → 6105,
/// a content type other than JSON ([`is_json_content_type`]) → 6104.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        if let Some(ct) = req.headers().get(axum::http::header::CONTENT_TYPE) {
            if !is_json_content_type(ct.to_str().unwrap_or("")) {
                return Err(ApiError::new(codes::UNSUPPORTED_CONTENT_TYPE));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(codes::BODY_TOO_LARGE)
            } else {
                ApiError::new(codes::MALFORMED_JSON).message(rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Whether a `Content-Type` names JSON: `application/json`, `text/json` (the ASP.NET
/// backend Vlens clients were written against accepts it) or `application/<name>+json`;
/// parameters such as `charset` are ignored.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || essence
            .strip_prefix("application/")
            .and_then(|sub| sub.strip_suffix("+json"))
            .is_some_and(|name| !name.is_empty())
}

/// Whether a JSON text holds an escaped NUL (`\u0000`): PostgreSQL cannot store one in
/// text, and no field of the API has a use for it. Linear; escaped backslashes are skipped.
pub fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'\\') {
        let escape = i + at;
        if bytes.get(escape + 1..escape + 6) == Some(&b"u0000"[..]) {
            return true;
        }
        i = escape + 2;
        if i >= bytes.len() {
            return false;
        }
    }
    false
}

/// 6102 for a text field holding the NUL character.
pub fn nul_error() -> ApiError {
    ApiError::new(codes::INVALID_FIELD).message("Text fields must not contain the NUL character")
}

/// Deserialises an optional text field of at most `N` characters; a longer one is a data
/// error (6102 naming the field). Every text field of a request carries such a bound
/// (`docs/DECISIONS.md`, "Text field lengths"), so work that grows with a field's length,
/// such as AML name matching, stays bounded.
pub fn text<'de, D, const N: usize>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    let value = Option::<String>::deserialize(deserializer)?;
    match value {
        Some(s) if s.chars().count() > N => Err(serde::de::Error::custom(format!(
            "longer than {N} characters"
        ))),
        other => Ok(other),
    }
}

/// Parses JSON bytes into `T`, classifying errors as syntax (6101) or data (6102, also for a
/// NUL character in a string).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(codes::MALFORMED_JSON).message("The request body is empty"));
    }
    if has_escaped_nul(bytes) {
        return Err(nul_error());
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { None } else { Some(path) };
                let mut e = ApiError::new(codes::INVALID_FIELD);
                e.descriptions.push(crate::envelope::ErrorDescription {
                    field,
                    message: strip_position(&inner.to_string()),
                });
                e
            }
            _ => ApiError::new(codes::MALFORMED_JSON)
                .message(format!("Malformed JSON body: {inner}")),
        }
    })
}

/// serde_json appends " at line L column C"; for a data error the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Returns the value of a required field, or error 6103 naming it.
pub fn required<T>(value: Option<T>, field: &str) -> ApiResult<T> {
    value.ok_or_else(|| {
        ApiError::new(codes::MISSING_FIELD)
            .message(format!("The field `{field}` is required"))
            .field(field, "required")
    })
}

/// Maps an image decoding failure of `field` to its documented code.
pub fn image_error(field: &str, err: &ImageError) -> ApiError {
    let code = match err {
        ImageError::Empty | ImageError::ZeroDimensions => codes::EMPTY_IMAGE,
        ImageError::InvalidBase64 { .. } => codes::INVALID_BASE64,
        ImageError::TooLarge { .. } => codes::IMAGE_TOO_LARGE,
        ImageError::TooManyPixels { .. } => codes::IMAGE_TOO_MANY_PIXELS,
        ImageError::UnsupportedFormat { .. } => codes::UNSUPPORTED_IMAGE_FORMAT,
        ImageError::Corrupt { .. } => codes::CORRUPT_IMAGE,
    };
    ApiError::new(code)
        .message(format!("{}: `{field}`", code.message))
        .field(field, err.to_string())
}

/// Decodes the named base64 image fields on the blocking pool, in order; the first failure
/// wins. Returns the decoded images and, for `store_images`, their raw bytes.
pub async fn decode_images(
    state: &AppState,
    fields: Vec<(&'static str, String)>,
) -> ApiResult<Vec<DecodedImage>> {
    let limits = state.config.image_limits();
    // Decoding is CPU and memory heavy: it takes an inference slot like the models do.
    state
        .engines
        .run(move || {
            fields
                .iter()
                .map(|(name, b64)| {
                    hawiya_vision::decode_base64_image(b64, &limits)
                        .map_err(|e| image_error(name, &e))
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "text/json",
            "application/problem+json",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for bad in [
            "application/jsonp",
            "application/json5",
            "text/plain",
            "application/+json",
            "multipart/form-data",
            "",
        ] {
            assert!(!is_json_content_type(bad), "{bad}");
        }
    }

    #[test]
    fn escaped_nul_is_found_and_escaped_backslashes_are_not_it() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a":"\\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"a":"\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"a":"\u0001", "b": "\\"}"#));
        assert!(!has_escaped_nul(br#"\"#));
        assert_eq!(
            parse_json::<serde_json::Value>(br#"{"a":"\u0000"}"#)
                .unwrap_err()
                .code
                .code,
            6102
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        image: Option<String>,
        nested: Option<Nested>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Nested {
        flag: bool,
    }

    #[test]
    fn json_errors_are_classified() {
        let e = parse_json::<Body>(b"{\"image\": 5}").unwrap_err();
        assert_eq!(e.code.code, 6102);
        assert_eq!(e.descriptions[0].field.as_deref(), Some("image"));
        let e = parse_json::<Body>(b"{\"nested\": {\"flag\": \"yes\"}}").unwrap_err();
        assert_eq!(e.descriptions[0].field.as_deref(), Some("nested.flag"));
        assert_eq!(
            parse_json::<Body>(b"{\"image\": ").unwrap_err().code.code,
            6101
        );
        assert_eq!(parse_json::<Body>(b"  ").unwrap_err().code.code, 6101);
        assert_eq!(parse_json::<Body>(b"[1]").unwrap_err().code.code, 6102);
        assert!(parse_json::<Body>(b"{}").unwrap().image.is_none());
    }

    #[test]
    fn required_fields_are_named() {
        let e = required::<String>(None, "face_1").unwrap_err();
        assert_eq!(e.code.code, 6103);
        assert!(e.message.contains("face_1"));
    }
}

//! Error and validation codes of the Vlens-compatible API.
//!
//! Codes below 6000 are Vlens's own (spec §11.2). Vlens documents no code for
//! authentication failures, malformed bodies or undecodable images, so Hawiya adds its own in
//! the 6000 range, which Vlens does not use. `docs/ERRORS.md` lists them all.

/// A documented error: its numeric code, the HTTP status it is sent with and an English message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The number in the envelope's `error_code` or in a validation error's `code`.
    pub code: u16,
    /// HTTP status used when this code is the envelope's error.
    pub http_status: u16,
    /// Default English message.
    pub message: &'static str,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = ($code:expr, $status:expr, $msg:expr);)*) => {
        $( $(#[$doc])* pub const $name: ErrorCode = ErrorCode { code: $code, http_status: $status, message: $msg }; )*
        /// Every code this server can emit, for documentation and tests.
        pub const ALL: &[ErrorCode] = &[$($name),*];
    };
}

codes! {
    // ---- Vlens validation codes (sent inside services.Validations) ----
    /// Birth date impossible or badly formatted (spec example `2005-02-30`).
    INVALID_DATE_OF_BIRTH = (1001, 422, "Invalid date of birth format or non-existent date.");
    /// Image quality too low for OCR.
    IMAGE_QUALITY_TOO_LOW = (1050, 422, "Image quality too low for OCR extraction");
    /// ID number fails structure (length, century, digits).
    INVALID_ID_NUMBER = (3001, 422, "Invalid ID Number");
    /// Birth date encoded in the ID number is impossible.
    INVALID_BIRTH_DATE = (3002, 422, "Invalid BirthDate");
    /// Governorate code of the ID number is unknown.
    INVALID_GOVERN = (3003, 422, "Invalid Govern");
    /// Card serial (ID key) is invalid.
    INVALID_ID_KEY = (3004, 422, "Invalid ID_Key");
    /// Printed gender disagrees with the ID number.
    INVALID_GENDER = (3005, 422, "Invalid Gender");
    /// Release date is invalid.
    INVALID_RELEASE_DATE = (3006, 422, "Invalid ReleaseDate");
    /// Birth date has the wrong format.
    WRONG_FORMAT_BIRTH_DATE = (3007, 422, "Wrong date format: BirthDate");
    /// Release date has the wrong format.
    WRONG_FORMAT_RELEASE_DATE = (3008, 422, "Wrong date format: ReleaseDate");
    /// Expiry date has the wrong format.
    WRONG_FORMAT_EXPIRY_DATE = (3009, 422, "Wrong date format: ExpiryDate");
    /// The document has expired.
    DOCUMENT_EXPIRED = (3010, 422, "Document expired");
    /// No card found in the image.
    CARD_NOT_DETECTED = (3011, 422, "Card not detected from image");
    /// MRZ check digits or structure invalid.
    INVALID_MRZ = (3013, 422, "Invalid MRZ");
    /// No face on the ID card.
    NO_FACE_ON_ID = (3014, 422, "No face detected in the ID image");
    /// ID number on the front differs from the back.
    ID_NUMBER_MISMATCH = (3101, 422, "ID number mismatch between ID front and back");
    /// Name on the ID front differs from the car licence.
    NAME_MISMATCH = (3102, 422, "Name mismatch between ID front and car license");

    // ---- Vlens envelope codes ----
    /// The capability exists in the API but is not available on this server (Vlens: service
    /// not registered in your bundle). Used for endpoints whose engine is not built yet.
    SERVICE_NOT_AVAILABLE = (4004, 501, "Service not available on this server");
    /// More than one face in the image.
    MULTIPLE_FACES = (4206, 422, "More than one face in the image");
    /// No face in the image.
    NO_FACE = (4207, 422, "No face detected");
    /// Face too small or cut off.
    FACE_NOT_USABLE = (4208, 422, "Make sure there is a face in the image");
    /// Face capture unclear (blur).
    FACE_UNCLEAR = (4209, 422, "Recapture the face; capture unclear");
    /// Unexpected server error.
    INTERNAL = (5000, 500, "Something went wrong, please try again later");
    /// Document type not supported.
    UNSUPPORTED_DOCUMENT = (5001, 422, "Unsupported document");
    /// Decoded image larger than the byte limit.
    IMAGE_TOO_LARGE = (5002, 413, "Image exceeds the size limit");
    /// Image larger than the pixel limit.
    IMAGE_TOO_MANY_PIXELS = (5003, 413, "Image exceeds the pixel limit");
    /// Unknown transaction, or one of another tenant.
    BAD_TRANSACTION = (5004, 404, "Bad transaction ID or token in the request");
    /// Spoofed document.
    NOT_A_REAL_DOCUMENT = (5005, 422, "Not a real document");
    /// Image out of focus.
    IMAGE_NOT_IN_FOCUS = (5006, 422, "Image not in focus");
    /// General error while matching faces (e.g. the transaction holds no ID photo).
    FACE_MATCH_FAILED = (7008, 422, "General error while matching the face image");
    /// Supported document sent to the wrong endpoint.
    WRONG_ENDPOINT = (5007, 422, "Supported document, but the wrong endpoint was called");

    // ---- Hawiya additions: authentication (6000-6099) ----
    /// No `ApiKey` header.
    API_KEY_MISSING = (6001, 401, "Missing ApiKey header");
    /// `ApiKey` header does not match an active key.
    API_KEY_INVALID = (6002, 401, "Invalid ApiKey");
    /// Wrong tenancy, user name or password.
    LOGIN_FAILED = (6003, 401, "Invalid tenancy name, user name or password");
    /// Missing, malformed or expired bearer token.
    ACCESS_TOKEN_INVALID = (6004, 401, "Missing, invalid or expired access token");
    /// Refresh token unknown, already used, or expired.
    REFRESH_TOKEN_INVALID = (6005, 401, "Invalid or expired refresh token");
    /// Bearer token of another tenant than the `ApiKey`.
    TOKEN_TENANT_MISMATCH = (6006, 403, "The access token belongs to another tenant");
    /// Too many failed logins for this user or from this address in the last 15 minutes.
    LOGIN_THROTTLED = (6007, 429, "Too many failed logins; retry after the seconds in Retry-After");

    // ---- Hawiya additions: request shape (6100-6199) ----
    /// Body is not valid JSON.
    MALFORMED_JSON = (6101, 400, "Malformed JSON body");
    /// A field has the wrong JSON type or value.
    INVALID_FIELD = (6102, 400, "A field has an invalid type or value");
    /// A required field is missing or null.
    MISSING_FIELD = (6103, 400, "A required field is missing");
    /// Body is not JSON (wrong Content-Type).
    UNSUPPORTED_CONTENT_TYPE = (6104, 415, "Content-Type must be application/json");
    /// Body larger than the request limit.
    BODY_TOO_LARGE = (6105, 413, "Request body too large");
    /// The body did not arrive within the read timeout.
    BODY_READ_TIMEOUT = (6106, 408, "The request body did not arrive in time");

    // ---- Hawiya additions: images (6200-6299) ----
    /// Image field is not valid base64.
    INVALID_BASE64 = (6201, 400, "Please provide a valid base64 encoded image");
    /// Image field empty, or zero bytes / zero pixels.
    EMPTY_IMAGE = (6202, 400, "The image is empty");
    /// Bytes are not JPEG, PNG or WebP.
    UNSUPPORTED_IMAGE_FORMAT = (6203, 415, "Unsupported image format: send JPEG, PNG or WebP");
    /// Image truncated or corrupt.
    CORRUPT_IMAGE = (6204, 422, "The image data is truncated or corrupt");

    // ---- Hawiya additions: engines (6500-6599) ----
    /// The models are still loading, or failed to load.
    ENGINE_UNAVAILABLE = (6500, 503, "The models are not loaded yet; retry shortly");
    /// AML screening asked for, but no list has been imported.
    NO_AML_LIST = (6501, 503, "No AML screening list has been imported (hawiya aml import)");
    /// Every inference slot is busy and the admission queue is full: shed at once.
    BUSY = (6502, 503, "The server is busy; retry after the seconds in Retry-After");

    // ---- Hawiya additions: liveness findings (6600-6699), reported as validations ----
    /// The frames show a photo or a screen moved as a plane, or a screen pattern.
    LIVENESS_SPOOF = (6601, 422, "Liveness failed: the frames show a photo or a screen, not a live face");
    /// Nothing failed, but the frames do not decide it: too little head movement in depth,
    /// or washed-out colour.
    LIVENESS_INSUFFICIENT = (6602, 422, "Liveness undecided: the frames show too little head movement in depth, or washed-out colour; capture again");
    /// The capture times span more than 0.5 s.
    LIVENESS_CAPTURE_SPAN = (6603, 422, "Liveness frames must be captured within 0.5 s");
    /// Two frames are the same picture, or a frame was submitted before.
    LIVENESS_REPLAY = (6604, 422, "Liveness frames are identical or were submitted before");
    /// The frames do not all show the same person.
    LIVENESS_IDENTITY = (6605, 422, "The liveness frames do not all show the same person");
    /// The face in the frames does not match the transaction's ID photo.
    LIVENESS_ID_MISMATCH = (6606, 422, "The face in the liveness frames does not match the ID photo");

    // ---- Hawiya additions: routing (6400-6499) ----
    /// No such route.
    NOT_FOUND = (6404, 404, "No such endpoint");
    /// Route exists, method does not.
    METHOD_NOT_ALLOWED = (6405, 405, "Method not allowed");
}

/// Looks a code up by number.
pub fn by_number(code: u16) -> Option<ErrorCode> {
    ALL.iter().copied().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
        }
    }

    #[test]
    fn statuses_are_errors() {
        for c in ALL {
            assert!((400..=599).contains(&c.http_status), "{}", c.code);
        }
        assert_eq!(by_number(5004), Some(BAD_TRANSACTION));
        assert_eq!(by_number(1), None);
    }

    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../../../docs/ERRORS.md");
        for c in ALL {
            assert!(
                doc.contains(&format!("| {} | {} |", c.code, c.http_status)),
                "docs/ERRORS.md lacks {} ({})",
                c.code,
                c.message
            );
        }
    }
}

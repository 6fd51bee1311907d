//! `POST /v1/ocr/face/compare` and `POST /v1/ocr/face/match`.
//!
//! Compare: two images → the chosen face of each → cosine similarity of SFace embeddings →
//! `isMatched` at the calibrated threshold. Match: a selfie against the ID photo's embedding
//! kept in the transaction (by the ID-front step, or by the optional `id_front_image` field
//! until the ID-front reader exists). Only embeddings are kept, sealed; images only with
//! `store_images`.

use crate::auth::TenantAuth;
use crate::body::{decode_images, required, JsonBody};
use crate::envelope::{ok, ApiError, ApiResult, Services, Spoofing};
use crate::{transactions, AppState, RequestId};
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use hawiya_core::codes;
use hawiya_face::engine::{FaceAnalysis, FaceError, FaceRole};
use hawiya_face::presentation::{Cues, Medium};
use hawiya_store::{NewStep, TransactionRef};
use hawiya_vision::DecodedImage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Source name of the ID photo's embedding in a transaction.
pub const ID_FRONT_TEMPLATE: &str = "id_front";

/// Body of `POST /v1/ocr/face/compare`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FaceCompareRequest {
    /// First face, base64. Required.
    pub face_image1: Option<String>,
    /// Second face, base64. Required.
    pub face_image2: Option<String>,
    /// GUID of an existing transaction; omitted or null creates one.
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub transaction_id: Option<String>,
    /// The caller's own reference, echoed back.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub client_transaction_id: Option<String>,
    /// Accepted for compatibility.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub request_id: Option<String>,
}

/// Body of `POST /v1/ocr/face/match`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FaceMatchRequest {
    /// The selfie, base64. Required.
    pub image: Option<String>,
    /// An ID-card front whose photo to match against (Hawiya addition, until the ID-front
    /// reader stores it): its largest face's embedding is kept in the transaction.
    pub id_front_image: Option<String>,
    /// GUID of the transaction holding the ID front; required without `id_front_image`.
    #[serde(default, deserialize_with = "crate::body::text::<_, 64>")]
    #[schema(max_length = 64)]
    pub transaction_id: Option<String>,
    /// The caller's own reference, echoed back.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub client_transaction_id: Option<String>,
    /// Accepted for compatibility.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub request_id: Option<String>,
}

/// One face as found in an image.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaceBox {
    /// `[x1, y1, x2, y2]` in pixels of the (orientation-corrected) image.
    pub bbox: [f32; 4],
    /// Detector confidence.
    pub score: f32,
    /// Faces the detector found in the image.
    pub faces_found: usize,
}

/// `data` of the face endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct FaceMatchData {
    /// Same person.
    #[serde(rename = "isMatched")]
    pub is_matched: bool,
    /// Cosine similarity of the embeddings, −1..1 (Hawiya addition).
    pub similarity: f32,
    /// `1 − similarity` (the "dissimilarity score" of the Vlens reference).
    pub dissimilarity: f32,
    /// Threshold the decision used (Hawiya addition).
    pub threshold: f32,
    /// Faces used, in request order (Hawiya addition).
    pub faces: Vec<FaceBox>,
    /// Transaction GUID.
    pub transaction_id: String,
    /// The caller's reference.
    pub client_transaction_id: Option<String>,
    /// This request's id.
    pub request_id: String,
}

pub(crate) fn face_box(a: &FaceAnalysis) -> FaceBox {
    FaceBox {
        bbox: a.face.bbox,
        score: a.face.score,
        faces_found: a.faces_found,
    }
}

/// Maps a face failure in `field` to its documented code.
pub(crate) fn face_error(field: &str, role: FaceRole, e: FaceError) -> ApiError {
    let code = match (&e, role) {
        (FaceError::NoFace, FaceRole::IdPhoto) => codes::NO_FACE_ON_ID,
        (FaceError::NoFace, _) => codes::NO_FACE,
        (FaceError::MultipleFaces(_), _) => codes::MULTIPLE_FACES,
        (FaceError::TooSmall { .. }, _) => codes::FACE_NOT_USABLE,
        (FaceError::Blurry { .. }, _) => codes::FACE_UNCLEAR,
        (FaceError::Inference(_), _) => return ApiError::internal(e),
    };
    ApiError::new(code)
        .message(format!("{}: `{field}`", code.message))
        .field(field, e.to_string())
}

/// Analyses several images at once on the inference pool; the first failure (in request
/// order) wins. For a selfie, also the print or screen seen around the face in this one
/// frame (`hawiya_face::presentation`: washed-out colour and the medium's border together).
async fn analyze_all(
    state: &AppState,
    images: Vec<(&'static str, DecodedImage, FaceRole)>,
) -> ApiResult<Vec<(FaceAnalysis, Option<Medium>)>> {
    let engine = state.engines.face()?.clone();
    let tasks: Vec<_> = images
        .into_iter()
        .map(|(field, decoded, role)| {
            let engine = engine.clone();
            let engines = state.engines.clone();
            async move {
                let result = engines
                    .run(move || {
                        let image = decoded.image.to_rgb8();
                        engine.analyze(&image, role).map(|a| {
                            let medium = (role == FaceRole::Selfie)
                                .then(|| Cues::measure(&image, &a.face).medium())
                                .flatten();
                            (a, medium)
                        })
                    })
                    .await?;
                result.map_err(|e| face_error(field, role, e))
            }
        })
        .collect();
    futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .collect()
}

/// The images to keep with a step: their original bytes, only when configured.
pub(crate) fn kept_images(
    state: &AppState,
    named: &[(&str, &DecodedImage)],
) -> Vec<(String, Vec<u8>)> {
    if !state.config.store_images {
        return Vec::new();
    }
    named
        .iter()
        .map(|(name, d)| (name.to_string(), d.bytes.clone()))
        .collect()
}

/// `POST /v1/ocr/face/compare`.
pub async fn face_compare(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<FaceCompareRequest>,
) -> ApiResult<Response> {
    let first = required(body.face_image1, "face_image1")?;
    let second = required(body.face_image2, "face_image2")?;
    let mut decoded = decode_images(
        &state,
        vec![("face_image1", first), ("face_image2", second)],
    )
    .await?;
    let transaction = transactions::resolve(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
    )
    .await?;
    state.engines.face()?;
    let (d2, d1) = (
        decoded.pop().expect("two images"),
        decoded.pop().expect("two images"),
    );
    let images = kept_images(&state, &[("face_image1", &d1), ("face_image2", &d2)]);
    let faces = analyze_all(
        &state,
        vec![
            ("face_image1", d1, FaceRole::Compare),
            ("face_image2", d2, FaceRole::Compare),
        ],
    )
    .await?;
    let engine = state.engines.face()?;
    let (similarity, is_matched) = engine.compare(&faces[0].0.embedding, &faces[1].0.embedding);
    let mut data = FaceMatchData {
        is_matched,
        similarity,
        dissimilarity: 1.0 - similarity,
        threshold: engine.threshold(),
        faces: faces.iter().map(|(a, _)| face_box(a)).collect(),
        transaction_id: String::new(),
        client_transaction_id: body.client_transaction_id,
        request_id: request_id.clone(),
    };
    let stored = state
        .store
        .record_step(NewStep {
            images,
            ..NewStep::new(
                &tenant.id,
                transaction,
                "face_compare",
                "/v1/ocr/face/compare",
                &request_id,
                is_matched,
                serde_json::to_value(&data).map_err(ApiError::internal)?,
            )
        })
        .await?;
    data.transaction_id = stored.transaction_id;
    Ok(ok(data, None))
}

/// The transaction of a request that matches a face against an ID photo, and the ID photo's
/// stored embedding when the request does not bring the ID image itself (`id_field`, the
/// name of the request's ID-image field, is `None`). Without either: 6103, or 7008 for a
/// transaction that holds no ID photo. Checks that the face engine is loaded.
pub(crate) async fn transaction_with_id_photo(
    state: &AppState,
    tenant: &hawiya_store::Tenant,
    transaction_id: Option<&str>,
    client_transaction_id: Option<&str>,
    id_field: Option<&str>,
) -> ApiResult<(TransactionRef, Option<Vec<f32>>)> {
    if id_field.is_none() && transaction_id.is_none_or(|t| t.trim().is_empty()) {
        return Err(required::<()>(None, "transaction_id").unwrap_err().message(
            "`transaction_id` of a transaction holding an ID front is required (or send the ID front image)",
        ));
    }
    let transaction =
        transactions::resolve(state, tenant, transaction_id, client_transaction_id).await?;
    state.engines.face()?;
    let stored = match (&transaction, id_field) {
        (TransactionRef::Existing(id), None) => Some(
            state
                .store
                .latest_face_template(&tenant.id, id, ID_FRONT_TEMPLATE)
                .await?
                .ok_or_else(|| {
                    ApiError::new(codes::FACE_MATCH_FAILED)
                        .message("The transaction holds no ID front photo: call /v1/ocr/id/front first, or send the ID front image")
                        .field("transaction_id", "no ID front in this transaction")
                })?,
        ),
        _ => None,
    };
    Ok((transaction, stored))
}

/// `POST /v1/ocr/face/match`.
pub async fn face_match(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<FaceMatchRequest>,
) -> ApiResult<Response> {
    let selfie = required(body.image, "image")?;
    let mut fields = vec![("image", selfie)];
    if let Some(id_front) = body.id_front_image {
        fields.push(("id_front_image", id_front));
    }
    let mut decoded = decode_images(&state, fields).await?;
    let with_id_front = decoded.len() == 2;
    let (transaction, stored_template) = transaction_with_id_photo(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
        with_id_front.then_some("id_front_image"),
    )
    .await?;
    let selfie_image = decoded.remove(0);
    let id_image = decoded.pop();
    let mut named = vec![("image", &selfie_image)];
    if let Some(id) = &id_image {
        named.push(("id_front_image", id));
    }
    let images = kept_images(&state, &named);
    let mut work = vec![("image", selfie_image, FaceRole::Selfie)];
    if let Some(id) = id_image {
        work.push(("id_front_image", id, FaceRole::IdPhoto));
    }
    let mut faces = analyze_all(&state, work).await?;
    let new_template = (faces.len() == 2).then(|| faces.pop().expect("two analyses").0);
    let (selfie, medium) = faces.pop().expect("the selfie's analysis");
    let reference = match (&new_template, &stored_template) {
        (Some(a), _) => a.embedding.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => return Err(ApiError::internal("no reference face")),
    };
    let engine = state.engines.face()?;
    let (similarity, is_matched) = engine.compare(&selfie.embedding, &reference);
    let mut data = FaceMatchData {
        is_matched,
        similarity,
        dissimilarity: 1.0 - similarity,
        threshold: engine.threshold(),
        faces: std::iter::once(&selfie)
            .chain(new_template.iter())
            .map(face_box)
            .collect(),
        transaction_id: String::new(),
        client_transaction_id: body.client_transaction_id,
        request_id: request_id.clone(),
    };
    let stored = state
        .store
        .record_step(NewStep {
            images,
            face_templates: new_template
                .map(|t| vec![(ID_FRONT_TEMPLATE.to_string(), t.embedding)])
                .unwrap_or_default(),
            ..NewStep::new(
                &tenant.id,
                transaction,
                "face_match",
                "/v1/ocr/face/match",
                &request_id,
                is_matched,
                serde_json::to_value(&data).map_err(ApiError::internal)?,
            )
        })
        .await?;
    data.transaction_id = stored.transaction_id;
    let reasons = medium.map(|m| m.reason().to_string()).into_iter().collect();
    let services = Services {
        spoofing: Some(Spoofing::from_reasons(reasons)),
        ..Services::default()
    };
    Ok(ok(data, Some(services)))
}

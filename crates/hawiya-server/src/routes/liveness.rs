//! `POST /v1/ocr/liveness/multi`: liveness from three frames, and the face match against the
//! transaction's ID photo.
//!
//! Each frame goes through the selfie face policy (one face, large and sharp enough), then
//! [`hawiya_face::liveness::assess`] decides from the three frames together, and the store
//! says whether any frame was submitted before (a keyed fingerprint of its pixels). The
//! findings are validations (codes 6601-6606) in a 200 response, as Vlens reports document
//! checks; frame-level problems are envelope errors naming the frame.

use crate::auth::TenantAuth;
use crate::body::{decode_images, required, JsonBody};
use crate::envelope::{
    ok, ApiError, ApiResult, CodeMessage, Services, Spoofing, ValidationError, Validations,
};
use crate::routes::face::{
    face_box, face_error, kept_images, transaction_with_id_photo, FaceBox, ID_FRONT_TEMPLATE,
};
use crate::{AppState, RequestId};
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use hawiya_core::codes::{self, ErrorCode};
use hawiya_face::align::cosine;
use hawiya_face::engine::{FaceAnalysis, FaceRole};
use hawiya_face::liveness::{assess, Decision, FrameEvidence, LivenessVerdict};
use hawiya_store::{NewStep, TransactionRef};
use hawiya_vision::DecodedImage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The frame fields, in order.
const FRAME_FIELDS: [&str; 3] = ["face_1", "face_2", "face_3"];

/// Accepted capture times, milliseconds: from the Unix epoch (or a client's own zero) to the
/// end of year 9999. Anything else is a client bug, answered 6102.
const CAPTURE_TIMES_MS: std::ops::RangeInclusive<i64> = 0..=253_402_300_799_999;

/// Body of `POST /v1/ocr/liveness/multi`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LivenessRequest {
    /// The ID-card front whose photo the frames must match. Optional when the transaction
    /// already holds one (from the ID-front step or a face match with `id_front_image`).
    pub image: Option<String>,
    /// First frame, base64. Required.
    pub face_1: Option<String>,
    /// Second frame, at most 0.5 s after the first. Required.
    pub face_2: Option<String>,
    /// Third frame, at most 0.5 s after the second. Required.
    pub face_3: Option<String>,
    /// Capture time of each frame, Unix milliseconds (Hawiya addition; when sent, the three
    /// must span at most 500 ms).
    pub capture_times_ms: Option<Vec<i64>>,
    /// GUID of the transaction holding the ID front; required without `image`.
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
    /// Accepted for compatibility (the response always carries the liveness data).
    #[serde(rename = "getExtractedData")]
    pub get_extracted_data: Option<bool>,
}

/// The measurements behind a liveness decision (Hawiya addition).
#[derive(Debug, Serialize, ToSchema)]
pub struct LivenessSignals {
    /// Span of the capture times, ms, when they were sent.
    pub capture_span_ms: Option<i64>,
    /// Smallest perceptual-hash distance between two frames' face regions (0-64).
    pub min_dhash_distance: u32,
    /// Smallest mean absolute grey difference between two frames' face regions (0-255).
    pub min_mean_abs_diff: f32,
    /// Smallest cosine similarity between two frames' faces.
    pub min_pair_similarity: f32,
    /// Largest nose parallax against a planar fit, in eye distances (`null`: untrackable).
    pub parallax: Option<f32>,
    /// Largest tracked face motion between two frames, in eye distances (`null`:
    /// untrackable).
    pub motion: Option<f32>,
    /// The parallax over the motion of the frame pair it was measured on (`null`:
    /// untrackable); below 0.25 it is not 3-D evidence (tracking noise grows with motion).
    pub parallax_per_motion: Option<f32>,
    /// How far the face plane turned in depth (departure of its motion from a shift, roll
    /// and scale), in eye distances (`null`: untrackable); a face moving without parallax
    /// is planar only from 0.009 (a shaking camera moves a still head without it).
    pub plane_turn: Option<f32>,
    /// The same parallax measured on the 468-point face mesh (`null`: no mesh).
    pub mesh_parallax: Option<f32>,
    /// How far the three pairs' parallax is from adding up like a rigid head's (`null`:
    /// not all pairs tracked); above 0.9 it is not 3-D evidence.
    pub parallax_closure: Option<f32>,
    /// How far the eyes closed in one frame against the most open one, 0-1 (`null`: not
    /// measured); a blink from 0.3.
    pub eye_closure: Option<f32>,
    /// Screen / print pattern strength of the face crops (median over frames).
    pub screen_pattern: f32,
    /// Mean colour saturation of the face (median over frames, 0-255); a print or a screen
    /// washes it out.
    pub face_saturation: f32,
    /// Frames showing a print or a screen (washed-out colour and the medium's border); from
    /// two, the frames are `printed_photo` or `screen_display`.
    pub presentation_frames: usize,
    /// Share of the face box clipped white (median over frames): glare on a screen or glossy
    /// print, or shine on skin. Reported, not used in the decision.
    pub face_glare: f32,
    /// Frames submitted in an earlier request.
    pub frames_seen_before: usize,
}

/// The liveness part of `data` (Hawiya addition).
#[derive(Debug, Serialize, ToSchema)]
pub struct LivenessResult {
    /// `live`, `not_live` or `insufficient_evidence`.
    pub decision: &'static str,
    /// Machine-readable reasons: the failed checks, or `parallax_3d` and/or `blink` for a
    /// live decision.
    pub reasons: Vec<String>,
    /// The measurements.
    pub signals: LivenessSignals,
}

/// The face match of the frames against the ID photo (Hawiya addition).
#[derive(Debug, Serialize, ToSchema)]
pub struct LivenessFaceMatch {
    /// Every frame matches the ID photo.
    #[serde(rename = "isMatched")]
    pub is_matched: bool,
    /// The lowest cosine similarity of a frame to the ID photo.
    pub similarity: f32,
    /// Threshold the decision used.
    pub threshold: f32,
}

/// `data` of `POST /v1/ocr/liveness/multi`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LivenessData {
    /// Live, and the face matches the ID photo.
    #[serde(rename = "isVerificationProcessCompleted")]
    pub is_verification_process_completed: bool,
    /// The liveness decision with its reasons and measurements.
    pub liveness: LivenessResult,
    /// The frames against the ID photo.
    #[serde(rename = "faceMatch")]
    pub face_match: LivenessFaceMatch,
    /// The face used in each frame (then the ID photo's, when `image` was sent).
    pub faces: Vec<FaceBox>,
    /// Transaction GUID.
    pub transaction_id: String,
    /// The caller's reference.
    pub client_transaction_id: Option<String>,
    /// This request's id.
    pub request_id: String,
}

/// One analysed frame: its pixels (kept for the liveness checks) and its face.
struct Frame {
    rgb: image::RgbImage,
    analysis: FaceAnalysis,
}

/// Analyses the frames (selfie policy) and the optional ID image (ID-photo policy) in
/// parallel on the inference pool; the first failure in request order wins.
async fn analyze_frames(
    state: &AppState,
    frames: Vec<DecodedImage>,
    id_image: Option<DecodedImage>,
) -> ApiResult<(Vec<Frame>, Option<FaceAnalysis>)> {
    let engine = state.engines.face()?.clone();
    let work = frames
        .into_iter()
        .zip(FRAME_FIELDS)
        .map(|(d, field)| (field, d, FaceRole::Selfie))
        .chain(id_image.map(|d| ("image", d, FaceRole::IdPhoto)));
    let tasks: Vec<_> = work
        .map(|(field, decoded, role)| {
            let engine = engine.clone();
            let engines = state.engines.clone();
            async move {
                let (rgb, result) = engines
                    .run(move || {
                        let rgb = decoded.image.to_rgb8();
                        let result = engine.analyze(&rgb, role);
                        (rgb, result)
                    })
                    .await?;
                let analysis = result.map_err(|e| face_error(field, role, e))?;
                Ok::<_, ApiError>(Frame { rgb, analysis })
            }
        })
        .collect();
    let mut done = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .collect::<ApiResult<Vec<Frame>>>()?;
    let id = (done.len() == 4).then(|| done.pop().expect("four analyses").analysis);
    Ok((done, id))
}

/// The validation entry of a liveness finding.
fn finding(field: &str, code: ErrorCode) -> ValidationError {
    ValidationError {
        field: Some(field.to_string()),
        value: None,
        errors: vec![CodeMessage {
            code: code.code,
            message: code.message.to_string(),
        }],
    }
}

/// The code of a reason from [`assess`] (or `replayed_frames`), if it is a finding.
fn reason_code(reason: &str) -> Option<ErrorCode> {
    Some(match reason {
        "capture_span_exceeded" => codes::LIVENESS_CAPTURE_SPAN,
        "identical_frames" | "replayed_frames" => codes::LIVENESS_REPLAY,
        "identity_mismatch" => codes::LIVENESS_IDENTITY,
        "screen_pattern" | "printed_photo" | "screen_display" | "planar_motion" => {
            codes::LIVENESS_SPOOF
        }
        "too_little_motion" | "in_plane_motion" | "weak_parallax" | "untrackable"
        | "washed_out_colour" => codes::LIVENESS_INSUFFICIENT,
        _ => return None,
    })
}

/// `POST /v1/ocr/liveness/multi`.
pub async fn liveness_multi(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<LivenessRequest>,
) -> ApiResult<Response> {
    let mut fields = vec![
        ("face_1", required(body.face_1, "face_1")?),
        ("face_2", required(body.face_2, "face_2")?),
        ("face_3", required(body.face_3, "face_3")?),
    ];
    let capture_times = match body.capture_times_ms {
        None => [None; 3],
        Some(t) if t.len() == 3 && t.iter().all(|ms| CAPTURE_TIMES_MS.contains(ms)) => {
            [Some(t[0]), Some(t[1]), Some(t[2])]
        }
        Some(_) => {
            return Err(ApiError::new(codes::INVALID_FIELD).field(
                "capture_times_ms",
                "three capture times, one per frame, each from 0 to 253402300799999",
            ))
        }
    };
    let with_id_image = body.image.is_some();
    if let Some(image) = body.image {
        fields.push(("image", image));
    }
    let mut decoded = decode_images(&state, fields).await?;
    let (transaction, stored_template) = transaction_with_id_photo(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
        with_id_image.then_some("image"),
    )
    .await?;

    let id_image = with_id_image.then(|| decoded.pop().expect("the ID image"));
    let sealer = state.store.sealer().clone();
    let fingerprints: Vec<String> = decoded
        .iter()
        .map(|d| sealer.fingerprint(d.image.as_bytes()))
        .collect();
    let mut named: Vec<(&str, &DecodedImage)> = FRAME_FIELDS.into_iter().zip(&decoded).collect();
    if let Some(id) = &id_image {
        named.push(("image", id));
    }
    let images = kept_images(&state, &named);
    let (frames, new_template) = analyze_frames(&state, decoded, id_image).await?;
    let reference = match (&new_template, stored_template) {
        (Some(a), _) => a.embedding.clone(),
        (None, Some(t)) => t,
        (None, None) => return Err(ApiError::internal("no reference face")),
    };
    let seen_before = state.store.seen_frames(&fingerprints).await?;

    let engine = state.engines.face()?;
    let threshold = engine.threshold();
    let id_similarity = frames
        .iter()
        .map(|f| cosine(&f.analysis.embedding, &reference))
        .fold(f32::INFINITY, f32::min);
    let faces: Vec<FaceBox> = frames
        .iter()
        .map(|f| face_box(&f.analysis))
        .chain(new_template.iter().map(face_box))
        .collect();
    let evidence: Vec<FrameEvidence> = frames
        .into_iter()
        .zip(capture_times)
        .map(|(f, captured_at_ms)| FrameEvidence {
            image: f.rgb,
            face: f.analysis.face,
            embedding: f.analysis.embedding,
            captured_at_ms,
            mesh: None,
            eye_openness: None,
        })
        .collect();
    let evidence: [FrameEvidence; 3] = evidence
        .try_into()
        .map_err(|_| ApiError::internal("three frames"))?;
    let mesh_engine = engine.clone();
    // Stops between frames when the client goes away (the answer is then not wanted).
    let mut verdict: LivenessVerdict = state
        .engines
        .run_cancellable(move |cancel| {
            let mut evidence = evidence;
            for f in &mut evidence {
                if cancel.is_set() {
                    return None;
                }
                (f.mesh, f.eye_openness) = mesh_engine.mesh_and_eyes(&f.image, &f.face);
            }
            Some(assess(&evidence, None, threshold))
        })
        .await?
        .ok_or_else(|| ApiError::internal("liveness stopped: its client went away"))?;
    if seen_before > 0 {
        if verdict.decision != Decision::NotLive {
            verdict.reasons.clear();
        }
        verdict.reasons.push("replayed_frames".into());
        verdict.decision = Decision::NotLive;
    }

    // AML on the ID holder, when the tenant has lists and the transaction a read ID front.
    let aml = match &transaction {
        TransactionRef::Existing(id) => {
            crate::aml::screen_transaction_holder(&state, &tenant.id, id).await?
        }
        TransactionRef::New { .. } => None,
    };
    let is_live = verdict.decision == Decision::Live;
    let is_matched = id_similarity >= threshold;
    let mut validation_errors: Vec<ValidationError> = Vec::new();
    for reason in &verdict.reasons {
        if let Some(code) = reason_code(reason) {
            if !validation_errors
                .iter()
                .any(|v| v.errors[0].code == code.code)
            {
                validation_errors.push(finding("liveness", code));
            }
        }
    }
    if !is_matched {
        validation_errors.push(finding("image", codes::LIVENESS_ID_MISMATCH));
    }
    let validation_codes: Vec<u16> = validation_errors.iter().map(|v| v.errors[0].code).collect();
    let services = Services {
        validations: Validations { validation_errors },
        spoofing: match verdict.decision {
            Decision::Live => Some(Spoofing {
                fake: false,
                reasons: Vec::new(),
            }),
            Decision::NotLive => Some(Spoofing {
                fake: true,
                reasons: verdict.reasons.clone(),
            }),
            Decision::InsufficientEvidence => None,
        },
        liveness: Some(is_live),
        aml,
        ..Services::default()
    };
    let s = &verdict.signals;
    let mut data = LivenessData {
        is_verification_process_completed: is_live && is_matched,
        liveness: LivenessResult {
            decision: verdict.decision.as_str(),
            reasons: verdict.reasons.clone(),
            signals: LivenessSignals {
                capture_span_ms: s.capture_span_ms,
                min_dhash_distance: s.min_dhash_distance,
                min_mean_abs_diff: s.min_mean_abs_diff,
                min_pair_similarity: s.min_pair_cosine,
                parallax: s.tracked_parallax,
                motion: s.tracked_motion,
                parallax_per_motion: s.parallax_per_motion,
                plane_turn: s.plane_turn,
                mesh_parallax: s.mesh_parallax,
                parallax_closure: s.parallax_closure,
                eye_closure: s.eye_closure,
                screen_pattern: s.moire,
                face_saturation: s.face_saturation,
                presentation_frames: s.presentation_frames,
                face_glare: s.face_glare,
                frames_seen_before: seen_before,
            },
        },
        face_match: LivenessFaceMatch {
            is_matched,
            similarity: id_similarity,
            threshold,
        },
        faces,
        transaction_id: String::new(),
        client_transaction_id: body.client_transaction_id,
        request_id: request_id.clone(),
    };
    let stored = state
        .store
        .record_step(NewStep {
            validation_codes,
            images,
            face_templates: new_template
                .map(|t| vec![(ID_FRONT_TEMPLATE.to_string(), t.embedding)])
                .unwrap_or_default(),
            frame_fingerprints: fingerprints,
            ..NewStep::new(
                &tenant.id,
                transaction,
                "liveness",
                "/v1/ocr/liveness/multi",
                &request_id,
                data.is_verification_process_completed,
                serde_json::json!({ "data": &data, "services": &services }),
            )
        })
        .await?;
    data.transaction_id = stored.transaction_id;
    Ok(ok(data, Some(services)))
}

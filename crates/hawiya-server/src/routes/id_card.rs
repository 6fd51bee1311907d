//! `POST /v1/ocr/id/front`: the national ID card front.
//!
//! The photo is searched for the card, rectified and turned upright (the face photo decides
//! which way up), told from a back (barcode band), then read (`hawiya_ocr::id_front`). The
//! fields come back flat in `data` (as the old OCR docs show) and again under `idFrontData`
//! (as the SDKs decode them); the checks' findings are validations in `services`, as Vlens
//! reports them. The card photo's face embedding is kept (sealed) in the transaction for
//! face match and liveness.

use crate::auth::TenantAuth;
use crate::body::{decode_images, required, JsonBody};
use crate::envelope::{
    ok, ApiError, ApiResult, Classification, CodeMessage, Services, Spoofing, ValidationError,
    Validations,
};
use crate::routes::face::{kept_images, ID_FRONT_TEMPLATE};
use crate::routes::ocr::OcrRequest;
use crate::{transactions, AppState, RequestId};
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use hawiya_core::codes;
use hawiya_face::engine::FaceRole;
use hawiya_ocr::id_front::{read_front_photo, Finding, FrontOutcome};
use hawiya_store::NewStep;
use serde_json::{json, Value};

fn validation(f: &Finding) -> ValidationError {
    let message = codes::by_number(f.code)
        .map(|c| c.message.to_string())
        .unwrap_or_default();
    ValidationError {
        field: f.field.map(str::to_string),
        value: f.value.clone(),
        errors: vec![CodeMessage {
            code: f.code,
            message,
        }],
    }
}

/// `POST /v1/ocr/id/front`.
pub async fn id_front(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(body): JsonBody<OcrRequest>,
) -> ApiResult<Response> {
    let image = required(body.image, "image")?;
    let decoded = decode_images(&state, vec![("image", image)])
        .await?
        .remove(0);
    let transaction = transactions::resolve(
        &state,
        &tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
    )
    .await?;
    state.engines.face()?;
    state.engines.id_reader()?;
    let images = kept_images(&state, &[("image", &decoded)]);
    let engines = state.engines.clone();
    let today = chrono::Utc::now().date_naive();
    let (outcome, photo) = state
        .engines
        .run(move || -> anyhow::Result<_> {
            let face = engines.face().map_err(|e| anyhow::anyhow!(e.message))?;
            let reader = engines
                .id_reader()
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let check = |photo: &image::RgbImage| face.photo_face_score(photo);
            let outcome = read_front_photo(
                &decoded.image.to_rgb8(),
                &reader.digits,
                &reader.tesseract,
                &check,
                today,
            )?;
            let photo = match &outcome {
                FrontOutcome::Front {
                    card,
                    photo_found: true,
                    ..
                } => face.analyze(card, FaceRole::IdPhoto).ok(),
                _ => None,
            };
            Ok((outcome, photo))
        })
        .await?
        .map_err(ApiError::internal)?;

    let (fields, findings) = match &outcome {
        FrontOutcome::BackSide => {
            return Err(ApiError::new(codes::WRONG_ENDPOINT)
                .message("This is the back of a national ID card: send it to /v1/ocr/id/back"))
        }
        FrontOutcome::NoCard => (
            None,
            vec![Finding {
                field: None,
                value: None,
                code: codes::CARD_NOT_DETECTED.code,
            }],
        ),
        FrontOutcome::Front { text, .. } => {
            let mut findings = text.findings();
            if photo.is_none() {
                findings.push(Finding {
                    field: None,
                    value: None,
                    code: codes::NO_FACE_ON_ID.code,
                });
            }
            (Some(text.fields()), findings)
        }
    };
    let spoofing = match &outcome {
        FrontOutcome::Front { card, .. } => {
            let reasons = hawiya_ocr::spoof::document_spoof_reasons(card);
            Some(Spoofing {
                fake: !reasons.is_empty(),
                reasons,
            })
        }
        _ => None,
    };
    let services = Services {
        validations: Validations {
            validation_errors: findings.iter().map(validation).collect(),
        },
        spoofing,
        classification: Classification {
            doc_type: fields.as_ref().map(|_| "national_id".to_string()),
        },
        ..Services::default()
    };
    let complete = fields.is_some() && findings.is_empty();
    let mut data = fields.clone().unwrap_or_default();
    data.insert(
        "isVerificationProcessCompleted".into(),
        Value::Bool(complete),
    );
    data.insert(
        "idFrontData".into(),
        fields.map(Value::Object).unwrap_or(Value::Null),
    );
    data.insert(
        "client_transaction_id".into(),
        json!(body.client_transaction_id),
    );
    data.insert("request_id".into(), json!(request_id));
    let stored = state
        .store
        .record_step(NewStep {
            validation_codes: findings.iter().map(|f| f.code).collect(),
            images,
            face_templates: photo
                .map(|p| vec![(ID_FRONT_TEMPLATE.to_string(), p.embedding)])
                .unwrap_or_default(),
            ..NewStep::new(
                &tenant.id,
                transaction,
                "id_front",
                "/v1/ocr/id/front",
                &request_id,
                complete,
                json!({ "data": &data, "services": &services }),
            )
        })
        .await?;
    data.insert("transaction_id".into(), json!(stored.transaction_id));
    if let Some(Value::Object(inner)) = data.get_mut("idFrontData") {
        inner.insert("transaction_id".into(), json!(stored.transaction_id));
    }
    Ok(ok(Value::Object(data), Some(services)))
}

//! `POST /v1/ocr/id/front` and `POST /v1/ocr/id/back`: the national ID card.
//!
//! The photo is searched for the card, rectified, turned upright and told front from back
//! (the barcode band), then read (`hawiya_ocr::id_front`, `hawiya_ocr::id_back`). The fields
//! come back flat in `data` (as the old OCR docs show) and again under `idFrontData` or
//! `idBackData` (as the SDKs decode them), with the other side's data when the transaction
//! holds it; the checks' findings are validations in `services`, as Vlens reports them,
//! including 3101 when the two sides of one transaction carry different numbers. The card
//! photo's face embedding is kept (sealed) in the transaction for face match and liveness.

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
use hawiya_ocr::id_back::{read_back_photo, BackOutcome};
use hawiya_ocr::id_front::{read_front_photo, Finding, FrontOutcome};
use hawiya_ocr::layout;
use hawiya_store::{NewStep, Tenant, TransactionRef};
use serde_json::{json, Map, Value};

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

/// One side of the card: its step, endpoint and data key, and the other side's.
struct Side {
    step: &'static str,
    endpoint: &'static str,
    data_key: &'static str,
    other_step: &'static str,
    other_key: &'static str,
}

const FRONT: Side = Side {
    step: "id_front",
    endpoint: "/v1/ocr/id/front",
    data_key: "idFrontData",
    other_step: "id_back",
    other_key: "idBackData",
};

const BACK: Side = Side {
    step: "id_back",
    endpoint: "/v1/ocr/id/back",
    data_key: "idBackData",
    other_step: "id_front",
    other_key: "idFrontData",
};

/// What reading one side gave, for [`respond`].
struct SideRead {
    /// The fields, `None` when no card was found.
    fields: Option<Map<String, Value>>,
    findings: Vec<Finding>,
    spoofing: Option<Spoofing>,
    face_templates: Vec<(String, Vec<f32>)>,
}

/// The request's common parts, decoded and checked before any engine runs.
struct Prepared {
    image: image::RgbImage,
    kept: Vec<(String, Vec<u8>)>,
    transaction: TransactionRef,
}

async fn prepare(state: &AppState, tenant: &Tenant, body: &mut OcrRequest) -> ApiResult<Prepared> {
    let image = required(body.image.take(), "image")?;
    let decoded = decode_images(state, vec![("image", image)])
        .await?
        .remove(0);
    let transaction = transactions::resolve(
        state,
        tenant,
        body.transaction_id.as_deref(),
        body.client_transaction_id.as_deref(),
    )
    .await?;
    state.engines.id_reader()?;
    let kept = kept_images(state, &[("image", &decoded)]);
    Ok(Prepared {
        image: decoded.image.to_rgb8(),
        kept,
        transaction,
    })
}

fn spoofing(
    photo: &image::RgbImage,
    quad: &hawiya_ocr::card::CardQuad,
    card: &image::RgbImage,
    plain: layout::Roi,
) -> Spoofing {
    Spoofing::from_reasons(hawiya_ocr::spoof::document_spoof_reasons(
        photo, quad, card, plain,
    ))
}

impl SideRead {
    /// No card in the photo: 3011, no fields (the failed step is still recorded).
    fn no_card() -> SideRead {
        SideRead {
            fields: None,
            findings: vec![Finding {
                field: None,
                value: None,
                code: codes::CARD_NOT_DETECTED.code,
            }],
            spoofing: None,
            face_templates: Vec::new(),
        }
    }
}

/// The `idNumber` of a side's data, when it is a valid national ID number.
fn valid_number(data: &Map<String, Value>) -> Option<&str> {
    let n = data.get("idNumber")?.as_str()?;
    let today = chrono::Utc::now().date_naive();
    hawiya_core::nid::parse_national_id(n, today)
        .ok()
        .filter(|p| p.checksum_valid)
        .map(|_| n)
}

/// The other side's data in the transaction (its latest read), if any.
async fn other_side(
    state: &AppState,
    tenant: &Tenant,
    transaction: &TransactionRef,
    side: &Side,
) -> ApiResult<Option<Value>> {
    let TransactionRef::Existing(id) = transaction else {
        return Ok(None);
    };
    let steps = state.store.steps(&tenant.id, id).await?;
    Ok(steps
        .iter()
        .rev()
        .filter(|s| s.step_type == side.other_step)
        .map(|s| &s.result["data"][side.other_key])
        .find(|d| d.is_object())
        .cloned())
}

/// Adds the front/back number check, records the step and builds the response.
async fn respond(
    state: &AppState,
    tenant: &Tenant,
    request_id: &str,
    body: &OcrRequest,
    prepared: Prepared,
    side: &Side,
    mut read: SideRead,
) -> ApiResult<Response> {
    let other = other_side(state, tenant, &prepared.transaction, side).await?;
    if let (Some(fields), Some(Value::Object(other))) = (&read.fields, &other) {
        if let (Some(this), Some(that)) = (valid_number(fields), valid_number(other)) {
            if this != that {
                read.findings.push(Finding {
                    field: Some("idNumber"),
                    value: Some(this.to_string()),
                    code: codes::ID_NUMBER_MISMATCH.code,
                });
            }
        }
    }
    let services = Services {
        validations: Validations {
            validation_errors: read.findings.iter().map(validation).collect(),
        },
        spoofing: read.spoofing,
        classification: Classification {
            doc_type: read.fields.as_ref().map(|_| "national_id".to_string()),
        },
        ..Services::default()
    };
    let complete = read.fields.is_some() && read.findings.is_empty();
    let mut data = read.fields.clone().unwrap_or_default();
    data.insert(
        "isVerificationProcessCompleted".into(),
        Value::Bool(complete),
    );
    data.insert(
        side.data_key.into(),
        read.fields.map(Value::Object).unwrap_or(Value::Null),
    );
    data.insert(side.other_key.into(), other.unwrap_or(Value::Null));
    data.insert(
        "client_transaction_id".into(),
        json!(body.client_transaction_id),
    );
    data.insert("request_id".into(), json!(request_id));
    let stored = state
        .store
        .record_step(NewStep {
            validation_codes: read.findings.iter().map(|f| f.code).collect(),
            images: prepared.kept,
            face_templates: read.face_templates,
            ..NewStep::new(
                &tenant.id,
                prepared.transaction,
                side.step,
                side.endpoint,
                request_id,
                complete,
                json!({ "data": &data, "services": &services }),
            )
        })
        .await?;
    data.insert("transaction_id".into(), json!(stored.transaction_id));
    if let Some(Value::Object(inner)) = data.get_mut(side.data_key) {
        inner.insert("transaction_id".into(), json!(stored.transaction_id));
    }
    Ok(ok(Value::Object(data), Some(services)))
}

/// `POST /v1/ocr/id/front`.
pub async fn id_front(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(mut body): JsonBody<OcrRequest>,
) -> ApiResult<Response> {
    let prepared = prepare(&state, &tenant, &mut body).await?;
    state.engines.face()?;
    let engines = state.engines.clone();
    let today = chrono::Utc::now().date_naive();
    let image = prepared.image.clone();
    let (outcome, photo, spoof) = state
        .engines
        .run_cancellable(move |cancel| -> anyhow::Result<_> {
            let face = engines.face().map_err(|e| anyhow::anyhow!(e.message))?;
            let reader = engines
                .id_reader()
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let check = |photo: &image::RgbImage| face.photo_face_score(photo);
            let outcome = read_front_photo(&image, reader, &check, today, &|| !cancel.is_set())?;
            if cancel.is_set() {
                anyhow::bail!(hawiya_ocr::card::NOT_WANTED);
            }
            let photo = match &outcome {
                FrontOutcome::Front {
                    card,
                    photo_found: true,
                    ..
                } => face.analyze(card, FaceRole::IdPhoto).ok(),
                _ => None,
            };
            let spoof = match &outcome {
                FrontOutcome::Front { card, quad, .. } => {
                    Some(spoofing(&image, quad, card, layout::FRONT_PHOTO))
                }
                _ => None,
            };
            Ok((outcome, photo, spoof))
        })
        .await?
        .map_err(ApiError::internal)?;

    let read = match &outcome {
        FrontOutcome::BackSide => {
            return Err(ApiError::new(codes::WRONG_ENDPOINT)
                .message("This is the back of a national ID card: send it to /v1/ocr/id/back"))
        }
        FrontOutcome::NoCard => SideRead::no_card(),
        FrontOutcome::Front { text, .. } => {
            let mut findings = text.findings();
            if photo.is_none() {
                findings.push(Finding {
                    field: None,
                    value: None,
                    code: codes::NO_FACE_ON_ID.code,
                });
            }
            SideRead {
                fields: Some(text.fields()),
                findings,
                spoofing: spoof,
                face_templates: photo
                    .map(|p| vec![(ID_FRONT_TEMPLATE.to_string(), p.embedding)])
                    .unwrap_or_default(),
            }
        }
    };
    respond(&state, &tenant, &request_id, &body, prepared, &FRONT, read).await
}

/// `POST /v1/ocr/id/back`.
pub async fn id_back(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    TenantAuth(tenant): TenantAuth,
    JsonBody(mut body): JsonBody<OcrRequest>,
) -> ApiResult<Response> {
    let prepared = prepare(&state, &tenant, &mut body).await?;
    let engines = state.engines.clone();
    let today = chrono::Utc::now().date_naive();
    let image = prepared.image.clone();
    let (outcome, spoof) = state
        .engines
        .run_cancellable(move |cancel| -> anyhow::Result<_> {
            let reader = engines
                .id_reader()
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let outcome = read_back_photo(&image, reader, today, &|| !cancel.is_set())?;
            let spoof = match &outcome {
                BackOutcome::Back { card, quad, .. } => {
                    Some(spoofing(&image, quad, card, layout::BACK_BARCODE))
                }
                _ => None,
            };
            Ok((outcome, spoof))
        })
        .await?
        .map_err(ApiError::internal)?;
    let read = match &outcome {
        BackOutcome::FrontSide => {
            return Err(ApiError::new(codes::WRONG_ENDPOINT)
                .message("This is the front of a national ID card: send it to /v1/ocr/id/front"))
        }
        BackOutcome::NoCard => SideRead::no_card(),
        BackOutcome::Back { text, .. } => SideRead {
            fields: Some(text.fields()),
            findings: text.findings(today),
            spoofing: spoof,
            face_templates: Vec::new(),
        },
    };
    respond(&state, &tenant, &request_id, &body, prepared, &BACK, read).await
}

//! The face engine: YuNet detection → 5-point alignment → SFace embedding, on ONNX Runtime
//! session pools, plus the policies that turn detections into one usable face or an error.

use crate::align::{align_face, cosine, l2_normalize, sface_input, SFACE_SIZE};
use crate::eyes::{eye_aspect_ratio, eye_input, EYE_SIZE};
use crate::mesh::{mesh_input, Mesh, MESH_SIZE};
use crate::quality::{eye_distance, laplacian_variance};
use crate::yunet::{self, Face, RawOutputs, YUNET_SIZE};
use hawiya_infer::runtime::{Runtime, SessionPool};
use image::RgbImage;
use ort::value::Tensor;
use std::path::Path;

/// Cosine similarity at or above which two faces are the same person. Calibrated on
/// `testdata/faces/tune` only, security first: the highest impostor score there (0.326)
/// plus [`THRESHOLD_MARGIN`], rounded to two decimals. `hawiya bench face` recomputes it.
pub const DEFAULT_MATCH_THRESHOLD: f32 = 0.36;

/// Safety margin above the highest impostor score of the calibration set: a small set never
/// shows the worst impostor a deployment will meet.
pub const THRESHOLD_MARGIN: f32 = 0.035;

/// Smallest usable face: distance between the eyes in pixels.
pub const MIN_EYE_DISTANCE: f32 = 10.0;
/// Smallest detector score for a face in an ID card's photo area.
pub const ID_PHOTO_MIN_SCORE: f32 = 0.6;

/// Below this variance of the Laplacian on the aligned 112×112 face a selfie is too blurry.
/// Sharp photos score about 900-1800; the ID-photo simulation of the benchmark (a 70-px face,
/// blurred, upscaled) about 80-100 and still matches, so only far blurrier faces are refused.
pub const MIN_SELFIE_SHARPNESS: f32 = 25.0;

/// A second face at least this fraction of the largest face's area makes a selfie ambiguous.
pub const SIMILAR_SIZE_RATIO: f32 = 0.5;
/// Grey border added around an image in which no face was found, as a fraction of its
/// shorter side, before looking once more (a face that fills the frame).
const RETRY_BORDER: f32 = 0.2;

/// What a face image is, which decides how several or poor faces are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceRole {
    /// A live capture: several similar-size faces are an error, and so is blur.
    Selfie,
    /// The printed photo of an ID card: the largest face is used; blur is expected.
    IdPhoto,
    /// An image given to face compare: several similar-size faces are an error, blur is not.
    Compare,
}

/// Why no usable face came out of an image.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaceError {
    /// No face found.
    #[error("no face detected")]
    NoFace,
    /// Several faces of similar size; the subject is ambiguous.
    #[error("{0} faces of similar size in the image")]
    MultipleFaces(usize),
    /// The face is too small to compare.
    #[error(
        "the face is too small ({eye_distance:.0} px between the eyes, need {MIN_EYE_DISTANCE})"
    )]
    TooSmall {
        /// Measured inter-ocular distance.
        eye_distance: f32,
    },
    /// The face is too blurry.
    #[error("the face is too blurry (sharpness {sharpness:.1}, need {MIN_SELFIE_SHARPNESS})")]
    Blurry {
        /// Variance of the Laplacian of the aligned face.
        sharpness: f32,
    },
    /// The model runtime failed.
    #[error("inference failed: {0}")]
    Inference(String),
}

/// The chosen face of an image and its embedding.
#[derive(Debug, Clone)]
pub struct FaceAnalysis {
    /// The face used.
    pub face: Face,
    /// L2-normalised SFace embedding (128 values).
    pub embedding: Vec<f32>,
    /// How many faces the detector found.
    pub faces_found: usize,
    /// Variance of the Laplacian of the aligned face.
    pub sharpness: f32,
    /// Distance between the eyes, pixels.
    pub eye_distance: f32,
}

/// Detection and embedding sessions, loaded once.
#[derive(Clone)]
pub struct FaceEngine {
    yunet: SessionPool,
    sface: SessionPool,
    mesh: SessionPool,
    eyes: SessionPool,
    threshold: f32,
}

fn inference<E: std::fmt::Display>(e: E) -> FaceError {
    FaceError::Inference(e.to_string())
}

impl FaceEngine {
    /// Loads YuNet, SFace, the face mesh and the eye-contour model from `models_dir` into
    /// session pools of `runtime`.
    pub fn load(
        runtime: &Runtime,
        models_dir: &Path,
        threshold: Option<f32>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            yunet: runtime.pool(&models_dir.join(hawiya_infer::manifest::YUNET))?,
            sface: runtime.pool(&models_dir.join(hawiya_infer::manifest::SFACE))?,
            mesh: runtime.pool(&models_dir.join(hawiya_infer::manifest::FACE_MESH))?,
            eyes: runtime.pool(&models_dir.join(hawiya_infer::manifest::EYE_CONTOUR))?,
            threshold: threshold.unwrap_or(DEFAULT_MATCH_THRESHOLD),
        })
    }

    /// The match threshold in effect.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The best detector score of a face in `img`, if one reaches [`ID_PHOTO_MIN_SCORE`]:
    /// whether an ID card's photo area holds a face (the card readers' way-up cue).
    pub fn photo_face_score(&self, img: &RgbImage) -> Option<f32> {
        let faces = self.detect(img).ok()?;
        faces
            .iter()
            .map(|f| f.score)
            .filter(|&s| s >= ID_PHOTO_MIN_SCORE)
            .reduce(f32::max)
    }

    /// Every face in the image, best score first (original-image pixels).
    pub fn detect(&self, img: &RgbImage) -> Result<Vec<Face>, FaceError> {
        let (input, scale) = yunet::yunet_input(img);
        let side = YUNET_SIZE as usize;
        let tensor = Tensor::from_array(([1usize, 3, side, side], input)).map_err(inference)?;
        let mut faces = self.yunet.with(|session| {
            let outputs = session
                .run(ort::inputs!["input" => tensor])
                .map_err(inference)?;
            let raw = RawOutputs::from_named(|name| {
                outputs
                    .get(name)
                    .and_then(|v| v.try_extract_tensor::<f32>().ok())
                    .map(|(_, data)| data)
            })
            .map_err(inference)?;
            Ok::<_, FaceError>(yunet::decode(
                &raw,
                scale,
                yunet::DEFAULT_SCORE_THRESHOLD,
                yunet::DEFAULT_NMS_THRESHOLD,
            ))
        })?;
        for f in &mut faces {
            f.clip_to(img.width(), img.height());
        }
        Ok(faces)
    }

    /// The L2-normalised embedding of `face` in `img`, with the aligned crop's sharpness.
    pub fn embed(&self, img: &RgbImage, face: &Face) -> Result<(Vec<f32>, f32), FaceError> {
        let crop = align_face(img, &face.landmarks);
        let sharpness = laplacian_variance(&crop);
        let side = SFACE_SIZE as usize;
        let tensor =
            Tensor::from_array(([1usize, 3, side, side], sface_input(&crop))).map_err(inference)?;
        let embedding = self.sface.with(|session| {
            let outputs = session.run(ort::inputs![tensor]).map_err(inference)?;
            let (_, data) = outputs[0].try_extract_tensor::<f32>().map_err(inference)?;
            Ok::<_, FaceError>(l2_normalize(data))
        })?;
        Ok((embedding, sharpness))
    }

    /// The 468-point face mesh of `face` in `img` ([`crate::mesh`]).
    pub fn mesh(&self, img: &RgbImage, face: &Face) -> Result<Mesh, FaceError> {
        let (input, roi) = mesh_input(img, face);
        let side = MESH_SIZE as usize;
        let tensor = Tensor::from_array(([1usize, side, side, 3], input)).map_err(inference)?;
        self.mesh.with(|session| {
            let outputs = session
                .run(ort::inputs!["input_1" => tensor])
                .map_err(inference)?;
            let points = output_f32(outputs.get("conv2d_20"), "conv2d_20")?;
            let presence = output_f32(outputs.get("conv2d_30"), "conv2d_30")?;
            Mesh::from_outputs(&points, presence.first().copied().unwrap_or(f32::MIN), &roi)
                .ok_or_else(|| FaceError::Inference("face mesh output is not 468 points".into()))
        })
    }

    /// Eye openness of the face whose mesh is `mesh`: the eye aspect ratio of both eyes'
    /// lids by the eye-contour model ([`crate::eyes`]), averaged.
    pub fn eye_openness(&self, img: &RgbImage, mesh: &Mesh) -> Result<f32, FaceError> {
        const CONTOUR: &str = "output_eyes_contours_and_brows";
        let side = EYE_SIZE as usize;
        let mut total = 0.0;
        for eye in 0..2 {
            let tensor = Tensor::from_array(([1usize, side, side, 3], eye_input(img, mesh, eye)))
                .map_err(inference)?;
            total += self.eyes.with(|session| {
                let outputs = session
                    .run(ort::inputs!["input_1" => tensor])
                    .map_err(inference)?;
                eye_aspect_ratio(&output_f32(outputs.get(CONTOUR), CONTOUR)?)
                    .ok_or_else(|| FaceError::Inference("malformed eye contour".into()))
            })?;
        }
        Ok(total / 2.0)
    }

    /// What liveness reads from a frame's face besides its box and embedding: the mesh and
    /// the eye openness. Either is `None` when its model fails; the liveness signals built on
    /// it are then simply absent.
    pub fn mesh_and_eyes(&self, img: &RgbImage, face: &Face) -> (Option<Mesh>, Option<f32>) {
        let mesh = self.mesh(img, face).ok();
        let eyes = mesh.as_ref().and_then(|m| self.eye_openness(img, m).ok());
        (mesh, eyes)
    }

    /// Detects (once more inside a grey border when no face is found: a face that fills
    /// the frame), picks the face the role calls for, checks it, and embeds it. Boxes and
    /// landmarks are in `img`'s pixels.
    pub fn analyze(&self, img: &RgbImage, role: FaceRole) -> Result<FaceAnalysis, FaceError> {
        match self.analyze_as_given(img, role) {
            Err(FaceError::NoFace) => {
                // A face that fills the frame (an ID photo cut at hairline and chin) is missed
                // by YuNet, which learnt faces with some margin: look again with a grey one.
                let pad =
                    ((img.width().min(img.height()) as f32 * RETRY_BORDER).round() as u32).max(8);
                let mut padded = RgbImage::from_pixel(
                    img.width() + 2 * pad,
                    img.height() + 2 * pad,
                    image::Rgb([128, 128, 128]),
                );
                image::imageops::replace(&mut padded, img, i64::from(pad), i64::from(pad));
                let mut found = self.analyze_as_given(&padded, role)?;
                found.face.shift(-(pad as f32));
                found.face.clip_to(img.width(), img.height());
                Ok(found)
            }
            other => other,
        }
    }

    /// [`FaceEngine::analyze`] on the image as it is.
    fn analyze_as_given(&self, img: &RgbImage, role: FaceRole) -> Result<FaceAnalysis, FaceError> {
        let faces = self.detect(img)?;
        let face = choose_face(&faces, role)?;
        let eyes = eye_distance(&face.landmarks);
        if eyes < MIN_EYE_DISTANCE {
            return Err(FaceError::TooSmall { eye_distance: eyes });
        }
        let (embedding, sharpness) = self.embed(img, &face)?;
        if role == FaceRole::Selfie && sharpness < MIN_SELFIE_SHARPNESS {
            return Err(FaceError::Blurry { sharpness });
        }
        Ok(FaceAnalysis {
            face,
            embedding,
            faces_found: faces.len(),
            sharpness,
            eye_distance: eyes,
        })
    }

    /// Cosine similarity of two embeddings and whether it reaches the threshold.
    pub fn compare(&self, a: &[f32], b: &[f32]) -> (f32, bool) {
        let s = cosine(a, b);
        (s, s >= self.threshold)
    }
}

/// The f32 data of the model output `name` (`value` as looked up by that name).
fn output_f32(value: Option<&ort::value::DynValue>, name: &str) -> Result<Vec<f32>, FaceError> {
    let (_, data) = value
        .ok_or_else(|| FaceError::Inference(format!("no output {name}")))?
        .try_extract_tensor::<f32>()
        .map_err(inference)?;
    Ok(data.to_vec())
}

/// Picks the face an image of `role` is about: the largest; for selfies and compare images a
/// second face of similar size makes the image ambiguous.
pub fn choose_face(faces: &[Face], role: FaceRole) -> Result<Face, FaceError> {
    let mut by_area: Vec<&Face> = faces.iter().collect();
    by_area.sort_by(|a, b| b.area().total_cmp(&a.area()));
    let largest = *by_area.first().ok_or(FaceError::NoFace)?;
    if role != FaceRole::IdPhoto {
        let similar = by_area
            .iter()
            .filter(|f| f.area() >= SIMILAR_SIZE_RATIO * largest.area())
            .count();
        if similar > 1 {
            return Err(FaceError::MultipleFaces(similar));
        }
    }
    Ok(*largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(x: f32, size: f32) -> Face {
        Face {
            bbox: [x, 0.0, x + size, size],
            score: 0.9,
            landmarks: [[0.0; 2]; 5],
        }
    }

    #[test]
    fn face_choice_follows_the_role() {
        assert_eq!(choose_face(&[], FaceRole::IdPhoto), Err(FaceError::NoFace));
        let crowd = [face(0.0, 100.0), face(200.0, 90.0), face(400.0, 20.0)];
        assert_eq!(choose_face(&crowd, FaceRole::IdPhoto).unwrap().bbox[0], 0.0);
        assert_eq!(
            choose_face(&crowd, FaceRole::Selfie),
            Err(FaceError::MultipleFaces(2))
        );
        assert_eq!(
            choose_face(&crowd, FaceRole::Compare),
            Err(FaceError::MultipleFaces(2))
        );
        // A small face in the background does not make a selfie ambiguous.
        let background = [face(0.0, 20.0), face(100.0, 100.0)];
        assert_eq!(
            choose_face(&background, FaceRole::Selfie).unwrap().bbox[0],
            100.0
        );
    }
}

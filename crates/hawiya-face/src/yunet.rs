//! YuNet 2023mar pre-processing (letterbox) and post-processing (anchor decoding and NMS).
//!
//! The network takes `input`, 1×3×640×640, BGR, raw 0..255 floats, NCHW, with the image scaled
//! by `640 / max(w, h)` and pasted into the top-left corner of a black canvas. It returns twelve
//! tensors, `cls_{8,16,32}`, `obj_*` (both already sigmoid), `bbox_*` (dx, dy, log w, log h in
//! stride units) and `kps_*` (five x, y pairs in stride units), one row per grid cell.

use image::RgbImage;

/// Side of the square network input, in pixels.
pub const YUNET_SIZE: u32 = 640;

/// Feature-map strides of the three output heads, in the order [`RawOutputs`] stores them.
pub const STRIDES: [u32; 3] = [8, 16, 32];

/// Names of the twelve model outputs, grouped by head: `cls_*`, `obj_*`, `bbox_*`, `kps_*`.
pub const OUTPUT_NAMES: [&str; 12] = [
    "cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32", "bbox_8", "bbox_16", "bbox_32",
    "kps_8", "kps_16", "kps_32",
];

/// Default score threshold (same as OpenCV's `FaceDetectorYN`).
pub const DEFAULT_SCORE_THRESHOLD: f32 = 0.6;
/// Default NMS IoU threshold.
pub const DEFAULT_NMS_THRESHOLD: f32 = 0.3;
/// At most this many candidates (best first) enter NMS, like OpenCV's `top_k`.
pub const MAX_CANDIDATES: usize = 5000;

/// Letterboxes `img` for YuNet.
///
/// Scales by `640 / max(w, h)` with bilinear interpolation, pastes the result top-left on black
/// and returns the NCHW **BGR** tensor data (`3 * 640 * 640` floats in 0..=255) together with
/// the scale. The resize is bit-exact with `cv2.resize(..., INTER_LINEAR)` on `u8` images (the
/// reference pipeline). Divide network coordinates by the scale to get original pixels. An
/// empty image gives an all-black tensor and scale 1.
pub fn yunet_input(img: &RgbImage) -> (Vec<f32>, f32) {
    let size = YUNET_SIZE as usize;
    let plane = size * size;
    let mut out = vec![0.0f32; 3 * plane];
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return (out, 1.0);
    }
    let scale = YUNET_SIZE as f32 / w.max(h) as f32;
    let s64 = YUNET_SIZE as f64 / w.max(h) as f64;
    let nw = ((w as f64 * s64).round_ties_even() as usize).clamp(1, size);
    let nh = ((h as f64 * s64).round_ties_even() as usize).clamp(1, size);

    let src = img.as_raw();
    let row_bytes = w * 3;
    let (b_plane, rest) = out.split_at_mut(plane);
    let (g_plane, r_plane) = rest.split_at_mut(plane);

    if nw == w && nh == h {
        for y in 0..h {
            let row = &src[y * row_bytes..(y + 1) * row_bytes];
            let o = y * size;
            for (x, px) in row.chunks_exact(3).enumerate() {
                r_plane[o + x] = px[0] as f32;
                g_plane[o + x] = px[1] as f32;
                b_plane[o + x] = px[2] as f32;
            }
        }
        return (out, scale);
    }

    // OpenCV's fixed-point INTER_LINEAR: 11-bit weights, horizontal pass into i32 rows,
    // vertical pass with its exact shifts and rounding.
    let xs = linear_taps(w, nw, true);
    let ys = linear_taps(h, nh, false);
    let hrow = |y: usize, buf: &mut [i32]| {
        let row = &src[y * row_bytes..(y + 1) * row_bytes];
        for (t, o) in xs.iter().zip(buf.chunks_exact_mut(3)) {
            let (p0, p1) = (&row[t.i0 * 3..t.i0 * 3 + 3], &row[t.i1 * 3..t.i1 * 3 + 3]);
            for c in 0..3 {
                o[c] = p0[c] as i32 * t.c0 + p1[c] as i32 * (COEF_ONE - t.c0);
            }
        }
    };
    let mut cache = [
        (usize::MAX, vec![0i32; nw * 3]),
        (usize::MAX, vec![0i32; nw * 3]),
    ];
    for (dy, t) in ys.iter().enumerate() {
        if cache[0].0 != t.i0 {
            if cache[1].0 == t.i0 {
                cache.swap(0, 1);
            } else {
                hrow(t.i0, &mut cache[0].1);
                cache[0].0 = t.i0;
            }
        }
        if t.i1 != t.i0 && cache[1].0 != t.i1 {
            hrow(t.i1, &mut cache[1].1);
            cache[1].0 = t.i1;
        }
        let h0 = &cache[0].1;
        let h1 = if t.i1 == t.i0 { h0 } else { &cache[1].1 };
        let (b0, b1) = (t.c0, COEF_ONE - t.c0);
        let o = dy * size;
        for (x, (s0, s1)) in h0.chunks_exact(3).zip(h1.chunks_exact(3)).enumerate() {
            let v = |c: usize| {
                ((((b0 * (s0[c] >> 4)) >> 16) + ((b1 * (s1[c] >> 4)) >> 16) + 2) >> 2) as f32
            };
            r_plane[o + x] = v(0);
            g_plane[o + x] = v(1);
            b_plane[o + x] = v(2);
        }
    }
    (out, scale)
}

/// Fixed-point 1.0 of OpenCV's resize weights (`INTER_RESIZE_COEF_SCALE`).
const COEF_ONE: i32 = 2048;

/// One bilinear tap: source indices and the fixed-point weight of `i0` (`i1` gets the rest).
struct Tap {
    i0: usize,
    i1: usize,
    c0: i32,
}

/// OpenCV `INTER_LINEAR` taps for resizing `src` samples to `dst`: pixel centres aligned,
/// positions computed in `f32`. Horizontally (`clamp_frac`) the weight is dropped at the
/// borders; vertically only the row indices are clamped, as OpenCV does.
fn linear_taps(src: usize, dst: usize, clamp_frac: bool) -> Vec<Tap> {
    let ratio = 1.0 / (dst as f64 / src as f64);
    let last = src as i64 - 1;
    (0..dst)
        .map(|d| {
            let f = ((d as f64 + 0.5) * ratio - 0.5) as f32;
            let fl = f.floor();
            let mut frac = f - fl;
            let mut i = fl as i64;
            if clamp_frac {
                if i < 0 {
                    i = 0;
                    frac = 0.0;
                }
                if i >= last {
                    i = last;
                    frac = 0.0;
                }
            }
            Tap {
                i0: i.clamp(0, last) as usize,
                i1: (i + 1).clamp(0, last) as usize,
                c0: ((1.0 - frac) * COEF_ONE as f32).round_ties_even() as i32,
            }
        })
        .collect()
}

/// Why model outputs could not be wrapped in [`RawOutputs`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The runtime did not return the named output.
    #[error("YuNet output `{0}` is missing")]
    Missing(String),
    /// An output has the wrong number of elements.
    #[error("YuNet output `{name}` has {got} values, expected {expected}")]
    BadLength {
        /// Output name, e.g. `bbox_16`.
        name: String,
        /// Expected element count.
        expected: usize,
        /// Actual element count.
        got: usize,
    },
}

/// The four output tensors of one stride, flattened row-major as the model returns them.
#[derive(Debug, Clone, Copy)]
pub struct StrideOutputs<'a> {
    /// `cls_s`, shape [1, N, 1].
    pub cls: &'a [f32],
    /// `obj_s`, shape [1, N, 1].
    pub obj: &'a [f32],
    /// `bbox_s`, shape [1, N, 4].
    pub bbox: &'a [f32],
    /// `kps_s`, shape [1, N, 10].
    pub kps: &'a [f32],
}

/// All twelve YuNet outputs, checked for shape; index `i` belongs to stride `STRIDES[i]`.
#[derive(Debug, Clone, Copy)]
pub struct RawOutputs<'a> {
    heads: [StrideOutputs<'a>; 3],
}

/// Number of grid cells (anchors) of a stride for the 640×640 input.
pub fn cells(stride: u32) -> usize {
    let side = (YUNET_SIZE / stride) as usize;
    side * side
}

impl<'a> RawOutputs<'a> {
    /// Wraps per-stride outputs (in [`STRIDES`] order), checking every length.
    pub fn new(heads: [StrideOutputs<'a>; 3]) -> Result<Self, OutputError> {
        for (h, &s) in heads.iter().zip(STRIDES.iter()) {
            let n = cells(s);
            for (kind, data, per) in [
                ("cls", h.cls, 1),
                ("obj", h.obj, 1),
                ("bbox", h.bbox, 4),
                ("kps", h.kps, 10),
            ] {
                if data.len() != n * per {
                    return Err(OutputError::BadLength {
                        name: format!("{kind}_{s}"),
                        expected: n * per,
                        got: data.len(),
                    });
                }
            }
        }
        Ok(Self { heads })
    }

    /// Builds from a lookup by output name (`cls_8`, `obj_16`, `bbox_32`, `kps_8`, ...;
    /// see [`OUTPUT_NAMES`]).
    pub fn from_named<F>(mut get: F) -> Result<Self, OutputError>
    where
        F: FnMut(&str) -> Option<&'a [f32]>,
    {
        let mut fetch = |kind: &str, s: u32| {
            let name = format!("{kind}_{s}");
            get(&name).ok_or(OutputError::Missing(name))
        };
        let mut head = |s: u32| -> Result<StrideOutputs<'a>, OutputError> {
            Ok(StrideOutputs {
                cls: fetch("cls", s)?,
                obj: fetch("obj", s)?,
                bbox: fetch("bbox", s)?,
                kps: fetch("kps", s)?,
            })
        };
        let heads = [head(STRIDES[0])?, head(STRIDES[1])?, head(STRIDES[2])?];
        Self::new(heads)
    }

    /// Outputs of stride `STRIDES[i]`.
    pub fn head(&self, i: usize) -> &StrideOutputs<'a> {
        &self.heads[i]
    }
}

/// One detected face, in original-image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    /// `[x1, y1, x2, y2]`.
    pub bbox: [f32; 4],
    /// Confidence, `sqrt(cls * obj)` in 0..=1.
    pub score: f32,
    /// Right eye, left eye, nose tip, right mouth corner, left mouth corner (the subject's
    /// right/left, so the "right eye" is the one on the image's left), as `[x, y]`.
    pub landmarks: [[f32; 2]; 5],
}

impl Face {
    /// Box width.
    pub fn width(&self) -> f32 {
        self.bbox[2] - self.bbox[0]
    }

    /// Box height.
    pub fn height(&self) -> f32 {
        self.bbox[3] - self.bbox[1]
    }

    /// Box area (0 for degenerate boxes).
    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }

    /// Moves the box and the landmarks by `by` pixels along both axes.
    pub fn shift(&mut self, by: f32) {
        for v in &mut self.bbox {
            *v += by;
        }
        for p in &mut self.landmarks {
            p[0] += by;
            p[1] += by;
        }
    }

    /// Clips the box (not the landmarks) to a `width`×`height` image.
    pub fn clip_to(&mut self, width: u32, height: u32) {
        let (w, h) = (width as f32, height as f32);
        self.bbox[0] = self.bbox[0].clamp(0.0, w);
        self.bbox[1] = self.bbox[1].clamp(0.0, h);
        self.bbox[2] = self.bbox[2].clamp(0.0, w);
        self.bbox[3] = self.bbox[3].clamp(0.0, h);
    }
}

/// The face with the largest box area, if any.
pub fn largest(faces: &[Face]) -> Option<&Face> {
    faces.iter().max_by(|a, b| a.area().total_cmp(&b.area()))
}

/// Decodes the raw outputs into faces in original-image pixels, sorted by score (descending).
///
/// `scale` is the value [`yunet_input`] returned. Anchors with `sqrt(clamp(cls) * clamp(obj))`
/// strictly above `score_threshold` are kept, then greedy NMS drops any box whose IoU with a
/// better one exceeds `nms_threshold`. Boxes are not clipped; see [`Face::clip_to`].
pub fn decode(
    outputs: &RawOutputs,
    scale: f32,
    score_threshold: f32,
    nms_threshold: f32,
) -> Vec<Face> {
    let inv = if scale > 0.0 && scale.is_finite() {
        1.0 / scale
    } else {
        1.0
    };
    let mut cands: Vec<Face> = Vec::new();
    for (h, &stride) in outputs.heads.iter().zip(STRIDES.iter()) {
        let cols = (YUNET_SIZE / stride) as usize;
        let st = stride as f32;
        for (i, (&c, &o)) in h.cls.iter().zip(h.obj.iter()).enumerate() {
            let score = (c.clamp(0.0, 1.0) * o.clamp(0.0, 1.0)).sqrt();
            if score.is_nan() || score <= score_threshold {
                continue;
            }
            let (row, col) = ((i / cols) as f32, (i % cols) as f32);
            let b = &h.bbox[i * 4..i * 4 + 4];
            let cx = (col + b[0]) * st;
            let cy = (row + b[1]) * st;
            let bw = b[2].exp() * st;
            let bh = b[3].exp() * st;
            let bbox = [
                (cx - bw / 2.0) * inv,
                (cy - bh / 2.0) * inv,
                (cx + bw / 2.0) * inv,
                (cy + bh / 2.0) * inv,
            ];
            let k = &h.kps[i * 10..i * 10 + 10];
            let mut landmarks = [[0.0f32; 2]; 5];
            for (j, lm) in landmarks.iter_mut().enumerate() {
                lm[0] = (col + k[2 * j]) * st * inv;
                lm[1] = (row + k[2 * j + 1]) * st * inv;
            }
            cands.push(Face {
                bbox,
                score,
                landmarks,
            });
        }
    }
    cands.sort_by(|a, b| b.score.total_cmp(&a.score));
    cands.truncate(MAX_CANDIDATES);
    nms(cands, nms_threshold)
}

/// Greedy NMS over faces already sorted by score (descending).
fn nms(cands: Vec<Face>, threshold: f32) -> Vec<Face> {
    let mut suppressed = vec![false; cands.len()];
    let mut keep = Vec::new();
    for i in 0..cands.len() {
        if suppressed[i] {
            continue;
        }
        let a = cands[i];
        for (j, s) in suppressed.iter_mut().enumerate().skip(i + 1) {
            if !*s && iou(&a.bbox, &cands[j].bbox) > threshold {
                *s = true;
            }
        }
        keep.push(a);
    }
    keep
}

/// Intersection over union of two `[x1, y1, x2, y2]` boxes.
pub fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let area_a = (a[2] - a[0]) * (a[3] - a[1]);
    let area_b = (b[2] - b[0]) * (b[3] - b[1]);
    inter / (area_a + area_b - inter + 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Zeroed outputs for all strides.
    struct Buffers {
        cls: [Vec<f32>; 3],
        obj: [Vec<f32>; 3],
        bbox: [Vec<f32>; 3],
        kps: [Vec<f32>; 3],
    }

    impl Buffers {
        fn new() -> Self {
            let mk = |per: usize| STRIDES.map(|s| vec![0.0f32; cells(s) * per]);
            Self {
                cls: mk(1),
                obj: mk(1),
                bbox: mk(4),
                kps: mk(10),
            }
        }

        #[allow(clippy::too_many_arguments)]
        fn set(
            &mut self,
            head: usize,
            row: usize,
            col: usize,
            cls: f32,
            obj: f32,
            bbox: [f32; 4],
            kps: [f32; 10],
        ) {
            let cols = (YUNET_SIZE / STRIDES[head]) as usize;
            let i = row * cols + col;
            self.cls[head][i] = cls;
            self.obj[head][i] = obj;
            self.bbox[head][i * 4..i * 4 + 4].copy_from_slice(&bbox);
            self.kps[head][i * 10..i * 10 + 10].copy_from_slice(&kps);
        }

        fn outputs(&self) -> RawOutputs<'_> {
            RawOutputs::from_named(|n| self.outputs_slice(n)).unwrap()
        }

        fn outputs_slice(&self, name: &str) -> Option<&[f32]> {
            let (kind, s) = name.split_once('_')?;
            let h = STRIDES.iter().position(|&x| x.to_string() == s)?;
            Some(match kind {
                "cls" => &self.cls[h],
                "obj" => &self.obj[h],
                "bbox" => &self.bbox[h],
                "kps" => &self.kps[h],
                _ => return None,
            })
        }
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn decode_synthetic_outputs() {
        let mut buf = Buffers::new();
        let kps = [0.1, -0.2, 0.9, -0.2, 0.5, 0.3, 0.2, 0.7, 0.8, 0.7];
        // Strong anchor: stride 16, row 10, col 20, score sqrt(0.9 * 0.9) = 0.9.
        let bb = [0.5, 0.25, 2.0f32.ln(), 3.0f32.ln()];
        buf.set(1, 10, 20, 0.9, 0.9, bb, kps);
        // Overlapping duplicate at stride 8 (score 0.8): same face, slightly shifted.
        buf.set(
            0,
            21,
            41,
            0.8,
            0.8,
            [0.2, 0.0, 4.0f32.ln(), 6.0f32.ln()],
            kps,
        );
        // Below threshold elsewhere: sqrt(0.5 * 0.6) ≈ 0.548 < 0.6.
        buf.set(2, 3, 3, 0.5, 0.6, [0.0, 0.0, 0.0, 0.0], kps);
        // Out-of-range values are clamped: cls 1.5 -> 1, obj -0.2 -> 0 => score 0.
        buf.set(2, 15, 15, 1.5, -0.2, [0.0, 0.0, 0.0, 0.0], kps);

        let scale = 0.5;
        let faces = decode(&buf.outputs(), scale, 0.6, 0.3);
        assert_eq!(faces.len(), 1, "{faces:?}");
        let f = faces[0];
        assert!(close(f.score, 0.9));
        // In network pixels: cx = (20 + 0.5) * 16 = 328, cy = (10 + 0.25) * 16 = 164,
        // w = 2 * 16 = 32, h = 3 * 16 = 48; original pixels = network / 0.5.
        let expected = [
            (328.0 - 16.0) * 2.0,
            (164.0 - 24.0) * 2.0,
            (328.0 + 16.0) * 2.0,
            (164.0 + 24.0) * 2.0,
        ];
        for (a, b) in f.bbox.iter().zip(expected.iter()) {
            assert!(close(*a, *b), "{:?} vs {expected:?}", f.bbox);
        }
        for j in 0..5 {
            let ex = (20.0 + kps[2 * j]) * 16.0 * 2.0;
            let ey = (10.0 + kps[2 * j + 1]) * 16.0 * 2.0;
            assert!(close(f.landmarks[j][0], ex) && close(f.landmarks[j][1], ey));
        }
    }

    #[test]
    fn decode_keeps_separate_faces_sorted() {
        let mut buf = Buffers::new();
        let kps = [0.0; 10];
        buf.set(0, 5, 5, 0.7, 0.7, [0.0, 0.0, 1.0, 1.0], kps);
        buf.set(2, 15, 15, 0.95, 0.95, [0.0, 0.0, 1.0, 1.0], kps);
        let faces = decode(&buf.outputs(), 1.0, 0.6, 0.3);
        assert_eq!(faces.len(), 2);
        assert!(faces[0].score > faces[1].score);
        assert!(close(
            faces[0].bbox[0],
            15.0 * 32.0 - 32.0 * 1.0f32.exp() / 2.0
        ));
        assert_eq!(largest(&faces).unwrap().score, faces[0].score);
    }

    #[test]
    fn decode_empty_and_threshold_is_strict() {
        let mut buf = Buffers::new();
        assert!(decode(&buf.outputs(), 1.0, 0.6, 0.3).is_empty());
        buf.set(0, 1, 1, 0.6, 0.6, [0.0; 4], [0.0; 10]);
        assert!(decode(&buf.outputs(), 1.0, 0.6, 0.3).is_empty());
    }

    #[test]
    fn output_shapes_are_checked() {
        let buf = Buffers::new();
        let short = vec![0.0f32; 10];
        let err = RawOutputs::from_named(|n| {
            if n == "kps_16" {
                Some(short.as_slice())
            } else {
                buf.outputs_slice(n)
            }
        })
        .unwrap_err();
        assert_eq!(
            err,
            OutputError::BadLength {
                name: "kps_16".into(),
                expected: 1600 * 10,
                got: 10
            }
        );
        let err = RawOutputs::from_named(|n| {
            if n == "obj_32" {
                None
            } else {
                buf.outputs_slice(n)
            }
        })
        .unwrap_err();
        assert_eq!(err, OutputError::Missing("obj_32".into()));
    }

    #[test]
    fn letterbox_1280x960() {
        let img = RgbImage::from_pixel(1280, 960, Rgb([10, 20, 30]));
        let (t, scale) = yunet_input(&img);
        assert_eq!(scale, 0.5);
        let plane = 640 * 640;
        assert_eq!(t.len(), 3 * plane);
        // BGR planes inside the 640x480 image area.
        assert_eq!(t[0], 30.0);
        assert_eq!(t[plane + 479 * 640 + 639], 20.0);
        assert_eq!(t[2 * plane + 100 * 640 + 300], 10.0);
        // Rows 480.. are padding.
        for c in 0..3 {
            assert!(t[c * plane + 480 * 640..(c + 1) * plane]
                .iter()
                .all(|&v| v == 0.0));
        }
    }

    #[test]
    fn letterbox_portrait_pads_right_and_keeps_bgr() {
        // 320x640 needs no resize: identity path, pad columns 320.. on the right.
        let mut img = RgbImage::from_pixel(320, 640, Rgb([1, 2, 3]));
        img.put_pixel(5, 7, Rgb([200, 100, 50]));
        let (t, scale) = yunet_input(&img);
        assert_eq!(scale, 1.0);
        let plane = 640 * 640;
        let i = 7 * 640 + 5;
        assert_eq!([t[i], t[plane + i], t[2 * plane + i]], [50.0, 100.0, 200.0]);
        assert_eq!(t[639 * 640 + 319], 3.0);
        assert_eq!(t[639 * 640 + 320], 0.0);
        assert_eq!(t[2 * plane + 639], 0.0);
    }

    #[test]
    fn letterbox_downscale_is_bilinear() {
        // Halving: each output pixel is the mean of a 2x2 block (OpenCV INTER_LINEAR geometry).
        let img = RgbImage::from_fn(1280, 1280, |x, y| {
            let v = ((x % 2) * 100 + (y % 2) * 20) as u8;
            Rgb([v, v, v])
        });
        let (t, scale) = yunet_input(&img);
        assert_eq!(scale, 0.5);
        assert!(t.iter().all(|&v| v == 60.0));
        // Upscaling a tiny image works and stays in range.
        let small = RgbImage::from_fn(3, 2, |x, _| Rgb([(x * 100) as u8, 0, 255]));
        let (t, scale) = yunet_input(&small);
        assert!(close(scale, 640.0 / 3.0));
        assert!(t.iter().all(|&v| (0.0..=255.0).contains(&v)));
        assert_eq!(t[2 * 640 * 640], 0.0);
        assert_eq!(t[2 * 640 * 640 + 639], 200.0);
        assert_eq!(t[426 * 640], 255.0);
        assert_eq!(t[427 * 640], 0.0);
    }

    #[test]
    fn letterbox_is_bit_exact_with_opencv() {
        // Sums of the tensor from `cv2.resize(bgr, (nw, nh))` (INTER_LINEAR, OpenCV 5.0) pasted
        // on a black 640x640 canvas, for a downscale and an upscale.
        for (w, h, sum, weighted) in [
            (1000, 700, 109_063_117i64, 542_812_872_076i64),
            (13, 9, 55_943_011, 277_456_571_179),
        ] {
            let img = RgbImage::from_fn(w, h, |x, y| {
                Rgb([
                    ((x * 7 + y * 3) % 256) as u8,
                    ((x * x + 3 * y * y) % 256) as u8,
                    ((x * y + 17) % 256) as u8,
                ])
            });
            let (t, _) = yunet_input(&img);
            let s: i64 = t.iter().map(|&v| v as i64).sum();
            let ws: i64 = t
                .iter()
                .enumerate()
                .map(|(i, &v)| v as i64 * (i as i64 % 9973))
                .sum();
            assert_eq!((s, ws), (sum, weighted), "{w}x{h}");
        }
    }

    #[test]
    fn letterbox_empty_image() {
        let (t, scale) = yunet_input(&RgbImage::new(0, 0));
        assert_eq!(scale, 1.0);
        assert!(t.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn iou_and_clip() {
        assert!(close(
            iou(&[0.0, 0.0, 2.0, 2.0], &[1.0, 0.0, 3.0, 2.0]),
            1.0 / 3.0
        ));
        assert_eq!(iou(&[0.0, 0.0, 1.0, 1.0], &[2.0, 2.0, 3.0, 3.0]), 0.0);
        let mut f = Face {
            bbox: [-5.0, 10.0, 120.0, 90.0],
            score: 1.0,
            landmarks: [[0.0; 2]; 5],
        };
        f.clip_to(100, 80);
        assert_eq!(f.bbox, [0.0, 10.0, 100.0, 80.0]);
    }
}

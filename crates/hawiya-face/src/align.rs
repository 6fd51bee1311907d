//! Five-point alignment to the ArcFace 112×112 template, SFace input packing and embedding
//! comparison.

use image::RgbImage;

/// Side of the aligned face crop SFace expects.
pub const SFACE_SIZE: u32 = 112;

/// ArcFace reference landmarks in a 112×112 crop, in YuNet's landmark order: right eye, left
/// eye, nose tip, right mouth corner, left mouth corner (the subject's right is image left).
pub const ARCFACE_TEMPLATE: [[f32; 2]; 5] = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
];

/// Least-squares similarity transform (rotation, uniform scale, translation; no reflection)
/// mapping `src` points onto `dst`, as a 2×3 matrix `[[a, -b, tx], [b, a, ty]]`.
///
/// Same result as Umeyama's method with the reflection correction. Extra points in the longer
/// slice are ignored; with no points, or all `src` points equal, only the translation between
/// the centroids is returned (scale 1).
pub fn similarity(src: &[[f32; 2]], dst: &[[f32; 2]]) -> [[f32; 3]; 2] {
    let n = src.len().min(dst.len());
    if n == 0 {
        return [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
    }
    let mean = |p: &[[f32; 2]]| {
        let (mut x, mut y) = (0.0f64, 0.0f64);
        for q in &p[..n] {
            x += q[0] as f64;
            y += q[1] as f64;
        }
        (x / n as f64, y / n as f64)
    };
    let (msx, msy) = mean(src);
    let (mdx, mdy) = mean(dst);
    let (mut var, mut sa, mut sb) = (0.0f64, 0.0f64, 0.0f64);
    for (s, d) in src[..n].iter().zip(&dst[..n]) {
        let (sx, sy) = (s[0] as f64 - msx, s[1] as f64 - msy);
        let (dx, dy) = (d[0] as f64 - mdx, d[1] as f64 - mdy);
        var += sx * sx + sy * sy;
        sa += sx * dx + sy * dy;
        sb += sx * dy - sy * dx;
    }
    let (a, b) = if var > 1e-12 {
        (sa / var, sb / var)
    } else {
        (1.0, 0.0)
    };
    let tx = mdx - (a * msx - b * msy);
    let ty = mdy - (b * msx + a * msy);
    [
        [a as f32, -b as f32, tx as f32],
        [b as f32, a as f32, ty as f32],
    ]
}

/// The point `p` under the 2×3 affine map `m` (as [`similarity`] returns it).
pub fn apply_affine(m: &[[f32; 3]; 2], p: [f32; 2]) -> [f32; 2] {
    [
        m[0][0] * p[0] + m[0][1] * p[1] + m[0][2],
        m[1][0] * p[0] + m[1][1] * p[1] + m[1][2],
    ]
}

/// Inverse of an affine 2×3 matrix, or `None` if it is singular.
pub fn invert_affine(m: &[[f32; 3]; 2]) -> Option<[[f64; 3]; 2]> {
    let [[a, b, c], [d, e, f]] = m.map(|r| r.map(|v| v as f64));
    let det = a * e - b * d;
    if det.abs() < 1e-12 || !det.is_finite() {
        return None;
    }
    let (ia, ib, id, ie) = (e / det, -b / det, -d / det, a / det);
    Some([[ia, ib, -(ia * c + ib * f)], [id, ie, -(id * c + ie * f)]])
}

/// Warps `img` by `m` into an `out_w`×`out_h` image, following `cv2.warpAffine` semantics:
/// `dst(x, y) = src(M⁻¹·(x, y))`, bilinear, black outside the source.
///
/// Sample positions are exact (unquantised), as in OpenCV ≥ 4.11, whose output this matches to
/// ±1 per channel. A singular `m` gives a black image.
pub fn warp_affine(img: &RgbImage, m: &[[f32; 3]; 2], out_w: u32, out_h: u32) -> RgbImage {
    let mut out = RgbImage::new(out_w, out_h);
    let Some(inv) = invert_affine(m) else {
        return out;
    };
    let (w, h) = (img.width() as i64, img.height() as i64);
    if w == 0 || h == 0 {
        return out;
    }
    let src = img.as_raw();
    let row_bytes = (w * 3) as usize;
    let fetch = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            [0.0; 3]
        } else {
            let i = y as usize * row_bytes + x as usize * 3;
            [src[i] as f32, src[i + 1] as f32, src[i + 2] as f32]
        }
    };
    let dst = out.as_mut();
    let out_row = out_w as usize * 3;
    for oy in 0..out_h as usize {
        let (bx, by) = (
            inv[0][1] * oy as f64 + inv[0][2],
            inv[1][1] * oy as f64 + inv[1][2],
        );
        let row = &mut dst[oy * out_row..(oy + 1) * out_row];
        for (ox, px) in row.chunks_exact_mut(3).enumerate() {
            let sx = inv[0][0] * ox as f64 + bx;
            let sy = inv[1][0] * ox as f64 + by;
            // Outside the 1-pixel blend band (or NaN): leave black.
            if !(sx > -1.0 && sy > -1.0 && sx < w as f64 && sy < h as f64) {
                continue;
            }
            let (fx0, fy0) = (sx.floor(), sy.floor());
            let (x0, y0) = (fx0 as i64, fy0 as i64);
            let fx = (sx - fx0) as f32;
            let fy = (sy - fy0) as f32;
            let (p00, p01) = (fetch(x0, y0), fetch(x0 + 1, y0));
            let (p10, p11) = (fetch(x0, y0 + 1), fetch(x0 + 1, y0 + 1));
            for c in 0..3 {
                let top = p00[c] + (p01[c] - p00[c]) * fx;
                let bot = p10[c] + (p11[c] - p10[c]) * fx;
                // Saturating cast: rounds half up and clamps to 0..=255.
                px[c] = (top + (bot - top) * fy + 0.5) as u8;
            }
        }
    }
    out
}

/// 112×112 face crop for SFace: similarity-aligns the five YuNet landmarks (original-image
/// pixels) onto [`ARCFACE_TEMPLATE`].
pub fn align_face(img: &RgbImage, landmarks: &[[f32; 2]; 5]) -> RgbImage {
    let m = similarity(landmarks, &ARCFACE_TEMPLATE);
    warp_affine(img, &m, SFACE_SIZE, SFACE_SIZE)
}

/// NCHW **RGB** tensor data with raw 0..255 values (the SFace graph normalises itself), for an
/// aligned crop (112×112 gives the 1×3×112×112 input).
pub fn sface_input(crop: &RgbImage) -> Vec<f32> {
    let plane = crop.width() as usize * crop.height() as usize;
    let mut out = vec![0.0f32; 3 * plane];
    let (r, rest) = out.split_at_mut(plane);
    let (g, b) = rest.split_at_mut(plane);
    for (i, px) in crop.as_raw().chunks_exact(3).enumerate() {
        r[i] = px[0] as f32;
        g[i] = px[1] as f32;
        b[i] = px[2] as f32;
    }
    out
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt()
}

/// Copy of `v` scaled to unit Euclidean length (a zero vector stays zero).
pub fn l2_normalize(v: &[f32]) -> Vec<f32> {
    let n = norm(v) + 1e-12;
    v.iter().map(|&x| (x as f64 / n) as f32).collect()
}

/// Cosine similarity of two embeddings (need not be normalised), in -1..=1.
///
/// Returns 0 when the lengths differ or either vector is zero or empty.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let dot: f64 = a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum();
    let d = norm(a) * norm(b);
    if d <= 1e-24 || !d.is_finite() {
        return 0.0;
    }
    (dot / d).clamp(-1.0, 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn pattern(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            Rgb([
                (x * 7 + y * 3) as u8,
                ((x * 13) ^ (y * 5)) as u8,
                (x + 2 * y) as u8,
            ])
        })
    }

    #[test]
    fn similarity_recovers_exact_transform() {
        let (s, th, tx, ty) = (2.5f64, 0.4f64, 120.0f64, -35.0f64);
        let (a, b) = (s * th.cos(), s * th.sin());
        let src = ARCFACE_TEMPLATE;
        let dst = src.map(|p| {
            let (x, y) = (p[0] as f64, p[1] as f64);
            [(a * x - b * y + tx) as f32, (b * x + a * y + ty) as f32]
        });
        let m = similarity(&src, &dst);
        let expected = [[a, -b, tx], [b, a, ty]];
        for r in 0..2 {
            for c in 0..3 {
                assert!(
                    (m[r][c] as f64 - expected[r][c]).abs() < 1e-4,
                    "{m:?} vs {expected:?}"
                );
            }
        }
        // And the inverse direction maps dst back onto the template.
        let back = similarity(&dst, &src);
        for (p, q) in dst.iter().zip(src.iter()) {
            let r = apply_affine(&back, *p);
            assert!((r[0] - q[0]).abs() < 1e-3 && (r[1] - q[1]).abs() < 1e-3);
        }
    }

    #[test]
    fn similarity_is_least_squares_with_noise() {
        let src = ARCFACE_TEMPLATE;
        let noise = [
            [0.8, -0.5],
            [-0.6, 0.9],
            [0.3, 0.4],
            [-0.7, -0.2],
            [0.5, -0.9],
        ];
        let (a, b) = (1.3f32, -0.2f32);
        let dst: Vec<[f32; 2]> = src
            .iter()
            .zip(noise.iter())
            .map(|(p, n)| {
                [
                    a * p[0] - b * p[1] + 10.0 + n[0],
                    b * p[0] + a * p[1] + 5.0 + n[1],
                ]
            })
            .collect();
        let m = similarity(&src, &dst);
        let sse = |m: &[[f32; 3]; 2]| -> f64 {
            src.iter()
                .zip(dst.iter())
                .map(|(p, d)| {
                    let r = apply_affine(m, *p);
                    ((r[0] - d[0]) as f64).powi(2) + ((r[1] - d[1]) as f64).powi(2)
                })
                .sum()
        };
        let best = sse(&m);
        assert!(best > 0.1, "noise must leave a residual");
        // Any perturbation of the 4 free parameters (a, b, tx, ty) is worse.
        for k in 0..4 {
            for eps in [-1e-2f32, 1e-2] {
                let mut p = m;
                match k {
                    0 => {
                        p[0][0] += eps;
                        p[1][1] += eps;
                    }
                    1 => {
                        p[1][0] += eps;
                        p[0][1] -= eps;
                    }
                    2 => p[0][2] += eps * 10.0,
                    _ => p[1][2] += eps * 10.0,
                }
                assert!(sse(&p) > best, "param {k} eps {eps}");
            }
        }
        // Rotation part stays a similarity (no shear, no reflection).
        assert_eq!(m[0][0], m[1][1]);
        assert_eq!(m[0][1], -m[1][0]);
    }

    #[test]
    fn similarity_degenerate_inputs() {
        let m = similarity(&[], &[]);
        assert_eq!(m, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        let m = similarity(&[[3.0, 4.0]; 5], &ARCFACE_TEMPLATE);
        assert_eq!(m[0][0], 1.0);
        assert_eq!(m[1][0], 0.0);
    }

    #[test]
    fn warp_identity_is_identity() {
        let img = pattern(40, 30);
        let id = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
        assert_eq!(warp_affine(&img, &id, 40, 30), img);
    }

    #[test]
    fn warp_translation_shifts_pixels() {
        let img = pattern(40, 30);
        // dst(x, y) = src(x - 3, y - 2)
        let m = [[1.0, 0.0, 3.0], [0.0, 1.0, 2.0]];
        let out = warp_affine(&img, &m, 40, 30);
        for y in 0..30 {
            for x in 0..40 {
                let expected = if x >= 3 && y >= 2 {
                    *img.get_pixel(x - 3, y - 2)
                } else {
                    Rgb([0, 0, 0])
                };
                assert_eq!(*out.get_pixel(x, y), expected, "({x}, {y})");
            }
        }
        // Negative translation: dst(x, y) = src(x + 5, y + 1), black beyond the source.
        let m = [[1.0, 0.0, -5.0], [0.0, 1.0, -1.0]];
        let out = warp_affine(&img, &m, 40, 30);
        assert_eq!(*out.get_pixel(0, 0), *img.get_pixel(5, 1));
        assert_eq!(*out.get_pixel(34, 28), *img.get_pixel(39, 29));
        assert_eq!(*out.get_pixel(35, 0), Rgb([0, 0, 0]));
        assert_eq!(*out.get_pixel(0, 29), Rgb([0, 0, 0]));
    }

    #[test]
    fn warp_bilinear_at_half_pixel() {
        let img = RgbImage::from_fn(4, 4, |x, y| Rgb([(x * 40) as u8, (y * 80) as u8, 100]));
        // dst(x, y) = src(x + 0.5, y): mean of horizontal neighbours.
        let m = [[1.0, 0.0, -0.5], [0.0, 1.0, 0.0]];
        let out = warp_affine(&img, &m, 4, 4);
        assert_eq!(*out.get_pixel(0, 1), Rgb([20, 80, 100]));
        assert_eq!(*out.get_pixel(2, 3), Rgb([100, 240, 100]));
        // Last column blends with the black border.
        assert_eq!(*out.get_pixel(3, 0), Rgb([60, 0, 50]));
        // Half a pixel in both directions: mean of 4.
        let m = [[1.0, 0.0, -0.5], [0.0, 1.0, -0.5]];
        let out = warp_affine(&img, &m, 3, 3);
        assert_eq!(*out.get_pixel(1, 1), Rgb([60, 120, 100]));
    }

    #[test]
    fn warp_matches_opencv() {
        // Reference values from `cv2.warpAffine(rgb, M, (30, 30), borderValue=0)`, OpenCV 5.0.
        let img = RgbImage::from_fn(60, 40, |x, y| {
            Rgb([
                ((x * 7 + y * 3) % 256) as u8,
                ((x * x + 3 * y * y) % 256) as u8,
                ((x * y + 17) % 256) as u8,
            ])
        });
        let m = [[0.9, -0.13, 3.3], [0.13, 0.9, -2.1]];
        let out = warp_affine(&img, &m, 30, 30);
        let expected = [
            ((0, 0), [0, 0, 0]),
            ((5, 7), [52, 101, 49]),
            ((29, 29), [63, 169, 229]),
            ((17, 3), [120, 71, 70]),
            ((0, 29), [112, 124, 62]),
        ];
        for ((x, y), px) in expected {
            let got = out.get_pixel(x, y).0;
            for c in 0..3 {
                assert!(
                    (got[c] as i32 - px[c]).abs() <= 1,
                    "({x},{y}) {got:?} vs {px:?}"
                );
            }
        }
        let sum: i64 = out.as_raw().iter().map(|&v| v as i64).sum();
        assert!((sum - 317_151).abs() <= 30, "{sum}");
    }

    #[test]
    fn warp_scale_and_singular() {
        let img = pattern(20, 20);
        // dst = 2 * src: dst(2x, 2y) = src(x, y).
        let m = [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]];
        let out = warp_affine(&img, &m, 38, 38);
        assert_eq!(*out.get_pixel(14, 6), *img.get_pixel(7, 3));
        let zero = [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]];
        let out = warp_affine(&img, &zero, 5, 5);
        assert!(out.as_raw().iter().all(|&v| v == 0));
    }

    #[test]
    fn align_face_on_template_is_top_left_crop() {
        let img = pattern(200, 160);
        let crop = align_face(&img, &ARCFACE_TEMPLATE);
        assert_eq!(crop.dimensions(), (112, 112));
        let expected = image::imageops::crop_imm(&img, 0, 0, 112, 112).to_image();
        assert_eq!(crop, expected);
    }

    #[test]
    fn align_face_undoes_scale_and_shift() {
        // Template scaled by 2 and shifted by (30, 20): the crop samples every 2nd pixel.
        let img = pattern(300, 300);
        let lm = ARCFACE_TEMPLATE.map(|p| [p[0] * 2.0 + 30.0, p[1] * 2.0 + 20.0]);
        let crop = align_face(&img, &lm);
        for (x, y) in [(0u32, 0u32), (10, 50), (111, 111), (56, 3)] {
            assert_eq!(
                *crop.get_pixel(x, y),
                *img.get_pixel(2 * x + 30, 2 * y + 20)
            );
        }
    }

    #[test]
    fn sface_input_is_nchw_rgb() {
        let mut crop = RgbImage::new(112, 112);
        crop.put_pixel(3, 2, Rgb([10, 20, 30]));
        let t = sface_input(&crop);
        let plane = 112 * 112;
        assert_eq!(t.len(), 3 * plane);
        let i = 2 * 112 + 3;
        assert_eq!([t[i], t[plane + i], t[2 * plane + i]], [10.0, 20.0, 30.0]);
        assert_eq!(t.iter().filter(|&&v| v != 0.0).count(), 3);
    }

    #[test]
    fn l2_and_cosine() {
        let v = l2_normalize(&[3.0, 4.0]);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        assert_eq!(l2_normalize(&[0.0, 0.0]), vec![0.0, 0.0]);
        let a = [1.0, 2.0, 3.0];
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
        assert!((cosine(&a, &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-6);
        assert!((cosine(&a, &[-1.0, -2.0, -3.0]) + 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 5.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[1.0, 0.0]) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        let (na, nb) = (l2_normalize(&a), l2_normalize(&[0.5, -1.0, 2.0]));
        let dot: f32 = na.iter().zip(&nb).map(|(x, y)| x * y).sum();
        assert!((cosine(&a, &[0.5, -1.0, 2.0]) - dot).abs() < 1e-6);
        assert_eq!(cosine(&a, &[1.0, 2.0]), 0.0);
        assert_eq!(cosine(&[0.0; 3], &a), 0.0);
        assert_eq!(cosine(&[], &[]), 0.0);
    }
}

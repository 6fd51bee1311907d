//! Quads, homographies and the mapping of ground-truth geometry through degradations.

/// Four corners, clockwise from the top-left of the object's own frame, in pixels
/// (continuous coordinates: pixel `(i, j)` covers `[i, i+1) × [j, j+1)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad(pub [[f32; 2]; 4]);

impl Quad {
    /// An axis-aligned rectangle.
    pub fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
        Quad([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    }

    /// The smallest axis-aligned rectangle around both quads.
    pub fn union(&self, other: &Quad) -> Quad {
        let (a0, a1) = self.bounds();
        let (b0, b1) = other.bounds();
        Quad::rect(
            a0[0].min(b0[0]),
            a0[1].min(b0[1]),
            a1[0].max(b1[0]),
            a1[1].max(b1[1]),
        )
    }

    /// `([xmin, ymin], [xmax, ymax])`.
    pub fn bounds(&self) -> ([f32; 2], [f32; 2]) {
        let mut lo = [f32::MAX; 2];
        let mut hi = [f32::MIN; 2];
        for p in &self.0 {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        (lo, hi)
    }

    /// Applies `f` to every corner.
    pub fn map(&self, f: impl Fn([f32; 2]) -> [f32; 2]) -> Quad {
        Quad(self.0.map(f))
    }
}

/// A 3×3 projective transform, row-major, acting on column vectors `(x, y, 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// Maps a point.
    pub fn apply(&self, p: [f32; 2]) -> [f32; 2] {
        let h = &self.0;
        let (x, y) = (f64::from(p[0]), f64::from(p[1]));
        let w = h[6] * x + h[7] * y + h[8];
        [
            ((h[0] * x + h[1] * y + h[2]) / w) as f32,
            ((h[3] * x + h[4] * y + h[5]) / w) as f32,
        ]
    }

    /// The transform taking each `src[i]` to `dst[i]`; `None` if degenerate.
    pub fn from_points(src: &[[f32; 2]; 4], dst: &[[f32; 2]; 4]) -> Option<Homography> {
        // Solve the 8×8 system for h0..h7 with h8 = 1.
        let mut a = [[0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = (f64::from(src[i][0]), f64::from(src[i][1]));
            let (u, v) = (f64::from(dst[i][0]), f64::from(dst[i][1]));
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        // Gaussian elimination with partial pivoting.
        for col in 0..8 {
            let piv = (col..8).max_by(|&r1, &r2| a[r1][col].abs().total_cmp(&a[r2][col].abs()))?;
            if a[piv][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, piv);
            let pivot = a[col];
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot[col];
                    if f != 0.0 {
                        for (v, p) in row.iter_mut().zip(pivot).skip(col) {
                            *v -= f * p;
                        }
                    }
                }
            }
        }
        let mut h = [0f64; 9];
        for (i, slot) in h.iter_mut().take(8).enumerate() {
            *slot = a[i][8] / a[i][i];
        }
        h[8] = 1.0;
        Some(Homography(h))
    }

    /// Scaling by `s` about the origin, then a shift by `(tx, ty)`.
    pub fn scale_shift(s: f32, tx: f32, ty: f32) -> Homography {
        let (s, tx, ty) = (f64::from(s), f64::from(tx), f64::from(ty));
        Homography([s, 0.0, tx, 0.0, s, ty, 0.0, 0.0, 1.0])
    }

    /// This transform applied after `first` (the product `self · first`).
    pub fn after(&self, first: &Homography) -> Homography {
        let (a, b) = (&self.0, &first.0);
        Homography(std::array::from_fn(|i| {
            let (r, c) = (i / 3, i % 3);
            (0..3).map(|k| a[3 * r + k] * b[3 * k + c]).sum()
        }))
    }

    /// The inverse transform; `None` if singular.
    pub fn inverse(&self) -> Option<Homography> {
        let m = &self.0;
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
            + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if det.abs() < 1e-15 {
            return None;
        }
        let inv = [
            (m[4] * m[8] - m[5] * m[7]) / det,
            (m[2] * m[7] - m[1] * m[8]) / det,
            (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det,
            (m[0] * m[8] - m[2] * m[6]) / det,
            (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det,
            (m[1] * m[6] - m[0] * m[7]) / det,
            (m[0] * m[4] - m[1] * m[3]) / det,
        ];
        Some(Homography(inv))
    }
}

/// Whether `p` lies inside the convex quad `q` (corners in either winding).
pub fn point_in_quad(q: &Quad, p: [f32; 2]) -> bool {
    let mut sign = 0i32;
    for i in 0..4 {
        let a = q.0[i];
        let b = q.0[(i + 1) % 4];
        let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        let s = if cross > 0.0 {
            1
        } else if cross < 0.0 {
            -1
        } else {
            0
        };
        if s != 0 {
            if sign == 0 {
                sign = s;
            } else if s != sign {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_corners_and_inverts() {
        let src = [[0.0, 0.0], [100.0, 0.0], [100.0, 50.0], [0.0, 50.0]];
        let dst = [[10.0, 20.0], [120.0, 15.0], [130.0, 80.0], [5.0, 70.0]];
        let h = Homography::from_points(&src, &dst).unwrap();
        for i in 0..4 {
            let p = h.apply(src[i]);
            assert!((p[0] - dst[i][0]).abs() < 1e-3 && (p[1] - dst[i][1]).abs() < 1e-3);
        }
        let inv = h.inverse().unwrap();
        let p = inv.apply(h.apply([37.0, 12.0]));
        assert!((p[0] - 37.0).abs() < 1e-3 && (p[1] - 12.0).abs() < 1e-3);
        let shifted = Homography::scale_shift(2.0, 3.0, -1.0);
        let p = h.after(&shifted).apply([5.0, 7.0]);
        let q = h.apply(shifted.apply([5.0, 7.0]));
        assert!((p[0] - q[0]).abs() < 1e-3 && (p[1] - q[1]).abs() < 1e-3);
    }

    #[test]
    fn inside_test() {
        let q = Quad::rect(0.0, 0.0, 10.0, 10.0);
        assert!(point_in_quad(&q, [5.0, 5.0]));
        assert!(!point_in_quad(&q, [11.0, 5.0]));
    }
}

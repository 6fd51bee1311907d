//! Finding the ID card in a photo and rectifying it to the canonical 1012x638 layout.
//!
//! Classical image processing, no model:
//!
//! 1. The photo is shrunk to at most 600 pixels on its long side, as three planes: luminance
//!    and two colour differences (a cream card on a grey table differs little in luminance,
//!    clearly in red-blue).
//! 2. Per plane: Sobel gradients; every pixel above a threshold is an edge pixel with a
//!    direction (from gradients averaged over 5x5 pixels, which JPEG blocks need), and votes
//!    in a Hough transform over *directed* lines (the normal points from dark to bright, over
//!    the full circle) only near its own direction. Peaks are refitted to their edge pixels by
//!    least squares.
//! 3. Every two pairs of roughly parallel lines, at roughly right angles, form a candidate
//!    quadrilateral: convex, at least 15 % of the photo, an ID-1-like aspect after
//!    perspective, every side supported by edges away from the (rounded) corners, and no side
//!    that looks like the outer edge of a drop shadow (in luminance: brighter outside, a long
//!    edge of the opposite polarity just inside, and between them a band that is not the
//!    card's colour). The candidate with the longest supported outline wins (sides from the
//!    colour planes count a little less): of nested outlines (the card and its barcode box)
//!    the outer one.
//! 4. At full resolution each side is refined: intensity profiles across the side, in the
//!    plane and polarity the side was found with, give sub-pixel edge positions; a robust
//!    total-least-squares line goes through them and neighbouring lines are intersected.
//!
//! When no outline is found (or only a small, weak one), an image with the card's aspect
//! ratio whose border is light and free of strong edges on every side, with print a little
//! further in, is taken as a scan or tight crop: the whole image is the card.
//!
//! Coordinates are continuous image coordinates: pixel `(i, j)` covers `[i, i+1] x [j, j+1]`,
//! so the image rectangle is `(0, 0)..(w, h)` (the convention of `hawiya-synth`'s ground truth).

use image::RgbImage;
use imageproc::geometric_transformations::Projection;
use imageproc::geometry;
use imageproc::point::Point;

/// Width of the rectified card in pixels (ID-1 at about 300 dpi).
pub const CARD_W: u32 = 1012;
/// Height of the rectified card in pixels.
pub const CARD_H: u32 = 638;
/// Aspect ratio of an ID-1 card (85.6 mm x 53.98 mm).
pub const CARD_ASPECT: f32 = 85.6 / 53.98;

/// Long side, in pixels, of the shrunk copy the outline is searched in.
const WORK_SIZE: u32 = 600;
/// Smallest share of the image a card outline may cover.
const MIN_AREA: f32 = 0.15;

/// What a photo reader found, as far as [`read_either_way`] needs to know.
pub(crate) trait PhotoOutcome: Sized {
    /// No card was found.
    fn no_card(&self) -> bool;
    /// This outcome, found in the photo turned a quarter clockwise
    /// ([`image::imageops::rotate90`]), in the photo as it was (`height`: its height).
    fn turned_back(self, height: u32) -> Self;
}

/// Error of a read stopped because its answer is no longer wanted (the client went away).
pub const NOT_WANTED: &str = "stopped: the answer is no longer wanted";

/// `read` on the photo and, where it finds no card, on the photo turned a quarter (the line
/// detector misses text standing on its side in faint or noisy photos). The second pass only
/// runs while `wanted()` holds; otherwise the read ends with the error [`NOT_WANTED`].
pub(crate) fn read_either_way<T: PhotoOutcome>(
    img: &RgbImage,
    wanted: &dyn Fn() -> bool,
    read: impl Fn(&RgbImage) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let outcome = read(img)?;
    if !outcome.no_card() {
        return Ok(outcome);
    }
    if !wanted() {
        anyhow::bail!(NOT_WANTED);
    }
    Ok(read(&image::imageops::rotate90(img))?.turned_back(img.height()))
}

/// A card's outline in a photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardQuad {
    /// Corners in image pixels, clockwise on screen, corner 0 → 1 along a long side. Of the
    /// two long sides, 0 → 1 is the one pointing rightwards (downwards for a card standing on
    /// its short side), i.e. the card's top edge if the photo is about upright: whether it is
    /// really the top cannot be told from the outline, see [`rectify`]'s `flipped`.
    pub corners: [[f32; 2]; 4],
    /// Confidence in 0..=1: the share of the outline supported by edges; 0 for a full frame.
    pub score: f32,
    /// No outline was found and the whole image is taken as the card (a scan or tight crop).
    pub full_frame: bool,
}

impl CardQuad {
    /// This quad, found in a photo turned a quarter clockwise
    /// ([`image::imageops::rotate90`]), in the photo as it was; `height` is the original
    /// photo's. Corners stay in their order (a turn keeps them clockwise).
    pub fn turned_back(self, height: u32) -> CardQuad {
        let h = height as f32;
        CardQuad {
            corners: self.corners.map(|[x, y]| [y, h - 1.0 - x]),
            ..self
        }
    }

    /// Side `k`'s length in image pixels (from corner `k` to corner `k + 1`).
    pub fn side_lengths(&self) -> [f32; 4] {
        std::array::from_fn(|k| dist(self.corners[k], self.corners[(k + 1) % 4]))
    }

    /// The projective map from canonical card coordinates (`0..CARD_W`, `0..CARD_H`) to
    /// image coordinates, for the card turned by 180° when `flipped`. `None` for a
    /// degenerate quadrilateral.
    pub fn card_to_image(&self, flipped: bool) -> Option<Projection> {
        let k = if flipped { 2 } else { 0 };
        let c = |i: usize| {
            let p = self.corners[(i + k) % 4];
            (p[0], p[1])
        };
        let (w, h) = (CARD_W as f32, CARD_H as f32);
        Projection::from_control_points(
            [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)],
            [c(0), c(1), c(2), c(3)],
        )
    }

    /// Maps an image point to canonical card coordinates (see [`CardQuad::card_to_image`]).
    pub fn image_to_card(&self, p: [f32; 2], flipped: bool) -> Option<[f32; 2]> {
        let proj = self.card_to_image(flipped)?.invert();
        let (x, y) = proj * (p[0], p[1]);
        Some([x, y])
    }
}

/// Finds the ID card in `img`.
///
/// Returns the image rectangle (`full_frame`) when the card fills the image: no outline inside
/// it (or only a small, weakly supported one, like a scan's photo box), the card's aspect
/// ratio, a light and quiet border and printed content. Returns `None` when nothing
/// card-like is there: no convex quadrilateral with an ID-1 aspect ratio covering at least
/// 15 % of the image whose four sides are edges. Images under 32 pixels a side give `None`.
pub fn find_card(img: &RgbImage) -> Option<CardQuad> {
    let (w, h) = img.dimensions();
    if w < 32 || h < 32 {
        return None;
    }
    let s = (WORK_SIZE as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (
        ((w as f32 * s).round() as usize).max(16),
        ((h as f32 * s).round() as usize).max(16),
    );
    let planes = shrink(img, sw, sh);
    let frame = Frame {
        centre: [sw as f32 / 2.0, sh as f32 / 2.0],
        reach: ((sw * sw + sh * sh) as f32).sqrt() as i32 / 2 + 3,
        w: sw,
        h: sh,
        planes: &planes,
    };
    let mut lines = Vec::new();
    let mut luma_edges = None;
    for (ch, plane) in planes.iter().enumerate() {
        let edges = EdgeMap::new(plane, sw, sh);
        lines.extend(hough_lines(&edges, &frame, ch));
        if ch == 0 {
            luma_edges = Some(edges);
        }
    }
    let lines = dedupe(lines);
    let scale = [w as f32 / sw as f32, h as f32 / sh as f32];
    let is_full_frame = || {
        luma_edges
            .as_ref()
            .is_some_and(|e| full_frame(e, &planes[0]))
    };
    let found = best_quad(&frame, &lines, sw as f32, sh as f32);
    // A weakly supported small outline inside what looks like a whole card (the photo box of
    // a scan, say) loses to the full frame.
    let inner = |q: &Candidate| q.score < 0.9 && quad_area(&q.corners) < 0.3 * (sw * sh) as f32;
    match found {
        Some(q) if !(inner(&q) && is_full_frame()) => {
            let coarse = q.corners.map(|p| [p[0] * scale[0], p[1] * scale[1]]);
            // Side k runs from corner k to corner k + 1; it was found as line `q.sides[k]`.
            let weights = [0, 1, 2, 3].map(|k| {
                let sign = if q.bright_inside[k] { 1.0 } else { -1.0 };
                CHANNELS[lines[q.sides[k]].ch].map(|v| v * sign)
            });
            let mut corners = coarse;
            let reach = 2.0 * scale[0].max(scale[1]) + 4.0;
            for r in [reach, 3.0] {
                corners = refine(img, &corners, &weights, r);
            }
            // A refinement that wandered off (too far from the coarse outline) is dropped.
            let tol = 4.0 * scale[0].max(scale[1]) + 6.0;
            if !corners
                .iter()
                .zip(&coarse)
                .all(|(a, b)| dist(*a, *b) <= tol)
            {
                corners = coarse;
            }
            Some(CardQuad {
                corners: order_corners(corners),
                score: q.score,
                full_frame: false,
            })
        }
        _ if is_full_frame() => {
            let (wf, hf) = (w as f32, h as f32);
            Some(CardQuad {
                corners: order_corners([[0.0, 0.0], [wf, 0.0], [wf, hf], [0.0, hf]]),
                score: 0.0,
                full_frame: true,
            })
        }
        _ => None,
    }
}

/// Rectifies the card outlined by `quad` to [`CARD_W`] x [`CARD_H`] pixels, turned by 180°
/// when `flipped`. A card in a photo may be upside down and its outline cannot tell: the
/// caller tries both and keeps the one whose content (the face photo) is where it belongs.
pub fn rectify(img: &RgbImage, quad: &CardQuad, flipped: bool) -> RgbImage {
    let mut out = RgbImage::new(CARD_W, CARD_H);
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return out;
    }
    let Some(to_img) = quad.card_to_image(flipped) else {
        return out;
    };
    // Sampled here rather than with imageproc's `warp_into`, which was twice as slow (its
    // generic per-pixel interpolation) and paints the last row and column with the default
    // colour when the card is the whole image. Output pixel (x, y) has its centre at card
    // coordinates (x + 0.5, y + 0.5); the image is clamped at its border.
    let raw = img.as_raw();
    let (wi, hi) = (w as usize, h as usize);
    let (xmax, ymax) = ((w - 1) as f32, (h - 1) as f32);
    for (y, row) in out.chunks_exact_mut(CARD_W as usize * 3).enumerate() {
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let (u, v) = to_img * (x as f32 + 0.5, y as f32 + 0.5);
            let (u, v) = ((u - 0.5).clamp(0.0, xmax), (v - 0.5).clamp(0.0, ymax));
            let (x0, y0) = (u as usize, v as usize);
            let (fx, fy) = (u - x0 as f32, v - y0 as f32);
            let dx = if x0 + 1 < wi { 3 } else { 0 };
            let dy = if y0 + 1 < hi { 3 * wi } else { 0 };
            let i = 3 * (y0 * wi + x0);
            let (a, b) = (&raw[i..i + 3], &raw[i + dx..i + dx + 3]);
            let (c, d) = (&raw[i + dy..i + dy + 3], &raw[i + dy + dx..i + dy + dx + 3]);
            for k in 0..3 {
                let top = f32::from(a[k]) + (f32::from(b[k]) - f32::from(a[k])) * fx;
                let bot = f32::from(c[k]) + (f32::from(d[k]) - f32::from(c[k])) * fx;
                px[k] = (top + (bot - top) * fy + 0.5) as u8;
            }
        }
    }
    out
}

/// The colour projections searched for the outline, each on its own: luminance, red-blue
/// and green-magenta. A cream card on a grey table differs little in luminance and clearly
/// in red-blue; searching each channel separately keeps a side's polarity (which side is
/// brighter) meaningful, which picking the strongest channel per pixel would not.
const CHANNELS: [[f32; 3]; 3] = [
    [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
    [1.0, 0.0, -1.0],
    [-0.5, 1.0, -0.5],
];

/// Shrinks `img` to `sw` x `sh` by averaging boxes of pixels (every `step`-th row and column
/// of a big photo) and returns the [`CHANNELS`] planes, smoothed with a [1 2 1] kernel.
/// Written out because resizing, blurring and splitting with `image` and `imageproc` took
/// 15 ms of a 1600x1000 photo.
fn shrink(img: &RgbImage, sw: usize, sh: usize) -> [Vec<f32>; 3] {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let step = (w / sw / 2).max(1);
    let xs: Vec<(usize, usize)> = (0..w)
        .step_by(step)
        .map(|x| (3 * x, (x * sw / w).min(sw - 1)))
        .collect();
    let mut sum = vec![[0u32; 4]; sw * sh];
    let raw = img.as_raw();
    for y in (0..h).step_by(step) {
        let cells = &mut sum[(y * sh / h).min(sh - 1) * sw..][..sw];
        let src = &raw[y * w * 3..(y + 1) * w * 3];
        for &(i, bin) in &xs {
            let cell = &mut cells[bin];
            cell[0] += u32::from(src[i]);
            cell[1] += u32::from(src[i + 1]);
            cell[2] += u32::from(src[i + 2]);
            cell[3] += 1;
        }
    }
    let mut planes = [
        vec![0f32; sw * sh],
        vec![0f32; sw * sh],
        vec![0f32; sw * sh],
    ];
    for (i, cell) in sum.iter().enumerate() {
        let n = cell[3].max(1) as f32;
        let rgb = [cell[0] as f32 / n, cell[1] as f32 / n, cell[2] as f32 / n];
        for (plane, wgt) in planes.iter_mut().zip(&CHANNELS) {
            plane[i] = wgt[0] * rgb[0] + wgt[1] * rgb[1] + wgt[2] * rgb[2];
        }
    }
    let mut tmp = vec![0f32; sw * sh];
    for plane in planes.iter_mut() {
        for y in 0..sh {
            for x in 0..sw {
                let (l, r) = (x.saturating_sub(1), (x + 1).min(sw - 1));
                let i = y * sw;
                tmp[i + x] = 0.25 * (plane[i + l] + 2.0 * plane[i + x] + plane[i + r]);
            }
        }
        for y in 0..sh {
            let (u, d) = (y.saturating_sub(1) * sw, (y + 1).min(sh - 1) * sw);
            for x in 0..sw {
                plane[y * sw + x] = 0.25 * (tmp[u + x] + 2.0 * tmp[y * sw + x] + tmp[d + x]);
            }
        }
    }
    planes
}

/// No direction stored for a pixel.
const NO_EDGE: u16 = u16::MAX;

/// Edge pixels of one plane of the shrunk image with their directed gradient angle.
struct EdgeMap {
    w: usize,
    h: usize,
    /// Per pixel: gradient direction in whole degrees `0..360` (dark → bright), or [`NO_EDGE`].
    dir: Vec<u16>,
    /// Edge pixels as `(x, y, degrees)`.
    list: Vec<(u32, u32, u16)>,
    /// Sobel magnitude per pixel.
    mag: Vec<f32>,
}

/// Sobel magnitude an edge pixel needs: a sharp step of about 5 grey levels.
const EDGE_THRESHOLD: f32 = 20.0;

impl EdgeMap {
    /// Sobel gradients of one plane and the pixels above [`EDGE_THRESHOLD`]. Written out:
    /// imageproc's Sobel works on 8-bit images, and the colour-difference planes are signed.
    fn new(plane: &[f32], w: usize, h: usize) -> EdgeMap {
        let mut vx = vec![0f32; w * h];
        let mut vy = vec![0f32; w * h];
        let mut mag = vec![0f32; w * h];
        for y in 1..h - 1 {
            let (up, row, down) = (
                &plane[(y - 1) * w..y * w],
                &plane[y * w..(y + 1) * w],
                &plane[(y + 1) * w..(y + 2) * w],
            );
            for x in 1..w - 1 {
                let gx = up[x + 1] + 2.0 * row[x + 1] + down[x + 1]
                    - up[x - 1]
                    - 2.0 * row[x - 1]
                    - down[x - 1];
                let gy =
                    down[x - 1] + 2.0 * down[x] + down[x + 1] - up[x - 1] - 2.0 * up[x] - up[x + 1];
                let i = y * w + x;
                vx[i] = gx;
                vy[i] = gy;
                mag[i] = (gx * gx + gy * gy).sqrt();
            }
        }
        // Directions come from gradients averaged over 5x5 pixels: a slanted edge in a JPEG
        // is a staircase of 8-pixel blocks whose single-pixel gradients point along the axes.
        let (sx, sy) = (box_sum(&vx, w, h, 2), box_sum(&vy, w, h, 2));
        let mut dir = vec![NO_EDGE; w * h];
        let mut list = Vec::new();
        for y in 2..h.saturating_sub(2) {
            for x in 2..w.saturating_sub(2) {
                let i = y * w + x;
                let m = mag[i];
                if m < EDGE_THRESHOLD {
                    continue;
                }
                // `as` truncates: adding 360.5 rounds to whole degrees without a libm call.
                let deg = (sy[i].atan2(sx[i]).to_degrees() + 360.5) as u16 % 360;
                dir[i] = deg;
                list.push((x as u32, y as u32, deg));
            }
        }
        EdgeMap {
            w,
            h,
            dir,
            list,
            mag,
        }
    }

    /// Whether an edge pixel near continuous point `(x, y)` has a direction within `tol`
    /// degrees of `deg`.
    fn supports(&self, x: f32, y: f32, deg: f32, tol: f32) -> bool {
        if x < 0.0 || y < 0.0 {
            return false;
        }
        let (xi, yi) = (x as usize, y as usize);
        if xi >= self.w || yi >= self.h {
            return false;
        }
        let d = self.dir[yi * self.w + xi];
        d != NO_EDGE && ang_diff(f32::from(d), deg) <= tol
    }
}

/// Sums over `(2r+1) x (2r+1)` boxes (clipped at the border), with running sums.
fn box_sum(v: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; w * h];
    for y in 0..h {
        let row = &v[y * w..(y + 1) * w];
        let mut acc: f32 = row[..r.min(w)].iter().sum();
        for x in 0..w {
            if x + r < w {
                acc += row[x + r];
            }
            if x > r {
                acc -= row[x - r - 1];
            }
            tmp[y * w + x] = acc;
        }
    }
    // Columns are summed a row at a time, which keeps memory access sequential.
    let mut out = vec![0f32; w * h];
    let mut acc = vec![0f32; w];
    for y in 0..r.min(h) {
        for (a, t) in acc.iter_mut().zip(&tmp[y * w..(y + 1) * w]) {
            *a += t;
        }
    }
    for y in 0..h {
        if y + r < h {
            for (a, t) in acc.iter_mut().zip(&tmp[(y + r) * w..(y + r + 1) * w]) {
                *a += t;
            }
        }
        if y > r {
            for (a, t) in acc.iter_mut().zip(&tmp[(y - r - 1) * w..(y - r) * w]) {
                *a -= t;
            }
        }
        out[y * w..(y + 1) * w].copy_from_slice(&acc);
    }
    out
}

/// Absolute difference of two angles in degrees, in `0..=180`.
fn ang_diff(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// Difference of two undirected orientations in degrees, in `0..=90`.
fn orient_diff(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(180.0);
    d.min(180.0 - d)
}

/// The shrunk image: its geometry (lines are `n · (p - centre) = rho`) and [`CHANNELS`].
struct Frame<'a> {
    centre: [f32; 2],
    /// Half the range of positions along a line (and of rho).
    reach: i32,
    w: usize,
    h: usize,
    planes: &'a [Vec<f32>; 3],
}

impl Frame<'_> {
    /// The three channels of the pixel holding continuous point `p`, clamped to the image.
    fn at(&self, p: [f32; 2]) -> [f32; 3] {
        let x = (p[0].max(0.0) as usize).min(self.w - 1);
        let y = (p[1].max(0.0) as usize).min(self.h - 1);
        self.planes.each_ref().map(|v| v[y * self.w + x])
    }

    /// Channel-wise medians of the pixels at `points`.
    fn median_at(&self, points: impl Iterator<Item = [f32; 2]>) -> [f32; 3] {
        let px: Vec<[f32; 3]> = points.map(|p| self.at(p)).collect();
        [0, 1, 2].map(|k| median(px.iter().map(|v| v[k]).collect()))
    }
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// A directed line `n · (p - centre) = rho` with `n = (cos θ, sin θ)` pointing from dark to
/// bright in plane `ch`, and its edge support.
struct Line {
    ch: usize,
    deg: f32,
    n: [f32; 2],
    rho: f32,
    /// `prefix[k]`: supported positions among the first `k` along the line's direction,
    /// positions running over `-reach..=reach`.
    prefix: Vec<u32>,
}

impl Line {
    fn dir(&self) -> [f32; 2] {
        [-self.n[1], self.n[0]]
    }

    /// Signed distance of `p` from the line, positive on the bright side.
    fn side(&self, f: &Frame, p: [f32; 2]) -> f32 {
        self.n[0] * (p[0] - f.centre[0]) + self.n[1] * (p[1] - f.centre[1]) - self.rho
    }

    /// Share of positions between the projections of `a` and `b` that have edge support,
    /// leaving out `trim` of the span at either end.
    fn coverage(&self, f: &Frame, a: [f32; 2], b: [f32; 2], trim: f32) -> f32 {
        let d = self.dir();
        let top = (2 * f.reach + 1) as f32;
        let t = |p: [f32; 2]| {
            ((p[0] - f.centre[0]) * d[0] + (p[1] - f.centre[1]) * d[1] + f.reach as f32)
                .clamp(0.0, top)
        };
        let (t0, t1) = (t(a), t(b));
        let (t0, t1) = (t0.min(t1), t0.max(t1));
        let cut = trim * (t1 - t0);
        let (i0, i1) = ((t0 + cut) as usize, (t1 - cut) as usize);
        if i1 <= i0 {
            return 0.0;
        }
        (self.prefix[i1] - self.prefix[i0]) as f32 / (i1 - i0) as f32
    }
}

/// Hough transform over directed lines, written here because imageproc's `detect_lines`
/// ignores the gradient direction: every pixel votes for all 180 angles, text swamps the
/// accumulator, and the card's edge cannot be told from its shadow's.
fn hough_lines(e: &EdgeMap, frame: &Frame, ch: usize) -> Vec<Line> {
    const MAX_LINES: usize = 24;
    const SPREAD: i32 = 4;
    let (centre, reach) = (frame.centre, frame.reach);
    let nr = (2 * reach + 1) as usize;
    let trig: Vec<[f32; 2]> = (0..360)
        .map(|d| {
            let (s, c) = (d as f32).to_radians().sin_cos();
            [c, s]
        })
        .collect();
    let mut acc = vec![0u16; 360 * nr];
    for &(x, y, d) in &e.list {
        let (px, py) = (x as f32 + 0.5 - centre[0], y as f32 + 0.5 - centre[1]);
        for k in -SPREAD..=SPREAD {
            let t = (i32::from(d) + k).rem_euclid(360) as usize;
            let [c, s] = trig[t];
            // Rounded by truncating a positive number (`round` is a libm call here).
            let r = ((px * c + py * s + reach as f32 + 0.5) as i32).clamp(0, nr as i32 - 1);
            let cell = &mut acc[t * nr + r as usize];
            *cell = cell.saturating_add(1);
        }
    }
    let min_votes = (e.w.min(e.h) as f32 * 0.12).max(12.0) as u16;
    let mut peaks: Vec<(u16, usize, usize)> = Vec::new();
    for t in 0..360usize {
        for r in 0..nr {
            let v = acc[t * nr + r];
            if v < min_votes {
                continue;
            }
            let mut is_max = true;
            'win: for dt in -3i32..=3 {
                let tt = (t as i32 + dt).rem_euclid(360) as usize;
                for dr in -4i32..=4 {
                    let rr = r as i32 + dr;
                    if (dt, dr) == (0, 0) || rr < 0 || rr >= nr as i32 {
                        continue;
                    }
                    let u = acc[tt * nr + rr as usize];
                    // Of equal cells the first in (angle, rho) order is the peak.
                    if u > v || (u == v && (dt, dr) < (0, 0)) {
                        is_max = false;
                        break 'win;
                    }
                }
            }
            if is_max {
                peaks.push((v, t, r));
            }
        }
    }
    peaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    peaks.truncate(MAX_LINES);
    peaks
        .into_iter()
        .map(|(_, t, r)| {
            let mut line = Line {
                ch,
                deg: t as f32,
                n: trig[t],
                rho: (r as i32 - reach) as f32,
                prefix: Vec::new(),
            };
            // The accumulator's 1° bins leave a long side several pixels off at its ends:
            // fit the line to its own edge pixels, twice.
            for _ in 0..2 {
                refit(e, frame, &mut line);
            }
            line.prefix = support(e, frame, &line);
            line
        })
        .collect()
}

/// Keeps the best-supported lines, dropping repeats within a plane. (The same edge found in
/// several planes stays: the shadow test needs the luminance one.)
fn dedupe(mut lines: Vec<Line>) -> Vec<Line> {
    const MAX_LINES: usize = 40;
    let total = |l: &Line| *l.prefix.last().unwrap_or(&0);
    lines.sort_by_key(|l| std::cmp::Reverse(total(l)));
    let mut kept: Vec<Line> = Vec::new();
    for l in lines {
        let repeat = kept
            .iter()
            .any(|k| k.ch == l.ch && ang_diff(k.deg, l.deg) <= 3.0 && (k.rho - l.rho).abs() <= 2.5);
        if !repeat && kept.len() < MAX_LINES {
            kept.push(l);
        }
    }
    kept
}

/// Least-squares fit of a line to the edge pixels of its direction within 2 pixels of it.
fn refit(e: &EdgeMap, f: &Frame, l: &mut Line) {
    let d = l.dir();
    let base = [f.centre[0] + l.rho * l.n[0], f.centre[1] + l.rho * l.n[1]];
    let mut idx = Vec::new();
    for t in -f.reach..=f.reach {
        let p = [base[0] + t as f32 * d[0], base[1] + t as f32 * d[1]];
        for s in [-2.0f32, -1.0, 0.0, 1.0, 2.0] {
            let (x, y) = (p[0] + s * l.n[0], p[1] + s * l.n[1]);
            if e.supports(x, y, l.deg, 15.0) {
                idx.push(y as usize * e.w + x as usize);
            }
        }
    }
    idx.sort_unstable();
    idx.dedup();
    let pts: Vec<[f32; 2]> = idx
        .iter()
        .map(|&i| [(i % e.w) as f32 + 0.5, (i / e.w) as f32 + 0.5])
        .collect();
    let Some((mut n, mut c)) = fit_line(&pts, 10) else {
        return;
    };
    if n[0] * l.n[0] + n[1] * l.n[1] < 0.0 {
        n = [-n[0], -n[1]];
        c = -c;
    }
    l.n = n;
    l.rho = c - (n[0] * f.centre[0] + n[1] * f.centre[1]);
    l.deg = n[1].atan2(n[0]).to_degrees().rem_euclid(360.0);
}

/// Prefix sums of edge support along a line, over positions `-reach..=reach`.
fn support(e: &EdgeMap, f: &Frame, l: &Line) -> Vec<u32> {
    let d = l.dir();
    let base = [f.centre[0] + l.rho * l.n[0], f.centre[1] + l.rho * l.n[1]];
    let mut prefix = Vec::with_capacity((2 * f.reach + 2) as usize);
    prefix.push(0);
    let mut total = 0;
    for t in -f.reach..=f.reach {
        let p = [base[0] + t as f32 * d[0], base[1] + t as f32 * d[1]];
        let hit = [-1.0f32, 0.0, 1.0]
            .iter()
            .any(|&s| e.supports(p[0] + s * l.n[0], p[1] + s * l.n[1], l.deg, 12.0));
        total += u32::from(hit);
        prefix.push(total);
    }
    prefix
}

fn intersect(f: &Frame, a: &Line, b: &Line) -> Option<[f32; 2]> {
    let det = a.n[0] * b.n[1] - a.n[1] * b.n[0];
    if det.abs() < 0.25 {
        return None;
    }
    let x = (a.rho * b.n[1] - b.rho * a.n[1]) / det;
    let y = (a.n[0] * b.rho - b.n[0] * a.rho) / det;
    Some([x + f.centre[0], y + f.centre[1]])
}

/// A candidate outline in the shrunk image.
struct Candidate {
    /// `corners[k]` is where side `k - 1` meets side `k`.
    corners: [[f32; 2]; 4],
    /// Index of each side's line.
    sides: [usize; 4],
    /// Whether each side's line has the card on its bright side.
    bright_inside: [bool; 4],
    /// Mean edge coverage of the outline.
    score: f32,
    /// Edge-supported length of the outline.
    supported: f32,
}

/// Picks the card-like quadrilateral with the longest supported outline.
fn best_quad(f: &Frame, lines: &[Line], wf: f32, hf: f32) -> Option<Candidate> {
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            if orient_diff(lines[i].deg, lines[j].deg) <= 30.0 {
                pairs.push((i, j));
            }
        }
    }
    let margin = 0.04 * wf.max(hf);
    let mut best: Option<Candidate> = None;
    for (pi, &(a, b)) in pairs.iter().enumerate() {
        for &(c, d) in &pairs[pi + 1..] {
            if orient_diff(lines[a].deg, lines[c].deg) < 50.0 {
                continue;
            }
            let sides = [a, c, b, d];
            let mut corners = [[0f32; 2]; 4];
            let mut ok = true;
            for k in 0..4 {
                match intersect(f, &lines[sides[(k + 3) % 4]], &lines[sides[k]]) {
                    Some(p)
                        if p[0] >= -margin
                            && p[1] >= -margin
                            && p[0] <= wf + margin
                            && p[1] <= hf + margin =>
                    {
                        corners[k] = p
                    }
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            if let Some(cand) = judge(f, lines, sides, corners, wf * hf) {
                if best.as_ref().is_none_or(|b| cand.supported > b.supported) {
                    best = Some(cand);
                }
            }
        }
    }
    best
}

/// Checks a candidate's shape, edge support and shadow test.
fn judge(
    f: &Frame,
    lines: &[Line],
    sides: [usize; 4],
    c: [[f32; 2]; 4],
    img_area: f32,
) -> Option<Candidate> {
    let edge = |k: usize| {
        let (a, b) = (c[k], c[(k + 1) % 4]);
        [b[0] - a[0], b[1] - a[1]]
    };
    let len: [f32; 4] = [0, 1, 2, 3].map(|k| dist(c[k], c[(k + 1) % 4]));
    if len.iter().any(|&l| l < 8.0) {
        return None;
    }
    // Convex, with corners between 50° and 130°.
    let mut sign = 0.0f32;
    for k in 0..4 {
        let (u, v) = (edge((k + 3) % 4), edge(k));
        let cross = u[0] * v[1] - u[1] * v[0];
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return None;
        }
        let cos = -(u[0] * v[0] + u[1] * v[1]) / (len[(k + 3) % 4] * len[k]);
        if cos.abs() > 0.643 {
            return None;
        }
    }
    if quad_area(&c) < MIN_AREA * img_area {
        return None;
    }
    if len[0].min(len[2]) < 0.55 * len[0].max(len[2])
        || len[1].min(len[3]) < 0.55 * len[1].max(len[3])
    {
        return None;
    }
    let aspect = (len[0] + len[2]) / (len[1] + len[3]);
    if !(1.3..=1.95).contains(&aspect.max(1.0 / aspect)) {
        return None;
    }
    let g = [
        c.iter().map(|p| p[0]).sum::<f32>() / 4.0,
        c.iter().map(|p| p[1]).sum::<f32>() / 4.0,
    ];
    let mut cov = [0f32; 4];
    let mut bright_inside = [false; 4];
    for k in 0..4 {
        let l = &lines[sides[k]];
        let (a, b) = (c[k], c[(k + 1) % 4]);
        cov[k] = l.coverage(f, a, b, 0.1);
        if cov[k] < 0.3 {
            return None;
        }
        bright_inside[k] = l.side(f, g) > 0.0;
        if shadow_edge(f, lines, &c, k, g) {
            return None;
        }
    }
    let perimeter: f32 = len.iter().sum();
    let score = (0..4).map(|k| cov[k] * len[k]).sum::<f32>() / perimeter;
    if score < 0.75 {
        return None;
    }
    // For ranking, a side found in a colour-difference plane counts for less than one found
    // in luminance: where both exist the luminance edge is the sharper (a shadow blurs the
    // colour step between card and table).
    let supported: f32 = (0..4)
        .map(|k| {
            let w = if lines[sides[k]].ch == 0 { 1.0 } else { 0.85 };
            w * cov[k] * len[k]
        })
        .sum();
    Some(Candidate {
        corners: c,
        sides,
        bright_inside,
        score: score.min(1.0),
        supported,
    })
}

/// Whether side `k` of outline `c` (`g` inside it) looks like the outer edge of the card's
/// drop shadow: in luminance, an edge along it is brighter outside, a long edge of the
/// opposite polarity runs parallel just inside it (the card's own edge against the shadow),
/// and the band between them is clearly darker than the card. (A card's plain margin between
/// its edge and a white barcode box makes the same pair of edges, but is as light as the
/// card.) Luminance decides because in the colour-difference planes a shadow may as well be
/// lighter than the table.
fn shadow_edge(f: &Frame, lines: &[Line], c: &[[f32; 2]; 4], k: usize, g: [f32; 2]) -> bool {
    let (a, b) = (c[k], c[(k + 1) % 4]);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let reach = 0.1 * dist(mid, g) + 3.0;
    let luma = || lines.iter().filter(|l| l.ch == 0);
    // Depth of the dark band inside the side, if there is one.
    let band = luma().find_map(|o| {
        // `o` runs along the side, with the card on its dark side.
        if o.side(f, g) >= 0.0 || o.side(f, mid).abs() > 2.5 || o.coverage(f, a, b, 0.1) < 0.5 {
            return None;
        }
        luma().find_map(|p| {
            if ang_diff(p.deg, o.deg + 180.0) > 10.0 || p.side(f, g) <= 0.0 {
                return None;
            }
            // `mid` lies on p's dark side, between 0.5 px and `reach` from it.
            let d = -p.side(f, mid);
            ((0.5..=reach).contains(&d) && p.coverage(f, a, b, 0.1) >= 0.5).then_some((o.n, d))
        })
    });
    let Some((n, depth)) = band else {
        return false;
    };
    let lerp =
        |p: [f32; 2], q: [f32; 2], t: f32| [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
    let band = f.median_at((0..16).map(|i| {
        let q = lerp(a, b, 0.1 + 0.8 * (i as f32 + 0.5) / 16.0);
        [q[0] - 0.5 * depth * n[0], q[1] - 0.5 * depth * n[1]]
    }));
    let card = f.median_at(
        (1..12)
            .flat_map(|i| (1..8).map(move |j| (i as f32 / 12.0, j as f32 / 8.0)))
            .map(|(u, v)| lerp(lerp(c[0], c[1], u), lerp(c[3], c[2], u), v)),
    );
    // The band is the card's own margin when it has the card's colour and is not darker.
    let card_like = (band[1] - card[1]).abs() < 8.0
        && (band[2] - card[2]).abs() < 8.0
        && band[0] >= 0.9 * card[0];
    !card_like
}

/// Bilinear RGB at continuous point `(x, y)`, clamped to the image.
fn sample(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = img.dimensions();
    let x = (x - 0.5).clamp(0.0, w as f32 - 1.0);
    let y = (y - 0.5).clamp(0.0, h as f32 - 1.0);
    let (x0, y0) = (x as u32, y as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let raw = img.as_raw();
    let at = |xx: u32, yy: u32| ((yy * w + xx) * 3) as usize;
    let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
    let mut out = [0f32; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let top = f32::from(raw[a + k]) * (1.0 - fx) + f32::from(raw[b + k]) * fx;
        let bot = f32::from(raw[c + k]) * (1.0 - fx) + f32::from(raw[d + k]) * fx;
        *o = top * (1.0 - fy) + bot * fy;
    }
    out
}

/// Offset along `nb` of the strongest rise of `weights · RGB` (the searched channel, signed
/// so that the card is the brighter side) within `reach` of `p`, to sub-pixel precision;
/// `None` when no clear step is there.
fn edge_offset(
    img: &RgbImage,
    p: [f32; 2],
    u: [f32; 2],
    nb: [f32; 2],
    weights: [f32; 3],
    reach: f32,
) -> Option<f32> {
    const TANGENT: [f32; 5] = [-2.0, -1.0, 0.0, 1.0, 2.0];
    let r = reach.ceil() as i32;
    let n = (2 * r + 5) as usize;
    let mut prof = vec![0f32; n];
    for (j, slot) in prof.iter_mut().enumerate() {
        let d = j as f32 - (r + 2) as f32;
        let q = [p[0] + d * nb[0], p[1] + d * nb[1]];
        for e in TANGENT {
            let s = sample(img, q[0] + e * u[0], q[1] + e * u[1]);
            *slot += weights[0] * s[0] + weights[1] * s[1] + weights[2] * s[2];
        }
    }
    // Derivative with a [-1, -1, 0, 1, 1] kernel, in grey levels per pixel.
    let norm = 6.0 * TANGENT.len() as f32;
    let deriv: Vec<f32> = (2..n - 2)
        .map(|j| (prof[j + 1] + prof[j + 2] - prof[j - 1] - prof[j - 2]) / norm)
        .collect();
    let (jm, &dm) = deriv.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    if dm < 1.5 {
        return None;
    }
    let mut off = jm as f32 - r as f32;
    if jm > 0 && jm + 1 < deriv.len() {
        let (a, b) = (deriv[jm - 1], deriv[jm + 1]);
        let den = a - 2.0 * dm + b;
        if den < 0.0 {
            off += (0.5 * (a - b) / den).clamp(-0.5, 0.5);
        }
    }
    Some(off)
}

/// A line `n · p = c` with unit normal `n`.
type FitLine = ([f32; 2], f32);

/// Robust total-least-squares line through points (imageproc has no line fitting): fit,
/// drop points far from the line, refit.
fn fit_line(pts: &[[f32; 2]], min_pts: usize) -> Option<FitLine> {
    let mut keep: Vec<[f32; 2]> = pts.to_vec();
    let mut line = None;
    for _ in 0..3 {
        if keep.len() < min_pts.max(4) {
            return line;
        }
        let k = keep.len() as f32;
        let mx = keep.iter().map(|p| p[0]).sum::<f32>() / k;
        let my = keep.iter().map(|p| p[1]).sum::<f32>() / k;
        let (mut sxx, mut sxy, mut syy) = (0f32, 0f32, 0f32);
        for p in &keep {
            let (dx, dy) = (p[0] - mx, p[1] - my);
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        let n = [-theta.sin(), theta.cos()];
        let c = n[0] * mx + n[1] * my;
        line = Some((n, c));
        let mut res: Vec<f32> = keep
            .iter()
            .map(|p| (n[0] * p[0] + n[1] * p[1] - c).abs())
            .collect();
        let mut sorted = res.clone();
        sorted.sort_by(f32::total_cmp);
        let limit = (2.5 * sorted[sorted.len() / 2]).max(0.75);
        let before = keep.len();
        let mut i = 0;
        keep.retain(|_| {
            let r = res[i];
            i += 1;
            r <= limit
        });
        res.clear();
        if keep.len() == before {
            break;
        }
    }
    line
}

fn meet(a: FitLine, b: FitLine) -> Option<[f32; 2]> {
    let det = a.0[0] * b.0[1] - a.0[1] * b.0[0];
    if det.abs() < 1e-3 {
        return None;
    }
    Some([
        (a.1 * b.0[1] - b.1 * a.0[1]) / det,
        (a.0[0] * b.1 - b.0[0] * a.1) / det,
    ])
}

/// Refines the outline at full resolution: the edge across each side, `reach` pixels either
/// way, in side `k`'s plane `weights[k]` (signed so that it rises into the card), a robust
/// line through those points, neighbouring lines intersected.
fn refine(img: &RgbImage, c: &[[f32; 2]; 4], weights: &[[f32; 3]; 4], reach: f32) -> [[f32; 2]; 4] {
    let g = [
        c.iter().map(|p| p[0]).sum::<f32>() / 4.0,
        c.iter().map(|p| p[1]).sum::<f32>() / 4.0,
    ];
    let mut lines = [([0f32; 2], 0f32); 4];
    for k in 0..4 {
        let (a, b) = (c[k], c[(k + 1) % 4]);
        let len = dist(a, b).max(1e-3);
        let u = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
        let mut n = [-u[1], u[0]];
        if n[0] * (g[0] - a[0]) + n[1] * (g[1] - a[1]) < 0.0 {
            n = [-n[0], -n[1]];
        }
        // The current side as a line, kept when the edge cannot be found.
        let own = (n, n[0] * a[0] + n[1] * a[1]);
        let m = ((len / 8.0) as usize).clamp(12, 64);
        let pts: Vec<[f32; 2]> = (0..m)
            .filter_map(|i| {
                let t = 0.1 + 0.8 * (i as f32 + 0.5) / m as f32;
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                edge_offset(img, p, u, n, weights[k], reach)
                    .map(|d| [p[0] + d * n[0], p[1] + d * n[1]])
            })
            .collect();
        lines[k] = fit_line(&pts, m / 3).unwrap_or(own);
    }
    let mut out = *c;
    for k in 0..4 {
        if let Some(p) = meet(lines[(k + 3) % 4], lines[k]) {
            out[k] = p;
        }
    }
    out
}

/// Whether the whole image looks like a card scan or tight crop (`e` is the luminance edge
/// map, `luma` the luminance plane): the card's aspect ratio and, along every side, a border
/// that is light (the card's background) and without strong edges (no print reaches the
/// card's edge), and print a little further in.
fn full_frame(e: &EdgeMap, luma: &[f32]) -> bool {
    /// Sobel magnitude of a strong edge: print, not the background's guilloche.
    const STRONG: f32 = 96.0;
    let (w, h) = (e.w, e.h);
    if (w.max(h) as f32 / w.min(h) as f32 / CARD_ASPECT).ln().abs() > 0.045 {
        return false;
    }
    // The border band starts 2 pixels in, where the edge map starts.
    let band = (0.015 * w.min(h) as f32).round().max(1.0) as usize + 2;
    let (print_lo, print_hi) = (w.min(h) * 3 / 100, w.min(h) * 16 / 100);
    // Per side of the image: the border band's luminance values and strong edge pixels, and
    // the strong edge pixels and pixel count of the band inside it where the print begins.
    let mut sides: [(Vec<f32>, u32, u32, u32); 4] = Default::default();
    for y in 2..h - 2 {
        for x in 2..w - 2 {
            let d = [x, y, w - 1 - x, h - 1 - y];
            let k = (0..4).min_by_key(|&k| d[k]).unwrap_or(0);
            let strong = u32::from(e.mag[y * w + x] >= STRONG);
            let side = &mut sides[k];
            if d[k] < band {
                side.0.push(luma[y * w + x]);
                side.1 += strong;
            } else if (print_lo..print_hi).contains(&d[k]) {
                side.2 += strong;
                side.3 += 1;
            }
        }
    }
    // Every side: a light, quiet border (a card's edge just inside the image is not a tight
    // crop) with print a little further in (a card on a plain table has none there).
    sides.into_iter().all(|(v, strong, print, n)| {
        let len = v.len() as f32;
        len > 0.0
            && strong as f32 <= 0.02 * len
            && median(v) >= 90.0
            && print as f32 >= 0.01 * n as f32
    })
}
/// Orders four corners of a convex quadrilateral clockwise on screen, 0 → 1 along a long
/// side, choosing the long side that points most to the right (then down).
fn order_corners(c: [[f32; 2]; 4]) -> [[f32; 2]; 4] {
    let c = if signed_area(&c) < 0.0 {
        [c[0], c[3], c[2], c[1]]
    } else {
        c
    };
    let len = |i: usize| dist(c[i], c[(i + 1) % 4]);
    let first = if len(0) + len(2) >= len(1) + len(3) {
        0
    } else {
        1
    };
    let dir = |i: usize| {
        let (a, b) = (c[i], c[(i + 1) % 4]);
        let l = dist(a, b).max(1e-6);
        ((b[0] - a[0]) + 0.5 * (b[1] - a[1])) / l
    };
    let start = if dir(first) >= dir(first + 2) {
        first
    } else {
        first + 2
    };
    [0, 1, 2, 3].map(|i| c[(start + i) % 4])
}

/// Signed area of a quadrilateral: positive when its corners run clockwise on screen (y down).
fn signed_area(c: &[[f32; 2]; 4]) -> f32 {
    let pts = c.map(|p| Point::new(p[0], p[1]));
    geometry::oriented_contour_area(&pts) as f32
}

/// Area of a simple quadrilateral.
fn quad_area(c: &[[f32; 2]; 4]) -> f32 {
    signed_area(c).abs()
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// What a fake reader saw: the photo's width, or no card.
    struct Seen(Option<u32>);

    impl PhotoOutcome for Seen {
        fn no_card(&self) -> bool {
            self.0.is_none()
        }
        fn turned_back(self, height: u32) -> Self {
            Seen(self.0.map(|w| w + 1000 * height))
        }
    }

    #[test]
    fn the_quarter_turn_runs_only_without_a_card_and_while_wanted() {
        let img = RgbImage::new(7, 5);
        let passes = std::cell::Cell::new(0);
        // Finds a card only in the turned photo (5 wide): mapped back with the height, 5.
        let read = |img: &RgbImage| {
            passes.set(passes.get() + 1);
            Ok(Seen((img.width() == 5).then_some(img.width())))
        };
        let seen = read_either_way(&img, &|| true, read).unwrap();
        assert_eq!((seen.0, passes.get()), (Some(5005), 2));
        passes.set(0);
        let err = read_either_way(&img, &|| false, read).err().unwrap();
        assert_eq!((err.to_string().as_str(), passes.get()), (NOT_WANTED, 1));
        passes.set(0);
        let upright = |_: &RgbImage| {
            passes.set(passes.get() + 1);
            Ok(Seen(Some(7)))
        };
        let seen = read_either_way(&img, &|| false, upright).unwrap();
        assert_eq!((seen.0, passes.get()), (Some(7), 1));
    }

    #[test]
    fn a_quad_found_in_a_turned_photo_maps_back() {
        let img = RgbImage::from_fn(7, 5, |x, y| Rgb([x as u8, y as u8, 0]));
        let turned = image::imageops::rotate90(&img);
        let corners = [[0.0, 0.0], [4.0, 1.0], [3.0, 6.0], [1.0, 5.0]];
        let quad = CardQuad {
            corners,
            score: 0.5,
            full_frame: false,
        }
        .turned_back(img.height());
        for (t, o) in corners.iter().zip(quad.corners) {
            assert_eq!(
                turned.get_pixel(t[0] as u32, t[1] as u32),
                img.get_pixel(o[0] as u32, o[1] as u32)
            );
        }
    }
}

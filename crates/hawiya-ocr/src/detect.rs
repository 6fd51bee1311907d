//! Text-line detection with the PP-OCR DB detector (PP-OCRv6 det small from the `rapidocr`
//! wheel, `hawiya_infer::manifest::PPOCR_DET`), run on ONNX Runtime, and placing a card's
//! fields on the lines it finds.
//!
//! The network takes the image (BGR, `(x/255 − 0.5) / 0.5`, both sides multiples of 32) and
//! gives a text probability per pixel. The post-processing is PaddleOCR's DB recipe on
//! axis-aligned boxes (the card is already rectified): pixels above [`PIXEL_THRESHOLD`],
//! 8-connected regions, a region kept when its mean probability reaches
//! [`BOX_THRESHOLD`], its box grown by `area × UNCLIP / perimeter` (the network is trained
//! on shrunk text cores). Hand-written: no crate does DB post-processing.

use crate::layout::Roi;
use hawiya_infer::runtime::{Runtime, SessionPool};
use image::{imageops, GrayImage, Luma, RgbImage};
use std::path::Path;

/// A pixel is text above this probability.
const PIXEL_THRESHOLD: f32 = 0.3;
/// A region is a line when its mean probability reaches this.
const BOX_THRESHOLD: f32 = 0.5;
/// How far a region's box is grown: `area × UNCLIP / perimeter`.
const UNCLIP: f32 = 1.6;
/// Regions smaller than this (pixels of the probability map) are specks.
const MIN_REGION: u32 = 12;

/// A detected text box, in pixels of the image given to [`LineDetector::detect`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Mean text probability of the region.
    pub score: f32,
}

impl TextBox {
    fn centre_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// The DB text-line detector (its one call is most of a front's reading time: it gets a
/// wide session, [`Runtime::pool_with_wide`]).
pub struct LineDetector {
    pool: SessionPool,
}

impl LineDetector {
    /// Loads the detector from `models_dir` (fetched by `hawiya models fetch`).
    pub fn load(runtime: &Runtime, models_dir: &Path) -> anyhow::Result<LineDetector> {
        let path = models_dir.join(hawiya_infer::manifest::PPOCR_DET);
        Ok(LineDetector {
            pool: runtime.pool_with_wide(&path)?,
        })
    }

    /// The text boxes of `image`, run at `input_w` × the height that keeps its aspect
    /// (both rounded to multiples of 32).
    pub fn detect(&self, image: &RgbImage, input_w: u32) -> anyhow::Result<Vec<TextBox>> {
        let Some(map) = self.probabilities(image, input_w)? else {
            return Ok(Vec::new());
        };
        let (w, h) = image.dimensions();
        let boxes = boxes_of(&map.probs, map.w, map.h);
        let (sx, sy) = (w as f32 / map.w as f32, h as f32 / map.h as f32);
        Ok(boxes
            .into_iter()
            .map(|b| TextBox {
                x0: (b.x0 * sx).max(0.0),
                y0: (b.y0 * sy).max(0.0),
                x1: (b.x1 * sx).min(w as f32),
                y1: (b.y1 * sy).min(h as f32),
                score: b.score,
            })
            .collect())
    }

    /// The network's text probability per pixel of `image` scaled to `input_w` × the
    /// height that keeps its aspect (both rounded to multiples of 32); `None` for an image
    /// under 8 px.
    pub fn probabilities(
        &self,
        image: &RgbImage,
        input_w: u32,
    ) -> anyhow::Result<Option<ProbabilityMap>> {
        let (w, h) = image.dimensions();
        if w < 8 || h < 8 {
            return Ok(None);
        }
        let round32 = |v: f32| ((v / 32.0).round() as u32).max(1) * 32;
        let iw = round32(input_w as f32);
        let ih = round32(input_w as f32 * h as f32 / w as f32);
        let resized = imageops::resize(image, iw, ih, imageops::FilterType::Triangle);
        let tensor = crate::latin::ppocr_input(&resized)?;
        let probs = self.pool.with(|session| -> anyhow::Result<Vec<f32>> {
            let outputs = session.run(ort::inputs![tensor])?;
            let (shape, data) = outputs[0].try_extract_tensor::<f32>()?;
            anyhow::ensure!(
                shape
                    .iter()
                    .rev()
                    .take(2)
                    .copied()
                    .eq([iw as i64, ih as i64]),
                "unexpected output shape {shape:?}"
            );
            Ok(data.to_vec())
        })?;
        Ok(Some(ProbabilityMap {
            probs,
            w: iw,
            h: ih,
        }))
    }
}

/// The detector's output: text probability per pixel, row-major, `w` × `h`.
pub struct ProbabilityMap {
    pub probs: Vec<f32>,
    pub w: u32,
    pub h: u32,
}

/// A text line at any angle: its centre, the unit vector along it, its length and
/// thickness (after the DB unclip), in pixels of the probability map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrientedLine {
    pub centre: [f32; 2],
    pub along: [f32; 2],
    pub length: f32,
    pub thickness: f32,
    /// Mean text probability of the region.
    pub score: f32,
}

impl OrientedLine {
    /// The same line in an image scaled by `sx` and `sy` from the map (its ends and its
    /// thickness follow the scaling along and across it).
    pub fn scaled(&self, sx: f32, sy: f32) -> OrientedLine {
        let [ux, uy] = [self.along[0] * sx, self.along[1] * sy];
        let stretch = (ux * ux + uy * uy).sqrt().max(f32::EPSILON);
        let [ax, ay] = self.across();
        let across_stretch = ((ax * sx).powi(2) + (ay * sy).powi(2)).sqrt();
        OrientedLine {
            centre: [self.centre[0] * sx, self.centre[1] * sy],
            along: [ux / stretch, uy / stretch],
            length: self.length * stretch,
            thickness: self.thickness * across_stretch,
            score: self.score,
        }
    }

    /// The same line read the other way.
    pub fn reversed(&self) -> OrientedLine {
        OrientedLine {
            along: [-self.along[0], -self.along[1]],
            ..*self
        }
    }

    /// The unit vector across the line, pointing "down" for a reader who follows
    /// [`OrientedLine::along`] left to right (image y grows downwards).
    pub fn across(&self) -> [f32; 2] {
        [-self.along[1], self.along[0]]
    }

    /// This line moved `along` lengths along it and `across` thicknesses across it, its
    /// length and thickness scaled, turned `turn_deg` degrees (as detections of one line
    /// vary between photos).
    pub fn varied(
        &self,
        [along, across]: [f32; 2],
        [length, thickness]: [f32; 2],
        turn_deg: f32,
    ) -> OrientedLine {
        let [ax, ay] = self.along;
        let [cx, cy] = self.across();
        let (a, b) = (along * self.length, across * self.thickness);
        let (s, c) = turn_deg.to_radians().sin_cos();
        OrientedLine {
            centre: [
                self.centre[0] + a * ax + b * cx,
                self.centre[1] + a * ay + b * cy,
            ],
            along: [ax * c - ay * s, ax * s + ay * c],
            length: self.length * length,
            thickness: self.thickness * thickness,
            score: self.score,
        }
    }
}

impl ProbabilityMap {
    /// The DB regions as oriented lines: each region's axis from its pixels' second
    /// moments, its extent along and across that axis, grown by the unclip margin.
    pub fn oriented_lines(&self) -> Vec<OrientedLine> {
        let (w, h) = (self.w, self.h);
        let mask = GrayImage::from_fn(w, h, |x, y| {
            Luma([u8::from(self.probs[(y * w + x) as usize] > PIXEL_THRESHOLD)])
        });
        let labels = imageproc::region_labelling::connected_components(
            &mask,
            imageproc::region_labelling::Connectivity::Eight,
            Luma([0u8]),
        );
        // Per label: pixel count, probability sum, Σx, Σy, Σxx, Σyy, Σxy.
        let mut moments: Vec<[f64; 7]> = Vec::new();
        let mut members: Vec<Vec<(u32, u32)>> = Vec::new();
        for (x, y, l) in labels.enumerate_pixels() {
            let l = l[0] as usize;
            if l == 0 {
                continue;
            }
            if moments.len() < l {
                moments.resize(l, [0.0; 7]);
                members.resize(l, Vec::new());
            }
            let (fx, fy) = (x as f64, y as f64);
            let m = &mut moments[l - 1];
            m[0] += 1.0;
            m[1] += f64::from(self.probs[(y * w + x) as usize]);
            m[2] += fx;
            m[3] += fy;
            m[4] += fx * fx;
            m[5] += fy * fy;
            m[6] += fx * fy;
            members[l - 1].push((x, y));
        }
        let mut out = Vec::new();
        for (m, pixels) in moments.iter().zip(&members) {
            let n = m[0];
            if n < f64::from(MIN_REGION) || m[1] / n < f64::from(BOX_THRESHOLD) {
                continue;
            }
            let (cx, cy) = (m[2] / n, m[3] / n);
            let sxx = m[4] / n - cx * cx;
            let syy = m[5] / n - cy * cy;
            let sxy = m[6] / n - cx * cy;
            let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
            let (ux, uy) = (angle.cos(), angle.sin());
            let (mut a0, mut a1, mut b0, mut b1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
            for &(x, y) in pixels {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                let a = dx * ux + dy * uy;
                let b = -dx * uy + dy * ux;
                a0 = a0.min(a);
                a1 = a1.max(a);
                b0 = b0.min(b);
                b1 = b1.max(b);
            }
            let (len, thick) = (a1 - a0 + 1.0, b1 - b0 + 1.0);
            let grow = len * thick * f64::from(UNCLIP) / (2.0 * (len + thick));
            let (am, bm) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
            out.push(OrientedLine {
                centre: [
                    (cx + 0.5 + am * ux - bm * uy) as f32,
                    (cy + 0.5 + am * uy + bm * ux) as f32,
                ],
                along: [ux as f32, uy as f32],
                length: (len + 2.0 * grow) as f32,
                thickness: (thick + 2.0 * grow) as f32,
                score: (m[1] / n) as f32,
            });
        }
        out
    }
}

/// A crop along `line` (image pixels) read in its `along` direction: `out_h` rows
/// covering `margin` × its thickness across, the width in proportion covering its length
/// plus `margin_along` × its thickness at each end; bilinear. Points outside the image take
/// `fill`, or without one the nearest border pixel.
pub fn sample_line(
    img: &RgbImage,
    line: &OrientedLine,
    (margin, margin_along): (f32, f32),
    out_h: u32,
    fill: Option<[u8; 3]>,
) -> RgbImage {
    let across = line.across();
    let span_y = line.thickness * margin;
    let span_x = line.length + 2.0 * margin_along * line.thickness;
    let scale = span_y / out_h as f32;
    let out_w = ((span_x / scale).round() as u32).clamp(1, 4096);
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return RgbImage::new(out_w, out_h);
    }
    let (xmax, ymax) = ((w - 1) as f32, (h - 1) as f32);
    RgbImage::from_fn(out_w, out_h, |x, y| {
        let a = (x as f32 + 0.5) * scale - span_x / 2.0;
        let b = (y as f32 + 0.5) * scale - span_y / 2.0;
        let u = line.centre[0] + a * line.along[0] + b * across[0] - 0.5;
        let v = line.centre[1] + a * line.along[1] + b * across[1] - 0.5;
        if let Some(fill) = fill {
            if !(0.0..=xmax).contains(&u) || !(0.0..=ymax).contains(&v) {
                return image::Rgb(fill);
            }
        }
        let (u, v) = (u.clamp(0.0, xmax), v.clamp(0.0, ymax));
        let (x0, y0) = (u as u32, v as u32);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (u - x0 as f32, v - y0 as f32);
        let p = |x, y, k: usize| f32::from(img.get_pixel(x, y)[k]);
        image::Rgb(std::array::from_fn(|k| {
            let top = p(x0, y0, k) + (p(x1, y0, k) - p(x0, y0, k)) * fx;
            let bot = p(x0, y1, k) + (p(x1, y1, k) - p(x0, y1, k)) * fx;
            (top + (bot - top) * fy).round() as u8
        }))
    })
}

/// DB post-processing of a `w` × `h` probability map (see the module docs).
fn boxes_of(probs: &[f32], w: u32, h: u32) -> Vec<TextBox> {
    let mask = GrayImage::from_fn(w, h, |x, y| {
        Luma([u8::from(probs[(y * w + x) as usize] > PIXEL_THRESHOLD)])
    });
    let labels = imageproc::region_labelling::connected_components(
        &mask,
        imageproc::region_labelling::Connectivity::Eight,
        Luma([0u8]),
    );
    // Per label: x0, y0, x1, y1, probability sum, pixels.
    let mut regions: Vec<(u32, u32, u32, u32, f32, u32)> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l[0] as usize;
        if l == 0 {
            continue;
        }
        if regions.len() < l {
            regions.resize(l, (u32::MAX, u32::MAX, 0, 0, 0.0, 0));
        }
        let r = &mut regions[l - 1];
        r.0 = r.0.min(x);
        r.1 = r.1.min(y);
        r.2 = r.2.max(x + 1);
        r.3 = r.3.max(y + 1);
        r.4 += probs[(y * w + x) as usize];
        r.5 += 1;
    }
    regions
        .into_iter()
        .filter(|r| r.5 >= MIN_REGION && r.4 / r.5 as f32 >= BOX_THRESHOLD)
        .map(|(x0, y0, x1, y1, sum, n)| {
            let (bw, bh) = ((x1 - x0) as f32, (y1 - y0) as f32);
            let grow = bw * bh * UNCLIP / (2.0 * (bw + bh));
            TextBox {
                x0: x0 as f32 - grow,
                y0: y0 as f32 - grow,
                x1: x1 as f32 + grow,
                y1: y1 as f32 + grow,
                score: sum / n as f32,
            }
        })
        .collect()
}

/// The longest of `boxes` at least `min_aspect` times wider than high, grown by a fifth
/// of its height on every side (not clamped to the image).
pub fn longest_line(boxes: Vec<TextBox>, min_aspect: f32) -> Option<TextBox> {
    let b = boxes
        .into_iter()
        .filter(|b| b.x1 - b.x0 >= min_aspect * (b.y1 - b.y0))
        .max_by(|a, b| (a.x1 - a.x0).total_cmp(&(b.x1 - b.x0)))?;
    let pad = 0.2 * (b.y1 - b.y0);
    Some(TextBox {
        x0: b.x0 - pad,
        y0: b.y0 - pad,
        x1: b.x1 + pad,
        y1: b.y1 + pad,
        score: b.score,
    })
}

/// Least shift of a line from its template box, as a fraction of the box height, for the
/// box to follow it: the readers were tuned on template crops, and a detected box is less
/// steady (the unclip margin varies with the line's length), so a line where the template
/// expects it keeps the template box.
const MIN_SHIFT: f32 = 0.2;

/// The box of the field whose template box is `roi`, placed on the detected `boxes`: the
/// union of the boxes whose vertical centre lies in the template box's rows, grown by half
/// its height (a line cannot wander further), and that overlap its columns. When that line
/// sits off the template box's centre by more than [`MIN_SHIFT`], the template box is moved
/// up or down onto it (same size and columns); otherwise, or when no box falls there (the
/// detector misses some short one-word names), the template box is kept.
pub fn field_box(roi: Roi, boxes: &[TextBox]) -> Roi {
    let [rx0, ry0, rx1, ry1] = roi.map(|v| v as f32);
    let (height, centre) = (ry1 - ry0, (ry0 + ry1) / 2.0);
    // The detected line nearest the template's centre, within reach.
    let nearest = boxes
        .iter()
        .filter(|b| b.x1 > rx0 && b.x0 < rx1 && (b.centre_y() - centre).abs() < height / 2.0)
        .min_by(|a, b| {
            (a.centre_y() - centre)
                .abs()
                .total_cmp(&(b.centre_y() - centre).abs())
        });
    let Some(line) = nearest else {
        return roi;
    };
    // Pieces of the same line (a long line may come in several boxes).
    let same: Vec<&TextBox> = boxes
        .iter()
        .filter(|b| {
            b.x1 > rx0 && b.x0 < rx1 && (b.centre_y() - line.centre_y()).abs() < height / 4.0
        })
        .collect();
    let y0 = same.iter().map(|b| b.y0).fold(f32::MAX, f32::min);
    let y1 = same.iter().map(|b| b.y1).fold(f32::MIN, f32::max);
    let shift = (y0 + y1) / 2.0 - centre;
    if shift.abs() < MIN_SHIFT * height {
        return roi;
    }
    let moved = |v: u32| (v as f32 + shift).round().max(0.0) as u32;
    [roi[0], moved(roi[1]), roi[2], moved(roi[3])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_become_grown_boxes() {
        // A 40×8 map with one strong 20×4 region and one weak speck region.
        let (w, h) = (40u32, 8u32);
        let mut probs = vec![0f32; (w * h) as usize];
        for y in 2..6 {
            for x in 10..30 {
                probs[(y * w + x) as usize] = 0.9;
            }
        }
        for x in 0..4 {
            probs[(7 * w + x) as usize] = 0.35;
        }
        let boxes = boxes_of(&probs, w, h);
        assert_eq!(boxes.len(), 1);
        let b = boxes[0];
        // Grown by 20·4·1.6 / (2·24) = 2.67 on each side.
        assert!(
            (b.x0 - 7.33).abs() < 0.01 && (b.y1 - 8.67).abs() < 0.01,
            "{b:?}"
        );
        assert!((b.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn a_tilted_region_becomes_an_oriented_line() {
        // A 60 × 6 band turned by 30° in a 100 × 100 map.
        let (w, h) = (100u32, 100u32);
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let mut probs = vec![0f32; (w * h) as usize];
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 + 0.5 - 50.0, y as f32 + 0.5 - 50.0);
                let (a, b) = (dx * c + dy * s, -dx * s + dy * c);
                if a.abs() < 30.0 && b.abs() < 3.0 {
                    probs[(y * w + x) as usize] = 0.9;
                }
            }
        }
        let map = ProbabilityMap { probs, w, h };
        let lines = map.oriented_lines();
        assert_eq!(lines.len(), 1);
        let l = lines[0];
        let angle = l.along[1].atan2(l.along[0]).to_degrees().rem_euclid(180.0);
        assert!((angle - 30.0).abs() < 2.0, "{l:?}");
        assert!((l.centre[0] - 50.0).abs() < 1.0 && (l.centre[1] - 50.0).abs() < 1.0);
        // Grown by the unclip margin: 60 × 6 → about 60 + 2·4.4 by 6 + 2·4.4.
        assert!(
            (64.0..74.0).contains(&l.length) && (11.0..19.0).contains(&l.thickness),
            "{l:?}"
        );
        // Scaled to an image twice as wide as the map: ends and thickness follow.
        let wide = l.scaled(2.0, 1.0);
        assert!(wide.length > 1.5 * l.length && wide.thickness > l.thickness);
    }

    #[test]
    fn a_field_follows_its_line_when_it_is_shifted() {
        let b = |x0: f32, y0: f32, x1: f32, y1: f32| TextBox {
            x0,
            y0,
            x1,
            y1,
            score: 0.8,
        };
        let roi: Roi = [300, 100, 1000, 160];
        // Two pieces of the line, 20 px low; a line of the next field below.
        let boxes = [
            b(700.0, 125.0, 980.0, 175.0),
            b(500.0, 128.0, 690.0, 172.0),
            b(600.0, 185.0, 980.0, 235.0),
        ];
        assert_eq!(field_box(roi, &boxes), [300, 120, 1000, 180]);
        // A line 5 px off keeps the template box; so does a field without a line.
        assert_eq!(field_box(roi, &[b(500.0, 110.0, 980.0, 160.0)]), roi);
        assert_eq!(field_box(roi, &boxes[2..]), roi);
    }
}

//! Drawing helpers: guilloche backgrounds, photos, shapes and barcodes.

use image::{imageops, RgbImage, RgbaImage};
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use crate::rng::Rng;

/// A grey-level mask (0 = nothing, 255 = full line) of a guilloche pattern.
pub struct Mask {
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
    /// Row-major coverage.
    pub data: Vec<u8>,
}

impl Mask {
    /// The `w`×`h` window at (`x`, `y`); parts outside the mask are empty.
    pub fn window(&self, x: u32, y: u32, w: u32, h: u32) -> Mask {
        let mut data = vec![0u8; (w * h) as usize];
        for row in 0..h.min(self.h.saturating_sub(y)) {
            let n = w.min(self.w.saturating_sub(x)) as usize;
            let src = ((y + row) * self.w + x) as usize;
            let dst = (row * w) as usize;
            data[dst..dst + n].copy_from_slice(&self.data[src..src + n]);
        }
        Mask { w, h, data }
    }
}

fn paint(rgb: [u8; 3], alpha: u8) -> Paint<'static> {
    let mut p = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    p.set_color_rgba8(rgb[0], rgb[1], rgb[2], alpha);
    p
}

/// Renders a guilloche-like mask: rosettes (epitrochoids) and families of modulated waves.
pub fn guilloche_mask(w: u32, h: u32, variant: u64) -> Mask {
    let mut rng = Rng::stream(variant, 0, "guilloche");
    let Some(mut pm) = Pixmap::new(w, h) else {
        return Mask {
            w,
            h,
            data: vec![0; (w * h) as usize],
        };
    };
    let (wf, hf) = (w as f32, h as f32);
    let stroke = Stroke {
        width: 0.9,
        ..Stroke::default()
    };
    let p = paint([0, 0, 0], 255);
    // Wave families across the whole card.
    let families = 2;
    for fam in 0..families {
        let step = rng.range_f32(7.0, 11.0);
        let amp = rng.range_f32(8.0, 22.0);
        let lambda = rng.range_f32(120.0, 260.0);
        let mod_l = rng.range_f32(300.0, 700.0);
        let phase0 = rng.range_f32(0.0, std::f32::consts::TAU);
        let mut y0 = -amp + fam as f32 * step / 2.0;
        while y0 < hf + amp {
            let mut pb = PathBuilder::new();
            let mut x = 0.0f32;
            let mut first = true;
            while x <= wf + 8.0 {
                let m = (x / mod_l * std::f32::consts::TAU + y0 * 0.01).sin();
                let y =
                    y0 + amp * (x / lambda * std::f32::consts::TAU + phase0 + y0 * 0.02).sin() * m;
                if first {
                    pb.move_to(x, y);
                    first = false;
                } else {
                    pb.line_to(x, y);
                }
                x += 8.0;
            }
            if let Some(path) = pb.finish() {
                pm.stroke_path(&path, &p, &stroke, Transform::identity(), None);
            }
            y0 += step;
        }
    }
    // Rosettes.
    let rosettes = rng.range_u32(2, 3);
    for _ in 0..rosettes {
        let cx = rng.range_f32(0.2, 0.8) * wf;
        let cy = rng.range_f32(0.25, 0.75) * hf;
        let big_r = rng.range_f32(0.18, 0.3) * hf;
        let petals = rng.range_u32(12, 24) as f32;
        let small_r = big_r / petals;
        for k in 0..14 {
            let d = small_r * (1.0 + k as f32 * 0.9);
            let mut pb = PathBuilder::new();
            let n = 900;
            for i in 0..=n {
                let t = i as f32 / n as f32 * std::f32::consts::TAU;
                let q = (big_r + small_r) / small_r;
                let x = cx + (big_r + small_r) * t.cos() - d * (q * t).cos();
                let y = cy + (big_r + small_r) * t.sin() - d * (q * t).sin();
                if i == 0 {
                    pb.move_to(x, y);
                } else {
                    pb.line_to(x, y);
                }
            }
            pb.close();
            if let Some(path) = pb.finish() {
                pm.stroke_path(&path, &p, &stroke, Transform::identity(), None);
            }
        }
    }
    let data = pm.pixels().iter().map(|px| px.alpha()).collect();
    Mask { w, h, data }
}

/// Fills the pixmap with a two-colour diagonal gradient and the mask's lines over it.
pub fn paint_background(
    pm: &mut Pixmap,
    mask: &Mask,
    c0: [u8; 3],
    c1: [u8; 3],
    line: [u8; 3],
    line_alpha: f32,
) {
    let (w, h) = (pm.width(), pm.height());
    let data = pm.data_mut();
    let denom = (w + h) as f32;
    for y in 0..h {
        for x in 0..w {
            let t = (x + y) as f32 / denom;
            let mut c = [0f32; 3];
            for k in 0..3 {
                c[k] = f32::from(c0[k]) * (1.0 - t) + f32::from(c1[k]) * t;
            }
            let m = if x < mask.w && y < mask.h {
                f32::from(mask.data[(y * mask.w + x) as usize]) / 255.0 * line_alpha
            } else {
                0.0
            };
            let i = ((y * w + x) * 4) as usize;
            for k in 0..3 {
                data[i + k] = (c[k] * (1.0 - m) + f32::from(line[k]) * m + 0.5) as u8;
            }
            data[i + 3] = 255;
        }
    }
}

/// Fills an axis-aligned rectangle.
pub fn fill_rect(pm: &mut Pixmap, x: f32, y: f32, w: f32, h: f32, rgb: [u8; 3], alpha: u8) {
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pm.fill_rect(r, &paint(rgb, alpha), Transform::identity(), None);
    }
}

/// Fills a polygon.
pub fn fill_polygon(pm: &mut Pixmap, pts: &[[f32; 2]], rgb: [u8; 3], alpha: u8) {
    let mut pb = PathBuilder::new();
    for (i, p) in pts.iter().enumerate() {
        if i == 0 {
            pb.move_to(p[0], p[1]);
        } else {
            pb.line_to(p[0], p[1]);
        }
    }
    pb.close();
    if let Some(path) = pb.finish() {
        pm.fill_path(
            &path,
            &paint(rgb, alpha),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// Strokes a circle.
pub fn stroke_circle(pm: &mut Pixmap, cx: f32, cy: f32, r: f32, width: f32, rgb: [u8; 3], a: u8) {
    if let Some(path) = PathBuilder::from_circle(cx, cy, r) {
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        pm.stroke_path(&path, &paint(rgb, a), &stroke, Transform::identity(), None);
    }
}

/// Fills an ellipse.
pub fn fill_ellipse(pm: &mut Pixmap, cx: f32, cy: f32, rx: f32, ry: f32, rgb: [u8; 3], a: u8) {
    if let Some(r) = Rect::from_xywh(cx - rx, cy - ry, 2.0 * rx, 2.0 * ry) {
        if let Some(path) = PathBuilder::from_oval(r) {
            pm.fill_path(
                &path,
                &paint(rgb, a),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }
}

/// Draws a face photo (or, with `None`, a neutral silhouette) into the box, with soft
/// edges blending into the card as on laser-printed ID photos.
/// The box is `[x, y, w, h]` in pixels.
pub fn photo(
    pm: &mut Pixmap,
    face: Option<&RgbaImage>,
    rect: [u32; 4],
    tint: [u8; 3],
    desaturate: f32,
) {
    let [x, y, w, h] = rect;
    let img: RgbImage = match face {
        Some(f) => {
            // Crop to the box's aspect ratio around the centre, then resize.
            let (fw, fh) = f.dimensions();
            let want = w as f32 / h as f32;
            let (cw, ch) = if fw as f32 / fh as f32 > want {
                (((fh as f32) * want) as u32, fh)
            } else {
                (fw, ((fw as f32) / want) as u32)
            };
            let cx = (fw - cw.min(fw)) / 2;
            let cy = (fh - ch.min(fh)) / 2;
            let crop = imageops::crop_imm(f, cx, cy, cw.max(1), ch.max(1)).to_image();
            let small = imageops::resize(&crop, w, h, imageops::FilterType::Triangle);
            let mut out = RgbImage::new(w, h);
            for (o, p) in out.pixels_mut().zip(small.pixels()) {
                let lum =
                    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
                for k in 0..3 {
                    o[k] = (f32::from(p[k]) * (1.0 - desaturate) + lum * desaturate) as u8;
                }
            }
            out
        }
        None => silhouette(w, h, tint),
    };
    let (pw, ph) = (pm.width(), pm.height());
    let data = pm.data_mut();
    let edge = (w.min(h) as f32 * 0.08).max(2.0);
    for j in 0..h {
        for i in 0..w {
            let (px, py) = (x + i, y + j);
            if px >= pw || py >= ph {
                continue;
            }
            let d = (i as f32 + 0.5)
                .min(w as f32 - i as f32 - 0.5)
                .min(j as f32 + 0.5)
                .min(h as f32 - j as f32 - 0.5);
            let a = (d / edge).clamp(0.0, 1.0) * 0.92;
            let s = img.get_pixel(i, j);
            let idx = ((py * pw + px) * 4) as usize;
            for k in 0..3 {
                let bg = f32::from(data[idx + k]);
                data[idx + k] = (bg * (1.0 - a) + f32::from(s[k]) * a + 0.5) as u8;
            }
        }
    }
}

/// A neutral head-and-shoulders silhouette on a light background.
fn silhouette(w: u32, h: u32, tint: [u8; 3]) -> RgbImage {
    let Some(mut pm) = Pixmap::new(w, h) else {
        return RgbImage::new(w, h);
    };
    pm.fill(Color::from_rgba8(
        tint[0].saturating_add(20),
        tint[1].saturating_add(20),
        tint[2].saturating_add(20),
        255,
    ));
    let (wf, hf) = (w as f32, h as f32);
    let grey = [120, 120, 128];
    fill_ellipse(
        &mut pm,
        wf / 2.0,
        hf * 0.38,
        wf * 0.22,
        hf * 0.22,
        grey,
        255,
    );
    fill_ellipse(
        &mut pm,
        wf / 2.0,
        hf * 1.02,
        wf * 0.48,
        hf * 0.36,
        grey,
        255,
    );
    let mut out = RgbImage::new(w, h);
    for (o, p) in out.pixels_mut().zip(pm.pixels()) {
        *o = image::Rgb([p.red(), p.green(), p.blue()]);
    }
    out
}

/// A PDF417-like barcode block: start/stop patterns and random bars in rows.
pub fn barcode(pm: &mut Pixmap, rng: &mut Rng, x: f32, y: f32, w: f32, h: f32) {
    let rows = 12;
    let module = 2.0f32;
    let row_h = h / rows as f32;
    let black = [20, 20, 24];
    for r in 0..rows {
        let ry = y + r as f32 * row_h;
        // start pattern
        let mut cx = x;
        for bw in [8.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0] {
            fill_rect(pm, cx, ry, bw * module, row_h, black, 255);
            cx += bw * module * 2.0;
        }
        let end = x + w - 18.0 * module;
        while cx < end {
            let bar = rng.range_u32(1, 6) as f32 * module;
            let gap = rng.range_u32(1, 6) as f32 * module;
            if cx + bar > end {
                break;
            }
            fill_rect(pm, cx, ry, bar, row_h, black, 255);
            cx += bar + gap;
        }
        let mut sx = x + w - 17.0 * module;
        for bw in [7.0, 1.0, 1.0, 3.0, 1.0, 1.0] {
            fill_rect(pm, sx, ry, bw * module, row_h, black, 255);
            sx += bw * module + module;
        }
    }
}

/// Converts an opaque pixmap to an RGB image.
pub fn to_rgb(pm: &Pixmap) -> RgbImage {
    let mut out = RgbImage::new(pm.width(), pm.height());
    for (o, p) in out.pixels_mut().zip(pm.pixels()) {
        *o = image::Rgb([p.red(), p.green(), p.blue()]);
    }
    out
}

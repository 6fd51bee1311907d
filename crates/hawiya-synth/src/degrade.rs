//! Named, seedable degradations. Each maps the ground-truth geometry along with the pixels.

use std::collections::BTreeMap;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{imageops, Rgb, RgbImage};

use crate::geom::{Homography, Quad};
use crate::rng::Rng;
use crate::Degradation;

/// Geometry that travels with the image: field polygons and the document's corners.
pub struct Geometry {
    /// Field polygons.
    pub polys: BTreeMap<String, Quad>,
    /// Document corners.
    pub card: Quad,
}

impl Geometry {
    fn map(&mut self, f: impl Fn([f32; 2]) -> [f32; 2] + Copy) {
        for q in self.polys.values_mut() {
            *q = q.map(f);
        }
        self.card = self.card.map(f);
    }
}

/// Applies `d` and returns the label recorded in the ground truth.
pub fn apply(
    d: Degradation,
    img: RgbImage,
    geo: &mut Geometry,
    rng: &mut Rng,
    corner_radius: f32,
) -> (RgbImage, String) {
    match d {
        Degradation::Blur => {
            let sigma = rng.range_f32(0.8, 2.2);
            (gaussian_blur(&img, sigma), format!("blur:sigma={sigma:.2}"))
        }
        Degradation::Noise => {
            let sigma = rng.range_f32(3.0, 12.0);
            (noise(img, sigma, rng), format!("noise:sigma={sigma:.1}"))
        }
        Degradation::Jpeg => {
            let q = rng.range_u32(15, 60) as u8;
            (jpeg(&img, q), format!("jpeg:quality={q}"))
        }
        Degradation::LowRes => {
            let s = rng.range_f32(0.3, 0.6);
            let (w, h) = img.dimensions();
            let nw = ((w as f32 * s).round() as u32).max(8);
            let nh = ((h as f32 * s).round() as u32).max(8);
            let out = imageops::resize(&img, nw, nh, imageops::FilterType::Triangle);
            let (sx, sy) = (nw as f32 / w as f32, nh as f32 / h as f32);
            geo.map(|p| [p[0] * sx, p[1] * sy]);
            (out, format!("lowres:scale={s:.2}"))
        }
        Degradation::Perspective => (
            perspective(&img, geo, rng, corner_radius),
            "perspective".to_string(),
        ),
        Degradation::Glare => (glare(img, geo, rng), "glare".to_string()),
        Degradation::Photocopy => (photocopy(img, rng), "photocopy".to_string()),
        Degradation::Rotate => {
            let k = rng.range_u32(1, 3);
            let (w, h) = img.dimensions();
            let (wf, hf) = (w as f32, h as f32);
            let out = match k {
                1 => {
                    geo.map(|p| [hf - p[1], p[0]]);
                    imageops::rotate90(&img)
                }
                2 => {
                    geo.map(|p| [wf - p[0], hf - p[1]]);
                    imageops::rotate180(&img)
                }
                _ => {
                    geo.map(|p| [p[1], wf - p[0]]);
                    imageops::rotate270(&img)
                }
            };
            (out, format!("rotate:{}", k * 90))
        }
        Degradation::ColorCast => {
            let mut lut = [[0u8; 256]; 3];
            let gamma = rng.range_f32(0.8, 1.25);
            for ch in lut.iter_mut() {
                let gain = rng.range_f32(0.8, 1.15);
                let off = rng.range_f32(-18.0, 18.0);
                for (v, slot) in ch.iter_mut().enumerate() {
                    let x = (v as f32 / 255.0).powf(gamma) * 255.0;
                    *slot = (x * gain + off).clamp(0.0, 255.0) as u8;
                }
            }
            let mut img = img;
            for p in img.pixels_mut() {
                for k in 0..3 {
                    p[k] = lut[k][p[k] as usize];
                }
            }
            (img, "colorcast".to_string())
        }
    }
}

/// Separable Gaussian blur.
pub fn gaussian_blur(img: &RgbImage, sigma: f32) -> RgbImage {
    let radius = (sigma * 3.0).ceil() as i32;
    let mut kernel: Vec<f32> = (-radius..=radius)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= sum);
    let (w, h) = img.dimensions();
    let (wi, hi) = (w as i32, h as i32);
    let src = img.as_raw();
    let mut tmp = vec![0f32; src.len()];
    for y in 0..hi {
        let row = (y * wi * 3) as usize;
        for x in 0..wi {
            let mut acc = [0f32; 3];
            for (j, k) in kernel.iter().enumerate() {
                let sx = (x + j as i32 - radius).clamp(0, wi - 1);
                let i = row + (sx * 3) as usize;
                acc[0] += f32::from(src[i]) * k;
                acc[1] += f32::from(src[i + 1]) * k;
                acc[2] += f32::from(src[i + 2]) * k;
            }
            let o = row + (x * 3) as usize;
            tmp[o..o + 3].copy_from_slice(&acc);
        }
    }
    let mut out = RgbImage::new(w, h);
    let dst: &mut [u8] = &mut out;
    for y in 0..hi {
        for x in 0..wi {
            let mut acc = [0f32; 3];
            for (j, k) in kernel.iter().enumerate() {
                let sy = (y + j as i32 - radius).clamp(0, hi - 1);
                let i = ((sy * wi + x) * 3) as usize;
                acc[0] += tmp[i] * k;
                acc[1] += tmp[i + 1] * k;
                acc[2] += tmp[i + 2] * k;
            }
            let o = ((y * wi + x) * 3) as usize;
            for c in 0..3 {
                dst[o + c] = (acc[c] + 0.5).clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// `img` as a grey photocopy, pixel for pixel: grain added to the grey, then the copier's
/// steep levels set between the image's ink and paper (its 5th and 90th grey percentiles:
/// light print and the picture behind it go to paper, the rest to toner, the grain
/// dithering what lies between), toner specks on the paper and white dropouts in the
/// toner, one pixel across. Callers scale the image first to put the grain at the scale
/// they want.
pub fn photocopy(mut img: RgbImage, rng: &mut Rng) -> RgbImage {
    let luma =
        |p: &Rgb<u8>| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
    let mut greys: Vec<f32> = img.pixels().map(luma).collect();
    greys.sort_by(f32::total_cmp);
    let at = |q: f32| {
        greys
            .get((q * (greys.len() - 1) as f32) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let (ink, light) = (at(0.05), at(0.9).max(at(0.05) + 1.0));
    let paper = rng.range_f32(200.0, 245.0);
    let toner = rng.range_f32(15.0, 70.0);
    let lo = ink + (light - ink) * rng.range_f32(0.2, 0.5);
    let hi = ink + (light - ink) * rng.range_f32(0.65, 1.0);
    let grain = rng.range_f32(4.0, 14.0);
    let specks = rng.range_f32(0.002, 0.02);
    let dropouts = rng.range_f32(0.0, 0.015);
    for p in img.pixels_mut() {
        let grey = luma(p);
        let t = ((grey + rng.normal() * grain - lo) / (hi - lo)).clamp(0.0, 1.0);
        let mut v = toner + (paper - toner) * t;
        if t > 0.5 && rng.chance(specks) {
            v = toner + rng.range_f32(0.0, 60.0);
        } else if t < 0.5 && rng.chance(dropouts) {
            v = paper;
        }
        *p = Rgb([v.round() as u8; 3]);
    }
    img
}

/// A generated text line (grey, any height) as a photocopy scanned small: the line shrunk
/// to 16-36 rows (where the copier's grain and specks are a pixel across), photocopied
/// ([`photocopy`]), sometimes JPEG'd, and scaled back to its height.
pub fn photocopied_line(line: &image::GrayImage, rng: &mut Rng) -> image::GrayImage {
    let (w, h) = line.dimensions();
    let s = (rng.range_f32(16.0, 36.0) / h as f32).min(1.0);
    let small = imageops::resize(
        &image::DynamicImage::ImageLuma8(line.clone()).to_rgb8(),
        ((w as f32 * s) as u32).max(4),
        ((h as f32 * s) as u32).max(4),
        imageops::FilterType::Triangle,
    );
    let mut copy = photocopy(small, rng);
    if rng.chance(0.5) {
        copy = jpeg(&copy, rng.range_u32(30, 90) as u8);
    }
    let copy = image::DynamicImage::ImageRgb8(copy).to_luma8();
    imageops::resize(&copy, w, h, imageops::FilterType::Triangle)
}

pub(crate) fn noise(mut img: RgbImage, sigma: f32, rng: &mut Rng) -> RgbImage {
    for p in img.pixels_mut() {
        let l = rng.normal() * sigma;
        for k in 0..3 {
            let v = f32::from(p[k]) + l + rng.normal() * sigma * 0.35;
            p[k] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    img
}

pub(crate) fn jpeg(img: &RgbImage, quality: u8) -> RgbImage {
    let mut buf = Vec::new();
    let mut cur = Cursor::new(&mut buf);
    let enc = JpegEncoder::new_with_quality(&mut cur, quality);
    if img.write_with_encoder(enc).is_err() {
        return img.clone();
    }
    match image::load_from_memory_with_format(&buf, image::ImageFormat::Jpeg) {
        Ok(d) => d.to_rgb8(),
        Err(_) => img.clone(),
    }
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn bilinear(src: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = src.dimensions();
    let x = x.clamp(0.0, w as f32 - 1.0);
    let y = y.clamp(0.0, h as f32 - 1.0);
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let raw = src.as_raw();
    let px = |xx: u32, yy: u32, c: usize| f32::from(raw[((yy * w + xx) * 3) as usize + c]);
    let mut out = [0f32; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let top = px(x0, y0, c) * (1.0 - fx) + px(x1, y0, c) * fx;
        let bot = px(x0, y1, c) * (1.0 - fx) + px(x1, y1, c) * fx;
        *o = top * (1.0 - fy) + bot * fy;
    }
    out
}

/// Signed inside-distance of a card point to the edge of the (rounded) card rectangle,
/// in card pixels: positive inside.
fn card_inside(x: f32, y: f32, w: f32, h: f32, radius: f32) -> f32 {
    let dx = x.min(w - x);
    let dy = y.min(h - y);
    if radius > 0.0 && dx < radius && dy < radius {
        let cx = radius - dx;
        let cy = radius - dy;
        radius - (cx * cx + cy * cy).sqrt()
    } else {
        dx.min(dy)
    }
}

/// Base colours of the tables documents are photographed on (wood, dark wood, grey, white,
/// black).
pub(crate) const TABLE_COLOURS: [[f32; 3]; 5] = [
    [128.0, 88.0, 56.0],
    [92.0, 62.0, 40.0],
    [112.0, 112.0, 118.0],
    [205.0, 203.0, 196.0],
    [48.0, 50.0, 56.0],
];

/// The card photographed on a table: projective warp, table texture, drop shadow and a
/// soft lighting gradient.
fn perspective(img: &RgbImage, geo: &mut Geometry, rng: &mut Rng, radius: f32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let cw = (wf * rng.range_f32(1.25, 1.45)).round();
    let ch = (hf * rng.range_f32(1.3, 1.55)).round();
    let angle = rng.range_f32(-7.0, 7.0).to_radians();
    let mut scale = rng.range_f32(0.7, 0.82) * (cw / wf).min(ch / hf);
    let jit: Vec<f32> = (0..8).map(|_| rng.range_f32(-1.0, 1.0)).collect();
    let shift = [rng.range_f32(-1.0, 1.0), rng.range_f32(-1.0, 1.0)];
    let src = [[0.0, 0.0], [wf, 0.0], [wf, hf], [0.0, hf]];
    let margin = 6.0;
    let mut dst = src;
    for _ in 0..20 {
        let (ca, sa) = (angle.cos(), angle.sin());
        let free_x = (cw - wf * scale) / 2.0;
        let free_y = (ch - hf * scale) / 2.0;
        let cx = cw / 2.0 + shift[0] * free_x * 0.5;
        let cy = ch / 2.0 + shift[1] * free_y * 0.5;
        for (i, s) in src.iter().enumerate() {
            let (dx, dy) = ((s[0] - wf / 2.0) * scale, (s[1] - hf / 2.0) * scale);
            let j = 0.05 * wf * scale;
            dst[i] = [
                cx + dx * ca - dy * sa + jit[2 * i] * j,
                cy + dx * sa + dy * ca + jit[2 * i + 1] * j,
            ];
        }
        let inside = dst.iter().all(|p| {
            p[0] >= margin && p[0] <= cw - margin && p[1] >= margin && p[1] <= ch - margin
        });
        if inside {
            break;
        }
        scale *= 0.95;
    }
    let Some(hm) = Homography::from_points(&src, &dst) else {
        return img.clone();
    };
    let Some(inv) = hm.inverse() else {
        return img.clone();
    };
    // Table texture: a base colour with a grain pattern from a sine table.
    let base = *rng.pick(&TABLE_COLOURS);
    let grain_amp = rng.range_f32(4.0, 16.0);
    let table: Vec<f32> = (0..1024)
        .map(|i| (i as f32 / 1024.0 * std::f32::consts::TAU).sin())
        .collect();
    let col_warp: Vec<f32> = {
        let f1 = rng.range_f32(0.002, 0.01);
        let f2 = rng.range_f32(0.01, 0.03);
        (0..cw as u32)
            .map(|x| 60.0 * (x as f32 * f1).sin() + 14.0 * (x as f32 * f2).sin())
            .collect()
    };
    let grain_f = rng.range_f32(0.08, 0.25);
    let shadow_off = [rng.range_f32(4.0, 16.0), rng.range_f32(6.0, 20.0)];
    let shadow_blur = rng.range_f32(8.0, 22.0) / scale;
    let shadow_k = rng.range_f32(0.3, 0.6);
    // Lighting gradient ("a shadow across the scene").
    let ldir = rng.range_f32(0.0, std::f32::consts::TAU);
    let (lx, ly) = (ldir.cos(), ldir.sin());
    let lk = rng.range_f32(0.0, 0.4);
    let lpos = rng.range_f32(-0.2, 0.3);
    let lsoft = rng.range_f32(0.05, 0.3);
    let diag = (cw * cw + ch * ch).sqrt();
    let aa = 1.0 / scale;
    // Only pixels near the card need the homography.
    let (lo, hi) = Quad(dst).bounds();
    let ext = shadow_off[0].max(shadow_off[1]) + shadow_blur * scale + 4.0;
    let near = |x: f32, y: f32| {
        x >= lo[0] - ext && x <= hi[0] + ext && y >= lo[1] - ext && y <= hi[1] + ext
    };

    let mut out = RgbImage::new(cw as u32, ch as u32);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        let idx = ((fy * grain_f + col_warp[x as usize] * 0.2) * 16.0) as i64;
        let g = table[idx.rem_euclid(1024) as usize] * grain_amp
            + table[((idx * 7 + x as i64) & 1023) as usize] * grain_amp * 0.25;
        let mut c = [base[0] + g, base[1] + g * 0.8, base[2] + g * 0.6];
        if near(fx, fy) {
            // Drop shadow.
            let sp = inv.apply([fx - shadow_off[0], fy - shadow_off[1]]);
            let sd = card_inside(sp[0], sp[1], wf, hf, radius);
            let sh = shadow_k * smoothstep(-shadow_blur, shadow_blur * 0.5, sd);
            for v in &mut c {
                *v *= 1.0 - sh;
            }
            // Card.
            let q = inv.apply([fx, fy]);
            let inside = card_inside(q[0], q[1], wf, hf, radius);
            if inside > -aa {
                let a = ((inside + aa) / (2.0 * aa)).clamp(0.0, 1.0);
                let s = bilinear(img, q[0] - 0.5, q[1] - 0.5);
                for k in 0..3 {
                    c[k] = c[k] * (1.0 - a) + s[k] * a;
                }
            }
        }
        let t = (fx * lx + fy * ly) / diag - lpos;
        let light = 1.0 - lk * smoothstep(-lsoft, lsoft, t);
        *px = Rgb(c.map(|v| (v * light).round().clamp(0.0, 255.0) as u8));
    }
    geo.map(|p| hm.apply(p));
    out
}

/// A specular highlight over part of the card.
fn glare(mut img: RgbImage, geo: &Geometry, rng: &mut Rng) -> RgbImage {
    let (w, h) = img.dimensions();
    let q = &geo.card.0;
    let (u, v) = (rng.range_f32(0.15, 0.85), rng.range_f32(0.15, 0.85));
    let top = [
        q[0][0] + (q[1][0] - q[0][0]) * u,
        q[0][1] + (q[1][1] - q[0][1]) * u,
    ];
    let bot = [
        q[3][0] + (q[2][0] - q[3][0]) * u,
        q[3][1] + (q[2][1] - q[3][1]) * u,
    ];
    let c = [
        top[0] + (bot[0] - top[0]) * v,
        top[1] + (bot[1] - top[1]) * v,
    ];
    let m = w.min(h) as f32;
    let sx = rng.range_f32(0.08, 0.3) * m;
    let sy = rng.range_f32(0.05, 0.15) * m;
    let ang = rng.range_f32(0.0, std::f32::consts::PI);
    let (ca, sa) = (ang.cos(), ang.sin());
    let strength = rng.range_f32(0.55, 0.95);
    let ext = 3.0 * sx.max(sy);
    let x0 = (c[0] - ext).max(0.0) as u32;
    let x1 = ((c[0] + ext).max(0.0) as u32).min(w);
    let y0 = (c[1] - ext).max(0.0) as u32;
    let y1 = ((c[1] + ext).max(0.0) as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f32 + 0.5 - c[0], y as f32 + 0.5 - c[1]);
            let (rx, ry) = (dx * ca + dy * sa, -dx * sa + dy * ca);
            let e = (rx * rx) / (2.0 * sx * sx) + (ry * ry) / (2.0 * sy * sy);
            if e > 6.0 {
                continue;
            }
            // A flat-topped lobe saturates the centre, as real glare does.
            let a = (strength * (-e).exp() * 1.4).min(1.0);
            let p = img.get_pixel_mut(x, y);
            for k in 0..3 {
                let v = f32::from(p[k]);
                p[k] = (v + (255.0 - v) * a).round() as u8;
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dark text on a coloured background.
    fn card_line() -> RgbImage {
        RgbImage::from_fn(120, 48, |x, y| {
            if (16..32).contains(&y) && x % 12 < 6 {
                Rgb([20, 20, 30])
            } else {
                Rgb([230, 170, 110])
            }
        })
    }

    #[test]
    fn a_photocopy_is_grey_keeps_ink_darker_than_paper_and_repeats_by_seed() {
        let copy = photocopy(card_line(), &mut Rng::stream(7, 0, "t"));
        assert!(copy.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
        let mean = |xs: &mut dyn Iterator<Item = u8>| {
            let v: Vec<f32> = xs.map(f32::from).collect();
            v.iter().sum::<f32>() / v.len() as f32
        };
        let ink = mean(&mut (16..32).map(|y| copy.get_pixel(2, y)[0]));
        let paper = mean(&mut (0..12).map(|y| copy.get_pixel(9, y)[0]));
        assert!(paper - ink > 100.0, "ink {ink}, paper {paper}");
        assert_eq!(copy, photocopy(card_line(), &mut Rng::stream(7, 0, "t")));
    }

    #[test]
    fn a_photocopied_line_keeps_its_size() {
        let line = image::DynamicImage::ImageRgb8(card_line()).to_luma8();
        let copy = photocopied_line(&line, &mut Rng::stream(3, 1, "t"));
        assert_eq!(copy.dimensions(), line.dimensions());
    }
}

//! Presentation attacks on documents (issue 6, item 7): a card shown on a screen, or a
//! colour print of it, photographed by a phone.
//!
//! [`recapture`] takes a generated sample (the card as the attacker has it: a scan) and
//! renders what a camera sees when that scan is presented instead of the card:
//!
//! * [`Recapture::Screen`]: the scan letterboxed on a phone or monitor screen. Each screen
//!   pixel is three vertical R, G, B stripes with dark gaps between them; the camera
//!   integrates each of its pixels over 5×5 sample points of that stripe pattern, so a
//!   pixel pitch near the camera's own gives moiré the way a real sensor does. Around the
//!   picture: the viewer's background, a dark bezel, the device's edge, a table.
//! * [`Recapture::Print`]: the scan printed by a CMYK halftone printer (four rotated dot
//!   screens, 75-200 lines per card-width inch) on paper, either cut to the card's outline
//!   or left on a sheet with a white margin, lying on a table.
//!
//! Then the camera: a projective view, optical blur, sensor noise, JPEG. The ground-truth
//! polygons and card corners are mapped into the final image, so the readers can be
//! scored on attacks too. Everything is a pure function of the sample and its seed.
//!
//! This draws the physics that the frequency cues look for (a pixel grid, halftone dots)
//! and nothing else: no screen glare, no paper texture, no Bayer demosaicing. Rates
//! measured on it are rates on this model, not on real attacks.

use image::{Rgb, RgbImage};

use crate::degrade::{gaussian_blur, jpeg, noise, TABLE_COLOURS};
use crate::geom::{Homography, Quad};
use crate::rng::Rng;
use crate::Sample;

/// How a recaptured card is presented to the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recapture {
    /// The card's scan shown on a screen.
    Screen,
    /// A colour halftone print of the card's scan.
    Print,
}

impl Recapture {
    /// Both kinds.
    pub const ALL: [Recapture; 2] = [Recapture::Screen, Recapture::Print];

    /// The name used on the command line and in the ground truth.
    pub fn as_str(self) -> &'static str {
        match self {
            Recapture::Screen => "screen",
            Recapture::Print => "print",
        }
    }
}

/// Sample points per camera pixel along each axis (the sensor's pixel area).
const SUPERSAMPLE: usize = 5;

/// Renders `sample` presented as `kind` and photographed; the ground truth keeps the
/// fields and maps the polygons, and `degradations` gains `screen:…` or `print:…`.
pub fn recapture(sample: &Sample, kind: Recapture) -> Sample {
    let t = &sample.truth;
    let mut rng = Rng::stream(
        t.seed,
        t.index,
        &format!("recapture/{}/{}", kind.as_str(), t.doc_type),
    );
    let scan = &sample.image;
    // The card's own frame: its corners in the scan.
    let card = t
        .card_quad
        .unwrap_or_else(|| Quad::rect(0.0, 0.0, scan.width() as f32, scan.height() as f32).0);
    let (rendered, to_camera, label) = match kind {
        Recapture::Screen => screen(scan, &mut rng),
        Recapture::Print => print(scan, &card, &mut rng),
    };
    let camera = camera(rendered, &mut rng);
    let mut truth = t.clone();
    truth.width = camera.width();
    truth.height = camera.height();
    for q in truth.polygons.values_mut() {
        *q = q.map(|p| to_camera.apply(p));
    }
    truth.card_quad = Some(card.map(|p| to_camera.apply(p)));
    truth.degradations.push(label);
    Sample {
        image: camera,
        truth,
    }
}

/// Optical blur, sensor noise and JPEG.
fn camera(img: RgbImage, rng: &mut Rng) -> RgbImage {
    let sigma = rng.range_f32(0.5, 1.1);
    let img = gaussian_blur(&img, sigma);
    let img = noise(img, rng.range_f32(1.5, 5.0), rng);
    jpeg(&img, rng.range_u32(60, 92) as u8)
}

/// A homography from an object's frame (`ow` × `oh` units) to a camera frame that shows it
/// at `scale` camera pixels per unit, turned by up to 8° with up to 4 % corner jitter
/// (perspective), with a margin of 4-14 % of the object's size around it.
fn place(ow: f32, oh: f32, scale: f32, rng: &mut Rng) -> View {
    let angle = rng.range_f32(-8.0, 8.0).to_radians();
    let (ca, sa) = (angle.cos(), angle.sin());
    let src = [[0.0, 0.0], [ow, 0.0], [ow, oh], [0.0, oh]];
    let jitter = 0.04 * ow.max(oh) * scale;
    let mut dst = src.map(|p| {
        let (x, y) = ((p[0] - ow / 2.0) * scale, (p[1] - oh / 2.0) * scale);
        [
            x * ca - y * sa + rng.range_f32(-jitter, jitter),
            x * sa + y * ca + rng.range_f32(-jitter, jitter),
        ]
    });
    let (lo, hi) = Quad(dst).bounds();
    let margin = rng.range_f32(0.04, 0.14) * (hi[0] - lo[0]).max(hi[1] - lo[1]);
    for p in &mut dst {
        p[0] += margin - lo[0];
        p[1] += margin - lo[1];
    }
    let w = (hi[0] - lo[0] + 2.0 * margin).ceil() as u32;
    let h = (hi[1] - lo[1] + 2.0 * margin).ceil() as u32;
    // A jittered rectangle always gives an invertible map; the plain scaling is a fallback.
    let to_cam = Homography::from_points(&src, &dst)
        .filter(|hm| hm.inverse().is_some())
        .unwrap_or(Homography::scale_shift(scale, margin, margin));
    let from_cam = to_cam.inverse().unwrap_or(Homography::scale_shift(
        1.0 / scale,
        -margin / scale,
        -margin / scale,
    ));
    View {
        to_cam,
        from_cam,
        w,
        h,
    }
}

/// Where an object lands in the camera frame (see [`place`]).
struct View {
    /// Object units → camera pixels.
    to_cam: Homography,
    /// Camera pixels → object units.
    from_cam: Homography,
    /// Camera frame width.
    w: u32,
    /// Camera frame height.
    h: u32,
}

/// A table under a soft light: a base colour and a linear brightness gradient.
struct Table {
    base: [f32; 3],
    slope: [f32; 2],
}

impl Table {
    fn new(rng: &mut Rng) -> Table {
        Table {
            base: *rng.pick(&TABLE_COLOURS),
            slope: [rng.range_f32(-2e-4, 2e-4), rng.range_f32(-2e-4, 2e-4)],
        }
    }

    fn at(&self, x: f32, y: f32) -> [f32; 3] {
        let light = 1.0 + self.slope[0] * x + self.slope[1] * y;
        self.base.map(|v| v * light)
    }
}

/// Renders a camera frame of `w` × `h` pixels: each pixel is the mean of
/// [`SUPERSAMPLE`]² values of `scene` at points spread over the pixel's area.
fn integrate(w: u32, h: u32, scene: impl Fn(f32, f32) -> [f32; 3]) -> RgbImage {
    let n = SUPERSAMPLE;
    let k = 1.0 / (n * n) as f32;
    RgbImage::from_fn(w, h, |x, y| {
        let mut acc = [0f32; 3];
        for j in 0..n {
            for i in 0..n {
                let px = x as f32 + (i as f32 + 0.5) / n as f32;
                let py = y as f32 + (j as f32 + 0.5) / n as f32;
                let v = scene(px, py);
                for c in 0..3 {
                    acc[c] += v[c];
                }
            }
        }
        Rgb(acc.map(|v| (v * k).round().clamp(0.0, 255.0) as u8))
    })
}

/// The scan on a screen; returns the camera frame, the map from scan pixels to camera
/// pixels, and the ground-truth label.
fn screen(scan: &RgbImage, rng: &mut Rng) -> (RgbImage, Homography, String) {
    let (sw, sh) = (scan.width() as f32, scan.height() as f32);
    // Screen pixels across the scan's width (the card's, unless the scan is a photo of it),
    // and camera pixels per screen pixel.
    let across = rng.range_u32(500, 1800);
    let card_cam = rng.range_f32(600.0, 1100.0);
    let pitch = card_cam / across as f32;
    let down = across as f32 / sw;
    let (cw, ch) = (across, (sh * down).round() as u32);
    let shown = image::imageops::resize(scan, cw, ch, image::imageops::FilterType::Triangle);
    // Letterbox: the screen's aspect differs from the card's, so one pair of margins is
    // wide; the viewer's background is black, dark grey or white.
    let (wide, narrow) = (rng.range_f32(0.05, 0.35), rng.range_f32(0.0, 0.04));
    let (mx, my) = if rng.chance(0.5) {
        (wide, narrow)
    } else {
        (narrow, wide)
    };
    let (mx, my) = ((mx * cw as f32).round(), (my * cw as f32).round());
    let (scr_w, scr_h) = (cw as f32 + 2.0 * mx, ch as f32 + 2.0 * my);
    let viewer = *rng.pick(&[0.0f32, 0.0, 0.0, 35.0, 240.0]);
    let bezel = rng.range_f32(0.02, 0.08) * scr_w.max(scr_h);
    let bezel_grey = rng.range_f32(8.0, 30.0);
    // Display tone: gamma, peak white and a black level lifted by room light.
    let gamma = rng.range_f32(0.85, 1.2);
    let white = rng.range_f32(215.0, 255.0);
    let black = rng.range_f32(0.0, 8.0);
    // Room light reflected by the glass, everywhere on the screen.
    let ambient = rng.range_f32(3.0, 14.0);
    let tone: Vec<f32> = (0..256)
        .map(|v| black + (white - black) * (v as f32 / 255.0).powf(gamma))
        .collect();
    // Stripe geometry: the lit share of each subpixel's width and of the pixel's height.
    let (fill_x, fill_y) = (rng.range_f32(0.6, 0.85), rng.range_f32(0.75, 0.95));
    let gain = 3.0 / (fill_x * fill_y);
    let table = Table::new(rng);
    // The device, bezel included, placed in the camera frame.
    let (dev_w, dev_h) = (scr_w + 2.0 * bezel, scr_h + 2.0 * bezel);
    let View {
        to_cam,
        from_cam,
        w,
        h,
    } = place(dev_w, dev_h, pitch, rng);
    let frame = integrate(w, h, |x, y| {
        let [u, v] = from_cam.apply([x, y]);
        if !(0.0..dev_w).contains(&u) || !(0.0..dev_h).contains(&v) {
            return table.at(x, y);
        }
        let (u, v) = (u - bezel, v - bezel);
        if !(0.0..scr_w).contains(&u) || !(0.0..scr_h).contains(&v) {
            return [bezel_grey; 3];
        }
        let (i, j) = (u.floor(), v.floor());
        let sub = (u - i) * 3.0;
        let channel = sub.floor() as usize;
        if sub.fract() >= fill_x || v - j >= fill_y {
            return [ambient; 3];
        }
        let (ci, cj) = (i - mx, j - my);
        let value = if (0.0..cw as f32).contains(&ci) && (0.0..ch as f32).contains(&cj) {
            shown.get_pixel(ci as u32, cj as u32)[channel.min(2)]
        } else {
            viewer as u8
        };
        let mut out = [ambient; 3];
        out[channel.min(2)] += tone[value as usize] * gain;
        out
    });
    // Scan pixels → screen pixels → camera pixels.
    let scan_to_screen = Homography::scale_shift(down, mx + bezel, my + bezel);
    let label = format!("screen:pixels={across},pitch={pitch:.2}");
    (frame, to_cam.after(&scan_to_screen), label)
}

/// Ink transmittance per channel (cyan, magenta, yellow, black).
const INKS: [[f32; 3]; 4] = [
    [0.15, 0.75, 0.95],
    [0.95, 0.3, 0.65],
    [0.95, 0.9, 0.15],
    [0.12, 0.12, 0.12],
];
/// Screen angles of the four inks, degrees (the classic 15/75/0/45).
const INK_ANGLES: [f32; 4] = [15.0, 75.0, 0.0, 45.0];

/// Ink coverage (0-1) of cyan, magenta, yellow and black for an RGB colour, with full
/// grey-component replacement.
fn cmyk(rgb: [f32; 3]) -> [f32; 4] {
    let [r, g, b] = rgb.map(|v| v / 255.0);
    let k = 1.0 - r.max(g).max(b);
    if k >= 0.999 {
        return [0.0, 0.0, 0.0, 1.0];
    }
    let f = |v: f32| ((1.0 - v - k) / (1.0 - k)).clamp(0.0, 1.0);
    [f(r), f(g), f(b), k]
}

/// The scan printed as CMYK halftone on paper; returns as [`screen`] does.
fn print(scan: &RgbImage, card: &[[f32; 2]; 4], rng: &mut Rng) -> (RgbImage, Homography, String) {
    let (sw, sh) = (scan.width() as f32, scan.height() as f32);
    // Halftone cells across the scan's width (75-200 lines per inch on an ID-1 card).
    let cells = rng.range_f32(250.0, 680.0);
    let cell = sw / cells;
    let card_cam = rng.range_f32(600.0, 1100.0);
    let scale = card_cam / (Quad(*card).bounds().1[0] - Quad(*card).bounds().0[0]).max(1.0);
    let paper = rng.range_f32(225.0, 250.0);
    let light = rng.range_f32(0.8, 1.0);
    // Cut to the card's outline, or left on the sheet with a margin.
    let margin = if rng.chance(0.5) {
        0.0
    } else {
        rng.range_f32(0.05, 0.4) * sw
    };
    let angles = INK_ANGLES.map(|a| {
        let r = (a + rng.range_f32(-2.0, 2.0)).to_radians();
        (r.cos(), r.sin())
    });
    let table = Table::new(rng);
    let (sheet_w, sheet_h) = (sw + 2.0 * margin, sh + 2.0 * margin);
    let View {
        to_cam,
        from_cam,
        w,
        h,
    } = place(sheet_w, sheet_h, scale, rng);
    let inside_card = |p: [f32; 2]| crate::geom::point_in_quad(&Quad(*card), p);
    let frame = integrate(w, h, |x, y| {
        let [u, v] = from_cam.apply([x, y]);
        let (sx, sy) = (u - margin, v - margin);
        let on_sheet = (0.0..sheet_w).contains(&u) && (0.0..sheet_h).contains(&v);
        let on_card = (0.0..sw).contains(&sx) && (0.0..sh).contains(&sy) && inside_card([sx, sy]);
        if !(on_card || (margin > 0.0 && on_sheet)) {
            return table.at(x, y);
        }
        let mut refl = [paper / 255.0 * light; 3];
        if on_card {
            let p = scan.get_pixel(sx as u32, sy as u32).0.map(f32::from);
            let cover = cmyk(p);
            for (ink, ((c, s), t)) in angles.iter().zip(INKS).enumerate() {
                // Cell coordinates on this ink's rotated screen; a round dot grows with
                // the coverage (the cosine spot function).
                let (a, b) = ((sx * c + sy * s) / cell, (-sx * s + sy * c) / cell);
                let spot = 0.5
                    + 0.25
                        * ((std::f32::consts::TAU * a).cos() + (std::f32::consts::TAU * b).cos());
                if spot > 1.0 - cover[ink] {
                    for k in 0..3 {
                        refl[k] *= t[k];
                    }
                }
            }
        }
        refl.map(|r| r * 255.0)
    });
    let label = format!("print:cells={cells:.0},pitch={:.2}", cell * scale);
    let scan_to_sheet = Homography::scale_shift(1.0, margin, margin);
    (frame, to_cam.after(&scan_to_sheet), label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::point_in_quad;
    use crate::{DocType, Generator};

    /// Each attack is a pure function of the sample, and its geometry lands on the card:
    /// every field polygon inside the mapped card quad, the quad inside the image, and
    /// the card's centre brighter than the dark bezel or table would be.
    #[test]
    fn attacks_are_deterministic_and_carry_their_geometry() {
        let g = Generator::new(None).unwrap();
        let card = g.generate(DocType::IdFront, 3, 1, &[]).unwrap();
        for kind in Recapture::ALL {
            let a = recapture(&card, kind);
            let b = recapture(&card, kind);
            assert!(a.image == b.image, "{kind:?} not deterministic");
            let label = a.truth.degradations.last().unwrap();
            assert!(label.starts_with(kind.as_str()), "{label}");
            let quad = Quad(a.truth.card_quad.unwrap());
            let (w, h) = (a.image.width() as f32, a.image.height() as f32);
            assert!(
                quad.0
                    .iter()
                    .all(|p| (0.0..w).contains(&p[0]) && (0.0..h).contains(&p[1])),
                "{kind:?}: {quad:?} outside {w}x{h}"
            );
            for (name, poly) in &a.truth.polygons {
                let c = poly
                    .iter()
                    .fold([0.0, 0.0], |s, p| [s[0] + p[0] / 4.0, s[1] + p[1] / 4.0]);
                assert!(point_in_quad(&quad, c), "{kind:?}: {name} at {c:?}");
            }
            let (lo, hi) = quad.bounds();
            let centre = a.image.get_pixel(
                ((lo[0] + hi[0]) / 2.0) as u32,
                ((lo[1] + hi[1]) / 2.0) as u32,
            );
            assert!(
                centre.0.iter().map(|&v| u32::from(v)).sum::<u32>() > 3 * 60,
                "{kind:?}: {centre:?}"
            );
        }
    }
}

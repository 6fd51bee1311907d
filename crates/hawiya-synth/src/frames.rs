//! Synthetic liveness frame triples: a live head that turns, and presentation attacks.
//!
//! [`frame_triple`] turns one face photo (with its five YuNet landmarks) into three
//! 480×640 "selfie" frames. Everything is a pure function of the inputs and `seed`.
//!
//! * [`TripleKind::Live`]: the face is given a smooth depth (an ellipsoid fitted to the
//!   landmarks plus a Gaussian nose bump at the nose tip) and each frame is re-rendered by
//!   per-pixel inverse warping of a small 3-D head rotation (yaw/pitch 2–6° either way,
//!   roll up to 3°, a few pixels of translation, ±3 % scale). Points at different depths
//!   move differently: the nose shifts against the eyes and mouth corners (parallax).
//! * [`TripleKind::StillBlink`]: a head turning under 1° that blinks in one frame.
//! * [`TripleKind::ShakyStill`]: a head turning under 1°, no blink, filmed by a shaking
//!   hand: the camera itself turns by 0.3-1° between frames, which moves the whole image
//!   without parallax.
//! * [`TripleKind::PlanarPhoto`]: a printed photo held in front of the camera; each frame is
//!   the print under its own homography (a tilted plane seen in perspective), with a paper
//!   border and a room behind it. All points move as one plane.
//! * [`TripleKind::ScreenReplay`]: like the print, but on a screen: a pixel grid (moiré
//!   after resampling), a black bezel, and a gamma / brightness / tint shift.
//! * [`TripleKind::Identical`]: one live frame three times, each JPEG-encoded at a different
//!   quality so the bytes differ but the pixels barely do.
//! * [`TripleKind::DifferentPerson`]: two live frames of `face`, the third of `other_face`.
//!
//! The depth model is a caricature of a head, and real attacks have cues this does not
//! draw (specular glare, paper texture, hands); the triples are for testing the logic of the
//! liveness checks, not for claiming error rates on real attacks.

use image::{Rgb, RgbImage};

use crate::geom::Homography;
use crate::rng::Rng;

/// Width of a generated frame.
pub const FRAME_W: u32 = 480;
/// Height of a generated frame.
pub const FRAME_H: u32 = 640;
/// Inter-ocular distance of the face on the base canvas, pixels.
const CANVAS_IOD: f32 = 72.0;
/// How much a still head moves, as a share of a live head's turns and shifts.
const STILL_MOTION: f32 = 0.12;
/// Share of live triples with a blink in one frame.
const BLINK_SHARE: f32 = 0.35;
/// Where the midpoint of the eyes lands on the base canvas.
const CANVAS_EYES: [f32; 2] = [240.0, 290.0];

/// What a triple shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TripleKind {
    /// A real head turning slightly between frames (a blink in one frame of about a third).
    Live,
    /// A real head held almost still (turns under 1°) that blinks in one frame.
    StillBlink,
    /// A real head held almost still, no blink, filmed by a hand that shakes: the camera
    /// itself turns by 0.3-1° between frames.
    ShakyStill,
    /// A printed photo moved in front of the camera.
    PlanarPhoto,
    /// A photo shown on a screen and moved.
    ScreenReplay,
    /// The same frame three times.
    Identical,
    /// Frames 1–2 of `face`, frame 3 of another person.
    DifferentPerson,
}

impl TripleKind {
    /// Every kind.
    pub const ALL: [TripleKind; 7] = [
        TripleKind::Live,
        TripleKind::StillBlink,
        TripleKind::ShakyStill,
        TripleKind::PlanarPhoto,
        TripleKind::ScreenReplay,
        TripleKind::Identical,
        TripleKind::DifferentPerson,
    ];

    /// Short kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TripleKind::Live => "live",
            TripleKind::StillBlink => "still-blink",
            TripleKind::ShakyStill => "shaky-still",
            TripleKind::PlanarPhoto => "planar-photo",
            TripleKind::ScreenReplay => "screen-replay",
            TripleKind::Identical => "identical",
            TripleKind::DifferentPerson => "different-person",
        }
    }

    /// Whether the kind is a presentation attack.
    pub fn is_attack(self) -> bool {
        !matches!(
            self,
            TripleKind::Live | TripleKind::StillBlink | TripleKind::ShakyStill
        )
    }
}

/// Three frames of `kind` built from `face` (whose five landmarks, YuNet order: right eye,
/// left eye, nose tip, right mouth corner, left mouth corner, are `landmarks`).
///
/// `other_face` is the third frame's person for [`TripleKind::DifferentPerson`]; it has no
/// landmarks of its own, so `landmarks` scaled by the size ratio of the two images stand in
/// for them (right for crops of one dataset, such as `testdata/faces/tune`).
///
/// # Panics
///
/// For [`TripleKind::DifferentPerson`] without `other_face`.
pub fn frame_triple(
    face: &RgbImage,
    landmarks: &[[f32; 2]; 5],
    other_face: Option<&RgbImage>,
    kind: TripleKind,
    seed: u64,
) -> [RgbImage; 3] {
    let mut rng = Rng::stream(seed, 0, kind.as_str());
    let bg = Background::draw(&mut rng);
    let base = Base::compose(face, landmarks, &bg);
    match kind {
        TripleKind::Live | TripleKind::StillBlink => {
            // The blinking frame and how far its lids close. A live head blinks in about a
            // third of the triples, drawn from a stream of its own so that the triples
            // without one are the same as before blinks existed; a still head always blinks.
            let (blink, motion) = if kind == TripleKind::Live {
                let mut blink_rng = Rng::stream(seed, 1, "blink");
                let blink = blink_rng.chance(BLINK_SHARE).then(|| {
                    (
                        blink_rng.range_u32(0, 2) as usize,
                        blink_rng.range_f32(0.75, 1.0),
                    )
                });
                (blink, 1.0)
            } else {
                let frame = rng.range_u32(0, 2) as usize;
                (Some((frame, rng.range_f32(0.75, 1.0))), STILL_MOTION)
            };
            std::array::from_fn(|k| {
                let closure = match blink {
                    Some((frame, c)) if frame == k => c,
                    _ => 0.0,
                };
                live_frame(&base, &bg, closure, motion, &mut rng)
            })
        }
        TripleKind::ShakyStill => std::array::from_fn(|_| {
            let frame = live_frame(&base, &bg, 0.0, STILL_MOTION, &mut rng);
            camera_turn(&frame, &mut rng)
        }),
        TripleKind::PlanarPhoto => {
            let room = Background::draw(&mut rng);
            std::array::from_fn(|_| planar_frame(&base, &room, false, &mut rng))
        }
        TripleKind::ScreenReplay => {
            let room = Background::draw(&mut rng);
            std::array::from_fn(|_| planar_frame(&base, &room, true, &mut rng))
        }
        TripleKind::Identical => {
            let frame = live_frame(&base, &bg, 0.0, 1.0, &mut rng);
            std::array::from_fn(|_| {
                let q = rng.range_u32(80, 96) as u8;
                jpeg_roundtrip(&frame, q)
            })
        }
        TripleKind::DifferentPerson => {
            let other = other_face.expect("DifferentPerson needs other_face");
            let sx = other.width() as f32 / face.width() as f32;
            let sy = other.height() as f32 / face.height() as f32;
            let other_lm = landmarks.map(|p| [p[0] * sx, p[1] * sy]);
            let other_base = Base::compose(other, &other_lm, &bg);
            let a = live_frame(&base, &bg, 0.0, 1.0, &mut rng);
            let b = live_frame(&base, &bg, 0.0, 1.0, &mut rng);
            let c = live_frame(&other_base, &bg, 0.0, 1.0, &mut rng);
            [a, b, c]
        }
    }
}

/// JPEG-encodes and decodes an image (quality 1–100).
pub fn jpeg_roundtrip(img: &RgbImage, quality: u8) -> RgbImage {
    let mut bytes = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    img.write_with_encoder(enc).expect("jpeg encode in memory");
    image::load_from_memory(&bytes)
        .expect("jpeg decode in memory")
        .to_rgb8()
}

/// A smooth background: a vertical gradient between two colours with a few soft blobs.
struct Background {
    top: [f32; 3],
    bottom: [f32; 3],
    blobs: Vec<([f32; 2], f32, [f32; 3])>,
}

impl Background {
    fn draw(rng: &mut Rng) -> Background {
        let colour = |rng: &mut Rng| {
            let base = rng.range_f32(60.0, 210.0);
            [0, 1, 2].map(|_| (base + rng.range_f32(-35.0, 35.0)).clamp(0.0, 255.0))
        };
        let top = colour(rng);
        let bottom = colour(rng);
        let blobs = (0..4)
            .map(|_| {
                let c = [
                    rng.range_f32(0.0, FRAME_W as f32),
                    rng.range_f32(0.0, FRAME_H as f32),
                ];
                (c, rng.range_f32(60.0, 200.0), colour(rng))
            })
            .collect();
        Background { top, bottom, blobs }
    }

    fn at(&self, x: f32, y: f32) -> [f32; 3] {
        let t = (y / FRAME_H as f32).clamp(0.0, 1.0);
        let mut c = [0, 1, 2].map(|k| self.top[k] * (1.0 - t) + self.bottom[k] * t);
        for (centre, r, col) in &self.blobs {
            let d2 = (x - centre[0]).powi(2) + (y - centre[1]).powi(2);
            let w = 0.6 * (-d2 / (r * r)).exp();
            for k in 0..3 {
                c[k] = c[k] * (1.0 - w) + col[k] * w;
            }
        }
        c
    }
}

/// The face photo placed on the canvas (a float image), with its landmarks there.
struct Base {
    px: Vec<[f32; 3]>,
    lm: [[f32; 2]; 5],
}

impl Base {
    fn get(&self, x: i64, y: i64) -> Option<[f32; 3]> {
        if x < 0 || y < 0 || x >= FRAME_W as i64 || y >= FRAME_H as i64 {
            return None;
        }
        Some(self.px[(y as usize) * FRAME_W as usize + x as usize])
    }

    /// Bilinear sample; `None` off the canvas.
    fn sample(&self, x: f32, y: f32) -> Option<[f32; 3]> {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let a = self.get(x0, y0)?;
        let b = self.get(x0 + 1, y0).unwrap_or(a);
        let c = self.get(x0, y0 + 1).unwrap_or(a);
        let d = self.get(x0 + 1, y0 + 1).unwrap_or(c);
        Some([0, 1, 2].map(|k| {
            let top = a[k] * (1.0 - fx) + b[k] * fx;
            let bot = c[k] * (1.0 - fx) + d[k] * fx;
            top * (1.0 - fy) + bot * fy
        }))
    }

    /// Maps the photo by a similarity that puts the eyes CANVAS_IOD apart around
    /// CANVAS_EYES, keeping a window of about 7 eye distances around the face and fading it
    /// into the background at its edges.
    fn compose(face: &RgbImage, lm: &[[f32; 2]; 5], bg: &Background) -> Base {
        let (re, le) = (lm[0], lm[1]);
        let (dx, dy) = (le[0] - re[0], le[1] - re[1]);
        let iod = (dx * dx + dy * dy).sqrt().max(1.0);
        let s = CANVAS_IOD / iod;
        let angle = dy.atan2(dx); // level the eyes
        let (c, sn) = (angle.cos(), angle.sin());
        let mid = [(re[0] + le[0]) / 2.0, (re[1] + le[1]) / 2.0];
        // canvas = R(-angle) * s * (src - mid) + CANVAS_EYES
        let to_canvas = |p: [f32; 2]| {
            let (x, y) = (p[0] - mid[0], p[1] - mid[1]);
            [
                s * (c * x + sn * y) + CANVAS_EYES[0],
                s * (-sn * x + c * y) + CANVAS_EYES[1],
            ]
        };
        let to_src = |q: [f32; 2]| {
            let (x, y) = ((q[0] - CANVAS_EYES[0]) / s, (q[1] - CANVAS_EYES[1]) / s);
            [c * x - sn * y + mid[0], sn * x + c * y + mid[1]]
        };
        let (w, h) = (face.width() as f32, face.height() as f32);
        let window = 3.5 * CANVAS_IOD;
        let centre = [CANVAS_EYES[0], CANVAS_EYES[1] + 0.5 * CANVAS_IOD];
        let mut px = Vec::with_capacity((FRAME_W * FRAME_H) as usize);
        for y in 0..FRAME_H {
            for x in 0..FRAME_W {
                let q = [x as f32 + 0.5, y as f32 + 0.5];
                let back = bg.at(q[0], q[1]);
                let p = to_src(q);
                // Distance (canvas px) to the photo's edge and to the window's edge.
                let edge = (p[0].min(w - p[0]).min(p[1]).min(h - p[1])) * s;
                let win = window - (q[0] - centre[0]).abs().max((q[1] - centre[1]).abs());
                let alpha = smoothstep(0.0, 24.0, edge.min(win));
                let v = if alpha > 0.0 {
                    let f = bilinear_u8(face, p[0] - 0.5, p[1] - 0.5);
                    [0, 1, 2].map(|k| f[k] * alpha + back[k] * (1.0 - alpha))
                } else {
                    back
                };
                px.push(v);
            }
        }
        Base {
            px,
            lm: lm.map(to_canvas),
        }
    }

    fn iod(&self) -> f32 {
        let (a, b) = (self.lm[0], self.lm[1]);
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    }
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn bilinear_u8(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: i64, yy: i64| img.get_pixel(xx as u32, yy as u32).0;
    let (a, b, c, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
    [0, 1, 2].map(|k| {
        let top = a[k] as f32 * (1.0 - fx) + b[k] as f32 * fx;
        let bot = c[k] as f32 * (1.0 - fx) + d[k] as f32 * fx;
        top * (1.0 - fy) + bot * fy
    })
}

/// `frame` as seen after the camera itself turned about its own centre by a small random
/// rotation (0.3-1° of yaw and pitch, up to 0.5° of roll; focal length 0.8-1.2 frame
/// widths): the homography `K R K⁻¹`, which moves every scene point alike whatever its
/// depth, so it adds motion but no parallax.
fn camera_turn(frame: &RgbImage, rng: &mut Rng) -> RgbImage {
    let yaw = signed(rng, 0.3, 1.0).to_radians();
    let pitch = signed(rng, 0.3, 1.0).to_radians();
    let roll = rng.range_f32(-0.5, 0.5).to_radians();
    let f = rng.range_f32(0.8, 1.2) * FRAME_W as f32;
    let r = rotation(yaw, pitch, roll);
    let c = [FRAME_W as f32 / 2.0, FRAME_H as f32 / 2.0];
    let mut out = RgbImage::new(FRAME_W, FRAME_H);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let ray = [(x as f32 - c[0]) / f, (y as f32 - c[1]) / f, 1.0];
        // The source ray is the output ray turned back (R transposed).
        let s: [f32; 3] = std::array::from_fn(|i| (0..3).map(|k| r[k][i] * ray[k]).sum());
        let v = bilinear_u8(frame, c[0] + f * s[0] / s[2], c[1] + f * s[1] / s[2]);
        *px = Rgb(v.map(|v| v.round().clamp(0.0, 255.0) as u8));
    }
    out
}

/// Symmetric random value with magnitude in `[lo, hi)`.
fn signed(rng: &mut Rng, lo: f32, hi: f32) -> f32 {
    let m = rng.range_f32(lo, hi);
    if rng.chance(0.5) {
        m
    } else {
        -m
    }
}

/// Adds Gaussian sensor noise and quantises.
fn finish(px: impl Fn(u32, u32) -> [f32; 3], sigma: f32, rng: &mut Rng) -> RgbImage {
    let mut out = RgbImage::new(FRAME_W, FRAME_H);
    for y in 0..FRAME_H {
        for x in 0..FRAME_W {
            let v = px(x, y);
            let n = sigma * rng.normal();
            out.put_pixel(
                x,
                y,
                Rgb(v.map(|c| {
                    (c + n + 0.6 * sigma * rng.normal())
                        .round()
                        .clamp(0.0, 255.0) as u8
                })),
            );
        }
    }
    out
}

/// The depth (towards the camera, canvas px) of the head model at canvas point `p`, and how
/// much of the head's motion the point takes (1 on the head, fading to 0 on the background).
struct Head {
    centre: [f32; 2],
    a: f32,
    b: f32,
    depth: f32,
    nose: [f32; 2],
    nose_h: f32,
    nose_s: f32,
    eyes: [[f32; 2]; 2],
    iod: f32,
}

impl Head {
    fn new(base: &Base) -> Head {
        let lm = &base.lm;
        let iod = base.iod();
        let eye_mid = [(lm[0][0] + lm[1][0]) / 2.0, (lm[0][1] + lm[1][1]) / 2.0];
        let mouth_mid = [(lm[3][0] + lm[4][0]) / 2.0, (lm[3][1] + lm[4][1]) / 2.0];
        Head {
            centre: [
                (eye_mid[0] + mouth_mid[0]) / 2.0,
                (eye_mid[1] + mouth_mid[1]) / 2.0 - 0.1 * iod,
            ],
            a: 1.25 * iod,
            b: 1.7 * iod,
            depth: 1.1 * iod,
            nose: lm[2],
            nose_h: 0.45 * iod,
            nose_s: 0.28 * iod,
            eyes: [lm[0], lm[1]],
            iod,
        }
    }

    /// (depth, motion weight).
    fn at(&self, p: [f32; 2]) -> (f32, f32) {
        let u = (p[0] - self.centre[0]) / self.a;
        let v = (p[1] - self.centre[1]) / self.b;
        let r2 = u * u + v * v;
        let ell = self.depth * (1.0 - r2).max(0.0).sqrt();
        let dn = (p[0] - self.nose[0]).powi(2) + (p[1] - self.nose[1]).powi(2);
        let nose = self.nose_h * (-dn / (2.0 * self.nose_s * self.nose_s)).exp();
        // Eye sockets sit a little behind the ellipsoid.
        let mut sockets = 0.0;
        for e in &self.eyes {
            let de = (p[0] - e[0]).powi(2) + (p[1] - e[1]).powi(2);
            sockets += 0.12 * self.iod * (-de / (2.0 * (0.3 * self.iod).powi(2))).exp();
        }
        let weight = 1.0 - smoothstep(1.0, 1.6, r2.sqrt());
        (ell + nose - sockets, weight)
    }
}

/// Eyelids drawn `closure` shut (0 open, 1 closed) over the base canvas's eyes: inside each
/// eye's opening, down to the lid line, the colour becomes the skin's (measured on the cheek
/// just below that eye) with a crease shadow above and a lash line along the lid's edge.
/// Eyes are level on the canvas, so lids move along y.
struct Eyelids {
    closure: f32,
    eyes: [[f32; 2]; 2],
    skin: [[f32; 3]; 2],
    iod: f32,
}

impl Eyelids {
    fn new(base: &Base, closure: f32) -> Self {
        let iod = base.iod();
        let eyes = [base.lm[0], base.lm[1]];
        let skin = eyes.map(|e| {
            let (mut sum, mut n) = ([0f32; 3], 0f32);
            let (x0, x1) = (e[0] - 0.15 * iod, e[0] + 0.15 * iod);
            let (y0, y1) = (e[1] + 0.22 * iod, e[1] + 0.32 * iod);
            for y in y0 as i64..=y1 as i64 {
                for x in x0 as i64..=x1 as i64 {
                    if let Some(v) = base.get(x, y) {
                        (0..3).for_each(|k| sum[k] += v[k]);
                        n += 1.0;
                    }
                }
            }
            sum.map(|v| v / n.max(1.0))
        });
        Eyelids {
            closure,
            eyes,
            skin,
            iod,
        }
    }

    /// The colour at canvas point `p`, which is `v` with the eyes open.
    fn apply(&self, p: [f32; 2], v: [f32; 3]) -> [f32; 3] {
        if self.closure <= 0.0 {
            return v;
        }
        let iod = self.iod;
        for (eye, skin) in self.eyes.iter().zip(&self.skin) {
            // The opening: an ellipse 0.5 × 0.2 eye distances around the eye centre.
            let (u, w) = (
                (p[0] - eye[0]) / (0.25 * iod),
                (p[1] - eye[1]) / (0.1 * iod),
            );
            let r = (u * u + w * w).sqrt();
            if r > 1.3 {
                continue;
            }
            let inside = 1.0 - smoothstep(0.85, 1.3, r);
            // The lid comes down from the top of the opening to `closure` of its height.
            let lid = -1.0 + 2.0 * self.closure;
            let covered = inside * (1.0 - smoothstep(lid - 0.15, lid + 0.15, w));
            let crease = 1.0 - 0.12 * (-(w + 0.9).powi(2) / 0.08).exp();
            let lash = 1.0 - 0.45 * (-(w - lid).powi(2) / 0.02).exp() * inside;
            return [0, 1, 2].map(|k| {
                // Eye sockets sit in a little shade against the cheek.
                let lid_px = 0.92 * skin[k] * crease;
                (v[k] * (1.0 - covered) + lid_px * covered) * lash
            });
        }
        v
    }
}

/// One frame of the head turned by a random small rotation (scaled by `motion`: 1 for turns
/// of 2-6°), the eyelids `closure` shut.
fn live_frame(base: &Base, _bg: &Background, closure: f32, motion: f32, rng: &mut Rng) -> RgbImage {
    let head = Head::new(base);
    let lids = Eyelids::new(base, closure);
    let yaw = motion * signed(rng, 2.0, 6.0).to_radians();
    let pitch = motion * signed(rng, 2.0, 6.0).to_radians();
    let roll = motion * rng.range_f32(-3.0, 3.0).to_radians();
    let t = [
        motion * rng.range_f32(-8.0, 8.0),
        motion * rng.range_f32(-8.0, 8.0),
    ];
    let scale = 1.0 + motion * (rng.range_f32(0.97, 1.03) - 1.0);
    let sigma = rng.range_f32(1.5, 3.0);
    let r = rotation(yaw, pitch, roll);
    let c = head.centre;
    // Forward map (orthographic projection of the rotated head, blended into the static
    // background by the motion weight).
    let forward = |p: [f32; 2]| -> [f32; 2] {
        let (z, w) = head.at(p);
        let (x, y) = (p[0] - c[0], p[1] - c[1]);
        let z0 = z - head.depth; // rotate about a centre inside the head
        let xr = r[0][0] * x + r[0][1] * y + r[0][2] * z0;
        let yr = r[1][0] * x + r[1][1] * y + r[1][2] * z0;
        let moved = [scale * xr + c[0] + t[0], scale * yr + c[1] + t[1]];
        [p[0] + w * (moved[0] - p[0]), p[1] + w * (moved[1] - p[1])]
    };
    // Inverse warp by fixed-point iteration: find p with forward(p) = q.
    let mut src = vec![[0f32; 2]; (FRAME_W * FRAME_H) as usize];
    for y in 0..FRAME_H {
        for x in 0..FRAME_W {
            let q = [x as f32, y as f32];
            let mut p = q;
            for _ in 0..6 {
                let f = forward(p);
                p = [p[0] + (q[0] - f[0]), p[1] + (q[1] - f[1])];
            }
            src[(y * FRAME_W + x) as usize] = p;
        }
    }
    // Shading: a turned face catches the light a little differently.
    let light = 1.0 + 0.03 * yaw.signum() * rng.f32();
    finish(
        |x, y| {
            let p = src[(y * FRAME_W + x) as usize];
            let v = base
                .sample(p[0], p[1])
                .unwrap_or_else(|| _bg.at(p[0], p[1]));
            lids.apply(p, v).map(|c| c * light)
        },
        sigma,
        rng,
    )
}

/// Rotation matrix for yaw (about y), pitch (about x) and roll (about z).
fn rotation(yaw: f32, pitch: f32, roll: f32) -> [[f32; 3]; 3] {
    let (cy, sy) = (yaw.cos(), yaw.sin());
    let (cp, sp) = (pitch.cos(), pitch.sin());
    let (cr, sr) = (roll.cos(), roll.sin());
    let ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]];
    let rx = [[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]];
    let rz = [[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]];
    matmul(&rz, &matmul(&ry, &rx))
}

fn matmul(a: &[[f32; 3]; 3], b: &[[f32; 3]; 3]) -> [[f32; 3]; 3] {
    std::array::from_fn(|i| std::array::from_fn(|j| (0..3).map(|k| a[i][k] * b[k][j]).sum()))
}

/// One frame of the base canvas shown as a flat print (or screen) under a homography: the
/// plane is scaled to about 85 %, tilted by up to ±12° about both axes, rolled and shifted,
/// and seen by a pinhole camera.
fn planar_frame(base: &Base, room: &Background, screen: bool, rng: &mut Rng) -> RgbImage {
    let (w, h) = (FRAME_W as f32, FRAME_H as f32);
    let yaw = signed(rng, 3.0, 12.0).to_radians();
    let pitch = signed(rng, 3.0, 12.0).to_radians();
    let roll = rng.range_f32(-4.0, 4.0).to_radians();
    let scale = rng.range_f32(0.8, 0.9);
    let t = [rng.range_f32(-15.0, 15.0), rng.range_f32(-15.0, 15.0)];
    let focal = rng.range_f32(1.0, 1.6) * w;
    let r = rotation(yaw, pitch, roll);
    let c = [w / 2.0, h / 2.0];
    let project = |p: [f32; 2]| -> [f32; 2] {
        let (x, y) = (scale * (p[0] - c[0]), scale * (p[1] - c[1]));
        let xr = r[0][0] * x + r[0][1] * y;
        let yr = r[1][0] * x + r[1][1] * y;
        let zr = r[2][0] * x + r[2][1] * y + focal;
        [focal * xr / zr + c[0] + t[0], focal * yr / zr + c[1] + t[1]]
    };
    let corners = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]];
    let dst = corners.map(project);
    let hom = Homography::from_points(&dst, &corners).expect("non-degenerate plane");
    let border = if screen { 14.0 } else { 10.0 };
    let sigma = rng.range_f32(1.5, 3.0);
    // Print: lower contrast, warmer; screen: gamma, brightness, bluish tint, pixel grid.
    let gamma = if screen {
        rng.range_f32(0.75, 1.3)
    } else {
        1.0
    };
    let gain = if screen {
        rng.range_f32(0.85, 1.15)
    } else {
        rng.range_f32(0.85, 0.95)
    };
    let tint = if screen {
        [0.95, 1.0, rng.range_f32(1.03, 1.1)]
    } else {
        [1.03, 1.0, 0.95]
    };
    let period = rng.range_f32(2.2, 4.5);
    let grid_angle = rng.range_f32(-0.25, 0.25);
    let amp = rng.range_f32(0.08, 0.18);
    let (ga_c, ga_s) = (grid_angle.cos(), grid_angle.sin());
    let paper = rng.range_f32(225.0, 250.0);
    finish(
        |x, y| {
            let q = [x as f32 + 0.5, y as f32 + 0.5];
            let p = hom.apply(q);
            let inside = p[0] >= 0.0 && p[1] >= 0.0 && p[0] < w && p[1] < h;
            let in_border =
                p[0] >= -border && p[1] >= -border && p[0] < w + border && p[1] < h + border;
            if inside {
                let v = base.sample(p[0] - 0.5, p[1] - 0.5).unwrap_or([0.0; 3]);
                let mut v = [0, 1, 2].map(|k| {
                    let n = (v[k] / 255.0).max(0.0).powf(gamma);
                    255.0 * n * gain * tint[k]
                });
                if screen {
                    let u = ga_c * p[0] + ga_s * p[1];
                    let vv = -ga_s * p[0] + ga_c * p[1];
                    let g = 0.5
                        * ((std::f32::consts::TAU * u / period).cos()
                            + (std::f32::consts::TAU * vv / period).cos());
                    for c in &mut v {
                        *c *= 1.0 - amp * (0.5 + 0.5 * g);
                    }
                } else {
                    for c in &mut v {
                        *c = 0.9 * *c + 0.1 * 128.0;
                    }
                }
                v
            } else if in_border {
                if screen {
                    [12.0, 12.0, 14.0]
                } else {
                    [paper, paper, paper - 6.0]
                }
            } else {
                room.at(q[0], q[1])
            }
        },
        sigma,
        rng,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> (RgbImage, [[f32; 2]; 5]) {
        let img = RgbImage::from_fn(200, 240, |x, y| {
            Rgb([(x % 200) as u8, (y % 220) as u8, ((x * y) % 251) as u8])
        });
        let lm = [
            [70.0, 100.0],
            [130.0, 100.0],
            [100.0, 135.0],
            [75.0, 165.0],
            [125.0, 165.0],
        ];
        (img, lm)
    }

    #[test]
    fn deterministic_and_sized() {
        let (img, lm) = face();
        for kind in [
            TripleKind::Live,
            TripleKind::PlanarPhoto,
            TripleKind::Identical,
        ] {
            let a = frame_triple(&img, &lm, None, kind, 7);
            let b = frame_triple(&img, &lm, None, kind, 7);
            for (x, y) in a.iter().zip(b.iter()) {
                assert_eq!(x.dimensions(), (FRAME_W, FRAME_H));
                assert_eq!(x.as_raw(), y.as_raw());
            }
        }
    }

    #[test]
    fn identical_frames_barely_differ() {
        let (img, lm) = face();
        let t = frame_triple(&img, &lm, None, TripleKind::Identical, 3);
        let mad: f64 = t[0]
            .as_raw()
            .iter()
            .zip(t[1].as_raw())
            .map(|(a, b)| (*a as f64 - *b as f64).abs())
            .sum::<f64>()
            / t[0].as_raw().len() as f64;
        assert!(mad < 3.0, "{mad}");
    }
}

//! Liveness from three frames, without an anti-spoofing model.
//!
//! No registry model separates live faces from prints and replays (see
//! `shared/research/face-models.md`, role 3), so the three frames are the evidence. Given
//! each frame's image, its YuNet face and SFace embedding, [`assess`] runs these checks:
//!
//! 1. **Capture span**: frames whose capture times span more than [`MAX_CAPTURE_SPAN_MS`]
//!    are refused (`capture_span_exceeded`).
//! 2. **Replay of a still**: any pair of frames whose face regions have a 64-bit dHash
//!    distance ≤ [`IDENTICAL_DHASH_MAX`] *and* a mean absolute grey difference below
//!    [`IDENTICAL_MAD_MAX`] is the same picture re-sent (`identical_frames`). A camera never
//!    gives two frames that close: sensor noise alone exceeds the floor.
//! 3. **Identity**: every pair of frames must match at `match_threshold`
//!    (`identity_mismatch`), and with an ID photo every frame must match it (`id_mismatch`).
//! 4. **Screen / print pattern**: the median over frames of the strongest isolated peak of
//!    the high-frequency spectrum of the face crop, relative to its ring mean, must stay
//!    below [`MOIRE_MAX`] (`screen_pattern`). JPEG's 8-pixel block lattice is excluded.
//!    **Print / screen in view** ([`crate::presentation`]): washed-out colour together with
//!    the medium's border band in at least two frames (`printed_photo`, `screen_display`).
//!    Washed-out colour alone (median over frames) proves nothing, but it withholds a live
//!    decision: insufficient evidence (`washed_out_colour`), capture again.
//! 5. **Planar vs 3-D motion**: a printed photo or a screen moves as a plane, so one
//!    homography explains every point of it; a real head shows parallax (the nose moves
//!    against the cheeks, brow and chin). YuNet's five points are too noisy for this on their
//!    own (on synthetic prints, a 4-point homography leaves nose residuals of up to 0.2 eye
//!    distances, as large as a real turn's), so [`tracked_parallax`] tracks a grid of face
//!    patches between each pair of frames, fits one homography to the points away from the
//!    nose, and measures how far the nose points stray from it. The largest value over the
//!    pairs, in eye distances, is the *parallax*: ≥ [`PARALLAX_MIN`] is 3-D evidence
//!    (`parallax_3d`, live). Otherwise, if the tracked face moved by at least [`MOTION_MIN`]
//!    eye distances (median over the outer points, largest pair), the parallax stays below
//!    [`PLANAR_MAX`] and the face plane visibly turned in depth ([`TURN_MIN`]), the face
//!    moved like a plane (`planar_motion`, not live); without that turn the motion was in
//!    the image plane, or the camera itself turned (a shaking hand), which shows no depth
//!    either way (`in_plane_motion`, insufficient evidence); between
//!    [`PLANAR_MAX`] and [`PARALLAX_MIN`] the evidence is too weak either way
//!    (`weak_parallax`); if the landmarks barely moved there is nothing to tell
//!    (`too_little_motion`), and if no pair could be tracked (flat, tiny faces) neither
//!    (`untrackable`); these three are insufficient evidence. The landmark-only nose residual is
//!    kept in the signals (`parallax`) but not used.
//!
//!    Three checks can veto that 3-D evidence (then it is `weak_parallax`): the parallax
//!    must be at least [`PARALLAX_PER_MOTION_MIN`] of its pair's motion (tracking noise
//!    grows with the motion); the 468-point face mesh ([`crate::mesh`]) gives a second,
//!    independent parallax ([`mesh_parallax`]: the same nose-against-the-rest residual over
//!    the mesh points), which must reach [`MESH_PARALLAX_MIN`] too; and the three pairs'
//!    nose shifts must add up as a rigid head's do (0→2 = 0→1 + 1→2, [`closure_error`] ≤
//!    [`CLOSURE_MAX`]).
//! 6. **Non-rigid motion**: the eyelids, read by MediaPipe's eye-contour model
//!    ([`crate::eyes`]; the face mesh itself barely sees a shut eye). An eye openness that
//!    drops by at least [`BLINK_MIN`] in one frame (`eye_closure`) is a blink, which a print
//!    or a still on a screen cannot make: it is live evidence (`blink`) when the geometry is
//!    not planar, so a head held still that blinks is live rather than insufficient
//!    evidence. Planar motion stays `not_live` with or without a blink (a video replayed on a
//!    moving screen blinks too). The mouth opening change is reported but not used.
//!
//! Any failed check 1–4 makes the decision [`Decision::NotLive`], with every failed check in
//! `reasons`.
//!
//! **The thresholds are calibrated on synthetic triples** (`hawiya_synth::frames`: a head
//! model turned by 2–6°, prints and screens under homographies) from a handful of real
//! photos; they are a starting point, not a validated operating point.

use crate::align::{apply_affine, cosine};
use crate::mesh::{Mesh, NOSE};
use crate::presentation::{majority_medium, Cues};
use crate::yunet::Face;
use image::RgbImage;

/// Largest allowed span of the capture times, milliseconds.
pub const MAX_CAPTURE_SPAN_MS: i64 = 500;
/// dHash distance (of 64 bits) at or below which two face crops may be the same picture.
pub const IDENTICAL_DHASH_MAX: u32 = 3;
/// Mean absolute grey difference (0–255) of the face region below which, with a close
/// dHash, two frames are the same picture. JPEG re-encodings of one frame (quality 80–95)
/// differ by up to about 2.3; moving synthetic live frames by at least 5.
pub const IDENTICAL_MAD_MAX: f32 = 2.0;
/// Tracked nose parallax ([`tracked_parallax`]), in eye distances, from which the motion is
/// 3-D. Synthetic calibration (seeds 0-3): prints reach 0.030 and 90 % of screens stay
/// under 0.023 (one mistracked screen reaches 0.138; its screen pattern catches it); live
/// triples have a 10th percentile of 0.072.
pub const PARALLAX_MIN: f32 = 0.045;
/// Tracked nose parallax below which a face that moved ([`MOTION_MIN`]) moved as a plane.
/// Between this and [`PARALLAX_MIN`] the frames show too little 3-D evidence either way
/// (`weak_parallax`, insufficient evidence): a head that barely turned and a tilted print
/// both land there. Synthetic calibration (seeds 0-3): 90 % of prints and screens stay
/// below 0.023; 2 live triples in 168 fall below 0.02.
pub const PLANAR_MAX: f32 = 0.02;
/// Tracked face motion ([`Tracking::motion`]), in eye distances, from which a face without
/// parallax has moved enough to call it planar. Calibration seeds 0-3: still heads move
/// ≤ 0.039 and re-sent stills ≤ 0.002; held prints ≥ 0.087, screens ≥ 0.12.
pub const MOTION_MIN: f32 = 0.05;
/// Plane turn ([`Tracking::turn`], largest pair), in eye distances, that a face moving
/// without parallax must show to be called planar. A camera turning about its own centre
/// (a shaking hand) moves a still head like a plane, with no parallax; only a face plane
/// seen turning in depth, which would have shown parallax had it been a head, is evidence
/// of a print or a screen. Calibration seeds 0-3: still heads filmed by a shaking camera
/// (`shaky-still`) reach 0.0067, and the two live heads that had been called planar (they
/// moved but hardly turned) 0.0045; 95 % of the prints and screens that move without
/// parallax exceed 0.0106 (the lowest 0.0048; below the threshold they are undecided).
pub const TURN_MIN: f32 = 0.009;
/// Smallest ratio of tracked parallax to tracked motion, in the pair with the largest
/// parallax, for that parallax to count as 3-D. Tracking noise grows with the motion (patches
/// are matched by translation only, and a plane turned or scaled deforms them), so a print
/// or screen moved far can cross [`PARALLAX_MIN`] by noise alone; a head's parallax comes
/// from its turn and is a sizeable part of its motion. Calibration seeds 0-3: live triples
/// reach down to 0.28 (then 0.36); the screens above [`PARALLAX_MIN`] have 0.21-0.68 (all
/// caught by other checks). Real captures as sources (seeds 200-219, looked at while
/// choosing this): live from 0.34; the print and the screen called live before had 0.23
/// and 0.08.
pub const PARALLAX_PER_MOTION_MIN: f32 = 0.25;
/// Mesh parallax ([`mesh_parallax`]), in eye distances, that the face mesh must also show
/// for tracked parallax to count as 3-D. The mesh is noisier than patch tracking (prints
/// reach 0.074), so it only vetoes: on calibration seeds 0-3, 2 of 157 live triples called
/// live by tracking fall below 0.03 (and become `weak_parallax`), as does the one screen
/// replay that tracking noise made look 3-D (mesh 0.026).
pub const MESH_PARALLAX_MIN: f32 = 0.03;
/// Closure error ([`closure_error`]) above which the three pairs' parallax does not add up
/// like a rigid head's, so it is tracking error rather than 3-D evidence. Calibration seeds
/// 0-3: live triples reach 0.65 (the real live capture T1 as a source 0.68); 47 of 168
/// prints and 69 of 165 screens exceed 1.0.
pub const CLOSURE_MAX: f32 = 0.9;
/// Eye closure (`1 − smallest / largest` eye openness over the frames, [`crate::eyes`]) from
/// which one frame shows a blink. Calibration seeds 0-3: prints, screens and re-sent stills
/// reach 0.19; 65 % of synthetic blinks of a still head reach 0.3 (a different person's eyes
/// may too, but that triple has already failed the identity check).
pub const BLINK_MIN: f32 = 0.3;
/// Peak-to-ring-mean ratio of the face crop's high-frequency spectrum above which the crop
/// shows a screen or halftone pattern. Synthetic calibration: camera-like frames reach 25.2,
/// simulated screens have a 10th percentile of 39.
pub const MOIRE_MAX: f32 = 28.0;

/// What the caller knows about one frame.
#[derive(Debug, Clone)]
pub struct FrameEvidence {
    /// The decoded frame.
    pub image: RgbImage,
    /// The subject's face in it.
    pub face: Face,
    /// L2-normalised embedding of that face.
    pub embedding: Vec<f32>,
    /// Capture time, if the client sent one.
    pub captured_at_ms: Option<i64>,
    /// The 468-point face mesh of that face, when it was fitted.
    pub mesh: Option<Mesh>,
    /// Eye aspect ratio of its lids ([`crate::eyes`]), when measured.
    pub eye_openness: Option<f32>,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 3-D motion of one person, no attack cue.
    Live,
    /// At least one check failed; see the reasons.
    NotLive,
    /// Nothing failed, but the face moved too little to tell a head from a photo.
    InsufficientEvidence,
}

impl Decision {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Live => "live",
            Decision::NotLive => "not_live",
            Decision::InsufficientEvidence => "insufficient_evidence",
        }
    }
}

/// The measurements behind a decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// Span of the capture times, ms (when all three are present).
    pub capture_span_ms: Option<i64>,
    /// Smallest pairwise dHash distance of the face regions (0–64).
    pub min_dhash_distance: u32,
    /// Smallest pairwise mean absolute grey difference of the face regions (0–255).
    pub min_mean_abs_diff: f32,
    /// Smallest pairwise cosine of the frame embeddings.
    pub min_pair_cosine: f32,
    /// Smallest cosine of a frame to the ID photo, when one was given.
    pub min_id_cosine: Option<f32>,
    /// Largest nose residual after the landmark 4-point homography, in eye distances
    /// (reported only: too noisy to decide on).
    pub parallax: f32,
    /// Largest patch-tracking homography residual over the pairs, in eye distances
    /// ([`tracked_parallax`]); `None` when no pair could be tracked.
    pub tracked_parallax: Option<f32>,
    /// Largest pairwise mean displacement of the five landmarks, in eye distances (reported:
    /// detector jitter makes it too noisy for a still head, see `tracked_motion`).
    pub motion: f32,
    /// Largest over the pairs of the tracked face motion, in eye distances
    /// ([`Tracking::motion`]); `None` when no pair could be tracked.
    pub tracked_motion: Option<f32>,
    /// Largest over the pairs of the face plane's turn in depth ([`Tracking::turn`]), in eye
    /// distances; `None` when no pair could be tracked.
    pub plane_turn: Option<f32>,
    /// Tracked parallax over tracked motion in the pair with the largest parallax; `None`
    /// when no pair could be tracked.
    pub parallax_per_motion: Option<f32>,
    /// How far the three pairs' nose shifts are from adding up (0→2 = 0→1 + 1→2), over
    /// the largest shift ([`closure_error`]); `None` unless all three pairs were tracked.
    pub parallax_closure: Option<f32>,
    /// Largest relative change of the mouth-width / eye-distance ratio (not used).
    pub mouth_change: f32,
    /// Median over frames of the high-frequency peak ratio of the face crop.
    pub moire: f32,
    /// Median over frames of the face box's mean saturation ([`crate::presentation`]).
    pub face_saturation: f32,
    /// Frames in which a print or a screen was seen ([`Cues::medium`]).
    pub presentation_frames: usize,
    /// Median over frames of the clipped-white share of the face box
    /// ([`crate::presentation::face_glare`]; reported, not used).
    pub face_glare: f32,
    /// Largest over the pairs of the face mesh's nose residual after one homography fitted
    /// to the mesh points away from the nose, in eye distances ([`mesh_parallax`]); `None`
    /// without meshes.
    pub mesh_parallax: Option<f32>,
    /// `1 − smallest / largest` eye openness over the frames ([`crate::eyes`]); `None` when
    /// not measured.
    pub eye_closure: Option<f32>,
    /// Largest change of the mouth opening (inner lips over mouth width) between frames;
    /// `None` without meshes.
    pub mouth_opening_change: Option<f32>,
}

/// A decision, the failed checks (or the evidence for `live`), and the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct LivenessVerdict {
    /// The decision.
    pub decision: Decision,
    /// Machine-readable reasons: `capture_span_exceeded`, `identical_frames`,
    /// `identity_mismatch`, `id_mismatch`, `screen_pattern`, `printed_photo`,
    /// `screen_display`, `planar_motion`, `too_little_motion`, `in_plane_motion`,
    /// `weak_parallax`, `untrackable`, `washed_out_colour`; for a live decision
    /// `parallax_3d` and/or `blink`.
    pub reasons: Vec<String>,
    /// The measurements.
    pub signals: Signals,
}

const PAIRS: [(usize, usize); 3] = [(0, 1), (0, 2), (1, 2)];

/// Assesses three frames (see the module documentation for the rule).
pub fn assess(
    frames: &[FrameEvidence; 3],
    id_embedding: Option<&[f32]>,
    match_threshold: f32,
) -> LivenessVerdict {
    let mut s = Signals::default();
    let mut reasons: Vec<String> = Vec::new();

    // 1. Capture span.
    let times: Vec<i64> = frames.iter().filter_map(|f| f.captured_at_ms).collect();
    if times.len() == 3 {
        // Checked: times at the ends of i64 must not wrap into a small span.
        let span = times
            .iter()
            .max()
            .unwrap()
            .checked_sub(*times.iter().min().unwrap());
        s.capture_span_ms = span;
        if span.is_none_or(|span| span > MAX_CAPTURE_SPAN_MS) {
            reasons.push("capture_span_exceeded".into());
        }
    }

    // 2. Replay of a still: compare the same region (union of the face boxes) in each frame.
    let region = union_box(frames);
    let greys: Vec<Grey> = frames
        .iter()
        .map(|f| Grey::crop(&f.image, region))
        .collect();
    let hashes: Vec<u64> = greys.iter().map(|g| g.dhash()).collect();
    s.min_dhash_distance = 64;
    s.min_mean_abs_diff = f32::INFINITY;
    let mut identical = false;
    for (i, j) in PAIRS {
        let d = (hashes[i] ^ hashes[j]).count_ones();
        let mad = greys[i].mean_abs_diff(&greys[j]);
        s.min_dhash_distance = s.min_dhash_distance.min(d);
        s.min_mean_abs_diff = s.min_mean_abs_diff.min(mad);
        identical |= d <= IDENTICAL_DHASH_MAX && mad < IDENTICAL_MAD_MAX;
    }
    if identical {
        reasons.push("identical_frames".into());
    }

    // 3. Identity.
    s.min_pair_cosine = PAIRS
        .iter()
        .map(|&(i, j)| cosine(&frames[i].embedding, &frames[j].embedding))
        .fold(f32::INFINITY, f32::min);
    if s.min_pair_cosine < match_threshold {
        reasons.push("identity_mismatch".into());
    }
    if let Some(id) = id_embedding {
        let m = frames
            .iter()
            .map(|f| cosine(&f.embedding, id))
            .fold(f32::INFINITY, f32::min);
        s.min_id_cosine = Some(m);
        if m < match_threshold {
            reasons.push("id_mismatch".into());
        }
    }

    // 4. Screen / print pattern.
    s.moire = median(
        frames
            .iter()
            .map(|f| moire_score(&f.image, &f.face))
            .collect(),
    );
    if s.moire > MOIRE_MAX {
        reasons.push("screen_pattern".into());
    }
    // A print or a screen seen in at least two frames.
    let cues: Vec<Cues> = frames
        .iter()
        .map(|f| Cues::measure(&f.image, &f.face))
        .collect();
    s.face_saturation = median(cues.iter().map(|c| c.saturation).collect());
    s.presentation_frames = cues.iter().filter(|c| c.medium().is_some()).count();
    s.face_glare = median(cues.iter().map(|c| c.glare).collect());
    if let Some(medium) = majority_medium(&cues) {
        reasons.push(medium.reason().into());
    }

    // 5. Geometry.
    let lms: Vec<[[f32; 2]; 5]> = frames.iter().map(|f| f.face.landmarks).collect();
    let meshes: Option<Vec<&Mesh>> = frames.iter().map(|f| f.mesh.as_ref()).collect();
    let mut shifts: Vec<Option<[f32; 2]>> = Vec::new();
    for (i, j) in PAIRS {
        let iod = 0.5 * (eye_dist(&lms[i]) + eye_dist(&lms[j]));
        if iod <= 1.0 {
            continue;
        }
        let par = nose_residual(&lms[i], &lms[j]).max(nose_residual(&lms[j], &lms[i])) / iod;
        s.parallax = s.parallax.max(par);
        let mv = (0..5).map(|k| dist(lms[i][k], lms[j][k])).sum::<f32>() / 5.0 / iod;
        s.motion = s.motion.max(mv);
        let tracked = tracked_parallax(&frames[i].image, &frames[j].image, &lms[i], &lms[j]);
        shifts.push(tracked.map(|t| t.shift));
        if let Some(t) = tracked {
            if s.tracked_parallax.is_none_or(|p| t.parallax > p) {
                s.tracked_parallax = Some(t.parallax);
                s.parallax_per_motion = Some(t.parallax / t.motion.max(1e-6));
            }
            s.tracked_motion = Some(s.tracked_motion.unwrap_or(0.0).max(t.motion));
            s.plane_turn = Some(s.plane_turn.unwrap_or(0.0).max(t.turn));
        }
        if let Some(p) = meshes.as_ref().and_then(|m| mesh_parallax(m[i], m[j], iod)) {
            s.mesh_parallax = Some(s.mesh_parallax.unwrap_or(0.0).max(p));
        }
        let (ri, rj) = (mouth_ratio(&lms[i]), mouth_ratio(&lms[j]));
        s.mouth_change = s.mouth_change.max((ri - rj).abs() / ri.max(rj).max(1e-6));
    }

    if let [Some(a), Some(b), Some(c)] = shifts[..] {
        s.parallax_closure = Some(closure_error(a, b, c));
    }
    let eyes: Option<Vec<f32>> = frames.iter().map(|f| f.eye_openness).collect();
    if let Some(eyes) = eyes {
        let (lo, hi) = range(eyes);
        s.eye_closure = Some(if hi > 0.0 { 1.0 - lo / hi } else { 0.0 });
    }
    if let Some(meshes) = &meshes {
        let (lo, hi) = range(meshes.iter().map(|m| m.mouth_opening()));
        s.mouth_opening_change = Some(hi - lo);
    }

    let blink = s.eye_closure.is_some_and(|c| c >= BLINK_MIN);
    let tracked_3d = s.tracked_parallax >= Some(PARALLAX_MIN)
        && s.parallax_per_motion >= Some(PARALLAX_PER_MOTION_MIN);
    let mesh_agrees = s.mesh_parallax.is_none_or(|m| m >= MESH_PARALLAX_MIN);
    let adds_up = s.parallax_closure.is_none_or(|c| c <= CLOSURE_MAX);
    let moved = s.tracked_motion >= Some(MOTION_MIN);
    let flat = moved && s.tracked_parallax.is_some_and(|t| t < PLANAR_MAX);
    let planar = flat && s.plane_turn >= Some(TURN_MIN);
    let decision = if !reasons.is_empty() {
        Decision::NotLive
    } else if tracked_3d && mesh_agrees && adds_up {
        reasons.push("parallax_3d".into());
        if blink {
            reasons.push("blink".into());
        }
        Decision::Live
    } else if planar {
        reasons.push("planar_motion".into());
        Decision::NotLive
    } else if blink {
        reasons.push("blink".into());
        Decision::Live
    } else if s.tracked_parallax.is_none() {
        reasons.push("untrackable".into());
        Decision::InsufficientEvidence
    } else if !moved {
        reasons.push("too_little_motion".into());
        Decision::InsufficientEvidence
    } else if flat {
        reasons.push("in_plane_motion".into());
        Decision::InsufficientEvidence
    } else {
        reasons.push("weak_parallax".into());
        Decision::InsufficientEvidence
    };
    // Live evidence from a face whose colours are washed out, as a print's or a screen's
    // are, without the medium's border in view: not proof of an attack, so capture again.
    let (decision, reasons) =
        if decision == Decision::Live && crate::presentation::washed_out(s.face_saturation) {
            (
                Decision::InsufficientEvidence,
                vec!["washed_out_colour".into()],
            )
        } else {
            (decision, reasons)
        };
    LivenessVerdict {
        decision,
        reasons,
        signals: s,
    }
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn eye_dist(lm: &[[f32; 2]; 5]) -> f32 {
    dist(lm[0], lm[1])
}

/// The middle value (the upper one of an even count), 0 for none.
fn median(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Smallest and largest of non-negative values (`(∞, 0)` for none).
fn range(values: impl IntoIterator<Item = f32>) -> (f32, f32) {
    values
        .into_iter()
        .fold((f32::INFINITY, 0f32), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

fn mouth_ratio(lm: &[[f32; 2]; 5]) -> f32 {
    dist(lm[3], lm[4]) / eye_dist(lm).max(1e-6)
}

/// Closure error of the nose shifts of the pairs 0→1 (`a`), 0→2 (`b`) and 1→2 (`c`): the
/// length of `b − a − c` over the longest shift. A rigid head's parallax adds up along the
/// frames (small near 0); tracking errors do not (near 1 and above).
pub fn closure_error(a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> f32 {
    let e = [b[0] - a[0] - c[0], b[1] - a[1] - c[1]];
    let longest = [a, b, c]
        .iter()
        .map(|v| v[0].hypot(v[1]))
        .fold(0f32, f32::max);
    e[0].hypot(e[1]) / longest.max(1e-6)
}

/// Mesh parallax between two frames: one least-squares homography is fitted to the mesh
/// points more than 0.6 eye distances (`iod`, pixels) from the nose tip, and the result is the
/// median distance of the [`NOSE`] points from where it puts them, in eye distances. A plane
/// leaves the mesh's own noise; a head turning in depth moves its nose against the rest.
/// `None` for a degenerate fit or eye distance.
pub fn mesh_parallax(a: &Mesh, b: &Mesh, iod: f32) -> Option<f32> {
    if iod <= 1.0 {
        return None;
    }
    let tip = a.xy(NOSE[0]);
    let (src, dst): (Vec<[f32; 2]>, Vec<[f32; 2]>) = (0..a.points.len())
        .filter(|&k| dist(a.xy(k), tip) > 0.6 * iod)
        .map(|k| (a.xy(k), b.xy(k)))
        .unzip();
    let h = homography_lsq(&src, &dst)?;
    let res = NOSE.iter().map(|&k| dist(apply_h(&h, a.xy(k)), b.xy(k)));
    Some(median(res.collect()) / iod)
}

/// Distance between the nose of `b` and where the homography taking the four non-nose
/// points of `a` onto those of `b` puts the nose of `a`. `f32::INFINITY`-free: a degenerate
/// fit gives 0.
pub fn nose_residual(a: &[[f32; 2]; 5], b: &[[f32; 2]; 5]) -> f32 {
    let idx = [0, 1, 3, 4];
    let src = idx.map(|k| a[k]);
    let dst = idx.map(|k| b[k]);
    match homography(&src, &dst) {
        Some(h) => {
            let p = apply_h(&h, a[2]);
            if p[0].is_finite() && p[1].is_finite() {
                dist(p, b[2])
            } else {
                0.0
            }
        }
        None => 0.0,
    }
}

/// The homography (row-major, h33 = 1) mapping four points exactly, or `None` if degenerate.
pub fn homography(src: &[[f32; 2]; 4], dst: &[[f32; 2]; 4]) -> Option<[f64; 9]> {
    homography_lsq(src, dst)
}

/// Least-squares homography (h33 = 1, algebraic error on normalised points) mapping `src`
/// onto `dst` (at least four pairs), or `None` if degenerate.
pub fn homography_lsq(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Option<[f64; 9]> {
    if src.len() < 4 || src.len() != dst.len() {
        return None;
    }
    // Normalise for conditioning: centre and scale both point sets.
    let norm = |p: &[[f32; 2]]| {
        let n = p.len() as f64;
        let cx = p.iter().map(|q| q[0] as f64).sum::<f64>() / n;
        let cy = p.iter().map(|q| q[1] as f64).sum::<f64>() / n;
        let d = p
            .iter()
            .map(|q| ((q[0] as f64 - cx).powi(2) + (q[1] as f64 - cy).powi(2)).sqrt())
            .sum::<f64>()
            / n;
        (cx, cy, if d > 1e-9 { 1.0 / d } else { 1.0 })
    };
    let (sx, sy, ss) = norm(src);
    let (dx, dy, ds) = norm(dst);
    // Normal equations of the 2N×8 system.
    let mut m = [[0f64; 9]; 8];
    for (a, b) in src.iter().zip(dst) {
        let (x, y) = ((a[0] as f64 - sx) * ss, (a[1] as f64 - sy) * ss);
        let (u, v) = ((b[0] as f64 - dx) * ds, (b[1] as f64 - dy) * ds);
        for row in [
            [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u],
            [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v],
        ] {
            for (mr, &rr) in m.iter_mut().zip(&row) {
                for (v, &rc) in mr.iter_mut().zip(&row) {
                    *v += rr * rc;
                }
            }
        }
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let piv = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[piv][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, piv);
        let pivot = m[col];
        for (r, mr) in m.iter_mut().enumerate() {
            if r != col {
                let f = mr[col] / pivot[col];
                for (v, &p) in mr.iter_mut().zip(&pivot).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let h: Vec<f64> = m.iter().enumerate().map(|(r, mr)| mr[8] / mr[r]).collect();
    let hn = [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0];
    // H = Td^-1 * Hn * Ts.
    let ts = [ss, 0.0, -ss * sx, 0.0, ss, -ss * sy, 0.0, 0.0, 1.0];
    let td_inv = [1.0 / ds, 0.0, dx, 0.0, 1.0 / ds, dy, 0.0, 0.0, 1.0];
    Some(mul3(&td_inv, &mul3(&hn, &ts)))
}

fn mul3(a: &[f64; 9], b: &[f64; 9]) -> [f64; 9] {
    std::array::from_fn(|i| {
        let (r, c) = (i / 3, i % 3);
        (0..3).map(|k| a[r * 3 + k] * b[k * 3 + c]).sum()
    })
}

fn apply_h(h: &[f64; 9], p: [f32; 2]) -> [f32; 2] {
    let (x, y) = (p[0] as f64, p[1] as f64);
    let w = h[6] * x + h[7] * y + h[8];
    [
        ((h[0] * x + h[1] * y + h[2]) / w) as f32,
        ((h[3] * x + h[4] * y + h[5]) / w) as f32,
    ]
}

/// What patch tracking measured between two frames, in eye distances of the first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tracking {
    /// Median distance of the nose points from where the face's homography puts them.
    pub parallax: f32,
    /// Median displacement of the outer face points: how far the face itself moved.
    pub motion: f32,
    /// Mean nose residual vector (where the nose is minus where the homography puts it).
    pub shift: [f32; 2],
    /// Median distance, over the outer points, between where the face's homography and the
    /// nearest similarity (shift, roll, scale) put them: the foreshortening of a face plane
    /// turned in depth. Motion in the image plane, and a camera turning about its own centre
    /// (hand shake), leave it near zero.
    pub turn: f32,
}

/// Patch-tracking parallax and motion between two frames, in eye distances of `li`.
///
/// Points of frame `i` are tracked into frame `j` by zero-mean SSD block matching (on a
/// blurred grey image, which also mutes screen patterns) around the position predicted by
/// the landmarks' similarity transform, with parabolic sub-pixel refinement; flat patches
/// are skipped. The outer points (a 7×7 grid from above the eyes to below the mouth, ±0.9
/// eye distances across, more than 0.6 eye distances from the nose tip) fix one
/// least-squares homography, refitted without the quarter it fits worst
/// ([`robust_homography`]); the result is the median distance of the five nose points from
/// where that homography puts them. A plane (print, screen) leaves tracking noise; a head
/// turning in depth moves its nose against its cheeks, brow and chin. The motion is the
/// median distance the outer points travelled: unlike the landmarks' displacement, it does
/// not grow with detector jitter (closing eyelids move YuNet's points by up to 0.1 eye
/// distances on a still head). `None` with fewer than 12 outer or 2 nose points tracked.
pub fn tracked_parallax(
    img_i: &RgbImage,
    img_j: &RgbImage,
    li: &[[f32; 2]; 5],
    lj: &[[f32; 2]; 5],
) -> Option<Tracking> {
    let gi = Grey::crop(img_i, [0, 0, img_i.width(), img_i.height()]).blurred();
    let gj = Grey::crop(img_j, [0, 0, img_j.width(), img_j.height()]).blurred();
    let iod = eye_dist(li);
    if iod < 8.0 {
        return None;
    }
    let sim = crate::align::similarity(li, lj);
    let predict = |p: [f32; 2]| apply_affine(&sim, p);
    let ex = [(li[1][0] - li[0][0]) / iod, (li[1][1] - li[0][1]) / iod];
    let ey = [-ex[1], ex[0]];
    let mid = [(li[0][0] + li[1][0]) / 2.0, (li[0][1] + li[1][1]) / 2.0];
    let r = ((0.1 * iod).round() as i64).clamp(3, 10);
    let big_r = ((0.2 * iod).round() as i64).clamp(4, 16);
    let nose = li[2];
    // Outer points: a 7×7 grid over the face, away from the nose; inner points: the nose.
    let mut points: Vec<([f32; 2], bool)> = Vec::new();
    for gy in 0..7 {
        for gx in 0..7 {
            let a = -0.9 + 1.8 * gx as f32 / 6.0;
            let b = -0.5 + 1.9 * gy as f32 / 6.0;
            let c = [
                mid[0] + iod * (a * ex[0] + b * ey[0]),
                mid[1] + iod * (a * ex[1] + b * ey[1]),
            ];
            if dist(c, nose) > 0.6 * iod {
                points.push((c, false));
            }
        }
    }
    for (a, b) in [
        (0.0, 0.0),
        (-0.15, 0.0),
        (0.15, 0.0),
        (0.0, -0.15),
        (0.0, 0.12),
    ] {
        let c = [
            nose[0] + iod * (a * ex[0] + b * ey[0]),
            nose[1] + iod * (a * ex[1] + b * ey[1]),
        ];
        points.push((c, true));
    }
    let (mut src, mut dst, mut inner_src, mut inner_dst) = (vec![], vec![], vec![], vec![]);
    for (c, inner) in points {
        let ci = [c[0].round() as i64, c[1].round() as i64];
        let pj = predict([ci[0] as f32, ci[1] as f32]);
        let pj = [pj[0].round() as i64, pj[1].round() as i64];
        if let Some(d) = match_patch(&gi, &gj, ci, pj, r, big_r) {
            let (a, b) = (
                [ci[0] as f32, ci[1] as f32],
                [pj[0] as f32 + d[0], pj[1] as f32 + d[1]],
            );
            if inner {
                inner_src.push(a);
                inner_dst.push(b);
            } else {
                src.push(a);
                dst.push(b);
            }
        }
    }
    if src.len() < 12 || inner_src.len() < 2 {
        return None;
    }
    // One homography for the face around the nose; how far does the nose stray from it?
    let h = robust_homography(&src, &dst)?;
    // Where each nose point is, minus where the homography puts it, in eye distances.
    let resid: Vec<[f32; 2]> = inner_src
        .iter()
        .zip(&inner_dst)
        .map(|(a, b)| {
            let p = apply_h(&h, *a);
            [(b[0] - p[0]) / iod, (b[1] - p[1]) / iod]
        })
        .collect();
    let n = resid.len() as f32;
    let shift = resid
        .iter()
        .fold([0f32; 2], |acc, r| [acc[0] + r[0] / n, acc[1] + r[1] / n]);
    Some(Tracking {
        parallax: median(resid.iter().map(|r| r[0].hypot(r[1])).collect()),
        motion: median(src.iter().zip(&dst).map(|(a, b)| dist(*a, *b)).collect()) / iod,
        shift,
        turn: plane_turn(&h, &src) / iod,
    })
}

/// Median distance, over `points`, between where the homography `h` and the similarity
/// nearest to it (fitted to `h`'s images of `points`) put them, in pixels: how far `h`
/// departs from a shift, roll and scale. A plane turned in depth foreshortens; motion in the
/// image plane, or a camera turning about its own centre, leaves (nearly) zero.
fn plane_turn(h: &[f64; 9], points: &[[f32; 2]]) -> f32 {
    let mapped: Vec<[f32; 2]> = points.iter().map(|p| apply_h(h, *p)).collect();
    let sim = crate::align::similarity(points, &mapped);
    median(
        points
            .iter()
            .zip(&mapped)
            .map(|(p, q)| dist(apply_affine(&sim, *p), *q))
            .collect(),
    )
}

/// A least-squares homography refitted without the quarter of the points it fits worst:
/// one mistracked patch (hair, a low-texture cheek) otherwise tilts the whole fit and moves
/// where it puts the nose.
fn robust_homography(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Option<[f64; 9]> {
    let h = homography_lsq(src, dst)?;
    let mut order: Vec<(f32, usize)> = src
        .iter()
        .zip(dst)
        .enumerate()
        .map(|(k, (a, b))| (dist(apply_h(&h, *a), *b), k))
        .collect();
    order.sort_by(|x, y| x.0.total_cmp(&y.0));
    let keep = (src.len() * 3 / 4).max(8);
    if keep >= src.len() {
        return Some(h);
    }
    let (s2, d2): (Vec<[f32; 2]>, Vec<[f32; 2]>) =
        order[..keep].iter().map(|&(_, k)| (src[k], dst[k])).unzip();
    homography_lsq(&s2, &d2).or(Some(h))
}

/// Best zero-mean SSD offset (sub-pixel) of the patch of half-size `r` at `ci` in `gi`
/// within ±`big_r` of `pj` in `gj`; `None` for flat patches, edges of the image, or a
/// minimum on the search border.
fn match_patch(
    gi: &Grey,
    gj: &Grey,
    ci: [i64; 2],
    pj: [i64; 2],
    r: i64,
    big_r: i64,
) -> Option<[f32; 2]> {
    let inside = |g: &Grey, c: [i64; 2], m: i64| {
        c[0] - m >= 1 && c[1] - m >= 1 && c[0] + m + 1 < g.w as i64 && c[1] + m + 1 < g.h as i64
    };
    if !inside(gi, ci, r) || !inside(gj, pj, r + big_r) {
        return None;
    }
    let at = |g: &Grey, x: i64, y: i64| g.px[y as usize * g.w + x as usize];
    let side = (2 * r + 1) as usize;
    let mut patch = Vec::with_capacity(side * side);
    let mut grad = 0.0f32;
    for y in ci[1] - r..=ci[1] + r {
        for x in ci[0] - r..=ci[0] + r {
            patch.push(at(gi, x, y));
            let gx = at(gi, x + 1, y) - at(gi, x - 1, y);
            let gy = at(gi, x, y + 1) - at(gi, x, y - 1);
            grad += gx * gx + gy * gy;
        }
    }
    if grad / (side * side) as f32 <= 16.0 {
        return None;
    }
    let pm = patch.iter().sum::<f32>() / patch.len() as f32;
    for v in &mut patch {
        *v -= pm;
    }
    let n = (2 * big_r + 1) as usize;
    let mut cost = vec![0f32; n * n];
    let mut buf = vec![0f32; side * side];
    for dy in -big_r..=big_r {
        for dx in -big_r..=big_r {
            let (cx, cy) = (pj[0] + dx, pj[1] + dy);
            let mut k = 0;
            for y in cy - r..=cy + r {
                let row = y as usize * gj.w;
                let x0 = (cx - r) as usize;
                buf[k..k + side].copy_from_slice(&gj.px[row + x0..row + x0 + side]);
                k += side;
            }
            let m = buf.iter().sum::<f32>() / buf.len() as f32;
            let c: f32 = patch
                .iter()
                .zip(&buf)
                .map(|(a, b)| (a - (b - m)).powi(2))
                .sum();
            cost[(dy + big_r) as usize * n + (dx + big_r) as usize] = c;
        }
    }
    let best = (0..n * n).min_by(|&a, &b| cost[a].total_cmp(&cost[b]))?;
    let (bx, by) = (best % n, best / n);
    if bx == 0 || by == 0 || bx == n - 1 || by == n - 1 {
        return None;
    }
    let para = |l: f32, c: f32, r: f32| {
        let den = l - 2.0 * c + r;
        if den > 1e-6 {
            (0.5 * (l - r) / den).clamp(-0.5, 0.5)
        } else {
            0.0
        }
    };
    let sx = para(cost[best - 1], cost[best], cost[best + 1]);
    let sy = para(cost[best - n], cost[best], cost[best + n]);
    Some([bx as f32 - big_r as f32 + sx, by as f32 - big_r as f32 + sy])
}

/// Union of the three face boxes, as integer pixel bounds clipped to the smallest image.
fn union_box(frames: &[FrameEvidence; 3]) -> [u32; 4] {
    let w = frames.iter().map(|f| f.image.width()).min().unwrap_or(0);
    let h = frames.iter().map(|f| f.image.height()).min().unwrap_or(0);
    let mut b = [
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    ];
    for f in frames {
        b[0] = b[0].min(f.face.bbox[0]);
        b[1] = b[1].min(f.face.bbox[1]);
        b[2] = b[2].max(f.face.bbox[2]);
        b[3] = b[3].max(f.face.bbox[3]);
    }
    let clip = |v: f32, hi: u32| (v.max(0.0) as u32).min(hi);
    let x0 = clip(b[0], w);
    let y0 = clip(b[1], h);
    let x1 = clip(b[2].ceil(), w).max(x0);
    let y1 = clip(b[3].ceil(), h).max(y0);
    if x1 - x0 < 9 || y1 - y0 < 8 {
        [0, 0, w, h]
    } else {
        [x0, y0, x1, y1]
    }
}

/// A grey crop.
struct Grey {
    w: usize,
    h: usize,
    px: Vec<f32>,
}

impl Grey {
    fn crop(img: &RgbImage, b: [u32; 4]) -> Grey {
        let (w, h) = ((b[2] - b[0]) as usize, (b[3] - b[1]) as usize);
        let mut px = Vec::with_capacity(w * h);
        for y in b[1]..b[3] {
            for x in b[0]..b[2] {
                let p = img.get_pixel(x, y).0;
                px.push(0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32);
            }
        }
        Grey { w, h, px }
    }

    /// Separable [1 4 6 4 1]/16 blur, applied twice (edges clamped).
    fn blurred(&self) -> Grey {
        let k = [1.0f32, 4.0, 6.0, 4.0, 1.0];
        let (w, h) = (self.w as i64, self.h as i64);
        let mut cur = self.px.clone();
        for _ in 0..2 {
            let mut tmp = vec![0f32; cur.len()];
            for y in 0..h {
                for x in 0..w {
                    let mut s = 0.0;
                    for (t, kv) in k.iter().enumerate() {
                        let xx = (x + t as i64 - 2).clamp(0, w - 1);
                        s += kv * cur[(y * w + xx) as usize];
                    }
                    tmp[(y * w + x) as usize] = s / 16.0;
                }
            }
            for y in 0..h {
                for x in 0..w {
                    let mut s = 0.0;
                    for (t, kv) in k.iter().enumerate() {
                        let yy = (y + t as i64 - 2).clamp(0, h - 1);
                        s += kv * tmp[(yy * w + x) as usize];
                    }
                    cur[(y * w + x) as usize] = s / 16.0;
                }
            }
        }
        Grey {
            w: self.w,
            h: self.h,
            px: cur,
        }
    }

    /// Mean of the block [x0, x1) × [y0, y1).
    fn block_mean(&self, x0: usize, x1: usize, y0: usize, y1: usize) -> f32 {
        let (x1, y1) = (x1.max(x0 + 1).min(self.w), y1.max(y0 + 1).min(self.h));
        let mut sum = 0.0;
        for y in y0..y1 {
            sum += self.px[y * self.w + x0..y * self.w + x1]
                .iter()
                .sum::<f32>();
        }
        sum / ((x1 - x0) * (y1 - y0)) as f32
    }

    /// 64-bit difference hash: the crop averaged to 9×8, each bit whether a cell is brighter
    /// than its right neighbour.
    fn dhash(&self) -> u64 {
        if self.w < 9 || self.h < 8 {
            return 0;
        }
        let mut cells = [[0f32; 9]; 8];
        for (r, row) in cells.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                *cell = self.block_mean(
                    c * self.w / 9,
                    (c + 1) * self.w / 9,
                    r * self.h / 8,
                    (r + 1) * self.h / 8,
                );
            }
        }
        let mut bits = 0u64;
        for (r, row) in cells.iter().enumerate() {
            for c in 0..8 {
                if row[c] > row[c + 1] {
                    bits |= 1 << (r * 8 + c);
                }
            }
        }
        bits
    }

    fn mean_abs_diff(&self, other: &Grey) -> f32 {
        if self.w != other.w || self.h != other.h || self.px.is_empty() {
            return f32::INFINITY;
        }
        let s: f64 = self
            .px
            .iter()
            .zip(&other.px)
            .map(|(a, b)| (a - b).abs() as f64)
            .sum();
        (s / self.px.len() as f64) as f32
    }
}

/// Strongest isolated high-frequency peak of the face crop: the centre of the face box (at
/// most 128×128 pixels at native resolution, 64×64 for small faces) is Hann-windowed and
/// transformed; for each bin with radius in [N/6, N/2] (off JPEG's 8-pixel lattice) the power
/// is divided by the mean power of its ring, and the largest ratio is returned. Natural skin
/// gives ratios near the maximum of exponential noise (about 10–20); a pixel grid or halftone
/// gives sharp peaks far above that.
pub fn moire_score(img: &RgbImage, face: &Face) -> f32 {
    let side = face.width().min(face.height());
    let n: usize = if side >= 128.0 {
        128
    } else if side >= 64.0 {
        64
    } else {
        return 0.0;
    };
    let cx = (face.bbox[0] + face.bbox[2]) / 2.0;
    let cy = (face.bbox[1] + face.bbox[3]) / 2.0;
    let x0 = (cx - n as f32 / 2.0).max(0.0) as u32;
    let y0 = (cy - n as f32 / 2.0).max(0.0) as u32;
    if x0 as usize + n > img.width() as usize || y0 as usize + n > img.height() as usize {
        return 0.0;
    }
    let g = Grey::crop(img, [x0, y0, x0 + n as u32, y0 + n as u32]);
    hawiya_vision::spectrum::strongest_peak(&g.px, n).map_or(0.0, |p| p.ratio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_exact_and_nose_residual() {
        let a = [
            [0.0, 0.0],
            [10.0, 0.0],
            [5.0, 6.0],
            [1.0, 10.0],
            [9.0, 10.0],
        ];
        // A perspective map applied to all five points: residual ~0.
        let h = [1.1, 0.1, 3.0, -0.05, 0.95, 2.0, 0.002, 0.001, 1.0];
        let b = a.map(|p| apply_h(&h, p));
        assert!(nose_residual(&a, &b) < 1e-3);
        // Move only the nose: the residual is the move.
        let mut c = b;
        c[2][0] += 1.5;
        assert!((nose_residual(&a, &c) - 1.5).abs() < 1e-3);
    }

    #[test]
    fn one_mistracked_point_does_not_tilt_the_robust_fit() {
        let h = [1.05, 0.08, 4.0, -0.03, 0.97, -2.0, 0.0008, 0.0005, 1.0];
        let src: Vec<[f32; 2]> = (0..7)
            .flat_map(|y| (0..7).map(move |x| [20.0 * x as f32, 20.0 * y as f32]))
            .collect();
        let mut dst: Vec<[f32; 2]> = src.iter().map(|p| apply_h(&h, *p)).collect();
        dst[10][0] += 15.0;
        dst[10][1] -= 9.0;
        let probe = [61.0, 57.0];
        let truth = apply_h(&h, probe);
        let plain = homography_lsq(&src, &dst).unwrap();
        let robust = robust_homography(&src, &dst).unwrap();
        assert!(dist(apply_h(&plain, probe), truth) > 0.2);
        assert!(dist(apply_h(&robust, probe), truth) < 0.01);
    }

    #[test]
    fn closure_error_tells_a_rigid_turn_from_noise() {
        // Rigid: the shifts add up along the frames.
        assert!(closure_error([0.05, 0.01], [0.09, 0.02], [0.04, 0.01]) < 1e-6);
        // Noise: each pair points its own way.
        assert!(closure_error([0.05, 0.0], [-0.04, 0.03], [0.0, -0.05]) > CLOSURE_MAX);
    }

    fn frame(img: &RgbImage, dx: f32, t: i64) -> FrameEvidence {
        let lm = [
            [80.0, 90.0],
            [120.0, 90.0],
            [100.0, 112.0],
            [85.0, 135.0],
            [115.0, 135.0],
        ];
        FrameEvidence {
            image: img.clone(),
            face: Face {
                bbox: [50.0 + dx, 50.0, 150.0 + dx, 170.0],
                score: 0.9,
                landmarks: lm.map(|p| [p[0] + dx, p[1]]),
            },
            embedding: vec![1.0, 0.0],
            captured_at_ms: Some(t),
            mesh: None,
            eye_openness: None,
        }
    }

    #[test]
    fn identical_span_and_still() {
        let img = RgbImage::from_fn(200, 220, |x, y| {
            image::Rgb([
                (x * 3 % 256) as u8,
                (y * 5 % 256) as u8,
                ((x ^ y) % 256) as u8,
            ])
        });
        let same = [
            frame(&img, 0.0, 0),
            frame(&img, 0.0, 100),
            frame(&img, 0.0, 700),
        ];
        let v = assess(&same, Some(&[0.0, 1.0]), 0.36);
        assert_eq!(v.decision, Decision::NotLive);
        for r in ["identical_frames", "capture_span_exceeded", "id_mismatch"] {
            assert!(v.reasons.iter().any(|x| x == r), "{:?}", v.reasons);
        }
        // Different pixels, same face, no motion, within time: nothing to tell.
        let imgs: Vec<RgbImage> = (0..3u32)
            .map(|k| {
                RgbImage::from_fn(200, 220, |x, y| {
                    let v =
                        120.0 + 50.0 * (x as f32 / 17.0 + k as f32).sin() * (y as f32 / 23.0).cos();
                    image::Rgb([v as u8; 3])
                })
            })
            .collect();
        let still = [
            frame(&imgs[0], 0.0, 0),
            frame(&imgs[1], 0.0, 100),
            frame(&imgs[2], 0.0, 200),
        ];
        let v = assess(&still, None, 0.36);
        assert_eq!(v.decision, Decision::InsufficientEvidence, "{v:?}");
    }

    #[test]
    fn grid_has_moire_noise_does_not() {
        let face = Face {
            bbox: [0.0, 0.0, 160.0, 160.0],
            score: 0.9,
            landmarks: [[0.0; 2]; 5],
        };
        let mut state = 12345u32;
        let mut noise = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((state >> 16) % 32) as f32
        };
        let smooth = RgbImage::from_fn(160, 160, |x, y| {
            let v = 100.0 + 40.0 * ((x as f32) / 30.0).sin() + noise();
            image::Rgb([v as u8, (v + (y % 3) as f32) as u8, v as u8])
        });
        let grid = RgbImage::from_fn(160, 160, |x, y| {
            let v = 100.0
                + 40.0 * ((x as f32) / 30.0).sin()
                + noise()
                + 25.0 * (std::f32::consts::TAU * (x as f32 * 0.97 + y as f32 * 0.2) / 3.3).cos();
            image::Rgb([v as u8, v as u8, v as u8])
        });
        let a = moire_score(&smooth, &face);
        let b = moire_score(&grid, &face);
        assert!(a < MOIRE_MAX, "{a}");
        assert!(b > MOIRE_MAX, "{b}");
    }

    #[test]
    fn a_turned_plane_departs_from_a_similarity_a_shifted_one_does_not() {
        let grid: Vec<[f32; 2]> = (0..49)
            .map(|k| [100.0 + 20.0 * (k % 7) as f32, 100.0 + 20.0 * (k / 7) as f32])
            .collect();
        // Shift, roll and scale: no turn.
        let (c, s) = (0.05f64.cos() * 1.03, 0.05f64.sin() * 1.03);
        let similar = [c, -s, 12.0, s, c, -7.0, 0.0, 0.0, 1.0];
        assert!(plane_turn(&similar, &grid) < 1e-3);
        // Foreshortened along x with perspective: a plane turned in depth.
        let turned = [0.97, 0.0, 5.0, 0.0, 1.0, 0.0, 2e-4, 0.0, 1.0];
        assert!(
            plane_turn(&turned, &grid) > 0.5,
            "{}",
            plane_turn(&turned, &grid)
        );
    }
}

//! Finding a card front by its number line instead of its outline.
//!
//! Real photos show cards cut off at the image edge, held in a hand or lying on a busy
//! cloth, where no clean outline exists. The number line is the front's most reliable
//! anchor: the PP-OCR DB detector finds it on the whole photo at any angle, and the digit
//! recogniser proves it (a 14-digit reading that passes the number's own checks is no
//! accident). Its position, direction and length then fix the card's frame: every other
//! field sits at a known offset from it ([`NUMBER_CENTRE`], [`NUMBER_LENGTH`]), so the card
//! is rectified from a similarity transform of the number line, not from its corners.

use crate::card::{CardQuad, CARD_H, CARD_W};
use crate::detect::{sample_line, OrientedLine};
use crate::digits::{self, LineRead};
use crate::id_front::{repair_nid, NidReading};
use chrono::NaiveDate;
use image::{DynamicImage, GrayImage, RgbImage};

/// Longest side the photo is given to the line detector at (the median latency target
/// allows no more on two cores).
pub const DETECT_SIZE: u32 = 480;

/// A region is a number candidate when at least this many times longer than thick.
const MIN_ELONGATION: f32 = 4.0;
/// How many of the longest candidates are read.
const MAX_CANDIDATES: usize = 16;
/// Rows of a number crop given to the digit recogniser (it scales to its own height).
const CROP_H: u32 = 48;
/// Rows across a number crop, as a multiple of the detected line's thickness.
const CROP_MARGIN: f32 = 1.15;
/// Room left at each end of a number crop, in line thicknesses.
const CROP_MARGIN_ALONG: f32 = 0.25;

/// Where the number line's centre sits on the rectified card (pixels of
/// [`CARD_W`] × [`CARD_H`]), and how long it is there, as the detector measures it. The
/// other fields follow from it; both are fitted on the real dev photos' field labels
/// (tuning part), see `docs/DECISIONS.md`.
pub const NUMBER_CENTRE: [f32; 2] = [771.0, 550.0];
/// See [`NUMBER_CENTRE`].
pub const NUMBER_LENGTH: f32 = 402.0;

/// Where a back's number line sits on its rectified card, and its length there: the
/// generator's back (its number's ground-truth box), since no real back was available to
/// measure.
pub const BACK_NUMBER_CENTRE: [f32; 2] = [740.0, 73.0];
/// See [`BACK_NUMBER_CENTRE`].
pub const BACK_NUMBER_LENGTH: f32 = 460.0;

/// The number line found on a photo.
#[derive(Debug, Clone)]
pub struct NumberLine {
    /// The line in photo pixels, `along` pointing in reading direction (left to right).
    pub line: OrientedLine,
    /// The digit recogniser's reading of it.
    pub read: LineRead,
    /// The number, repaired.
    pub number: NidReading,
}

impl NumberLine {
    /// The number `read` on `line`, repaired ([`repair_nid`]).
    fn read_on(line: OrientedLine, read: LineRead, today: NaiveDate) -> Self {
        NumberLine {
            number: repair_nid(&read, today),
            line,
            read,
        }
    }

    /// Whether `quad` (an outline the edge finder found) is this number's card: both ends
    /// of the line fall in the number's box of the card rectified by it (either way up,
    /// the line's start left of its end).
    pub fn fits_outline(&self, quad: &CardQuad) -> bool {
        let half = self.line.length / 2.0;
        let [ux, uy] = self.line.along;
        let [cx, cy] = self.line.centre;
        let ends = [
            [cx - half * ux, cy - half * uy],
            [cx + half * ux, cy + half * uy],
        ];
        let [x0, y0, x1, y1] = crate::layout::FRONT_ID_NUMBER.map(|v| v as f32);
        let (mx, my) = (0.1 * (x1 - x0), 0.25 * (y1 - y0));
        let inside = |p: [f32; 2]| {
            (x0 - mx..=x1 + mx).contains(&p[0]) && (y0 - my..=y1 + my).contains(&p[1])
        };
        [false, true].into_iter().any(|flipped| {
            match (
                quad.image_to_card(ends[0], flipped),
                quad.image_to_card(ends[1], flipped),
            ) {
                (Some(a), Some(b)) => inside(a) && inside(b) && a[0] < b[0],
                _ => false,
            }
        })
    }

    /// How much the reading is to be believed: a valid number dominates, then the
    /// characters' mean probability.
    fn score(&self) -> f32 {
        let valid = self.number.valid().is_some();
        let n = self.read.chars.len().max(14) as f32;
        let sureness = self.read.chars.iter().map(|c| c.prob).sum::<f32>() / n;
        f32::from(u8::from(valid)) * 10.0 + sureness
    }

    /// The front's outline in the photo implied by the number line (a similarity: the
    /// card's shear and perspective are not seen), for [`crate::card::rectify`].
    pub fn card_quad(&self) -> CardQuad {
        self.quad_for(NUMBER_CENTRE, NUMBER_LENGTH)
    }

    /// The same for a back, whose number is at its top ([`BACK_NUMBER_CENTRE`]).
    pub fn back_quad(&self) -> CardQuad {
        self.quad_for(BACK_NUMBER_CENTRE, BACK_NUMBER_LENGTH)
    }

    /// The outline of a card on which this line sits at `centre` with `length` (card
    /// pixels).
    fn quad_for(&self, centre: [f32; 2], length: f32) -> CardQuad {
        let s = self.line.length / length;
        let (r, d) = (self.line.along, self.line.across());
        let to_image = |x: f32, y: f32| {
            let (a, b) = ((x - centre[0]) * s, (y - centre[1]) * s);
            [
                self.line.centre[0] + a * r[0] + b * d[0],
                self.line.centre[1] + a * r[1] + b * d[1],
            ]
        };
        let (w, h) = (CARD_W as f32, CARD_H as f32);
        CardQuad {
            corners: [
                to_image(0.0, 0.0),
                to_image(w, 0.0),
                to_image(w, h),
                to_image(0.0, h),
            ],
            score: self.score(),
            full_frame: false,
        }
    }
}

/// The text lines of the photo at any angle, as the detector finds them (a line may come
/// in pieces), in photo pixels, longest first.
pub fn photo_lines(
    img: &RgbImage,
    reader: &crate::IdReader,
    size: u32,
) -> anyhow::Result<Vec<OrientedLine>> {
    let (w, h) = img.dimensions();
    let long = w.max(h).max(1);
    let input_w = if long > size {
        (w as f32 * size as f32 / long as f32).round() as u32
    } else {
        w
    };
    let Some(map) = reader.lines.probabilities(img, input_w)? else {
        return Ok(Vec::new());
    };
    let (sx, sy) = (w as f32 / map.w as f32, h as f32 / map.h as f32);
    let mut lines: Vec<OrientedLine> = map
        .oriented_lines()
        .into_iter()
        .map(|l| l.scaled(sx, sy))
        .collect();
    lines.sort_by(|a, b| b.length.total_cmp(&a.length));
    Ok(lines)
}

/// Greatest gap between two pieces of one line, in line thicknesses, for
/// [`join_pieces`]: words of a name are closer; the printed birth date, level with the
/// number, is about as far.
const JOIN_GAP: f32 = 1.0;
/// The same for [`number_candidates`], which also tries every part of a row alone.
const ROW_GAP: f32 = 2.5;

/// Pieces of one line joined, longest first. The detector cuts a line where its words
/// stand apart: a piece joins a longer line when it continues it ([`continues`] within
/// [`JOIN_GAP`]).
pub fn join_pieces(mut lines: Vec<OrientedLine>) -> Vec<OrientedLine> {
    lines.sort_by(|a, b| b.length.total_cmp(&a.length));
    let mut joined: Vec<OrientedLine> = Vec::with_capacity(lines.len());
    'pieces: for piece in lines {
        for line in joined.iter_mut() {
            if continues(line, &piece, JOIN_GAP) {
                *line = merged(line, &piece);
                continue 'pieces;
            }
        }
        joined.push(piece);
    }
    joined.sort_by(|a, b| b.length.total_cmp(&a.length));
    joined
}

/// Whether `piece` continues `line`: on its axis (within half its thickness), the same
/// way (within 6°), about as thick (0.6-1.6 times), and starting within `max_gap`
/// thicknesses of its end.
fn continues(line: &OrientedLine, piece: &OrientedLine, max_gap: f32) -> bool {
    let [ux, uy] = line.along;
    let [vx, vy] = line.across();
    let parallel = (ux * piece.along[1] - uy * piece.along[0]).abs() < 6f32.to_radians().sin();
    let ratio = piece.thickness / line.thickness;
    let (dx, dy) = (
        piece.centre[0] - line.centre[0],
        piece.centre[1] - line.centre[1],
    );
    let (a, b) = (dx * ux + dy * uy, dx * vx + dy * vy);
    let gap = a.abs() - (line.length + piece.length) / 2.0;
    parallel
        && (0.6..=1.6).contains(&ratio)
        && b.abs() <= 0.5 * line.thickness
        && gap <= max_gap * line.thickness
}

/// `line` extended over `piece`, on `line`'s axis.
fn merged(line: &OrientedLine, piece: &OrientedLine) -> OrientedLine {
    let [ux, uy] = line.along;
    let a = (piece.centre[0] - line.centre[0]) * ux + (piece.centre[1] - line.centre[1]) * uy;
    let lo = (-line.length / 2.0).min(a - piece.length / 2.0);
    let hi = (line.length / 2.0).max(a + piece.length / 2.0);
    let mid = (lo + hi) / 2.0;
    OrientedLine {
        centre: [line.centre[0] + mid * ux, line.centre[1] + mid * uy],
        along: line.along,
        length: hi - lo,
        thickness: line.thickness.max(piece.thickness),
        score: line.score.min(piece.score),
    }
}

/// The lines that may be the number: every run of consecutive pieces of a row (pieces
/// that continue each other within [`ROW_GAP`]), so that a number cut in pieces is
/// whole in one candidate and a number set beside the birth date stands alone in another;
/// longest first.
pub fn number_candidates(pieces: &[OrientedLine]) -> Vec<OrientedLine> {
    // Rows: connected pieces (union-find).
    let n = pieces.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            if continues(&pieces[i], &pieces[j], ROW_GAP)
                || continues(&pieces[j], &pieces[i], ROW_GAP)
            {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut rows: std::collections::BTreeMap<usize, Vec<OrientedLine>> = Default::default();
    for (i, piece) in pieces.iter().enumerate() {
        rows.entry(root(&mut parent, i)).or_default().push(*piece);
    }
    let mut out = Vec::new();
    for mut row in rows.into_values() {
        row.sort_by(|a, b| b.length.total_cmp(&a.length));
        let axis = row[0];
        let at = |l: &OrientedLine| {
            (l.centre[0] - axis.centre[0]) * axis.along[0]
                + (l.centre[1] - axis.centre[1]) * axis.along[1]
        };
        row.sort_by(|a, b| at(a).total_cmp(&at(b)));
        for i in 0..row.len() {
            let mut run = row[i];
            out.push(run);
            for piece in &row[i + 1..] {
                run = merged(&run, piece);
                out.push(run);
            }
        }
    }
    out.sort_by(|a, b| b.length.total_cmp(&a.length));
    out
}

/// The text lines above and below a number line (at least as long as thick), within 0.8
/// number lengths along it and one across: a front prints its name and address above the number, a back its
/// profession, status and expiry lines below it.
fn lines_around(number: &OrientedLine, lines: &[OrientedLine]) -> (usize, usize) {
    let (mut above, mut below) = (0, 0);
    for l in lines {
        let (a, b) = in_frame(number, l.centre);
        if a.abs() > 0.8 || l.length < l.thickness {
            continue;
        }
        if (-1.0..-0.15).contains(&b) {
            above += 1;
        } else if (0.15..1.0).contains(&b) {
            below += 1;
        }
    }
    (above, below)
}

/// Whether the lines around `number` ([`lines_around`]) show a back.
pub fn looks_like_back(number: &OrientedLine, lines: &[OrientedLine]) -> bool {
    let (above, below) = lines_around(number, lines);
    below >= 2 && below > above
}

/// Whether the lines around `number` ([`lines_around`]) show a front.
pub fn looks_like_front(number: &OrientedLine, lines: &[OrientedLine]) -> bool {
    let (above, below) = lines_around(number, lines);
    above >= 2 && above > below
}

/// A grey crop of `line` for the digit recogniser.
pub fn number_crop(img: &RgbImage, line: &OrientedLine) -> GrayImage {
    DynamicImage::ImageRgb8(sample_line(
        img,
        line,
        (CROP_MARGIN, CROP_MARGIN_ALONG),
        CROP_H,
        None,
    ))
    .to_luma8()
}

/// The photo's text line pieces (found at [`DETECT_SIZE`]) and its number line
/// ([`find_number`]).
pub fn locate_number(
    img: &RgbImage,
    reader: &crate::IdReader,
    today: NaiveDate,
) -> anyhow::Result<(Vec<OrientedLine>, Option<NumberLine>)> {
    let pieces = photo_lines(img, reader, DETECT_SIZE)?;
    let number = find_number(img, &pieces, &reader.number_digits, today)?;
    Ok((pieces, number))
}

/// Rows of a name, address or serial crop.
const TEXT_CROP_H: u32 = 64;

/// A crop of a text line for Tesseract or the Latin recogniser: 1.5 thicknesses across
/// (the template boxes give about as much room), half a thickness at each end.
pub fn text_crop(img: &RgbImage, line: &OrientedLine) -> RgbImage {
    sample_line(img, line, (1.5, 0.5), TEXT_CROP_H, None)
}

/// A crop of a name line for the name recogniser ([`crate::name_net`]): 1.1 thicknesses
/// across (the detector's line is nearly twice as thick as the ink, so the ink fills about
/// half the crop's rows), half a thickness at each end; grey, as the recogniser reads it.
pub fn name_crop(img: &RgbImage, line: &OrientedLine) -> GrayImage {
    DynamicImage::ImageRgb8(sample_line(
        img,
        line,
        (NAME_CROP_ACROSS, 0.5),
        TEXT_CROP_H,
        None,
    ))
    .to_luma8()
}

/// Thicknesses across a [`name_crop`].
const NAME_CROP_ACROSS: f32 = 1.1;

/// `p` in the number line's frame, in number lengths: along it (towards its end) and
/// across it (downwards).
fn in_frame(number: &OrientedLine, p: [f32; 2]) -> (f32, f32) {
    let [ux, uy] = number.along;
    let [vx, vy] = number.across();
    let (dx, dy) = (p[0] - number.centre[0], p[1] - number.centre[1]);
    (
        (dx * ux + dy * uy) / number.length,
        (dx * vx + dy * vy) / number.length,
    )
}

/// `line` turned to read in the number's direction (a detected line's axis has no
/// direction of its own).
fn same_way(number: &OrientedLine, line: &OrientedLine) -> OrientedLine {
    let dot = number.along[0] * line.along[0] + number.along[1] * line.along[1];
    if dot < 0.0 {
        line.reversed()
    } else {
        *line
    }
}

/// `line` as a text line running the number's way: a parallel line turned to read the
/// same way, or a short word whose box is nearly square (a single short name such as
/// `علي`), whose long axis the detector may take at any angle: its extent in the number's
/// frame; `None` for a longer line at another angle.
fn along_number(number: &OrientedLine, line: &OrientedLine) -> Option<OrientedLine> {
    if parallel(number, line) {
        return (line.length >= 0.8 * line.thickness).then(|| same_way(number, line));
    }
    if line.length >= SQUARE_WORD * line.thickness {
        return None;
    }
    let (u, v) = (number.along, number.across());
    let (a, c) = (line.along, line.across());
    let extent = |w: [f32; 2]| {
        (a[0] * w[0] + a[1] * w[1]).abs() * line.length
            + (c[0] * w[0] + c[1] * w[1]).abs() * line.thickness
    };
    Some(OrientedLine {
        along: u,
        length: extent(u),
        thickness: extent(v),
        ..*line
    })
}

/// Length over thickness under which a detected box's direction is not trusted.
const SQUARE_WORD: f32 = 2.0;

/// Whether `line` runs within 10° of the number's direction.
fn parallel(number: &OrientedLine, line: &OrientedLine) -> bool {
    let dot = number.along[0] * line.along[0] + number.along[1] * line.along[1];
    dot.abs() > 10f32.to_radians().cos()
}

/// The name and address lines of a front: the four text lines nearest above its number
/// line whose right ends are near the number's (the Arabic lines are right-aligned with
/// it), in card order: first name, other names, address line 1, address line 2. When
/// fewer than four are found, the nearest take the last places (the address lines are
/// the longest and the detector misses them least).
pub fn field_lines(number: &OrientedLine, lines: &[OrientedLine]) -> [Option<OrientedLine>; 4] {
    let mut above: Vec<(f32, OrientedLine)> = lines
        .iter()
        .filter_map(|l| along_number(number, l))
        .filter_map(|l| {
            let (a, b) = in_frame(number, l.centre);
            let right_end = a + l.length / number.length / 2.0;
            ((-1.2..-0.1).contains(&b) && (0.2..0.8).contains(&right_end)).then_some((b, l))
        })
        .collect();
    above.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut out = [None; 4];
    for (k, (_, l)) in above.into_iter().take(4).enumerate() {
        out[3 - k] = Some(l);
    }
    out
}

/// Where the Latin serial is looked for, in number lengths from the number's centre:
/// along (negative: before its start) and across (positive: below). On the real dev
/// photos (tuning part) its centre lies 0.98-1.68 before and 0.13-0.19 below (10th-90th
/// percentile); the printed birth date, level with the number, stays out.
const SERIAL_AREA: ([f32; 2], [f32; 2]) = ([-2.0, -0.55], [0.04, 0.36]);
/// Rows the serial's area is cut at: its text about 30 px high, as the detector likes.
const SERIAL_AREA_H: u32 = 96;

/// The area where the serial is printed, cut along the number's direction from the photo
/// (so a serial below the image's part that the number frames is still found).
pub fn serial_area(img: &RgbImage, number: &OrientedLine) -> RgbImage {
    let ([a0, a1], [b0, b1]) = SERIAL_AREA;
    let (a, b) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
    let [ux, uy] = number.along;
    let [vx, vy] = number.across();
    let l = number.length;
    let area = OrientedLine {
        centre: [
            number.centre[0] + l * (a * ux + b * vx),
            number.centre[1] + l * (a * uy + b * vy),
        ],
        along: number.along,
        length: (a1 - a0) * l,
        thickness: (b1 - b0) * l,
        score: number.score,
    };
    sample_line(img, &area, (1.0, 0.0), SERIAL_AREA_H, Some([128; 3]))
}

/// The serial's line in `area` ([`serial_area`]): the longest line the detector finds
/// there, at least 2.5 times longer than high, with a fifth of its height as margin.
pub fn serial_line(
    area: &RgbImage,
    reader: &crate::IdReader,
) -> anyhow::Result<Option<crate::detect::TextBox>> {
    Ok(crate::detect::longest_line(
        reader.lines.detect(area, area.width())?,
        2.5,
    ))
}

/// `area` cut at the serial's `line` ([`serial_line`]), with `ends` more of its height at
/// each end.
pub fn serial_crop(area: &RgbImage, line: &crate::detect::TextBox, ends: f32) -> RgbImage {
    let (w, h) = area.dimensions();
    let more = ends * (line.y1 - line.y0);
    let x0 = (line.x0 - more).max(0.0) as u32;
    let y0 = line.y0.max(0.0) as u32;
    let x1 = ((line.x1 + more) as u32).clamp(x0 + 1, w);
    let y1 = (line.y1 as u32).clamp(y0 + 1, h);
    image::imageops::crop_imm(area, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// The best-read number line among the elongated [`number_candidates`] of the photo's
/// text line pieces (from [`photo_lines`]), each read both ways; `None` when no line reads
/// as at least ten digits.
pub fn find_number(
    img: &RgbImage,
    pieces: &[OrientedLine],
    net: &digits::DigitNet,
    today: NaiveDate,
) -> anyhow::Result<Option<NumberLine>> {
    let candidates: Vec<OrientedLine> = number_candidates(pieces)
        .iter()
        .filter(|l| l.length >= MIN_ELONGATION * l.thickness && l.thickness >= 6.0)
        .take(MAX_CANDIDATES)
        .flat_map(|l| [*l, l.reversed()])
        .collect();
    let crops: Vec<GrayImage> = candidates.iter().map(|l| number_crop(img, l)).collect();
    let reads = digits::read_lines_scored(net, &crops)?;
    let read: Vec<NumberLine> = candidates
        .into_iter()
        .zip(reads)
        .filter(|(_, read)| read.chars.len() >= 10)
        .map(|(line, read)| NumberLine::read_on(line, read, today))
        .collect();
    let Some(best) = read
        .into_iter()
        .max_by(|a, b| a.score().total_cmp(&b.score()))
    else {
        return Ok(None);
    };
    let best = fitted(img, best, net, today)?;
    if best.number.valid().is_some() {
        return Ok(Some(best));
    }
    Ok(Some(recut(img, best, net, today)?))
}

/// A number line is cut down to its digits when they cover less than this share of it.
const FIT_BELOW: f32 = 0.8;
/// Room kept beyond the first and last digit's column, in digit pitches.
const FIT_ROOM: f32 = 0.7;
/// Characters the run of digits must hold for the line to be cut to it (a shorter run
/// may be only part of the number).
const FIT_CHARS: usize = 13;
/// Read characters further apart than this many median pitches belong to different print
/// (the issue date under the photo, the serial, level with the number).
const FIT_GAP: f32 = 2.5;

/// The column (fractional) of each character the greedy CTC decoding of `read` gives:
/// the middle of its run of columns.
fn char_columns(read: &LineRead) -> Vec<f32> {
    let best: Vec<usize> = read
        .log_probs
        .iter()
        .map(|p| {
            (0..p.len())
                .max_by(|&a, &b| p[a].total_cmp(&p[b]))
                .unwrap_or(0)
        })
        .collect();
    let mut out = Vec::new();
    let mut t = 0;
    while t < best.len() {
        let run = best[t..].iter().take_while(|&&k| k == best[t]).count();
        if best[t] != 0 {
            out.push(t as f32 + (run as f32 - 1.0) / 2.0);
        }
        t += run;
    }
    out
}

/// `line` cut down to the digits read from its crop ([`number_crop`]): the longest run of
/// characters with no gap over [`FIT_GAP`] pitches, with [`FIT_ROOM`] pitches at each end,
/// when that is less than [`FIT_BELOW`] of the line (the detector joined print beside the
/// number to it, and the line's length places the card and the fields around it); `None`
/// otherwise.
fn fitted_to_digits(line: &OrientedLine, read: &LineRead) -> Option<OrientedLine> {
    let columns = char_columns(read);
    let gaps: Vec<f32> = columns.windows(2).map(|w| w[1] - w[0]).collect();
    let mut sorted = gaps.clone();
    sorted.sort_by(f32::total_cmp);
    let pitch = *sorted.get(sorted.len() / 2)?;
    let mut runs: Vec<&[f32]> = Vec::new();
    let mut from = 0;
    for (i, gap) in gaps.iter().enumerate() {
        if *gap > FIT_GAP * pitch {
            runs.push(&columns[from..=i]);
            from = i + 1;
        }
    }
    runs.push(&columns[from..]);
    let run = runs.into_iter().max_by_key(|r| r.len())?;
    if run.len() < FIT_CHARS {
        return None;
    }
    let (first, last) = (*run.first()?, *run.last()?);
    let span = line.length + 2.0 * CROP_MARGIN_ALONG * line.thickness;
    let per_column = span / read.log_probs.len() as f32;
    let at = |t: f32| (t + 0.5) * per_column - span / 2.0;
    let room = FIT_ROOM * pitch * per_column;
    let (a0, a1) = (at(first) - room, at(last) + room);
    let length = a1 - a0;
    if length >= FIT_BELOW * line.length {
        return None;
    }
    let mid = (a0 + a1) / 2.0;
    Some(OrientedLine {
        centre: [
            line.centre[0] + mid * line.along[0],
            line.centre[1] + mid * line.along[1],
        ],
        length,
        ..*line
    })
}

/// `found` on its line cut down to its digits ([`fitted_to_digits`]), read again there;
/// the new reading is kept when it scores at least as well, the cut line in any case.
fn fitted(
    img: &RgbImage,
    found: NumberLine,
    net: &digits::DigitNet,
    today: NaiveDate,
) -> anyhow::Result<NumberLine> {
    let Some(line) = fitted_to_digits(&found.line, &found.read) else {
        return Ok(found);
    };
    let read = digits::read_lines_scored(net, &[number_crop(img, &line)])?.remove(0);
    let again = NumberLine::read_on(line, read, today);
    Ok(if again.score() >= found.score() {
        again
    } else {
        NumberLine { line, ..found }
    })
}

/// Re-cuts of a number line, as the detector's box varies between photos: thinner and
/// thicker, shifted across, shorter and longer, turned (fractions of the thickness and
/// length, degrees).
const RECUTS: [(f32, f32, f32, f32); 8] = [
    (0.85, 0.0, 1.0, 0.0),
    (1.2, 0.0, 1.0, 0.0),
    (1.0, -0.12, 1.0, 0.0),
    (1.0, 0.12, 1.0, 0.0),
    (1.0, 0.0, 0.95, 0.0),
    (1.0, 0.0, 1.06, 0.0),
    (1.0, 0.0, 1.0, -1.5),
    (1.0, 0.0, 1.0, 1.5),
];

/// `line` cut as [`RECUTS`] says (thickness factor, shift across in thicknesses, length
/// factor, turn in degrees).
fn recut_line(
    line: &OrientedLine,
    (thick, shift, long, turn): (f32, f32, f32, f32),
) -> OrientedLine {
    line.varied([0.0, shift], [long, thick], turn)
}

/// A number line that read as no valid number, read again in [`RECUTS`]: the valid number
/// most re-cuts agree on (ties to the surer reading), marked repaired (so it is never
/// returned as sure); `found` itself when no re-cut reads a valid number.
fn recut(
    img: &RgbImage,
    found: NumberLine,
    net: &digits::DigitNet,
    today: NaiveDate,
) -> anyhow::Result<NumberLine> {
    let lines: Vec<OrientedLine> = RECUTS.iter().map(|&r| recut_line(&found.line, r)).collect();
    let crops: Vec<GrayImage> = lines.iter().map(|l| number_crop(img, l)).collect();
    let reads = digits::read_lines_scored(net, &crops)?;
    let valid: Vec<NumberLine> = lines
        .into_iter()
        .zip(reads)
        .map(|(line, read)| NumberLine::read_on(line, read, today))
        .filter(|n| n.number.valid().is_some())
        .collect();
    let votes = |n: &NumberLine| {
        valid
            .iter()
            .filter(|m| m.number.valid().map(|v| &v.digits) == n.number.valid().map(|v| &v.digits))
            .count()
    };
    let best = valid.iter().max_by(|a, b| {
        votes(a)
            .cmp(&votes(b))
            .then(a.score().total_cmp(&b.score()))
    });
    Ok(match best {
        Some(b) => {
            let mut b = b.clone();
            b.number.repaired = true;
            b
        }
        None => found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recuts_keep_the_line_and_vary_it_as_stated() {
        let l = OrientedLine {
            centre: [100.0, 50.0],
            along: [1.0, 0.0],
            length: 200.0,
            thickness: 20.0,
            score: 0.9,
        };
        let same = recut_line(&l, (1.0, 0.0, 1.0, 0.0));
        assert_eq!(
            (same.centre, same.along, same.length),
            (l.centre, l.along, l.length)
        );
        let shifted = recut_line(&l, (1.2, 0.5, 1.1, 0.0));
        assert_eq!(shifted.centre, [100.0, 60.0]);
        assert!((shifted.thickness - 24.0).abs() < 1e-4 && (shifted.length - 220.0).abs() < 1e-3);
        let turned = recut_line(&l, (1.0, 0.0, 1.0, 90.0));
        assert!(turned.along[0].abs() < 1e-6 && (turned.along[1] - 1.0).abs() < 1e-6);
        assert!(RECUTS.iter().all(|&(t, _, n, _)| t > 0.0 && n > 0.0));
    }

    /// A reading over `columns` columns with one character at each of `at`.
    fn read_at(columns: usize, at: &[usize]) -> LineRead {
        let log_probs = (0..columns)
            .map(|t| {
                let mut p = vec![-5.0f32; 11];
                p[if at.contains(&t) { 1 + t % 10 } else { 0 }] = -0.01;
                p
            })
            .collect();
        LineRead {
            chars: Vec::new(),
            log_probs,
        }
    }

    #[test]
    fn a_number_line_joined_to_a_date_is_cut_to_its_digits() {
        // 100 columns over 210 px (200 long + 2 × 0.25 × 20 room): a date's three
        // characters at columns 2-6, fourteen digits every 4 columns from 40 to 92.
        let l = line(0.0, 200.0, 50.0, 20.0);
        let mut at = vec![2, 4, 6];
        at.extend((0..14).map(|k| 40 + 4 * k));
        let fit = fitted_to_digits(&l, &read_at(100, &at)).expect("cut");
        let per_column = 2.1;
        let (start, end) = (
            (40.5 - 0.7 * 4.0) * per_column - 105.0,
            (92.5 + 0.7 * 4.0) * per_column - 105.0,
        );
        assert!((fit.length - (end - start)).abs() < 1e-3, "{fit:?}");
        assert!((fit.centre[0] - (100.0 + (start + end) / 2.0)).abs() < 1e-3);
        assert_eq!(
            (fit.centre[1], fit.along, fit.thickness),
            (50.0, l.along, 20.0)
        );
        // Digits over the whole line, or too few to be the number: left as it is.
        let whole: Vec<usize> = (0..14).map(|k| 4 + 7 * k).collect();
        assert_eq!(fitted_to_digits(&l, &read_at(100, &whole)), None);
        let part: Vec<usize> = (0..10).map(|k| 40 + 4 * k).collect();
        assert_eq!(fitted_to_digits(&l, &read_at(100, &part)), None);
    }

    /// A horizontal line from `x0` to `x1` at height `y`, `t` thick.
    fn line(x0: f32, x1: f32, y: f32, t: f32) -> OrientedLine {
        OrientedLine {
            centre: [(x0 + x1) / 2.0, y],
            along: [1.0, 0.0],
            length: x1 - x0,
            thickness: t,
            score: 0.9,
        }
    }

    #[test]
    fn a_short_first_name_in_a_square_box_at_any_angle_is_found() {
        let number = line(100.0, 500.0, 400.0, 40.0);
        // Other names and the address lines, right-aligned with the number.
        let mut lines: Vec<OrientedLine> = [124.0, 200.0, 252.0]
            .iter()
            .map(|&y| line(280.0, 495.0, y, 36.0))
            .collect();
        // A one-word first name whose nearly square box the detector took at 40°.
        let angle = 40f32.to_radians();
        lines.push(OrientedLine {
            centre: [450.0, 56.0],
            along: [angle.cos(), angle.sin()],
            length: 52.0,
            thickness: 40.0,
            score: 0.9,
        });
        let [first, last, address_1, address_2] = field_lines(&number, &lines);
        let first = first.expect("first name found");
        assert_eq!(first.centre, [450.0, 56.0]);
        assert_eq!(first.along, number.along);
        // Its extent along the number: the box's projection (52 cos 40° + 40 sin 40°).
        assert!((first.length - 65.5).abs() < 0.5, "{first:?}");
        let ys = [last, address_1, address_2].map(|l| l.expect("line").centre[1]);
        assert_eq!(ys, [124.0, 200.0, 252.0]);
        // A long line at that angle is no text line of the card.
        lines.push(OrientedLine {
            length: 200.0,
            centre: [420.0, 330.0],
            ..lines[3]
        });
        assert_eq!(
            field_lines(&number, &lines)[0].map(|l| l.centre),
            Some([450.0, 56.0])
        );
    }

    #[test]
    fn pieces_of_a_line_join_and_a_far_neighbour_stays_apart() {
        // A number in two pieces (gap 10 px, a quarter thickness) and the birth date
        // 60 px to its left (1.5 thicknesses): the first two join, the date does not.
        let number = [
            line(300.0, 500.0, 100.0, 40.0),
            line(510.0, 640.0, 101.0, 40.0),
        ];
        let date = line(100.0, 240.0, 100.0, 40.0);
        let joined = join_pieces(vec![number[0], date, number[1]]);
        assert_eq!(joined.len(), 2);
        assert!((joined[0].length - 340.0).abs() < 1.0, "{joined:?}");
        assert!((joined[0].centre[0] - 470.0).abs() < 1.0);
        // A line on another row never joins.
        assert_eq!(
            join_pieces(vec![number[0], line(300.0, 500.0, 150.0, 40.0)]).len(),
            2
        );
    }

    #[test]
    fn number_candidates_try_every_run_of_a_row() {
        let (a, b, c) = (
            line(100.0, 240.0, 100.0, 40.0),
            line(300.0, 500.0, 100.0, 40.0),
            line(510.0, 640.0, 100.0, 40.0),
        );
        let runs = number_candidates(&[a, b, c]);
        // a, b, c, ab, bc, abc.
        assert_eq!(runs.len(), 6);
        let lengths: Vec<i32> = runs.iter().map(|l| l.length.round() as i32).collect();
        assert_eq!(lengths, vec![540, 400, 340, 200, 140, 130]);
    }

    #[test]
    fn the_card_frame_follows_the_number_line() {
        // A number read right to left on the photo (the card is upside down).
        let upside_down = NumberLine {
            line: line(200.0, 602.0, 300.0, 50.0).reversed(),
            read: Default::default(),
            number: crate::id_front::repair_nid(
                &Default::default(),
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ),
        };
        let quad = upside_down.card_quad();
        // Scale 1 (402 px long); the card's top-left corner lies right of and below the
        // number, since the card is turned by 180°.
        let [x, y] = quad.corners[0];
        assert!((x - (401.0 + 771.0)).abs() < 1e-3 && (y - (300.0 + 550.0)).abs() < 1e-3);
        let back = upside_down.back_quad();
        assert!((back.corners[0][1] - (300.0 + 73.0 * 402.0 / 460.0)).abs() < 1e-2);
    }

    #[test]
    fn text_lines_above_the_number_are_the_name_and_address() {
        let number = line(600.0, 1000.0, 500.0, 50.0);
        let lines = [
            line(880.0, 1000.0, 160.0, 45.0), // first name
            line(700.0, 1000.0, 220.0, 45.0), // other names
            line(750.0, 1000.0, 290.0, 45.0), // address 1
            line(760.0, 1000.0, 350.0, 45.0), // address 2
            line(100.0, 500.0, 300.0, 45.0),  // left of the text column: not a field
            line(700.0, 1000.0, 0.0, 45.0),   // the header, too far above
        ];
        let [first, last, a1, a2] = field_lines(&number, &lines);
        assert_eq!(first.unwrap().centre[1], 160.0);
        assert_eq!(last.unwrap().centre[1], 220.0);
        assert_eq!(a1.unwrap().centre[1], 290.0);
        assert_eq!(a2.unwrap().centre[1], 350.0);
        assert!(looks_like_front(&number, &lines) && !looks_like_back(&number, &lines));
        // The same lines below the number: a back.
        let below: Vec<OrientedLine> = lines
            .iter()
            .map(|l| OrientedLine {
                centre: [l.centre[0], 1000.0 - l.centre[1]],
                ..*l
            })
            .collect();
        assert!(looks_like_back(&number, &below) && !looks_like_front(&number, &below));
    }
}

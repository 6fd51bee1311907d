//! Telling ink from background in a line crop, and where the ink lies: shared by the
//! Tesseract preparation, the digit recogniser's crops and the word splitting of the
//! readers. Hand-written: `imageproc` gives the Otsu level but not these line-specific
//! cuts (polarity from the border, main band without the neighbouring lines).

use image::GrayImage;

/// Minimum difference between the mean grey of the ink and of the background (0-255)
/// for a crop to hold text; below it (blank paper, a faint pattern, sensor noise) the
/// line reads as empty.
const MIN_CONTRAST: f32 = 48.0;
/// A run of ink rows touching the top or bottom edge and separated from the rest by at
/// least this fraction of the crop height belongs to a neighbouring line: dropped.
const EDGE_GAP_FRACTION: f32 = 0.08;

/// How a crop's ink is told from its background.
#[derive(Debug, Clone, Copy)]
pub struct Ink {
    level: u8,
    dark: bool,
}

impl Ink {
    /// The ink of `line`: Otsu splits the two classes, the cut goes halfway between their
    /// means, the border's median says which side is background. `None` without enough
    /// contrast to hold text.
    pub fn of(line: &GrayImage) -> Option<Ink> {
        let t = imageproc::contrast::otsu_level(line);
        let (mut sum, mut n) = ([0f64; 2], [0u64; 2]);
        for p in line.pixels() {
            let bright = usize::from(p[0] > t);
            sum[bright] += f64::from(p[0]);
            n[bright] += 1;
        }
        if n[0] == 0 || n[1] == 0 {
            return None;
        }
        let (dark, bright) = (sum[0] / n[0] as f64, sum[1] / n[1] as f64);
        if bright - dark < f64::from(MIN_CONTRAST) {
            return None;
        }
        // Cut halfway between the two classes: Otsu's own level can sit at the edge of a
        // class, where resampling would cross it.
        let level = ((dark + bright) / 2.0) as u8;
        Some(Ink {
            level,
            dark: border_median(line) > level,
        })
    }

    /// Whether a grey value is ink.
    pub fn is_ink(&self, p: u8) -> bool {
        (p <= self.level) == self.dark
    }
}

/// `line` with uneven lighting along it taken out: each pixel divided by the brightest
/// grey within half a line height of its column (the paper there), so a shadow or a
/// lighting gradient across a long, mostly empty line does not end up on the ink side of
/// the Otsu cut. Dark ink on light paper keeps its contrast; the paper becomes white.
pub fn flatten(line: &GrayImage) -> GrayImage {
    let (w, h) = line.dimensions();
    if w == 0 || h == 0 {
        return line.clone();
    }
    let column_max: Vec<u8> = (0..w)
        .map(|x| (0..h).map(|y| line.get_pixel(x, y)[0]).max().unwrap_or(255))
        .collect();
    let reach = (h / 2).max(1) as usize;
    let paper: Vec<f32> = (0..w as usize)
        .map(|x| {
            let lo = x.saturating_sub(reach);
            let hi = (x + reach + 1).min(w as usize);
            f32::from(*column_max[lo..hi].iter().max().unwrap_or(&255)).max(1.0)
        })
        .collect();
    GrayImage::from_fn(w, h, |x, y| {
        let v = f32::from(line.get_pixel(x, y)[0]) / paper[x as usize] * 255.0;
        image::Luma([v.round().min(255.0) as u8])
    })
}

/// The box `(x0, y0, x1, y1)` of `line`'s main band of ink (see [`ink_band`]), `None`
/// when the crop holds no text.
pub fn ink_box(line: &GrayImage) -> Option<(u32, u32, u32, u32)> {
    let ink = Ink::of(line)?;
    ink_band(line, &|p| ink.is_ink(p))
}

/// `line` cut to its main band of ink with margins of `margin_y` and `margin_x` times the
/// band's height (clamped to the crop); the crop itself when it holds no text.
pub fn tighten(line: &GrayImage, margin_x: f32, margin_y: f32) -> GrayImage {
    let Some((x0, y0, x1, y1)) = ink_box(line) else {
        return line.clone();
    };
    let bh = (y1 - y0) as f32;
    let (mx, my) = (
        (bh * margin_x).round() as u32,
        (bh * margin_y).round() as u32,
    );
    let (w, h) = line.dimensions();
    let (x0, y0) = (x0.saturating_sub(mx), y0.saturating_sub(my));
    let (x1, y1) = ((x1 + mx).min(w), (y1 + my).min(h));
    image::imageops::crop_imm(line, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// The box `(x0, y0, x1, y1)` (exclusive ends) around the line's main band of ink: the
/// run of inked rows with the most ink, with the other runs, except runs touching the top
/// or bottom edge that a clear gap separates from the rest (parts of the neighbouring
/// lines). `None` when there is no ink.
pub fn ink_band(img: &GrayImage, is_ink: &impl Fn(u8) -> bool) -> Option<(u32, u32, u32, u32)> {
    let (w, h) = img.dimensions();
    let rows: Vec<u32> = img
        .rows()
        .map(|r| r.filter(|p| is_ink(p[0])).count() as u32)
        .collect();
    // (first row, end row, ink pixels) of each run of inked rows.
    let mut runs: Vec<(u32, u32, u64)> = Vec::new();
    let mut y = 0;
    while y < h {
        if rows[y as usize] == 0 {
            y += 1;
            continue;
        }
        let start = y;
        let mut mass = 0u64;
        while y < h && rows[y as usize] > 0 {
            mass += u64::from(rows[y as usize]);
            y += 1;
        }
        runs.push((start, y, mass));
    }
    let main = (0..runs.len()).max_by_key(|&i| runs[i].2)?;
    let gap_min = h as f32 * EDGE_GAP_FRACTION;
    let (mut lo, mut hi) = (0, runs.len());
    if main > 0 && runs[0].0 == 0 && (runs[1].0 - runs[0].1) as f32 >= gap_min {
        lo = 1;
    }
    if main + 1 < hi && runs[hi - 1].1 == h && (runs[hi - 1].0 - runs[hi - 2].1) as f32 >= gap_min {
        hi -= 1;
    }
    let (y0, y1) = (runs[lo].0, runs[hi - 1].1);
    let inked_column = |x: u32| (y0..y1).any(|y| is_ink(img.get_pixel(x, y)[0]));
    let x0 = (0..w).find(|&x| inked_column(x))?;
    let x1 = (0..w).rev().find(|&x| inked_column(x))? + 1;
    Some((x0, y0, x1, y1))
}

/// The median grey of the image's outermost pixels (at least 1x1).
pub fn border_median(img: &GrayImage) -> u8 {
    let (w, h) = img.dimensions();
    let mut border: Vec<u8> = Vec::with_capacity(2 * (w + h) as usize);
    for x in 0..w {
        border.push(img.get_pixel(x, 0)[0]);
        border.push(img.get_pixel(x, h - 1)[0]);
    }
    for y in 1..h.saturating_sub(1) {
        border.push(img.get_pixel(0, y)[0]);
        border.push(img.get_pixel(w - 1, y)[0]);
    }
    let mid = border.len() / 2;
    *border.select_nth_unstable(mid).1
}

/// Column ranges of ink in a line crop (lighting flattened, its main band of rows only), separated by gaps at least `min_gap` wide.
pub fn ink_segments(line: &GrayImage, min_gap: u32) -> Vec<(u32, u32)> {
    let flat = flatten(line);
    let Some(ink) = Ink::of(&flat) else {
        return Vec::new();
    };
    let is_ink = |p: u8| ink.is_ink(p);
    // Only the line's own rows: parts of the neighbouring lines make no words.
    let Some((_, y0, _, y1)) = ink_band(&flat, &is_ink) else {
        return Vec::new();
    };
    let w = flat.width();
    let inked: Vec<bool> = (0..w)
        .map(|x| {
            (y0..y1)
                .filter(|&y| is_ink(flat.get_pixel(x, y)[0]))
                .count()
                >= 2
        })
        .collect();
    let mut segments: Vec<(u32, u32)> = Vec::new();
    let mut x = 0;
    while x < w {
        if !inked[x as usize] {
            x += 1;
            continue;
        }
        let start = x;
        let mut end = x;
        let mut gap = 0;
        while x < w && gap < min_gap {
            if inked[x as usize] {
                end = x;
                gap = 0;
            } else {
                gap += 1;
            }
            x += 1;
        }
        segments.push((start, end + 1));
    }
    segments
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 200-grey crop with a 20-row "line" of ink in the middle and a sliver of the line
    /// above touching the top edge.
    pub(crate) fn crop_with_neighbour() -> GrayImage {
        let mut img = GrayImage::from_pixel(120, 60, image::Luma([200]));
        for y in 20..40 {
            for x in 30..90 {
                if (x + y) % 3 != 0 {
                    img.put_pixel(x, y, image::Luma([20]));
                }
            }
        }
        for y in 0..3 {
            for x in 5..60 {
                img.put_pixel(x, y, image::Luma([20]));
            }
        }
        img
    }

    #[test]
    fn ink_band_drops_neighbouring_lines() {
        let img = crop_with_neighbour();
        assert_eq!(ink_band(&img, &|p| p < 100), Some((30, 20, 90, 40)));
        // A dot above the line, close to it, stays in the band.
        let mut img = img;
        img.put_pixel(50, 17, image::Luma([20]));
        assert_eq!(ink_band(&img, &|p| p < 100), Some((30, 17, 90, 40)));
        assert_eq!(ink_band(&GrayImage::new(5, 5), &|p| p > 100), None);
    }

    #[test]
    fn tightening_cuts_to_the_line_with_margins() {
        let t = tighten(&crop_with_neighbour(), 0.5, 0.25);
        assert_eq!(t.dimensions(), (80, 30));
        let blank = GrayImage::from_pixel(10, 10, image::Luma([200]));
        assert_eq!(tighten(&blank, 0.5, 0.25).dimensions(), (10, 10));
    }
}

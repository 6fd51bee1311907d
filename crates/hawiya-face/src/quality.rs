//! Cheap face-quality measures on crops and landmarks.

use image::RgbImage;

/// OpenCV's fixed-point BT.601 luma (`cv2.cvtColor(..., COLOR_RGB2GRAY)`), rounded to 0..=255.
fn luma(px: &[u8]) -> i32 {
    (px[0] as i32 * 19595 + px[1] as i32 * 38470 + px[2] as i32 * 7471 + 32768) >> 16
}

/// Reflect-101 border index (`dcb|abcd|cba`), as OpenCV's default border.
fn reflect101(i: isize, n: usize) -> usize {
    if n == 1 {
        return 0;
    }
    let n = n as isize;
    let mut i = i;
    while i < 0 || i >= n {
        i = if i < 0 { -i } else { 2 * (n - 1) - i };
    }
    i as usize
}

/// Variance of the Laplacian of the grayscale image (sharpness; low = blurry).
///
/// Matches `cv2.Laplacian(cv2.cvtColor(img, COLOR_RGB2GRAY), CV_64F).var()`: 3×3 kernel
/// `[0 1 0; 1 -4 1; 0 1 0]`, reflect-101 borders, population variance over all pixels.
/// Depends on resolution, so compare crops of the same size (e.g. the 112×112 aligned crop).
/// An empty image gives 0.
pub fn laplacian_variance(img: &RgbImage) -> f32 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return 0.0;
    }
    let gray: Vec<i32> = img.as_raw().chunks_exact(3).map(luma).collect();
    let (mut sum, mut sum_sq) = (0i64, 0i64);
    for y in 0..h {
        let up = reflect101(y as isize - 1, h) * w;
        let down = reflect101(y as isize + 1, h) * w;
        let row = y * w;
        for x in 0..w {
            let left = reflect101(x as isize - 1, w);
            let right = reflect101(x as isize + 1, w);
            let lap = gray[up + x] + gray[down + x] + gray[row + left] + gray[row + right]
                - 4 * gray[row + x];
            sum += lap as i64;
            sum_sq += (lap as i64) * (lap as i64);
        }
    }
    let n = (w * h) as f64;
    let mean = sum as f64 / n;
    (sum_sq as f64 / n - mean * mean).max(0.0) as f32
}

/// Inter-ocular distance in pixels (between landmarks 0 and 1, the two eye centres).
pub fn eye_distance(landmarks: &[[f32; 2]; 5]) -> f32 {
    let [a, b] = [landmarks[0], landmarks[1]];
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn flat_image_has_zero_variance() {
        let img = RgbImage::from_pixel(50, 40, Rgb([120, 80, 200]));
        assert_eq!(laplacian_variance(&img), 0.0);
        assert_eq!(laplacian_variance(&RgbImage::new(0, 0)), 0.0);
        assert_eq!(laplacian_variance(&RgbImage::new(1, 1)), 0.0);
    }

    #[test]
    fn checkerboard_is_large() {
        let img = RgbImage::from_fn(32, 32, |x, y| {
            if (x + y) % 2 == 0 {
                Rgb([255, 255, 255])
            } else {
                Rgb([0, 0, 0])
            }
        });
        // Every Laplacian is ±4·255 (reflect-101 keeps the pattern at the borders).
        let v = laplacian_variance(&img);
        assert!((v - 1020.0 * 1020.0).abs() < 1.0, "{v}");
    }

    #[test]
    fn blur_lowers_sharpness() {
        let sharp = RgbImage::from_fn(112, 112, |x, y| {
            let v = if (x / 6 + y / 6) % 2 == 0 { 220 } else { 30 };
            Rgb([v, v, v])
        });
        let blurred = image::imageops::blur(&sharp, 2.0);
        let more = image::imageops::blur(&sharp, 4.0);
        let (s, b, m) = (
            laplacian_variance(&sharp),
            laplacian_variance(&blurred),
            laplacian_variance(&more),
        );
        assert!(s > 2.0 * b && b > m && m > 0.0, "{s} {b} {m}");
    }

    #[test]
    fn reflect_borders() {
        assert_eq!(reflect101(-1, 5), 1);
        assert_eq!(reflect101(5, 5), 3);
        assert_eq!(reflect101(-1, 2), 1);
        assert_eq!(reflect101(2, 2), 0);
        assert_eq!(reflect101(3, 1), 0);
    }

    #[test]
    fn eye_distance_is_euclidean() {
        let mut lm = [[0.0f32; 2]; 5];
        lm[0] = [10.0, 20.0];
        lm[1] = [13.0, 24.0];
        assert_eq!(eye_distance(&lm), 5.0);
    }
}

//! Periodic patterns in a grey patch: a screen's pixel grid or a print's halftone dots
//! show as isolated peaks in the patch's power spectrum, natural texture does not.

use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

/// The strongest isolated peak of a square grey patch's spectrum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peak {
    /// The peak's power over the mean power of its frequency ring; natural texture gives
    /// about 10-20 (the maximum of exponential noise), a grid or halftone far more.
    pub ratio: f32,
    /// Its frequency in cycles per pixel, `[fx, fy]`, `fy` ≥ 0.
    pub freq: [f32; 2],
}

/// The `n`×`n` patch's power spectrum relative to its rings: the patch `px` (row-major
/// grey levels) is Hann-windowed and transformed, and each bin with radius in [n/6, n/2],
/// off JPEG's 8-pixel block lattice, is divided by the mean power of its frequency ring
/// (bins outside that band are 0). Row-major, `n`×`n`, bin `(u, v)` at `v * n + u`. `None`
/// when `px` is not `n`×`n`, or `n` is under 32 or not a multiple of 8 (the lattice would
/// cover every bin or miss JPEG's).
///
/// The ring mean includes the bin itself, so a ratio cannot exceed half the number of
/// in-band bins in its ring (about 20 for the middle rings of a 32-pixel patch, 40 and more
/// for 64 pixels), and a strong peak's own ring mean rises with it: its side bins, alone in
/// their rings, can outscore it slightly.
pub fn ring_normalised_power(px: &[f32], n: usize) -> Option<Vec<f32>> {
    if n < 32 || !n.is_multiple_of(8) || px.len() != n * n {
        return None;
    }
    let mean = px.iter().sum::<f32>() / px.len() as f32;
    let hann: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / (n - 1) as f32).cos())
        .collect();
    let data: Vec<f32> = (0..n * n)
        .map(|i| (px[i] - mean) * hann[i / n] * hann[i % n])
        .collect();
    let mut power = dft2_power(&data, n);
    let half = n / 2;
    let lo = n / 6;
    let radius = |u: usize, v: usize| signed(u, n).hypot(signed(v, n));
    let lattice = |k: usize| {
        let m = k % (n / 8);
        m <= 1 || m >= n / 8 - 1
    };
    let in_band = |u: usize, v: usize| {
        let r = radius(u, v);
        r >= lo as f32 && r <= half as f32 && !(lattice(u) && lattice(v))
    };
    let mut ring_sum = vec![0f64; half + 2];
    let mut ring_cnt = vec![0usize; half + 2];
    for v in 0..n {
        for u in 0..n {
            if in_band(u, v) {
                let r = radius(u, v).round() as usize;
                ring_sum[r] += f64::from(power[v * n + u]);
                ring_cnt[r] += 1;
            }
        }
    }
    for v in 0..n {
        for u in 0..n {
            let i = v * n + u;
            let m = if in_band(u, v) {
                let r = radius(u, v).round() as usize;
                ring_sum[r] / ring_cnt[r].max(1) as f64
            } else {
                0.0
            };
            power[i] = if m > 0.0 {
                (f64::from(power[i]) / m) as f32
            } else {
                0.0
            };
        }
    }
    Some(power)
}

/// Bin index `k` of an `n`-point DFT as a signed frequency index.
fn signed(k: usize, n: usize) -> f32 {
    if k > n / 2 {
        k as f32 - n as f32
    } else {
        k as f32
    }
}

/// The highest bin of a ring-normalised spectrum (see [`ring_normalised_power`]) as a
/// [`Peak`], searched over the half-plane `fy` ≥ 0 (the spectrum of a real patch is
/// symmetric).
pub fn highest_bin(spectrum: &[f32], n: usize) -> Peak {
    let mut best = Peak {
        ratio: 0.0,
        freq: [0.0, 0.0],
    };
    for v in 0..=n / 2 {
        for u in 0..n {
            let ratio = spectrum[v * n + u];
            if ratio > best.ratio {
                best = Peak {
                    ratio,
                    freq: [signed(u, n) / n as f32, signed(v, n) / n as f32],
                };
            }
        }
    }
    best
}

/// The strongest isolated high-frequency peak of the `n`×`n` patch `px`: the highest bin
/// of [`ring_normalised_power`]. `None` as there.
pub fn strongest_peak(px: &[f32], n: usize) -> Option<Peak> {
    ring_normalised_power(px, n).map(|s| highest_bin(&s, n))
}

/// Power spectrum of an n×n real image: FFTs of the rows, then of the columns (rustfft).
fn dft2_power(data: &[f32], n: usize) -> Vec<f32> {
    let fft = FftPlanner::<f32>::new().plan_fft_forward(n);
    let mut rows: Vec<Complex<f32>> = data.iter().map(|&v| Complex::new(v, 0.0)).collect();
    fft.process(&mut rows);
    // Transpose so that the columns are contiguous, transform them, and read back.
    let mut cols: Vec<Complex<f32>> = (0..n * n).map(|i| rows[(i % n) * n + i / n]).collect();
    fft.process(&mut cols);
    (0..n * n)
        .map(|i| cols[(i % n) * n + i / n].norm_sqr())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grating_peaks_at_its_frequency_and_noise_does_not() {
        let n = 64;
        let mut state = 12345u32;
        let mut noise = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((state >> 16) % 32) as f32
        };
        let plain: Vec<f32> = (0..n * n).map(|_| 100.0 + noise()).collect();
        let grating: Vec<f32> = (0..n * n)
            .map(|i| {
                let (x, y) = ((i % n) as f32, (i / n) as f32);
                100.0 + noise() + 25.0 * (std::f32::consts::TAU * (0.3125 * x + 0.125 * y)).cos()
            })
            .collect();
        let p = strongest_peak(&plain, n).unwrap();
        let g = strongest_peak(&grating, n).unwrap();
        assert!(p.ratio < 25.0, "{p:?}");
        assert!(g.ratio > 2.0 * p.ratio, "{g:?} vs {p:?}");
        let [fx, fy] = g.freq;
        assert!(
            (fx.abs() - 0.3).abs() < 0.02 && (fy.abs() - 0.1).abs() < 0.02,
            "{g:?}"
        );
        assert!(strongest_peak(&plain[1..], n).is_none());
        assert!(strongest_peak(&plain[..16 * 16], 16).is_none());
        assert!(strongest_peak(&vec![0.0; 36 * 36], 36).is_none());
    }
}

//! A small deterministic random-number generator.
//!
//! The generator must give the same bytes for the same seed on every build, so it
//! does not use `rand` (whose algorithms may change between versions): SplitMix64
//! derives stream seeds and xoshiro256** produces the numbers.

/// One SplitMix64 step: a well-mixed 64-bit value from a counter.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a hash of a label, used to name independent random streams.
fn label_hash(label: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

/// xoshiro256** generator.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for the stream `label` of sample (`seed`, `index`).
    ///
    /// Streams with different labels are independent, so adding a degradation does
    /// not change the card's content or another degradation's parameters.
    pub fn stream(seed: u64, index: u32, label: &str) -> Rng {
        let mut st = seed ^ label_hash(label).rotate_left(17) ^ (u64::from(index) << 32 | 0x5EED);
        // Mix twice so that nearby seeds give unrelated states.
        splitmix64(&mut st);
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        Rng { s }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)`.
    pub fn f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `[lo, hi)`.
    pub fn range_f32(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f32()
    }

    /// Uniform integer in `[lo, hi]` (inclusive).
    pub fn range_u32(&mut self, lo: u32, hi: u32) -> u32 {
        debug_assert!(lo <= hi);
        let span = u64::from(hi - lo) + 1;
        lo + (self.next_u64() % span) as u32
    }

    /// A colour with each channel uniform in its inclusive range (drawn red, green, blue).
    pub fn rgb(&mut self, ranges: [(u32, u32); 3]) -> [u8; 3] {
        ranges.map(|(lo, hi)| self.range_u32(lo, hi) as u8)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.f32() < p
    }

    /// A uniformly chosen element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// Index chosen with the given relative weights.
    pub fn weighted(&mut self, weights: &[f32]) -> usize {
        let total: f32 = weights.iter().sum();
        let mut x = self.f32() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Approximately standard normal (sum of four uniforms, rescaled).
    pub fn normal(&mut self) -> f32 {
        let v = self.next_u64();
        let sum: u32 = (0..4).map(|i| ((v >> (16 * i)) & 0xFFFF) as u32).sum();
        // Mean 4·32767.5, variance 4·(65536²/12).
        (sum as f32 - 131_070.0) / 37_837.2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(7, 3, "x");
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::stream(7, 3, "x");
        let b: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(
            Rng::stream(7, 3, "x").next_u64(),
            Rng::stream(7, 3, "y").next_u64()
        );
        assert_ne!(
            Rng::stream(7, 3, "x").next_u64(),
            Rng::stream(7, 4, "x").next_u64()
        );
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::stream(1, 0, "t");
        for _ in 0..1000 {
            let x = r.f32();
            assert!((0.0..1.0).contains(&x));
            let n = r.range_u32(3, 5);
            assert!((3..=5).contains(&n));
        }
        let mean: f32 = (0..10_000).map(|_| r.normal()).sum::<f32>() / 10_000.0;
        assert!(mean.abs() < 0.05);
    }
}

//! The crate's one seeded generator, SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): tiny, fast
//! and the same on every platform, so a seed replays anywhere — the lab's random and PCT
//! schedulers, the threads view's simulated scheduler, and the tests' fuzzers all draw from it.
//! Not for anything secret.
//!
//! ```
//! use queue_playground::rng::SplitMix64;
//! let mut a = SplitMix64::new(42);
//! let mut b = SplitMix64::new(42);
//! assert_eq!(a.next_u64(), b.next_u64()); // the same seed, the same numbers
//! assert!(a.below(6) < 6);
//! ```

/// SplitMix64's state: one 64-bit counter, advanced by a fixed odd step and mixed on the way out.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed; every seed, 0 included, is a good one.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 if `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift maps 64 random bits onto 0..n with negligible bias for small n.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

//! Hawiya's domain core: error codes, the Egyptian national ID number and ICAO 9303 MRZ.
//!
//! Everything here is pure and synchronous; no I/O, no models.

pub mod codes;
pub mod digits;
pub mod mrz;
pub mod nid;
pub mod text;

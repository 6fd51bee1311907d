//! HTTP handlers, one module per API area.

pub mod aml;
pub mod credentials;
pub mod face;
pub mod id_card;
pub mod liveness;
pub mod ocr;
pub mod portal;

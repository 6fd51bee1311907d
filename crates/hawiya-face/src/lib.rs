//! The face pipeline: detection, alignment, embedding and matching.
//!
//! Flow per image: [`yunet::yunet_input`] → YuNet → [`yunet::RawOutputs`] →
//! [`yunet::decode`] → [`align::align_face`] → [`align::sface_input`] → SFace →
//! [`align::l2_normalize`] / [`align::cosine`]. [`quality`] scores crop sharpness and face
//! size. The pre- and post-processing modules are pure; [`engine`] runs the two models on
//! ONNX Runtime session pools and applies the face-choice policies. [`mesh`] fits the 468-point face mesh and [`eyes`]
//! reads the eyelids, from which [`liveness`] reads 3-D motion and blinks;
//! [`presentation`] looks for a print or screen in one frame.

pub mod align;
pub mod engine;
pub mod eyes;
pub mod liveness;
pub mod mesh;
pub mod presentation;
pub mod quality;
pub mod yunet;

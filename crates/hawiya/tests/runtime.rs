//! The inference runtime's session pools on the real models: the wide session of
//! [`Runtime::pool_with_wide`] is lent only while nothing else of the runtime runs.

mod common;

use hawiya_infer::manifest::{PPOCR_DET, PPOCR_REC};
use hawiya_infer::runtime::Runtime;

#[test]
fn the_wide_session_is_lent_only_to_a_call_alone() {
    let models = common::models_dir();
    let runtime = Runtime::load(&models, Some(2)).unwrap();
    let detector = runtime.pool_with_wide(&models.join(PPOCR_DET)).unwrap();
    let recogniser = runtime.pool(&models.join(PPOCR_REC)).unwrap();
    assert!(detector.wide_idle());
    assert!(!recogniser.wide_idle(), "a plain pool has no wide session");

    // Alone: the wide session is lent, and given back after.
    detector.with(|_| assert!(!detector.wide_idle()));
    assert!(detector.wide_idle());

    // Beside another call of the runtime (another model's, or the same model's): a
    // narrow one.
    recogniser.with(|_| detector.with(|_| assert!(detector.wide_idle())));
    detector.with(|_| detector.with(|_| ()));
    assert!(detector.wide_idle());

    // Given back when the call panics.
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        detector.with(|_| panic!("inside a call"))
    }));
    assert!(caught.is_err());
    assert!(detector.wide_idle());
    detector.with(|_| assert!(!detector.wide_idle()));
}

#[test]
fn one_slot_has_no_wide_session() {
    let models = common::models_dir();
    let runtime = Runtime::load(&models, Some(1)).unwrap();
    let detector = runtime.pool_with_wide(&models.join(PPOCR_DET)).unwrap();
    assert!(!detector.wide_idle());
    detector.with(|_| ());
}

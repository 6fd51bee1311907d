//! The model-backed engines, loaded once in the background at start-up, and the bounded
//! pool their work runs on.
//!
//! `/healthz` answers as soon as the server listens; `/readyz` and the engine endpoints wait
//! for [`Engines::load`] to finish. Inference never runs on the async runtime's threads: each
//! call takes one of `slots` permits, then runs on the blocking pool. In front of the pool,
//! [`Engines::admit`] lets at most `slots + queue` requests of the engine routes in at once;
//! the next is refused at once (6502) rather than queued without bound, so an admitted
//! request waits behind at most `queue` others.
//!
//! AML screening takes milliseconds where an inference takes hundreds: it has a pool of its
//! own ([`Engines::admit_screening`], [`Engines::screen`]) with as many slots and a queue of
//! [`SCREENING_QUEUE_PER_SLOT`] per slot, so a burst of photos does not shed screenings and
//! screenings do not wait behind photos.

use crate::envelope::{ApiError, ApiResult};
use crate::Config;
use hawiya_core::codes;
use hawiya_face::engine::FaceEngine;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Semaphore;

/// Loading state of the engines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineStatus {
    /// Start-up has not finished loading the models.
    Loading,
    /// Every engine is loaded.
    Ready,
    /// Loading failed (models missing or corrupt); the reason.
    Failed(String),
}

/// The engines shared by all requests.
pub struct Engines {
    face: OnceLock<FaceEngine>,
    id_reader: OnceLock<hawiya_ocr::IdReader>,
    id_reader_error: Mutex<Option<String>>,
    status: Mutex<EngineStatus>,
    inference: Pool,
    screening: Pool,
}

/// Screenings that may wait for a screening slot, per slot.
pub const SCREENING_QUEUE_PER_SLOT: usize = 32;

/// Work that runs `slots` at a time off the async threads, behind an admission count of
/// at most `slots + queue` requests.
struct Pool {
    slots: Arc<Semaphore>,
    slot_count: usize,
    admitted: Arc<AtomicUsize>,
    limit: usize,
}

impl Pool {
    fn new(slots: usize, queue: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            slot_count: slots.max(1),
            admitted: Arc::new(AtomicUsize::new(0)),
            limit: slots.max(1) + queue,
        }
    }

    /// One more request in, or 6502 when `slots + queue` are in.
    fn admit(&self) -> ApiResult<Admitted> {
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::new(codes::BUSY));
        }
        Ok(Admitted(self.admitted.clone()))
    }

    /// Runs `work` on the blocking pool once a slot is free.
    async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> ApiResult<R> {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work()
        })
        .await
        .map_err(ApiError::internal)
    }
}

/// An admitted request ([`Engines::admit`]): counted until dropped (also when the client
/// goes away mid-request).
pub struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether the request that started some work still waits for its answer: set once the
/// request's future is dropped (the client went away). Work run by
/// [`Engines::run_cancellable`] checks it between its stages and stops early; nothing it
/// returns then reaches anyone.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// The answer is no longer wanted.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Sets its [`Cancel`] when dropped; held by the future that awaits the work.
struct SetOnDrop(Cancel);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0 .0.store(true, Ordering::Relaxed);
    }
}

impl Engines {
    /// Empty engines with `slots` inference permits and room for `queue` waiting requests
    /// (and as many screening permits, with [`SCREENING_QUEUE_PER_SLOT`] waiting each).
    pub fn new(slots: usize, queue: usize) -> Self {
        Self {
            face: OnceLock::new(),
            id_reader: OnceLock::new(),
            id_reader_error: Mutex::new(None),
            status: Mutex::new(EngineStatus::Loading),
            inference: Pool::new(slots, queue),
            screening: Pool::new(slots, slots.max(1) * SCREENING_QUEUE_PER_SLOT),
        }
    }

    /// Loads ONNX Runtime and every engine from the configured models directory. Blocking.
    pub fn load(&self, config: &Config) {
        let dir = config.models_dir();
        // Reasons reach answers (6500, `/readyz`): the server's paths stay in the log.
        let public = |reason: String| {
            reason
                .replace(&dir.display().to_string(), "<models dir>")
                .replace(&config.data_dir.display().to_string(), "<data dir>")
        };
        let result = (|| -> anyhow::Result<()> {
            let bad = hawiya_infer::fetch::verify(&dir);
            anyhow::ensure!(
                bad.is_empty(),
                "model files missing or altered in {}: {} (run `hawiya models fetch`)",
                dir.display(),
                bad.join(", ")
            );
            let runtime = hawiya_infer::runtime::Runtime::load(&dir, config.inference_slots)?;
            let face = FaceEngine::load(&runtime, &dir, config.face_match_threshold)?;
            let _ = self.face.set(face);
            // The ID readers fail alone (e.g. Tesseract not installed): face work goes on.
            match hawiya_ocr::IdReader::load(self.inference.slot_count, &runtime, &dir) {
                Ok(reader) => {
                    let _ = self.id_reader.set(reader);
                }
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "loading the ID readers failed");
                    *self
                        .id_reader_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = Some(public(format!("{e:#}")));
                }
            }
            Ok(())
        })();
        let status = match result {
            Ok(()) => {
                tracing::info!("engines loaded");
                EngineStatus::Ready
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "loading the engines failed");
                EngineStatus::Failed(public(format!("{e:#}")))
            }
        };
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }

    /// The current loading state.
    pub fn status(&self) -> EngineStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Why the ID readers failed to load, if they did.
    pub fn id_reader_error(&self) -> Option<String> {
        self.id_reader_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The ID readers, or error 6500 while loading or if they failed to load.
    pub fn id_reader(&self) -> ApiResult<&hawiya_ocr::IdReader> {
        self.id_reader.get().ok_or_else(|| {
            match self.id_reader_error().or(match self.status() {
                EngineStatus::Failed(reason) => Some(reason),
                _ => None,
            }) {
                Some(reason) => ApiError::new(codes::ENGINE_UNAVAILABLE)
                    .message(format!("The ID readers could not be loaded: {reason}")),
                None => ApiError::new(codes::ENGINE_UNAVAILABLE),
            }
        })
    }

    /// The face engine, or error 6500 while it is loading or if it failed to load.
    pub fn face(&self) -> ApiResult<&FaceEngine> {
        self.face.get().ok_or_else(|| match self.status() {
            EngineStatus::Failed(reason) => ApiError::new(codes::ENGINE_UNAVAILABLE)
                .message(format!("The face engine could not be loaded: {reason}")),
            _ => ApiError::new(codes::ENGINE_UNAVAILABLE),
        })
    }

    /// Admits one more request to the engine routes, or 6502 when `slots + queue` are in.
    pub fn admit(&self) -> ApiResult<Admitted> {
        self.inference.admit()
    }

    /// Admits one more screening request, or 6502 when the screening pool's slots and
    /// queue are in.
    pub fn admit_screening(&self) -> ApiResult<Admitted> {
        self.screening.admit()
    }

    /// Runs an AML screening once a screening slot is free, off the async threads.
    pub async fn screen<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> ApiResult<R> {
        self.screening.run(work).await
    }

    /// Runs blocking work (decoding, inference) once an inference slot is free, off the async
    /// threads. Work not yet started when the client goes away never starts; work under way
    /// keeps its slot until it ends (see [`Engines::run_cancellable`] for work that can stop).
    pub async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> ApiResult<R> {
        self.inference.run(work).await
    }

    /// [`Engines::run`] for work in stages: `work` is handed a [`Cancel`] that is set when
    /// the request's future is dropped (the client went away), and stops at its next check.
    pub async fn run_cancellable<R: Send + 'static>(
        &self,
        work: impl FnOnce(&Cancel) -> R + Send + 'static,
    ) -> ApiResult<R> {
        let cancel = Cancel::default();
        let _set_on_drop = SetOnDrop(cancel.clone());
        self.run(move || {
            let out = work(&cancel);
            if cancel.is_set() {
                tracing::info!("engine work ended after its client went away");
            }
            out
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn screenings_are_admitted_and_run_while_inference_is_full() {
        let engines = Arc::new(Engines::new(1, 0));
        let held = engines.admit().expect("the one inference place");
        assert!(engines.admit().is_err(), "a second inference is shed");
        // The inference slot is busy until released.
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let busy = {
            let engines = engines.clone();
            tokio::spawn(async move { engines.run(move || release_rx.recv().ok()).await })
        };
        let admitted: Vec<Admitted> = (0..1 + SCREENING_QUEUE_PER_SLOT)
            .map(|_| engines.admit_screening().expect("room for screenings"))
            .collect();
        assert!(
            engines.admit_screening().is_err(),
            "the screening queue is bounded"
        );
        assert_eq!(engines.screen(|| 7).await.unwrap(), 7);
        drop(admitted);
        assert!(engines.admit_screening().is_ok());
        release_tx.send(()).unwrap();
        busy.await.unwrap().unwrap();
        drop(held);
        assert!(engines.admit().is_ok());
    }

    #[tokio::test]
    async fn work_sees_cancel_once_its_request_is_dropped() {
        let engines = Arc::new(Engines::new(1, 0));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let request = {
            let engines = engines.clone();
            tokio::spawn(async move {
                engines
                    .run_cancellable(move |cancel| {
                        started_tx.send(()).unwrap();
                        // Stages until told to stop (bounded: the test fails, not hangs).
                        for _ in 0..500 {
                            if cancel.is_set() {
                                seen_tx.send(true).unwrap();
                                return;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(10));
                        }
                        seen_tx.send(false).unwrap();
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        request.abort();
        let seen = tokio::task::spawn_blocking(move || seen_rx.recv().unwrap())
            .await
            .unwrap();
        assert!(seen, "the work ran on after its request was dropped");
    }

    #[tokio::test]
    async fn work_of_a_request_still_waiting_is_not_cancelled() {
        let engines = Engines::new(1, 0);
        let set = engines
            .run_cancellable(|cancel| cancel.is_set())
            .await
            .unwrap();
        assert!(!set);
    }
}

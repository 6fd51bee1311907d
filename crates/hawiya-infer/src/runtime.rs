//! ONNX Runtime: loaded once from the fetched shared library; sessions created at start-up,
//! kept in small pools, and run on a bounded set of blocking threads.
//!
//! `Session::run` needs `&mut Session`, so each model has a pool of sessions (one per
//! inference slot, one intra-op thread each) rather than one session behind a lock: on a
//! 2-core machine two requests then run side by side without oversubscribing the cores.

use anyhow::Context;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

/// The ONNX Runtime environment (one per process).
#[derive(Clone)]
pub struct Runtime {
    env: Arc<ort::environment::Environment>,
    slots: usize,
}

impl Runtime {
    /// Loads `libonnxruntime.so` from `models_dir` and creates the environment (or shares
    /// the one an earlier load of this process created).
    /// `slots` is how many inferences may run at once (defaults to the number of cores).
    pub fn load(models_dir: &Path, slots: Option<usize>) -> anyhow::Result<Self> {
        let lib = models_dir.join(crate::manifest::ONNXRUNTIME_LIB);
        anyhow::ensure!(
            lib.exists(),
            "{} is missing: run `hawiya models fetch`",
            lib.display()
        );
        // ONNX Runtime (through `ort`) allows one environment per process, ever: a second
        // one fails ("only one environment is allowed per process") even after the first
        // was dropped. So the first is kept for the process and every load shares it.
        static ENV: Mutex<Option<Arc<ort::environment::Environment>>> = Mutex::new(None);
        let mut shared = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let env = match shared.as_ref() {
            Some(env) => env.clone(),
            None => {
                let env = Arc::new(
                    ort::init_from(&lib)
                        .with_context(|| format!("loading {}", lib.display()))?
                        .with_name("hawiya")
                        .build()
                        .context("creating the ONNX Runtime environment")?,
                );
                *shared = Some(env.clone());
                env
            }
        };
        drop(shared);
        let slots = slots
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1);
        Ok(Self { env, slots })
    }

    /// How many inferences may run at once.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Creates `self.slots()` sessions of the model at `path` (one intra-op thread each).
    pub fn pool(&self, path: &Path) -> anyhow::Result<SessionPool> {
        let mut sessions = Vec::with_capacity(self.slots);
        // The sessions of one model share their pre-packed weights instead of each holding a copy.
        let prepacked = ort::session::builder::PrepackedWeights::new();
        for _ in 0..self.slots {
            let ort_err = |e: ort::Error<ort::session::builder::SessionBuilder>| {
                anyhow::anyhow!("configuring a session: {e}")
            };
            let session = Session::builder(&self.env)?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(ort_err)?
                .with_intra_threads(1)
                .map_err(ort_err)?
                .with_inter_threads(1)
                .map_err(ort_err)?
                .with_prepacked_weights(&prepacked)
                .map_err(ort_err)?
                .commit_from_file(path)
                .with_context(|| format!("loading model {}", path.display()))?;
            sessions.push(session);
        }
        Ok(SessionPool {
            inner: Arc::new(PoolInner {
                sessions: Mutex::new(sessions),
                returned: Condvar::new(),
            }),
        })
    }
}

struct PoolInner {
    sessions: Mutex<Vec<Session>>,
    returned: Condvar,
}

/// Sessions of one model; `with` lends one out, waiting if all are busy.
#[derive(Clone)]
pub struct SessionPool {
    inner: Arc<PoolInner>,
}

impl SessionPool {
    /// Runs `f` with exclusive use of one session. Call from a blocking thread.
    pub fn with<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        let session = {
            let mut free = self
                .inner
                .sessions
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(s) = free.pop() {
                    break s;
                }
                free = self
                    .inner
                    .returned
                    .wait(free)
                    .unwrap_or_else(|e| e.into_inner());
            }
        };
        // Give the session back even if `f` panics.
        struct Return<'a>(&'a PoolInner, Option<Session>);
        impl Drop for Return<'_> {
            fn drop(&mut self) {
                if let Some(s) = self.1.take() {
                    self.0
                        .sessions
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(s);
                    self.0.returned.notify_one();
                }
            }
        }
        let mut guard = Return(&self.inner, Some(session));
        f(guard.1.as_mut().expect("session is present until drop"))
    }
}

//! ONNX Runtime: loaded once from the fetched shared library; sessions created at start-up,
//! kept in small pools, and run on a bounded set of blocking threads.
//!
//! `Session::run` needs `&mut Session`, so each model has a pool of sessions (one per
//! inference slot, one intra-op thread each) rather than one session behind a lock: on a
//! 2-core machine two requests then run side by side without oversubscribing the cores.
//! A model whose one call dominates a request's latency (the text detector) may also get
//! a wide session, one intra-op thread per slot, lent only while no other inference of
//! the runtime is running ([`Runtime::pool_with_wide`]): an idle server answers one
//! request faster, a busy one as before.

use anyhow::Context;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// The ONNX Runtime environment (one per process).
#[derive(Clone)]
pub struct Runtime {
    env: Arc<ort::environment::Environment>,
    slots: usize,
    /// Calls of this runtime's pools in progress (lent a session, or waiting for one).
    busy: Arc<AtomicUsize>,
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
        Ok(Self {
            env,
            slots,
            busy: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// How many inferences may run at once.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Creates `self.slots()` sessions of the model at `path` (one intra-op thread each).
    pub fn pool(&self, path: &Path) -> anyhow::Result<SessionPool> {
        self.make_pool(path, false)
    }

    /// [`Runtime::pool`] plus one wide session (`self.slots()` intra-op threads, which
    /// sleep rather than spin between operators), lent instead of a narrow one when no
    /// other call of this runtime is in progress. With one slot there is nothing to widen.
    pub fn pool_with_wide(&self, path: &Path) -> anyhow::Result<SessionPool> {
        self.make_pool(path, self.slots > 1)
    }

    fn make_pool(&self, path: &Path, wide: bool) -> anyhow::Result<SessionPool> {
        // The sessions of one model share their pre-packed weights instead of each holding a copy.
        let prepacked = ort::session::builder::PrepackedWeights::new();
        let session = |threads: usize| -> anyhow::Result<Session> {
            let ort_err = |e: ort::Error<ort::session::builder::SessionBuilder>| {
                anyhow::anyhow!("configuring a session: {e}")
            };
            Session::builder(&self.env)?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(ort_err)?
                .with_intra_threads(threads)
                .map_err(ort_err)?
                // A wide session's threads sleep between operators rather than spin, so
                // a request arriving meanwhile finds the cores free.
                .with_intra_op_spinning(threads == 1)
                .map_err(ort_err)?
                .with_inter_threads(1)
                .map_err(ort_err)?
                .with_prepacked_weights(&prepacked)
                .map_err(ort_err)?
                .commit_from_file(path)
                .with_context(|| format!("loading model {}", path.display()))
        };
        let sessions = (0..self.slots)
            .map(|_| session(1))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let wide = if wide {
            Some(session(self.slots)?)
        } else {
            None
        };
        Ok(SessionPool {
            inner: Arc::new(PoolInner {
                sessions: Mutex::new(sessions),
                wide: Mutex::new(wide),
                returned: Condvar::new(),
                busy: self.busy.clone(),
            }),
        })
    }
}

struct PoolInner {
    sessions: Mutex<Vec<Session>>,
    /// The wide session, when the pool has one and it is not lent out.
    wide: Mutex<Option<Session>>,
    returned: Condvar,
    /// The runtime's count of calls in progress ([`Runtime`]'s `busy`).
    busy: Arc<AtomicUsize>,
}

/// Sessions of one model; `with` lends one out, waiting if all are busy.
#[derive(Clone)]
pub struct SessionPool {
    inner: Arc<PoolInner>,
}

impl SessionPool {
    /// Whether the pool has a wide session ([`Runtime::pool_with_wide`]) not lent out now.
    pub fn wide_idle(&self) -> bool {
        self.inner
            .wide
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Runs `f` with exclusive use of one session: the wide one when the pool has it and
    /// no other call of the runtime is in progress, else a narrow one, waiting if all are
    /// busy. Call from a blocking thread.
    pub fn with<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        let inner = &*self.inner;
        let alone = inner.busy.fetch_add(1, Ordering::SeqCst) == 0;
        let wide = if alone {
            inner.wide.lock().unwrap_or_else(|e| e.into_inner()).take()
        } else {
            None
        };
        let lent = match wide {
            Some(s) => Lent::Wide(s),
            None => {
                let mut free = inner.sessions.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if let Some(s) = free.pop() {
                        break Lent::Narrow(s);
                    }
                    free = inner.returned.wait(free).unwrap_or_else(|e| e.into_inner());
                }
            }
        };
        let mut guard = Return(inner, Some(lent));
        f(guard.session())
    }
}

/// A session lent out, and which kind it is.
enum Lent {
    Narrow(Session),
    Wide(Session),
}

/// Gives a lent session back to its pool when dropped (also when `f` panics).
struct Return<'a>(&'a PoolInner, Option<Lent>);

impl Return<'_> {
    fn session(&mut self) -> &mut Session {
        match self.1.as_mut().expect("session is present until drop") {
            Lent::Narrow(s) | Lent::Wide(s) => s,
        }
    }
}

impl Drop for Return<'_> {
    fn drop(&mut self) {
        match self.1.take() {
            Some(Lent::Narrow(s)) => {
                self.0
                    .sessions
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(s);
                self.0.returned.notify_one();
            }
            Some(Lent::Wide(s)) => {
                *self.0.wide.lock().unwrap_or_else(|e| e.into_inner()) = Some(s);
            }
            None => {}
        }
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

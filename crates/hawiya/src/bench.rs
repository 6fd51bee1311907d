//! `hawiya bench face`: accuracy of the face engine on labelled pairs, and the latency,
//! throughput and memory of `POST /v1/ocr/face/compare` over HTTP.
//!
//! Accuracy runs in process. The threshold is calibrated on the tune set only (best accuracy;
//! a tie is broken by the middle of the widest gap) and reported on the eval set, clean and with
//! the second image of each pair degraded like an ID-card photo. The HTTP part starts a real
//! `hawiya serve` child process, so the memory figure is the server's alone.

use anyhow::{bail, Context};
use hawiya_face::engine::{FaceEngine, FaceRole};
use image::{DynamicImage, RgbImage};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Options of `hawiya bench face`.
#[derive(Debug, clap::Args)]
pub struct FaceBenchArgs {
    /// Tune set: `<name><k>.png`, the name is the identity.
    #[arg(long, default_value = "testdata/faces/tune")]
    pub tune: PathBuf,
    /// Eval set: images and `master.csv` (`file_x,file_y,Decision`).
    #[arg(long, default_value = "../shared/data/faces/eval")]
    pub eval: PathBuf,
    /// Sequential requests for the latency figure.
    #[arg(long, default_value_t = 40)]
    pub requests: usize,
    /// Concurrent clients for the throughput figure.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// Pairs each client sends in the throughput run.
    #[arg(long, default_value_t = 10)]
    pub pairs_per_client: usize,
    /// Skip the HTTP part.
    #[arg(long)]
    pub no_http: bool,
    /// Skip the accuracy part.
    #[arg(long)]
    pub no_accuracy: bool,
}

struct Scores {
    genuine: Vec<f32>,
    impostor: Vec<f32>,
}

impl Scores {
    /// Area under the ROC curve (Mann-Whitney).
    fn auc(&self) -> f64 {
        let mut wins = 0.0;
        for g in &self.genuine {
            for i in &self.impostor {
                wins += if g > i {
                    1.0
                } else if g == i {
                    0.5
                } else {
                    0.0
                };
            }
        }
        wins / (self.genuine.len() * self.impostor.len()).max(1) as f64
    }

    fn errors_at(&self, t: f32) -> (usize, usize) {
        (
            self.genuine.iter().filter(|&&g| g < t).count(),
            self.impostor.iter().filter(|&&i| i >= t).count(),
        )
    }

    /// Threshold with the fewest errors; ties go to the middle of the widest error-free gap.
    fn best_threshold(&self) -> f32 {
        let mut candidates: Vec<f32> = self.genuine.iter().chain(&self.impostor).copied().collect();
        candidates.sort_by(f32::total_cmp);
        let mut best = (usize::MAX, 0.0f32, 0.0f32);
        for w in candidates.windows(2) {
            let t = (w[0] + w[1]) / 2.0;
            let (fr, fa) = self.errors_at(t);
            let gap = w[1] - w[0];
            if fr + fa < best.0 || (fr + fa == best.0 && gap > best.2) {
                best = (fr + fa, t, gap);
            }
        }
        best.1
    }

    fn tar_at_far(&self, far: f64) -> f64 {
        let mut imp = self.impostor.clone();
        imp.sort_by(f32::total_cmp);
        let idx = ((imp.len() as f64) * (1.0 - far)).ceil() as usize;
        let t = imp
            .get(idx.min(imp.len().saturating_sub(1)))
            .copied()
            .unwrap_or(1.0);
        self.genuine.iter().filter(|&&g| g > t).count() as f64 / self.genuine.len().max(1) as f64
    }

    fn report(&self, name: &str, threshold: f32) {
        let (fr, fa) = self.errors_at(threshold);
        let min_g = self.genuine.iter().copied().fold(f32::INFINITY, f32::min);
        let max_i = self
            .impostor
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        println!(
            "| {name} | {} / {} | {:.4} | {:.3} | {min_g:.3} | {max_i:.3} | {fr} | {fa} |",
            self.genuine.len(),
            self.impostor.len(),
            self.auc(),
            self.tar_at_far(0.01),
        );
    }
}

/// Decodes an image file (EXIF orientation applied) to RGB.
pub fn load_rgb(path: &Path) -> anyhow::Result<RgbImage> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    let limits = hawiya_vision::Limits {
        max_bytes: 64 << 20,
        max_pixels: 100_000_000,
    };
    let decoded = hawiya_vision::decode_image_bytes(&bytes, &limits)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(decoded.image.to_rgb8())
}

/// The ID-card simulation of the issue: face shrunk to about 70 px wide, grayscale, blurred,
/// JPEG quality 40, then scaled back up to the original size.
pub fn degrade_like_id_photo(img: &RgbImage, face_width: f32) -> anyhow::Result<RgbImage> {
    let scale = (70.0 / face_width.max(1.0)).min(1.0);
    let (w, h) = (img.width(), img.height());
    let small_w = ((w as f32 * scale).round() as u32).max(8);
    let small_h = ((h as f32 * scale).round() as u32).max(8);
    let small =
        image::imageops::resize(img, small_w, small_h, image::imageops::FilterType::Triangle);
    let gray = DynamicImage::ImageRgb8(small).grayscale();
    let blurred = gray.blur(0.8);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 40)
        .encode_image(&blurred.to_rgb8())?;
    let back = image::load_from_memory(&jpeg)?.to_rgb8();
    Ok(image::imageops::resize(
        &back,
        w,
        h,
        image::imageops::FilterType::CatmullRom,
    ))
}

/// The `p` quantile (0-1) of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs the benchmark and prints Markdown tables.
pub fn run(config: &hawiya_server::Config, args: &FaceBenchArgs) -> anyhow::Result<()> {
    if !args.no_accuracy {
        accuracy(config, args)?;
    }
    if !args.no_http {
        http_bench(config, args)?;
    }
    Ok(())
}

fn accuracy(config: &hawiya_server::Config, args: &FaceBenchArgs) -> anyhow::Result<()> {
    let models = config.models_dir();
    let runtime = hawiya_infer::runtime::Runtime::load(&models, None)?;
    let engine = FaceEngine::load(&runtime, &models, None)?;

    // ---- tune: every pair of the identity-labelled crops
    let mut tune = Vec::new();
    let mut tune_failures = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&args.tune)
        .with_context(|| args.tune.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
        .collect();
    entries.sort();
    for path in &entries {
        let name: String = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string();
        match engine.analyze(&load_rgb(path)?, FaceRole::IdPhoto) {
            Ok(a) => tune.push((name, a.embedding)),
            Err(_) => tune_failures += 1,
        }
    }
    let mut tune_scores = Scores {
        genuine: vec![],
        impostor: vec![],
    };
    for i in 0..tune.len() {
        for j in i + 1..tune.len() {
            let s = hawiya_face::align::cosine(&tune[i].1, &tune[j].1);
            if tune[i].0 == tune[j].0 {
                tune_scores.genuine.push(s);
            } else {
                tune_scores.impostor.push(s);
            }
        }
    }
    let min_error = tune_scores.best_threshold();
    let max_tune_impostor = tune_scores
        .impostor
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    let calibrated = max_tune_impostor + hawiya_face::engine::THRESHOLD_MARGIN;
    let shipped = engine.threshold();

    // ---- eval: labelled pairs, clean and degraded
    let csv = std::fs::read_to_string(args.eval.join("master.csv"))
        .with_context(|| format!("{}/master.csv", args.eval.display()))?;
    let mut clean = Scores {
        genuine: vec![],
        impostor: vec![],
    };
    let mut degraded = Scores {
        genuine: vec![],
        impostor: vec![],
    };
    let mut cache: std::collections::HashMap<String, (RgbImage, Vec<f32>, f32)> =
        Default::default();
    let mut sharp_clean = Vec::new();
    let mut sharp_degraded = Vec::new();
    let mut eval_failures = Vec::new();
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        if cols.len() < 3 {
            bail!("bad master.csv line: {line}");
        }
        for f in &cols[..2] {
            if !cache.contains_key(*f) {
                let img = load_rgb(&args.eval.join(f))?;
                match engine.analyze(&img, FaceRole::IdPhoto) {
                    Ok(a) => {
                        sharp_clean.push(a.sharpness as f64);
                        cache.insert(f.to_string(), (img, a.embedding, a.face.width()));
                    }
                    Err(e) => {
                        eval_failures.push(format!("{f}: {e}"));
                        continue;
                    }
                }
            }
        }
        let (Some(x), Some(y)) = (cache.get(cols[0]), cache.get(cols[1])) else {
            continue;
        };
        let same = cols[2].eq_ignore_ascii_case("yes");
        let s = hawiya_face::align::cosine(&x.1, &y.1);
        let d = match engine.analyze(&degrade_like_id_photo(&y.0, y.2)?, FaceRole::IdPhoto) {
            Ok(a) => {
                sharp_degraded.push(a.sharpness as f64);
                hawiya_face::align::cosine(&x.1, &a.embedding)
            }
            Err(e) => {
                eval_failures.push(format!("{} degraded: {e}", cols[1]));
                -1.0
            }
        };
        let (c, g) = (&mut clean, &mut degraded);
        if same {
            c.genuine.push(s);
            g.genuine.push(d);
        } else {
            c.impostor.push(s);
            g.impostor.push(d);
        }
    }

    println!("## Face accuracy (YuNet + SFace, cosine)\n");
    println!(
        "Tune set: {} crops ({} without a usable face). Calibration rule (security first): highest tune impostor score {max_tune_impostor:.3} + margin {:.3} = **{calibrated:.3}**; shipped threshold **{shipped:.3}**. (The fewest-errors point on tune, {min_error:.3}, is shown for comparison: {} false accepts on clean eval there.)\n",
        entries.len(),
        tune_failures,
        hawiya_face::engine::THRESHOLD_MARGIN,
        clean.errors_at(min_error).1
    );
    println!("| set | genuine / impostor pairs | AUC | TAR @ FAR 1 % | worst genuine | worst impostor | false rejects @ shipped | false accepts @ shipped |");
    println!("|---|---|---|---|---|---|---|---|");
    tune_scores.report("tune (calibration)", shipped);
    clean.report("eval, clean", shipped);
    degraded.report("eval, 2nd image ID-photo-degraded", shipped);
    if !eval_failures.is_empty() {
        println!(
            "\nImages without a usable face: {}",
            eval_failures.join("; ")
        );
    }
    sharp_clean.sort_by(f64::total_cmp);
    sharp_degraded.sort_by(f64::total_cmp);
    println!(
        "\nSharpness (variance of the Laplacian of the aligned face), p5 / p50: clean {:.0} / {:.0}; degraded {:.0} / {:.0}.",
        percentile(&sharp_clean, 0.05),
        percentile(&sharp_clean, 0.5),
        percentile(&sharp_degraded, 0.05),
        percentile(&sharp_degraded, 0.5)
    );
    Ok(())
}

/// Two 1280×960 JPEG photos of one person from the face eval set `eval`, as base64.
pub fn compare_body(eval: &Path) -> anyhow::Result<String> {
    use base64::Engine;
    let mut encoded = Vec::new();
    for f in ["img20.jpg", "img21.jpg"] {
        let img = load_rgb(&eval.join(f))?;
        let resized =
            image::imageops::resize(&img, 1280, 960, image::imageops::FilterType::Triangle);
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&resized)?;
        encoded.push(base64::engine::general_purpose::STANDARD.encode(jpeg));
    }
    Ok(serde_json::json!({"face_image1": encoded[0], "face_image2": encoded[1]}).to_string())
}

/// A `hawiya serve` child process on a fresh data directory with one tenant, for the HTTP
/// benchmarks (so memory figures are the server's alone). Stopped (SIGTERM) on drop.
pub struct BenchServer {
    /// `http://host:port`.
    pub base: String,
    /// The tenant's API key.
    pub key: String,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl BenchServer {
    /// Starts the server and waits until it is ready.
    pub fn start(config: &hawiya_server::Config) -> anyhow::Result<Self> {
        Self::start_after(config, &[])
    }

    /// [`BenchServer::start`], after running these `hawiya` commands on its data directory
    /// (e.g. an AML list import).
    pub fn start_after(
        config: &hawiya_server::Config,
        setup: &[Vec<std::ffi::OsString>],
    ) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        let exe = std::env::current_exe()?;
        let env = [
            ("HAWIYA_DATA_DIR", data.display().to_string()),
            (
                "HAWIYA_MODELS_DIR",
                config.models_dir().display().to_string(),
            ),
            ("HAWIYA_LOG", "warn".to_string()),
        ];
        let out = std::process::Command::new(&exe)
            .args(["tenant", "create", "bench"])
            .envs(env.iter().cloned())
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let key = stdout
            .lines()
            .find_map(|l| l.strip_prefix("api_key: "))
            .context("tenant create printed no key")?
            .to_string();
        for command in setup {
            let out = std::process::Command::new(&exe)
                .args(command)
                .envs(env.iter().cloned())
                .output()?;
            anyhow::ensure!(
                out.status.success(),
                "{command:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let port_file = dir.path().join("addr");
        let child = std::process::Command::new(&exe)
            .args(["serve", "--listen", "127.0.0.1:0", "--port-file"])
            .arg(&port_file)
            .envs(env.iter().cloned())
            .stdout(std::process::Stdio::null())
            .spawn()?;
        let mut server = Self {
            base: String::new(),
            key,
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            if let Ok(a) = std::fs::read_to_string(&port_file) {
                break a;
            }
            anyhow::ensure!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        server.base = format!("http://{addr}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        while agent
            .get(&format!("{}/readyz", server.base))
            .call()
            .is_err()
        {
            anyhow::ensure!(Instant::now() < deadline, "server never became ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    /// A JSON POST to `path` carrying the API key, ready to send.
    pub fn request(&self, agent: &ureq::Agent, path: &str) -> ureq::Request {
        agent
            .post(&format!("{}{path}", self.base))
            .set("ApiKey", &self.key)
            .set("Content-Type", "application/json")
    }

    /// POSTs a JSON body with the API key; the parsed response.
    pub fn post(
        &self,
        agent: &ureq::Agent,
        path: &str,
        body: &str,
    ) -> anyhow::Result<serde_json::Value> {
        Ok(self.request(agent, path).send_string(body)?.into_json()?)
    }

    /// The server's peak resident memory (`VmHWM` of `/proc/PID/status`).
    pub fn peak_memory(&self) -> String {
        self.memory("VmHWM:")
    }

    /// The server's resident memory now (`VmRSS`).
    pub fn memory_now(&self) -> String {
        self.memory("VmRSS:")
    }

    fn memory(&self, field: &str) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .unwrap_or("?")
            .trim()
            .to_string()
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Prints the header of a measure table and its single-client latency rows.
pub fn print_latency_rows(sorted: &[f64]) {
    println!("| measure | value |\n|---|---|");
    println!(
        "| latency, single client, median of {} | {:.1} ms |",
        sorted.len(),
        percentile(sorted, 0.5)
    );
    println!(
        "| latency, single client, p95 | {:.1} ms |",
        percentile(sorted, 0.95)
    );
}

/// Sorted latencies in milliseconds.
pub fn sorted_ms(durations: impl IntoIterator<Item = Duration>) -> Vec<f64> {
    let mut v: Vec<f64> = durations
        .into_iter()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

fn http_bench(config: &hawiya_server::Config, args: &FaceBenchArgs) -> anyhow::Result<()> {
    let server = BenchServer::start(config)?;
    let body = compare_body(&args.eval)?;
    let post = |agent: &ureq::Agent| -> anyhow::Result<Duration> {
        let t = Instant::now();
        let r = server.post(agent, "/v1/ocr/face/compare", &body)?;
        anyhow::ensure!(r["data"]["isMatched"] == true, "unexpected answer: {r}");
        Ok(t.elapsed())
    };
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    for _ in 0..3 {
        post(&agent)?;
    }
    let lat = sorted_ms(
        (0..args.requests)
            .map(|_| post(&agent))
            .collect::<anyhow::Result<Vec<_>>>()?,
    );
    let start = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..args.clients)
            .map(|_| {
                s.spawn(|| -> anyhow::Result<()> {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(120))
                        .build();
                    for _ in 0..args.pairs_per_client {
                        post(&agent)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("client thread panicked"))??;
        }
        Ok(())
    })?;
    let elapsed = start.elapsed().as_secs_f64();
    let pairs = args.clients * args.pairs_per_client;
    println!(
        "\n## face/compare over HTTP (two 1280×960 JPEGs, {} cores)\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    print_latency_rows(&lat);
    println!(
        "| throughput, {} concurrent clients, {pairs} pairs | {:.1} pairs/s |",
        args.clients,
        pairs as f64 / elapsed
    );
    println!("| server peak memory (VmHWM) | {} |", server.peak_memory());
    Ok(())
}

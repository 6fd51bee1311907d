//! `hawiya bench load`: a `hawiya serve` child driven by 1, 8, 32 and 64 concurrent clients
//! on face/compare, the ID front and AML screening; throughput, latency of the admitted
//! requests, errors, shed requests and the server's peak memory.
//!
//! Each client sends one request after another for `--seconds` per level. A request shed with
//! 503 (6502) is counted as shed and its client waits the `Retry-After` it was given, as a
//! well-behaved client does; every other answer is admitted and timed. An error is a
//! transport failure or a 5xx other than 503.
//!
//! `--endpoints slow-upload` is an attack instead: as many connections as each level's
//! clients each declare a 20 MB ID-front body and send it at 16 KiB a second, half without an
//! `ApiKey`; it prints how each was answered and the server's memory.

use crate::bench::{compare_body, percentile, BenchServer};
use anyhow::Context;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Options of `hawiya bench load`.
#[derive(Debug, clap::Args)]
pub struct LoadBenchArgs {
    /// Concurrent clients of each level.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,64")]
    pub clients: Vec<usize>,
    /// Endpoints driven, one after another: face, id-front, aml; and slow-upload (an attack,
    /// see the module docs).
    #[arg(long, value_delimiter = ',', default_value = "face,id-front,aml")]
    pub endpoints: Vec<String>,
    /// Seconds each level runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Face eval set (two photos of one person are compared).
    #[arg(long, default_value = "../shared/data/faces/eval")]
    pub faces: PathBuf,
    /// Entries of the synthetic AML list imported before the server starts.
    #[arg(long, default_value_t = 10_000)]
    pub list_size: usize,
}

/// An endpoint and the request bodies its clients cycle through.
struct Endpoint {
    name: &'static str,
    path: &'static str,
    bodies: Vec<String>,
}

/// What one level measured.
#[derive(Default)]
struct Level {
    admitted: Vec<f64>,
    shed: usize,
    errors: usize,
}

impl Level {
    fn merge(&mut self, other: Level) {
        self.admitted.extend(other.admitted);
        self.shed += other.shed;
        self.errors += other.errors;
    }
}

/// Generated ID fronts, photographed in perspective and sent as 1280 px wide JPEGs.
fn id_front_bodies() -> anyhow::Result<Vec<String>> {
    use base64::Engine;
    use hawiya_synth::{Degradation, DocType, Generator};
    let g = Generator::new(None)?;
    (0..4)
        .map(|i| {
            let sample = g.generate(
                DocType::IdFront,
                4242,
                i,
                &[Degradation::Perspective, Degradation::Jpeg],
            )?;
            let (w, h) = sample.image.dimensions();
            let photo = image::imageops::resize(
                &sample.image,
                1280,
                (h * 1280 / w.max(1)).max(1),
                image::imageops::FilterType::Triangle,
            );
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
                .encode_image(&photo)?;
            let b64 = base64::engine::general_purpose::STANDARD.encode(jpeg);
            Ok(serde_json::json!({ "image": b64 }).to_string())
        })
        .collect()
}

/// Sends `body` and files the answer into `level`; the time to wait before the next
/// request (a shed request's `Retry-After`).
fn send(
    server: &BenchServer,
    agent: &ureq::Agent,
    path: &str,
    body: &str,
    level: &mut Level,
) -> Duration {
    let start = Instant::now();
    let answer = server.request(agent, path).send_string(body);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match answer {
        Err(ureq::Error::Status(503, response)) => {
            level.shed += 1;
            let secs = response
                .header("Retry-After")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            return Duration::from_secs(secs);
        }
        Err(ureq::Error::Status(code, _)) if code >= 500 => level.errors += 1,
        Err(ureq::Error::Transport(_)) => level.errors += 1,
        Ok(_) | Err(ureq::Error::Status(..)) => level.admitted.push(ms),
    }
    Duration::ZERO
}

/// `clients` clients on `endpoint` for `seconds`.
fn drive(server: &BenchServer, endpoint: &Endpoint, clients: usize, seconds: u64) -> Level {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut total = Level::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|k| {
                s.spawn(move || {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(120))
                        .build();
                    let mut level = Level::default();
                    let mut n = k;
                    while Instant::now() < deadline {
                        let body = &endpoint.bodies[n % endpoint.bodies.len()];
                        n += 1;
                        let wait = send(server, &agent, endpoint.path, body, &mut level);
                        let left = deadline.saturating_duration_since(Instant::now());
                        std::thread::sleep(wait.min(left));
                    }
                    level
                })
            })
            .collect();
        for h in handles {
            if let Ok(level) = h.join() {
                total.merge(level);
            }
        }
    });
    total
}

/// Runs the benchmark and prints its table.
pub fn run(config: &hawiya_server::Config, args: &LoadBenchArgs) -> anyhow::Result<()> {
    let list_dir = tempfile::tempdir()?;
    let list_path = list_dir.path().join("list.csv");
    let list = hawiya_aml::gen::synthetic_list(7, args.list_size.max(1));
    hawiya_aml::gen::write_tenant_csv(&list_path, &list.entries)?;
    let mut endpoints = Vec::new();
    for name in &args.endpoints {
        if name == "slow-upload" {
            continue;
        }
        endpoints.push(match name.as_str() {
            "face" => Endpoint {
                name: "face/compare",
                path: "/v1/ocr/face/compare",
                bodies: vec![compare_body(&args.faces)?],
            },
            "id-front" => Endpoint {
                name: "id/front",
                path: "/v1/ocr/id/front",
                bodies: id_front_bodies()?,
            },
            "aml" => Endpoint {
                name: "aml/validate",
                path: "/v1/ocr/aml/validate",
                bodies: list
                    .entries
                    .iter()
                    .step_by((list.entries.len() / 16).max(1))
                    .filter_map(|e| e.names.first())
                    .map(|n| serde_json::json!({ "name": n }).to_string())
                    .collect(),
            },
            other => anyhow::bail!("unknown endpoint {other:?} (face, id-front, aml, slow-upload)"),
        });
    }
    let import: Vec<std::ffi::OsString> = vec![
        "aml".into(),
        "import".into(),
        "csv".into(),
        list_path.clone().into(),
        "--name".into(),
        "bench".into(),
    ];
    let server = BenchServer::start_after(config, &[import])?;
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build();
    // Warm up each endpoint; AML answers 6501 until the server has loaded the list.
    for endpoint in &endpoints {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = server.post(&agent, endpoint.path, &endpoint.bodies[0]);
            let loading = matches!(&r, Ok(v) if v["error_code"] == 6501);
            if !loading {
                r.with_context(|| format!("warming up {}", endpoint.name))?;
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "the AML list never loaded");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    println!(
        "## `hawiya bench load` ({} cores, {} s per level; latency of admitted requests)\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        args.seconds
    );
    println!("| endpoint | clients | admitted/s | p50 | p99 | p99 / one client's p50 | errors | shed | server peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for endpoint in &endpoints {
        let mut alone: Option<f64> = None;
        for &clients in &args.clients {
            let start = Instant::now();
            let mut level = drive(&server, endpoint, clients.max(1), args.seconds);
            let elapsed = start.elapsed().as_secs_f64();
            level.admitted.sort_by(f64::total_cmp);
            let (p50, p99) = (
                percentile(&level.admitted, 0.5),
                percentile(&level.admitted, 0.99),
            );
            if clients == 1 {
                alone = Some(p50);
            }
            println!(
                "| {} | {clients} | {:.1} | {p50:.0} ms | {p99:.0} ms | {} | {} | {} | {} |",
                endpoint.name,
                level.admitted.len() as f64 / elapsed,
                alone.map_or("–".into(), |a| format!("{:.1}×", p99 / a)),
                level.errors,
                level.shed,
                server.peak_memory()
            );
        }
    }
    if args.endpoints.iter().any(|e| e == "slow-upload") {
        slow_upload_table(&server, &args.clients, args.seconds)?;
    }
    Ok(())
}

/// Declared length of a slow upload's body.
const SLOW_BODY_BYTES: usize = 20 << 20;
/// What a slow upload sends each second.
const SLOW_CHUNK: usize = 16 << 10;

/// Prints how `clients` slow uploads ([`slow_upload`]) of each level were answered and the
/// server's memory before, at the end and a few seconds after.
fn slow_upload_table(server: &BenchServer, levels: &[usize], seconds: u64) -> anyhow::Result<()> {
    let addr = server.base.trim_start_matches("http://").to_string();
    println!("\n| slow uploads (20 MB declared, 16 KiB/s, {seconds} s) | answers | RSS before | peak RSS | RSS 5 s after |");
    println!("|---|---|---|---|---|");
    for &clients in levels {
        let before = server.memory_now();
        let mut answers = std::collections::BTreeMap::<String, usize>::new();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..clients)
                .map(|k| {
                    let key = (k % 2 == 0).then_some(server.key.as_str());
                    let addr = addr.as_str();
                    s.spawn(move || slow_upload(addr, key, seconds))
                })
                .collect();
            for h in handles {
                let answer = h.join().unwrap_or_else(|_| "panicked".into());
                *answers.entry(answer).or_default() += 1;
            }
        });
        let peak = server.peak_memory();
        std::thread::sleep(Duration::from_secs(5));
        let answers: Vec<String> = answers.iter().map(|(a, n)| format!("{a} ×{n}")).collect();
        println!(
            "| {clients} connections | {} | {before} | {peak} | {} |",
            answers.join(", "),
            server.memory_now()
        );
    }
    Ok(())
}

/// One slow upload to `/v1/ocr/id/front` (with the API key `key`, if any) for at most
/// `seconds`: the answer's status line's code and the API code, or why there was none.
fn slow_upload(addr: &str, key: Option<&str>, seconds: u64) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return "connect failed".into();
    };
    let key = key.map_or(String::new(), |k| format!("ApiKey: {k}\r\n"));
    let head = format!(
        "POST /v1/ocr/id/front HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{key}Content-Length: {SLOW_BODY_BYTES}\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return "refused".into();
    }
    let _ = stream.set_nonblocking(true);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let chunk = vec![b'A'; SLOW_CHUNK];
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let mut next_chunk = Instant::now();
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
        if answer.windows(10).any(|w| w == b"error_code") && answer.ends_with(b"}") {
            break;
        }
        if Instant::now() >= next_chunk {
            let _ = stream.write(&chunk);
            next_chunk += Duration::from_secs(1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text.split_whitespace().nth(1).unwrap_or("none");
    let code = text
        .split("\"error_code\":")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap_or("");
    if status == "none" {
        "no answer in time".into()
    } else {
        format!("{status} {code}").trim().to_string()
    }
}

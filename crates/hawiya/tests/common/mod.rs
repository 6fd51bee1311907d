//! Test harness: starts the real `hawiya` binary on a free port and talks to it over HTTP.
//!
//! The database is SQLite in a temporary data directory, or the PostgreSQL server named by
//! `HAWIYA_TEST_DATABASE_URL` (the test script starts a throwaway cluster and runs the suite
//! once per database).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server.
pub struct Server {
    child: Option<Child>,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    agent: ureq::Agent,
}

/// A tenant created with the CLI.
#[derive(Debug, Clone)]
pub struct Creds {
    pub name: String,
    pub api_key: String,
    pub admin_user: String,
    pub admin_password: String,
}

/// A response: status, JSON body (Null if not JSON), `X-Request-Id` header.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub request_id: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    pub text: String,
}

impl Reply {
    /// The envelope's `error_code` (None when null).
    pub fn code(&self) -> Option<u64> {
        self.body["error_code"].as_u64()
    }

    /// Asserts the body is the five-key envelope.
    pub fn assert_envelope(&self) {
        let obj = self
            .body
            .as_object()
            .unwrap_or_else(|| panic!("not a JSON object: {}", self.text));
        for key in [
            "data",
            "services",
            "error_code",
            "error_message",
            "error_descriptions",
        ] {
            assert!(obj.contains_key(key), "missing {key} in {}", self.text);
        }
        assert_eq!(obj.len(), 5, "extra keys in {}", self.text);
    }

    /// Asserts an envelope error with this HTTP status and code.
    pub fn assert_error(&self, status: u16, code: u64) {
        self.assert_envelope();
        assert_eq!(
            (self.status, self.code()),
            (status, Some(code)),
            "{}",
            self.text
        );
        assert!(self.body["data"].is_null());
        assert!(self.body["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }

    /// Asserts a successful envelope and returns its `data`.
    pub fn ok_data(&self) -> &Value {
        self.assert_envelope();
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(self.body["error_code"].is_null(), "{}", self.text);
        &self.body["data"]
    }
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hawiya"))
}

/// The models every test server shares: `HAWIYA_TEST_MODELS_DIR`, else `<repo>/data/models`.
/// Fetched (idempotently) once per test binary.
pub fn models_dir() -> PathBuf {
    static FETCHED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FETCHED
        .get_or_init(|| {
            let dir = std::env::var_os("HAWIYA_TEST_MODELS_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/models"))
                });
            let out = Command::new(binary())
                .args(["models", "fetch"])
                .env("HAWIYA_MODELS_DIR", &dir)
                .output()
                .expect("run hawiya models fetch");
            assert!(
                out.status.success(),
                "models fetch failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            dir
        })
        .clone()
}

impl Server {
    /// Starts a server with the default configuration.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with extra `HAWIYA_*` variables and waits until it is ready.
    pub fn start_with(extra_env: &[(&str, &str)]) -> Self {
        let server = Self::start_unready(extra_env);
        server.wait_ready();
        server
    }

    /// Starts a server and returns once it listens, ready or not.
    pub fn start_unready(extra_env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut env: Vec<(String, String)> = vec![
            (
                "HAWIYA_DATA_DIR".into(),
                dir.path().join("data").display().to_string(),
            ),
            ("HAWIYA_LOG".into(), "warn".into()),
            (
                "HAWIYA_MODELS_DIR".into(),
                models_dir().display().to_string(),
            ),
        ];
        if let Ok(url) = std::env::var("HAWIYA_TEST_DATABASE_URL") {
            env.push(("HAWIYA_DATABASE_URL".into(), url));
        }
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let port_file = dir.path().join("addr");
        let child = Command::new(binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--port-file"])
            .arg(&port_file)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env_remove("HAWIYA_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn hawiya serve");
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            if let Ok(a) = std::fs::read_to_string(&port_file) {
                break a;
            }
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        Server {
            child: Some(child),
            base: format!("http://{addr}"),
            dir,
            env,
            agent,
        }
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.get("/readyz", &[]).status != 200 {
            assert!(Instant::now() < deadline, "server never became ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs `hawiya <args>` against this server's data directory and database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(binary())
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("HAWIYA_CONFIG")
            .output()
            .expect("run hawiya")
    }

    /// Creates a tenant with a unique name through the CLI.
    pub fn tenant(&self, prefix: &str) -> Creds {
        let name = format!("{prefix}-{}", uuid::Uuid::new_v4().simple());
        let out = self.cli(&["tenant", "create", &name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let field = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                .unwrap_or_else(|| panic!("no {key} in {stdout}"))
                .to_string()
        };
        Creds {
            name,
            api_key: field("api_key"),
            admin_user: field("admin_user"),
            admin_password: field("admin_password"),
        }
    }

    /// Sends a request with raw body bytes.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some(bytes) => req.send_bytes(bytes),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let request_id = resp.header("x-request-id").map(str::to_string);
        let retry_after = resp.header("retry-after").map(str::to_string);
        let text = resp.into_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            body,
            request_id,
            retry_after,
            text,
        }
    }

    /// POSTs JSON with the given headers.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let mut h = headers.to_vec();
        h.push(("Content-Type", "application/json"));
        self.send("POST", path, &h, Some(body.to_string().as_bytes()))
    }

    /// GETs with the given headers.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", path, headers, None)
    }

    /// Logs `creds`' admin in and returns the token data.
    pub fn login(&self, creds: &Creds) -> Value {
        let r = self.post(
            "/api/credentials/Login",
            &[("TenancyName", &creds.name)],
            &serde_json::json!({"userNameOrEmailAddress": creds.admin_user, "password": creds.admin_password}),
        );
        r.ok_data().clone()
    }

    /// Number of transactions the tenant can see.
    pub fn transaction_count(&self, creds: &Creds) -> u64 {
        let r = self.get("/v1/app/transactions", &[("ApiKey", &creds.api_key)]);
        r.ok_data()["totalCount"].as_u64().unwrap()
    }

    /// Sends SIGTERM and waits for the process; returns whether it exited cleanly in time.
    pub fn terminate(mut self) -> bool {
        let mut child = self.child.take().unwrap();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A small real photo from the repository's test data, base64-encoded.
pub fn face_b64() -> String {
    testdata_b64("faces/tune/amy1.png")
}

/// A file of the repository's `testdata/`, base64-encoded.
pub fn testdata_b64(path: &str) -> String {
    use base64::Engine;
    let full = format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64 of raw bytes.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A JPEG of the given size, encoded in memory.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

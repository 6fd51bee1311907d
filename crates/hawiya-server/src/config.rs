//! Server configuration: built-in defaults, then a TOML file, then `HAWIYA_*` variables.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Everything the server can be configured with. Every field has a default, so
/// `hawiya serve` runs with no configuration at all.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `host:port` to listen on (`HAWIYA_LISTEN`).
    pub listen: String,
    /// Data directory: SQLite database, keys, models (`HAWIYA_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Database URL; unset means SQLite in the data directory (`HAWIYA_DATABASE_URL`).
    pub database_url: Option<String>,
    /// Keep request images (sealed) with their steps (`HAWIYA_STORE_IMAGES`). Off by default.
    pub store_images: bool,
    /// Largest decoded image, in bytes (`HAWIYA_MAX_IMAGE_BYTES`).
    pub max_image_bytes: usize,
    /// Largest image, in pixels (`HAWIYA_MAX_IMAGE_PIXELS`).
    pub max_image_pixels: u64,
    /// Largest request body, in bytes (`HAWIYA_MAX_BODY_BYTES`); must fit several images.
    pub max_body_bytes: usize,
    /// Lifetime of access tokens, in seconds.
    pub access_token_ttl_secs: i64,
    /// Lifetime of refresh tokens, in seconds.
    pub refresh_token_ttl_secs: i64,
    /// Model files; unset means `<data_dir>/models` (`HAWIYA_MODELS_DIR`).
    pub models_dir: Option<PathBuf>,
    /// Inferences that may run at once; unset means one per core (`HAWIYA_INFERENCE_SLOTS`).
    pub inference_slots: Option<usize>,
    /// Requests that may wait for an inference slot; beyond them a request is answered 6502
    /// (503, `Retry-After`) at once. Unset means none: a request finding every slot busy is
    /// shed (`HAWIYA_INFERENCE_QUEUE`).
    pub inference_queue: Option<usize>,
    /// Cosine similarity at or above which two faces match (`HAWIYA_FACE_MATCH_THRESHOLD`);
    /// unset means the calibrated default of the face engine.
    pub face_match_threshold: Option<f32>,
    /// Hit score at or above which AML screening alerts (`HAWIYA_AML_THRESHOLD`); unset means
    /// the calibrated default of the matcher.
    pub aml_threshold: Option<f32>,
    /// Seconds between checks for newly imported AML lists (`HAWIYA_AML_REFRESH_SECS`).
    pub aml_refresh_secs: u64,
    /// Versions of each AML list kept, the active one included; older ones are deleted
    /// after each import (`HAWIYA_AML_KEEP_VERSIONS`).
    pub aml_keep_versions: i64,
    /// Bytes of request bodies that may be in flight at once, over all requests
    /// (`HAWIYA_BODY_BUDGET_BYTES`); a request whose declared length does not fit is
    /// answered 6502 before its body is read. At least `max_body_bytes`.
    pub body_budget_bytes: usize,
    /// Seconds a request's body may take to arrive (`HAWIYA_BODY_READ_TIMEOUT_SECS`).
    pub body_read_timeout_secs: u64,
    /// Seconds in-flight requests may take to finish after SIGTERM/SIGINT before the server
    /// stops anyway (`HAWIYA_SHUTDOWN_GRACE_SECS`).
    pub shutdown_grace_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            store_images: false,
            max_image_bytes: 5 * 1024 * 1024,
            max_image_pixels: 25_000_000,
            max_body_bytes: 32 * 1024 * 1024,
            access_token_ttl_secs: 24 * 3600,
            refresh_token_ttl_secs: 7 * 24 * 3600,
            models_dir: None,
            inference_slots: None,
            inference_queue: None,
            face_match_threshold: None,
            aml_threshold: None,
            aml_refresh_secs: 10,
            aml_keep_versions: 3,
            body_budget_bytes: 256 * 1024 * 1024,
            body_read_timeout_secs: 60,
            shutdown_grace_secs: 30,
        }
    }
}

impl Config {
    /// Loads the configuration: defaults, then `file` (or `HAWIYA_CONFIG`) if given, then the
    /// environment variables named on each field.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HAWIYA_CONFIG").map(PathBuf::from));
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("reading config {}: {e}", path.display()))?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("config {}: {e}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        fn parse<T: std::str::FromStr>(name: &str, value: &str) -> anyhow::Result<T> {
            value
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{name}: cannot parse {value:?}"))
        }
        if let Some(v) = get("HAWIYA_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("HAWIYA_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("HAWIYA_DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = Some(v);
        }
        if let Some(v) = get("HAWIYA_STORE_IMAGES") {
            self.store_images = parse("HAWIYA_STORE_IMAGES", &v)?;
        }
        if let Some(v) = get("HAWIYA_MAX_IMAGE_BYTES") {
            self.max_image_bytes = parse("HAWIYA_MAX_IMAGE_BYTES", &v)?;
        }
        if let Some(v) = get("HAWIYA_MAX_IMAGE_PIXELS") {
            self.max_image_pixels = parse("HAWIYA_MAX_IMAGE_PIXELS", &v)?;
        }
        if let Some(v) = get("HAWIYA_MAX_BODY_BYTES") {
            self.max_body_bytes = parse("HAWIYA_MAX_BODY_BYTES", &v)?;
        }
        if let Some(v) = get("HAWIYA_MODELS_DIR").filter(|v| !v.is_empty()) {
            self.models_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("HAWIYA_INFERENCE_SLOTS") {
            self.inference_slots = Some(parse("HAWIYA_INFERENCE_SLOTS", &v)?);
        }
        if let Some(v) = get("HAWIYA_INFERENCE_QUEUE") {
            self.inference_queue = Some(parse("HAWIYA_INFERENCE_QUEUE", &v)?);
        }
        if let Some(v) = get("HAWIYA_AML_THRESHOLD") {
            self.aml_threshold = Some(parse("HAWIYA_AML_THRESHOLD", &v)?);
        }
        if let Some(v) = get("HAWIYA_AML_REFRESH_SECS") {
            self.aml_refresh_secs = parse("HAWIYA_AML_REFRESH_SECS", &v)?;
        }
        if let Some(v) = get("HAWIYA_AML_KEEP_VERSIONS") {
            self.aml_keep_versions = parse("HAWIYA_AML_KEEP_VERSIONS", &v)?;
        }
        if let Some(v) = get("HAWIYA_FACE_MATCH_THRESHOLD") {
            self.face_match_threshold = Some(parse("HAWIYA_FACE_MATCH_THRESHOLD", &v)?);
        }
        if let Some(v) = get("HAWIYA_BODY_BUDGET_BYTES") {
            self.body_budget_bytes = parse("HAWIYA_BODY_BUDGET_BYTES", &v)?;
        }
        if let Some(v) = get("HAWIYA_BODY_READ_TIMEOUT_SECS") {
            self.body_read_timeout_secs = parse("HAWIYA_BODY_READ_TIMEOUT_SECS", &v)?;
        }
        if let Some(v) = get("HAWIYA_SHUTDOWN_GRACE_SECS") {
            self.shutdown_grace_secs = parse("HAWIYA_SHUTDOWN_GRACE_SECS", &v)?;
        }
        anyhow::ensure!(
            self.body_budget_bytes >= self.max_body_bytes,
            "HAWIYA_BODY_BUDGET_BYTES ({}) must be at least HAWIYA_MAX_BODY_BYTES ({})",
            self.body_budget_bytes,
            self.max_body_bytes
        );
        anyhow::ensure!(
            self.body_read_timeout_secs > 0,
            "HAWIYA_BODY_READ_TIMEOUT_SECS must be at least 1"
        );
        Ok(())
    }

    /// The database URL in effect: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| hawiya_store::Store::sqlite_url(&self.data_dir))
    }

    /// The models directory in effect.
    pub fn models_dir(&self) -> PathBuf {
        self.models_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("models"))
    }

    /// Image limits for the decoder.
    pub fn image_limits(&self) -> hawiya_vision::Limits {
        hawiya_vision::Limits {
            max_bytes: self.max_image_bytes,
            max_pixels: self.max_image_pixels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "HAWIYA_LISTEN" => Some("0.0.0.0:9".into()),
            "HAWIYA_STORE_IMAGES" => Some("true".into()),
            "HAWIYA_DATABASE_URL" => Some(String::new()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9");
        assert!(c.store_images);
        assert!(c.database_url.is_none(), "empty URL means the default");
        assert!(c.database_url().starts_with("sqlite://"));
        let bad = c.apply_env(|k| (k == "HAWIYA_MAX_IMAGE_BYTES").then(|| "lots".into()));
        assert!(bad.is_err());
    }

    #[test]
    fn toml_file_is_strict() {
        let c: Config = toml::from_str("store_images = true\nmax_image_bytes = 10").unwrap();
        assert!(c.store_images);
        assert_eq!(c.max_image_bytes, 10);
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert!(toml::from_str::<Config>("stor_images = true").is_err());
    }
}

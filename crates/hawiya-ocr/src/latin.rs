//! Latin text lines (the card serial `idKey`) with the PP-OCRv6 small recogniser from the
//! `rapidocr` wheel (`hawiya_infer::manifest::PPOCR_REC`), run on ONNX Runtime.
//!
//! The network takes a line scaled to 48 pixels high (RGB, `(x/255 − 0.5) / 0.5`) and gives,
//! per column, probabilities over its dictionary (ONNX metadata key `character`, one entry
//! per line) with the CTC blank first and a space last. Read greedily.

use hawiya_infer::runtime::{Runtime, SessionPool};
use image::{imageops, RgbImage};
use ort::value::Tensor;
use std::path::Path;

/// Input height of the recogniser.
const INPUT_H: u32 = 48;
/// Widest input (longer lines are squeezed).
const MAX_INPUT_W: u32 = 960;

/// `image` as a PaddleOCR network takes it: 1×3×H×W, BGR (as the models were trained),
/// `(v/255 − 0.5) / 0.5`.
pub(crate) fn ppocr_input(image: &RgbImage) -> ort::Result<Tensor<f32>> {
    let (w, h) = image.dimensions();
    let plane = (w * h) as usize;
    let mut input = vec![0f32; 3 * plane];
    for (x, y, p) in image.enumerate_pixels() {
        let i = (y * w + x) as usize;
        for (c, v) in [p[2], p[1], p[0]].into_iter().enumerate() {
            input[c * plane + i] = (f32::from(v) / 255.0 - 0.5) / 0.5;
        }
    }
    Tensor::from_array(([1usize, 3, h as usize, w as usize], input))
}

/// The PP-OCR recogniser with its dictionary.
pub struct LatinReader {
    pool: SessionPool,
    /// Class `i + 1` is `dictionary[i]`; class 0 is the blank.
    dictionary: Vec<String>,
}

/// A line read: its text and the mean probability of its characters.
#[derive(Debug, Clone, PartialEq)]
pub struct LatinLine {
    /// The text.
    pub text: String,
    /// Mean character probability (0 for an empty reading).
    pub confidence: f32,
}

impl LatinReader {
    /// Loads the recogniser from `models_dir` (fetched by `hawiya models fetch`).
    pub fn load(runtime: &Runtime, models_dir: &Path) -> anyhow::Result<LatinReader> {
        let path = models_dir.join(hawiya_infer::manifest::PPOCR_REC);
        let pool = runtime.pool(&path)?;
        let dictionary = pool.with(|session| -> anyhow::Result<Vec<String>> {
            let metadata = session.metadata()?;
            let characters = metadata
                .custom("character")
                .ok_or_else(|| anyhow::anyhow!("{}: no `character` metadata", path.display()))?;
            let mut dictionary: Vec<String> = characters.lines().map(str::to_string).collect();
            dictionary.push(" ".to_string());
            Ok(dictionary)
        })?;
        Ok(LatinReader { pool, dictionary })
    }

    /// Reads one line crop.
    pub fn read(&self, line: &RgbImage) -> anyhow::Result<LatinLine> {
        let (w, h) = line.dimensions();
        if w < 4 || h < 4 {
            return Ok(LatinLine {
                text: String::new(),
                confidence: 0.0,
            });
        }
        let width = ((w as f32 * INPUT_H as f32 / h as f32).round() as u32).clamp(8, MAX_INPUT_W);
        let resized = imageops::resize(line, width, INPUT_H, imageops::FilterType::Triangle);
        let tensor = ppocr_input(&resized)?;
        let (steps, classes, probs) = self.pool.with(|session| -> anyhow::Result<_> {
            let outputs = session.run(ort::inputs![tensor])?;
            let (shape, data) = outputs[0].try_extract_tensor::<f32>()?;
            anyhow::ensure!(shape.len() == 3, "unexpected output shape {shape:?}");
            Ok((shape[1] as usize, shape[2] as usize, data.to_vec()))
        })?;
        let mut text = String::new();
        let (mut sum, mut count) = (0f32, 0usize);
        let mut previous = 0usize;
        for t in 0..steps {
            let row = &probs[t * classes..(t + 1) * classes];
            let (best, p) =
                row.iter()
                    .enumerate()
                    .fold((0, f32::MIN), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
            if best != 0 && best != previous {
                if let Some(ch) = self.dictionary.get(best - 1) {
                    text.push_str(ch);
                    sum += p;
                    count += 1;
                }
            }
            previous = best;
        }
        Ok(LatinLine {
            text: text.trim().to_string(),
            confidence: if count == 0 { 0.0 } else { sum / count as f32 },
        })
    }
}

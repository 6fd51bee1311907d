//! Arabic-Indic digit line recogniser: a small CNN with a CTC head, trained on synthetic renders.
//! The network ([`LineNet`]) is shaped by an [`Arch`]; the name line recogniser
//! ([`crate::name_net`]) is another arch of it.
//!
//! No registry package ships a recogniser for Arabic-Indic digits (Tesseract's `ara` lacks
//! ٢–٩; see `shared/research/ocr.md`), so Hawiya trains its own (`hawiya train digits`) and
//! ships the weights in `models/digits-v4.safetensors` (sha256 in `MODELS.md`), compiled
//! into the binary. Version 2 also reads nothing in Arabic words (it was fine-tuned with
//! address words labelled empty), so a reader can ask it whether an ink word is a number.
//!
//! A grey line crop is scaled to [`INPUT_H`] pixels high and normalised; four 3×3
//! convolutions with ReLU and max pooling turn it into a sequence of one column per 2 input
//! pixels (fine enough that two equal digits side by side keep a blank between them), which two dense layers map to [`ALPHABET`] plus the CTC blank. The output is read
//! greedily (best class per column, repeats merged, blanks dropped), with the runner-up digit
//! of every character kept for callers that can repair with a check digit.
//!
//! Training uses the CTC loss computed here by hand ([`ctc_loss_and_grad`]): candle has no CTC
//! loss, and the forward–backward recursions in plain Rust are short and exact.

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{
    conv1d, conv2d, linear, Conv1d, Conv1dConfig, Conv2d, Conv2dConfig, Linear, VarBuilder,
};
use image::{imageops, GrayImage};

/// Height the digit crops are scaled to.
pub const INPUT_H: usize = 24;
/// Characters the model reads (class `k + 1`; class 0 is the CTC blank).
pub const ALPHABET: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '/'];
/// Classes: the blank plus the alphabet.
pub const CLASSES: usize = ALPHABET.len() + 1;
/// Input pixels per output column (the horizontal pooling of the network).
pub const COLUMN_STRIDE: usize = 2;
/// Max-pooling (rows, columns) after each convolution; the columns' product is
/// [`COLUMN_STRIDE`].
const POOLS: [(usize, usize); 4] = [(2, 2), (2, 1), (2, 1), (2, 1)];
/// Widest input, after scaling (longer crops are squeezed).
pub const MAX_INPUT_W: usize = 512;
/// The shipped weights for dates, house numbers and other digit fields.
pub const WEIGHTS: &[u8] = include_bytes!("../models/digits-v5.safetensors");
/// sha256 of [`WEIGHTS`] (also in `MODELS.md`).
pub const WEIGHTS_SHA256: &str = "2944dc6768c763f2edef67b5532b5fd52020f601195ee58db9d42ba1af11ba99";
/// The shipped weights for the card's 14-digit number line, trained on lines drawn as real
/// cards print them (`hawiya_synth`'s card number lines) and real number crops.
pub const NUMBER_WEIGHTS: &[u8] = include_bytes!("../models/digits-v9.safetensors");
/// sha256 of [`NUMBER_WEIGHTS`] (also in `MODELS.md`).
pub const NUMBER_WEIGHTS_SHA256: &str =
    "915ffcaf2fbd579f96176b4219665b7f9c180c22ed9fca2dc9364d78c1091c85";

/// The shape of a line recogniser: what it reads and how wide its layers are.
#[derive(Debug)]
pub struct Arch {
    /// Height the crops are scaled to (a multiple of 16 reads all rows).
    pub input_h: usize,
    /// Channels of the input and of the four convolutions.
    pub channels: [usize; 5],
    /// Width of the hidden layer.
    pub hidden: usize,
    /// Output columns the hidden layer sees on each side (0: each column alone).
    pub hidden_reach: usize,
    /// Characters read (class `k + 1`; class 0 is the CTC blank).
    pub alphabet: &'static [char],
    /// The script runs right to left: the network reads the image's columns from the left,
    /// so texts are reversed into visual order for it and its readings back.
    pub right_to_left: bool,
}

impl Arch {
    /// Classes: the blank plus the alphabet.
    pub fn classes(&self) -> usize {
        self.alphabet.len() + 1
    }

    /// Class of a label character, or `None` if the model cannot output it.
    pub fn class_of(&self, c: char) -> Option<usize> {
        self.alphabet.iter().position(|&a| a == c).map(|k| k + 1)
    }

    /// Greedy decoding of log-probabilities `[columns][classes]` (visual order), in reading
    /// order.
    pub fn decode(&self, log_probs: &[Vec<f32>]) -> Vec<ReadChar> {
        let mut chars = decode_in(log_probs, self.alphabet);
        if self.right_to_left {
            chars.reverse();
        }
        chars
    }

    /// The classes of `text` in the order the network reads them (visual order), or `None`
    /// if it has a character the model cannot output.
    pub fn label(&self, text: &str) -> Option<Vec<usize>> {
        let mut label: Vec<usize> = text
            .chars()
            .map(|c| self.class_of(c))
            .collect::<Option<_>>()?;
        if self.right_to_left {
            label.reverse();
        }
        Some(label)
    }
}

/// The digit recogniser's shape.
pub const DIGIT_ARCH: Arch = Arch {
    input_h: INPUT_H,
    channels: [1, 12, 24, 48, 64],
    hidden: 96,
    hidden_reach: 0,
    alphabet: &ALPHABET,
    right_to_left: false,
};

/// The hidden layer: each output column alone, or with its neighbours.
enum Hidden {
    Dense(Linear),
    Wide(Conv1d),
}

/// A line recogniser (CNN + CTC) of some [`Arch`]; the digit recogniser is one.
pub struct LineNet {
    arch: &'static Arch,
    convs: [Conv2d; 4],
    hidden: Hidden,
    out: Linear,
}

/// The digit line recogniser.
pub type DigitNet = LineNet;

impl LineNet {
    /// Builds the digit network over `vb` (new variables when training, stored ones when
    /// loading).
    pub fn new(vb: VarBuilder) -> candle_core::Result<Self> {
        Self::with_arch(vb, &DIGIT_ARCH)
    }

    /// Builds a network of `arch` over `vb`.
    pub fn with_arch(vb: VarBuilder, arch: &'static Arch) -> candle_core::Result<Self> {
        let cfg = Conv2dConfig {
            padding: 1,
            ..Default::default()
        };
        let ch = arch.channels;
        let conv = |i: usize| conv2d(ch[i], ch[i + 1], 3, cfg, vb.pp(format!("conv{i}")));
        let features = ch[4] * (arch.input_h / 16).max(1);
        let hidden = if arch.hidden_reach == 0 {
            Hidden::Dense(linear(features, arch.hidden, vb.pp("hidden"))?)
        } else {
            let cfg = Conv1dConfig {
                padding: arch.hidden_reach,
                ..Default::default()
            };
            let kernel = 2 * arch.hidden_reach + 1;
            Hidden::Wide(conv1d(features, arch.hidden, kernel, cfg, vb.pp("hidden"))?)
        };
        Ok(Self {
            arch,
            convs: [conv(0)?, conv(1)?, conv(2)?, conv(3)?],
            hidden,
            out: linear(arch.hidden, arch.classes(), vb.pp("out"))?,
        })
    }

    /// The network's shape.
    pub fn arch(&self) -> &'static Arch {
        self.arch
    }

    /// The network of `arch` with `weights` (safetensors).
    pub fn load(weights: &[u8], arch: &'static Arch) -> candle_core::Result<Self> {
        let vb = VarBuilder::from_buffered_safetensors(weights.to_vec(), DType::F32, &Device::Cpu)?;
        Self::with_arch(vb, arch)
    }

    /// The network with the shipped weights ([`WEIGHTS`]).
    pub fn shipped() -> candle_core::Result<Self> {
        Self::with_weights(WEIGHTS)
    }

    /// The network with the shipped number-line weights ([`NUMBER_WEIGHTS`]).
    pub fn shipped_for_number_lines() -> candle_core::Result<Self> {
        Self::with_weights(NUMBER_WEIGHTS)
    }

    fn with_weights(weights: &[u8]) -> candle_core::Result<Self> {
        Self::load(weights, &DIGIT_ARCH)
    }

    /// Logits `[batch, width / COLUMN_STRIDE, classes]` of inputs
    /// `[batch, 1, input_h, width]` (width a multiple of 4).
    pub fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for (conv, pool) in self.convs.iter().zip(POOLS) {
            x = conv.forward(&x)?.relu()?.max_pool2d(pool)?;
        }
        // [b, c, 1, t] → [b, t, c]
        let (b, c, h, t) = x.dims4()?;
        let x = match &self.hidden {
            Hidden::Dense(dense) => {
                let x = x.permute((0, 3, 1, 2))?.reshape((b, t, c * h))?;
                dense.forward(&x)?
            }
            Hidden::Wide(conv) => {
                let x = x.reshape((b, c * h, t))?;
                conv.forward(&x)?.transpose(1, 2)?
            }
        };
        self.out.forward(&x.relu()?)
    }

    /// Reads several crops; one result per crop (empty for an unusable crop).
    pub fn read_lines_scored(&self, crops: &[GrayImage]) -> candle_core::Result<Vec<LineRead>> {
        read_lines_scored(self, crops)
    }

    /// Reads one crop prepared by [`prepare_at`] at this network's input height.
    pub fn read_prepared(&self, item: &(Vec<f32>, usize)) -> candle_core::Result<LineRead> {
        let logits = self.forward(&batch(std::slice::from_ref(item), &Device::Cpu)?)?;
        let mut seq = candle_nn::ops::log_softmax(&logits, D::Minus1)?
            .to_vec3::<f32>()?
            .remove(0);
        seq.truncate(item.1 / COLUMN_STRIDE);
        Ok(LineRead {
            chars: self.arch.decode(&seq),
            log_probs: seq,
        })
    }
}

/// A crop scaled to [`INPUT_H`] rows (width kept in proportion, rounded up to a multiple of
/// 4, at most [`MAX_INPUT_W`]), as zero-mean unit-variance values, row-major. `None` for an
/// empty crop.
pub fn prepare(crop: &GrayImage) -> Option<(Vec<f32>, usize)> {
    prepare_at(crop, INPUT_H)
}

/// [`prepare`] at `input_h` rows.
pub fn prepare_at(crop: &GrayImage, input_h: usize) -> Option<(Vec<f32>, usize)> {
    let (w, h) = crop.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let scaled_w = ((w as f32 * input_h as f32 / h as f32).round() as usize).clamp(4, MAX_INPUT_W);
    let width = scaled_w.div_ceil(4) * 4;
    let resized = imageops::resize(
        crop,
        scaled_w as u32,
        input_h as u32,
        imageops::FilterType::Triangle,
    );
    let n = (scaled_w * input_h) as f32;
    let mean = resized.pixels().map(|p| p[0] as f32).sum::<f32>() / n;
    let var = resized
        .pixels()
        .map(|p| (p[0] as f32 - mean).powi(2))
        .sum::<f32>()
        / n;
    let std = var.sqrt().max(8.0);
    // Pad on the right with the background value (0 after normalisation is the mean, so use
    // the row's edge pixel instead: the background continues).
    let mut out = vec![0f32; input_h * width];
    for y in 0..input_h {
        for x in 0..width {
            let sx = x.min(scaled_w - 1) as u32;
            out[y * width + x] = (resized.get_pixel(sx, y as u32)[0] as f32 - mean) / std;
        }
    }
    Some((out, width))
}

/// Stacks prepared crops (all of one height) into one `[n, 1, height, max width]` batch
/// (shorter ones padded with their last column).
pub fn batch(items: &[(Vec<f32>, usize)], device: &Device) -> candle_core::Result<Tensor> {
    let width = items.iter().map(|i| i.1).max().unwrap_or(4);
    let rows = items.first().map_or(INPUT_H, |(v, w)| v.len() / w);
    let mut data = vec![0f32; items.len() * rows * width];
    for (k, (v, w)) in items.iter().enumerate() {
        for y in 0..rows {
            for x in 0..width {
                data[(k * rows + y) * width + x] = v[y * w + x.min(w - 1)];
            }
        }
    }
    Tensor::from_vec(data, (items.len(), 1, rows, width), device)
}

/// One read character with its confidence and the runner-up digit.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadChar {
    /// The character.
    pub ch: char,
    /// Mean probability of `ch` over its columns.
    pub prob: f32,
    /// The most probable other character over those columns, and its mean probability.
    pub alternative: Option<(char, f32)>,
}

/// Greedy CTC decoding of one sequence of digit log-probabilities `[columns][CLASSES]`.
pub fn decode(log_probs: &[Vec<f32>]) -> Vec<ReadChar> {
    decode_in(log_probs, &ALPHABET)
}

/// Greedy CTC decoding of log-probabilities `[columns][alphabet + 1]` over `alphabet`.
pub fn decode_in(log_probs: &[Vec<f32>], alphabet: &[char]) -> Vec<ReadChar> {
    let mut out = Vec::new();
    let mut t = 0;
    while t < log_probs.len() {
        let best = argmax(&log_probs[t]);
        if best == 0 {
            t += 1;
            continue;
        }
        // The run of columns whose best class is `best`.
        let start = t;
        while t < log_probs.len() && argmax(&log_probs[t]) == best {
            t += 1;
        }
        let run = &log_probs[start..t];
        let mean = |k: usize| run.iter().map(|lp| lp[k].exp()).sum::<f32>() / run.len() as f32;
        let alternative = (1..=alphabet.len())
            .filter(|&k| k != best)
            .map(|k| (k, mean(k)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(k, p)| (alphabet[k - 1], p));
        out.push(ReadChar {
            ch: alphabet[best - 1],
            prob: mean(best),
            alternative,
        });
    }
    out
}

fn argmax(v: &[f32]) -> usize {
    v.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// A line as read: the greedy characters and the log-probabilities they came from.
#[derive(Debug, Clone, Default)]
pub struct LineRead {
    /// Greedy decoding.
    pub chars: Vec<ReadChar>,
    /// Log-probabilities `[columns][CLASSES]` (for scoring other candidate strings).
    pub log_probs: Vec<Vec<f32>>,
}

impl LineRead {
    /// `−ln p(text | line)` under the model (CTC), or `None` if `text` has a character the
    /// model cannot output or cannot fit in the line.
    pub fn nll(&self, text: &str) -> Option<f32> {
        self.nll_in(text, &DIGIT_ARCH)
    }

    /// [`LineRead::nll`] for a line read by a network of `arch`.
    pub fn nll_in(&self, text: &str, arch: &Arch) -> Option<f32> {
        ctc_loss_and_grad(&self.log_probs, &arch.label(text)?).map(|(loss, _)| loss)
    }
}

/// Reads several crops with `net`; one result per crop (empty for an unusable crop).
pub fn read_lines_scored(
    net: &DigitNet,
    crops: &[GrayImage],
) -> candle_core::Result<Vec<LineRead>> {
    let arch = net.arch();
    let prepared: Vec<Option<(Vec<f32>, usize)>> =
        crops.iter().map(|c| prepare_at(c, arch.input_h)).collect();
    let usable: Vec<(Vec<f32>, usize)> = prepared.iter().flatten().cloned().collect();
    if usable.is_empty() {
        return Ok(vec![LineRead::default(); crops.len()]);
    }
    // One crop at a time: in a batch, a short crop is padded to the longest one's width,
    // and the padding changes what the network reads at its end (single-digit house
    // numbers: 96.4 % exact batched against 98.3 % alone, on 1500 validation lines).
    let mut lines = Vec::with_capacity(usable.len());
    for item in &usable {
        lines.push(net.read_prepared(item)?);
    }
    let mut decoded = lines.into_iter();
    Ok(prepared
        .iter()
        .map(|p| match p {
            Some(_) => decoded.next().unwrap_or_default(),
            None => LineRead::default(),
        })
        .collect())
}

/// Reads several crops with `net`: the greedy characters of each (empty for an unusable
/// crop).
pub fn read_lines(net: &DigitNet, crops: &[GrayImage]) -> candle_core::Result<Vec<Vec<ReadChar>>> {
    Ok(read_lines_scored(net, crops)?
        .into_iter()
        .map(|l| l.chars)
        .collect())
}

/// The text of a decoded line.
pub fn text(chars: &[ReadChar]) -> String {
    chars.iter().map(|c| c.ch).collect()
}

/// Class of a label character, or `None` if the model cannot output it.
pub fn class_of(c: char) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c).map(|k| k + 1)
}

fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// CTC loss `−ln p(label | x)` of one sequence of log-probabilities (`[T][C]`, from a
/// log-softmax over logits) and its gradient with respect to the logits (`softmax − posterior
/// occupancy`, Graves 2006). `None` if the label cannot fit in `T` columns.
pub fn ctc_loss_and_grad(log_probs: &[Vec<f32>], label: &[usize]) -> Option<(f32, Vec<Vec<f32>>)> {
    let t_len = log_probs.len();
    let c = log_probs.first()?.len();
    // Extended label: blank, l1, blank, l2, ..., blank.
    let mut ext = vec![0usize];
    for &l in label {
        ext.push(l);
        ext.push(0);
    }
    let s_len = ext.len();
    let repeats = label.windows(2).filter(|w| w[0] == w[1]).count();
    if label.len() + repeats > t_len {
        return None;
    }
    let ninf = f64::NEG_INFINITY;
    let lp = |t: usize, k: usize| log_probs[t][k] as f64;
    let mut alpha = vec![vec![ninf; s_len]; t_len];
    alpha[0][0] = lp(0, ext[0]);
    if s_len > 1 {
        alpha[0][1] = lp(0, ext[1]);
    }
    for t in 1..t_len {
        for s in 0..s_len {
            let mut a = alpha[t - 1][s];
            if s >= 1 {
                a = log_add(a, alpha[t - 1][s - 1]);
            }
            if s >= 2 && ext[s] != 0 && ext[s] != ext[s - 2] {
                a = log_add(a, alpha[t - 1][s - 2]);
            }
            alpha[t][s] = a + lp(t, ext[s]);
        }
    }
    let mut beta = vec![vec![ninf; s_len]; t_len];
    beta[t_len - 1][s_len - 1] = lp(t_len - 1, ext[s_len - 1]);
    if s_len > 1 {
        beta[t_len - 1][s_len - 2] = lp(t_len - 1, ext[s_len - 2]);
    }
    for t in (0..t_len - 1).rev() {
        for s in 0..s_len {
            let mut b = beta[t + 1][s];
            if s + 1 < s_len {
                b = log_add(b, beta[t + 1][s + 1]);
            }
            if s + 2 < s_len && ext[s] != 0 && ext[s] != ext[s + 2] {
                b = log_add(b, beta[t + 1][s + 2]);
            }
            beta[t][s] = b + lp(t, ext[s]);
        }
    }
    let log_p = if s_len > 1 {
        log_add(alpha[t_len - 1][s_len - 1], alpha[t_len - 1][s_len - 2])
    } else {
        alpha[t_len - 1][s_len - 1]
    };
    if !log_p.is_finite() {
        return None;
    }
    let mut grad = vec![vec![0f32; c]; t_len];
    for t in 0..t_len {
        let mut occupancy = vec![ninf; c];
        for s in 0..s_len {
            // α and β both include column t's probability of ext[s]: remove one.
            occupancy[ext[s]] =
                log_add(occupancy[ext[s]], alpha[t][s] + beta[t][s] - lp(t, ext[s]));
        }
        for k in 0..c {
            let y = lp(t, k).exp();
            let post = (occupancy[k] - log_p).exp();
            grad[t][k] = (y - post) as f32;
        }
    }
    Some((-log_p as f32, grad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_softmax(v: &[f32]) -> Vec<f32> {
        let m = v.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let s: f32 = v.iter().map(|x| (x - m).exp()).sum();
        v.iter().map(|x| x - m - s.ln()).collect()
    }

    #[test]
    fn ctc_gradient_matches_finite_differences() {
        // 6 columns, 4 classes, label [1, 1, 2] (a repeat needs a blank between).
        let logits: Vec<Vec<f32>> = (0..6)
            .map(|t| {
                (0..4)
                    .map(|k| ((t * 7 + k * 3) % 5) as f32 * 0.3 - 0.5)
                    .collect()
            })
            .collect();
        let label = [1, 1, 2];
        let loss_of = |l: &Vec<Vec<f32>>| {
            let lp: Vec<Vec<f32>> = l.iter().map(|r| log_softmax(r)).collect();
            ctc_loss_and_grad(&lp, &label).unwrap()
        };
        let (loss, grad) = loss_of(&logits);
        assert!(loss > 0.0);
        let eps = 1e-2;
        for t in 0..6 {
            for k in 0..4 {
                let mut up = logits.clone();
                up[t][k] += eps;
                let mut down = logits.clone();
                down[t][k] -= eps;
                let numeric = (loss_of(&up).0 - loss_of(&down).0) / (2.0 * eps);
                assert!(
                    (numeric - grad[t][k]).abs() < 2e-3,
                    "t{t} k{k}: numeric {numeric} analytic {}",
                    grad[t][k]
                );
            }
        }
        // A label longer than the sequence allows has no alignment.
        let lp: Vec<Vec<f32>> = logits.iter().map(|r| log_softmax(r)).collect();
        assert!(ctc_loss_and_grad(&lp[..2], &label).is_none());
    }

    #[test]
    fn greedy_decoding_merges_repeats_and_keeps_alternatives() {
        let col = |best: usize, p: f32| -> Vec<f32> {
            (0..CLASSES)
                .map(|k| {
                    if k == best {
                        p.ln()
                    } else if k == 8 {
                        ((1.0 - p) * 0.9).ln()
                    } else {
                        ((1.0 - p) * 0.1 / (CLASSES - 2) as f32).ln()
                    }
                })
                .collect()
        };
        // "3", "3" (separated by a blank), "/" ; column 8 (digit 7) is the runner-up.
        let seq = vec![
            col(4, 0.9),
            col(4, 0.8),
            col(0, 0.9),
            col(4, 0.7),
            col(11, 0.95),
        ];
        let read = decode(&seq);
        assert_eq!(text(&read), "33/");
        assert_eq!(read[0].alternative.unwrap().0, '7');
        assert!((read[0].prob - 0.85).abs() < 1e-4);
    }

    #[test]
    fn shipped_weights_are_the_recorded_ones_and_load() {
        use sha2::Digest;
        let models_md = include_str!("../../../MODELS.md");
        for (weights, sha, net) in [
            (WEIGHTS, WEIGHTS_SHA256, DigitNet::shipped()),
            (
                NUMBER_WEIGHTS,
                NUMBER_WEIGHTS_SHA256,
                DigitNet::shipped_for_number_lines(),
            ),
        ] {
            assert_eq!(hex::encode(sha2::Sha256::digest(weights)), sha);
            assert!(models_md.contains(sha), "MODELS.md must record {sha}");
            let blank = GrayImage::from_pixel(200, 30, image::Luma([230]));
            let read = read_lines(&net.unwrap(), &[blank, GrayImage::new(0, 0)]).unwrap();
            assert_eq!(read.len(), 2);
            assert!(read[1].is_empty());
        }
    }

    #[test]
    fn prepare_scales_and_pads() {
        let img = GrayImage::from_fn(100, 20, |x, _| image::Luma([(x * 2) as u8]));
        let (v, w) = prepare(&img).unwrap();
        assert_eq!(w % 4, 0);
        assert_eq!(v.len(), INPUT_H * w);
        assert!(prepare(&GrayImage::new(0, 5)).is_none());
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        assert!(mean.abs() < 0.1);
    }
}

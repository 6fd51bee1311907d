//! `hawiya train digits`: trains the Arabic-Indic digit line recogniser
//! (`hawiya_ocr::digits`) on synthetic lines from `hawiya_synth::lines` and writes its
//! weights as safetensors.
//!
//! Reproducible from `--seed`: the lines, the initial weights (drawn by the project's own
//! seeded generator, not candle's unseeded one) and the batch order all derive from it. Only
//! floating-point summation order inside the matrix kernels may differ between machines.

use crate::real_eval::Part;
use anyhow::Context;
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use hawiya_ocr::digits::{self, LineNet};
use hawiya_synth::rng::Rng;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `hawiya train digits`.
#[derive(Debug, clap::Args)]
pub struct TrainDigitsArgs {
    /// Seed of the training lines, initial weights and batch order (validation lines use
    /// `seed + 1000`).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Training lines.
    #[arg(long, default_value_t = 30_000)]
    pub samples: u32,
    /// Validation lines.
    #[arg(long, default_value_t = 2_000)]
    pub validation: u32,
    /// Passes over the training lines.
    #[arg(long, default_value_t = 8)]
    pub epochs: usize,
    /// Lines per batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Peak learning rate (AdamW; cosine decay to 5 % of it).
    #[arg(long, default_value_t = 3e-3)]
    pub lr: f64,
    /// Where to write the weights.
    #[arg(long, default_value = "crates/hawiya-ocr/models/digits-v1.safetensors")]
    pub out: PathBuf,
    /// Percentage of the lines that are address words (`Generator::word_line`: words alone
    /// labelled empty, or a number beside a word labelled the number), so the recogniser
    /// learns to read nothing in a word. 0 (the default) draws digit lines only.
    #[arg(long, default_value_t = 0)]
    pub words: u32,
    /// Cut half the word lines labelled empty to one of their ink words, as the address
    /// reader cuts a line (a piece of a word must read as nothing too).
    #[arg(long)]
    pub pieces: bool,
    /// Crop half the house numbers as the address reader does: tight to their ink, with
    /// blank margins.
    #[arg(long)]
    pub number_crops: bool,
    /// Start from these weights instead of seeded random ones (fine-tuning).
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Add the number lines of the real photos under this folder (laid out as
    /// `shared/data/real-dev`; tuning part of `hawiya eval real`'s split only), cut as the
    /// front reader cuts them.
    #[arg(long)]
    pub real: Option<PathBuf>,
    /// Jittered copies of each real number line.
    #[arg(long, default_value_t = 20)]
    pub real_copies: u32,
    /// Percentage of the lines that are card number lines as real cards print them
    /// (`Generator::card_number_line`). 0 (the default) draws none.
    #[arg(long, default_value_t = 0)]
    pub card_numbers: u32,
    /// Percentage of the digit and card number lines drawn as a grey photocopy scanned
    /// small (`hawiya_synth::photocopied_line`). 0 (the default) draws none.
    #[arg(long, default_value_t = 0)]
    pub photocopies: u32,
    /// Before training and after each epoch, score the recogniser on the number lines of
    /// the real photos under this folder (laid out as `shared/data/real-dev`), tuning and
    /// held-back parts apart. Scoring only: nothing of them is trained on. With
    /// `HAWIYA_TRAIN_CONFUSIONS` set, also the most frequent edits (counts only).
    #[arg(long)]
    pub score_real: Option<PathBuf>,
}

/// Options of `hawiya train names`.
#[derive(Debug, clap::Args)]
pub struct TrainNamesArgs {
    /// Seed of the training lines, initial weights and batch order (validation lines use
    /// `seed + 1000`).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Generated training lines (`Generator::card_name_line`).
    #[arg(long, default_value_t = 20_000)]
    pub samples: u32,
    /// Generated validation lines.
    #[arg(long, default_value_t = 1_000)]
    pub validation: u32,
    /// Passes over the training lines.
    #[arg(long, default_value_t = 3)]
    pub epochs: usize,
    /// Lines per batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Peak learning rate (AdamW; cosine decay to 5 % of it).
    #[arg(long, default_value_t = 2e-3)]
    pub lr: f64,
    /// Where to write the weights.
    #[arg(long, default_value = "crates/hawiya-ocr/models/names-v1.safetensors")]
    pub out: PathBuf,
    /// Start from these weights instead of seeded random ones (fine-tuning).
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Add the name lines of the real photos under this folder (tuning part of
    /// `hawiya eval real`'s split only), cut as the front reader cuts them.
    #[arg(long)]
    pub real: Option<PathBuf>,
    /// Jittered copies of each real name line.
    #[arg(long, default_value_t = 20)]
    pub real_copies: u32,
    /// Before training and after each epoch, score the recogniser on the name lines of
    /// the real photos under this folder, tuning and held-back parts apart (scoring only).
    #[arg(long)]
    pub score_real: Option<PathBuf>,
}

struct Line {
    input: (Vec<f32>, usize),
    label: Vec<usize>,
    text: String,
    /// Drawn by `word_line` (else `digit_line`).
    word: bool,
}

/// How `hawiya train digits` cuts its lines as the address reader would (see
/// [`as_reader_cuts`]).
#[derive(Clone, Copy)]
struct ReaderCuts {
    /// `--pieces`: word lines labelled empty.
    pieces: bool,
    /// `--number-crops`: house numbers.
    number_crops: bool,
}

/// Half the time, a line as the address reader cuts and crops it
/// (`hawiya_ocr::address::InkWords`): with `pieces`, for a word line labelled empty, one of
/// its ink words (a piece such as the `أ` of `أحمد` or the `ة` of `عمارة` alone, which the
/// recogniser must also read as nothing; thin strokes left out: the reader does not trust a
/// `1` read there, and `ا` is drawn as `١`); with `number_crops`, for a house number, its
/// ink cut tight with the reader's blank margins (a small `٠` beside a tall digit must not
/// grow into a `٩`). Other lines are kept as drawn.
fn as_reader_cuts(
    sample: &hawiya_synth::lines::LineSample,
    word: bool,
    cuts: ReaderCuts,
    seed: u64,
    index: u32,
) -> image::GrayImage {
    let line = &sample.image;
    let house_number = cuts.number_crops
        && !word
        && !sample.text.is_empty()
        && sample.text.len() <= 4
        && sample.text.chars().all(|c| c.is_ascii_digit());
    let piece = cuts.pieces && word && sample.text.is_empty();
    let mut r = Rng::stream(seed, index, "word-piece");
    if !(piece || house_number) || !r.chance(0.5) {
        return line.clone();
    }
    let Some(cut) = hawiya_ocr::address::InkWords::cut(line) else {
        return line.clone();
    };
    if house_number {
        return match (cut.spans.first(), cut.spans.last()) {
            (Some(&(a, _)), Some(&(_, b))) => cut.crop(a, b),
            _ => line.clone(),
        };
    }
    let spans: Vec<(u32, u32)> = cut
        .spans
        .iter()
        .copied()
        .filter(|&(a, b)| !cut.is_thin(a, b))
        .collect();
    if spans.len() < 2 {
        return line.clone();
    }
    let (a, b) = *r.pick(&spans);
    cut.crop(a, b)
}

/// How many of every 100 lines are of each kind.
#[derive(Clone, Copy)]
struct Mix {
    /// Word lines (`--words`).
    words: u32,
    /// Card number lines (`--card-numbers`).
    card_numbers: u32,
    /// Digit and card number lines photocopied (`--photocopies`).
    photocopies: u32,
}

/// Draws `count` lines of `seed` on all cores, mixed as `mix` says (the rest digit lines),
/// some cut as the address reader cuts them (`cuts`, see [`as_reader_cuts`]).
fn lines(seed: u64, count: u32, mix: Mix, cuts: ReaderCuts) -> anyhow::Result<Vec<Line>> {
    drawn(count, |g, i| {
        let word = i % 100 < mix.words;
        let sample = if word {
            g.word_line(seed, i)
        } else if i % 100 >= 100 - mix.card_numbers.min(100 - mix.words) {
            g.card_number_line(seed, i)
        } else {
            g.digit_line(seed, i)
        };
        let mut image = as_reader_cuts(&sample, word, cuts, seed, i);
        if !word && mix.photocopies > 0 {
            let mut r = Rng::stream(seed, i, "photocopy");
            if r.chance(mix.photocopies as f32 / 100.0) {
                image = hawiya_synth::photocopied_line(&image, &mut r);
            }
        }
        line(&image, sample.text, word, &digits::DIGIT_ARCH)
    })
}

/// A training line of `arch` (`None` when the crop is unusable or its text has a character
/// the network cannot output).
fn line(image: &image::GrayImage, text: String, word: bool, arch: &digits::Arch) -> Option<Line> {
    Some(Line {
        input: digits::prepare_at(image, arch.input_h)?,
        label: arch.label(&text)?,
        text,
        word,
    })
}

/// Lines `0..count` drawn by `draw` on all cores, in index order per core.
fn drawn(
    count: u32,
    draw: impl Fn(&hawiya_synth::Generator, u32) -> Option<Line> + Sync,
) -> anyhow::Result<Vec<Line>> {
    let generator = hawiya_synth::Generator::new(None)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let mut parts: Vec<Vec<Line>> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (g, draw) = (&generator, &draw);
                s.spawn(move || {
                    (t..count)
                        .step_by(threads as usize)
                        .filter_map(|i| draw(g, i))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            parts.push(h.join().expect("line generator thread"));
        }
    });
    Ok(parts.into_iter().flatten().collect())
}

/// Batches of similar widths (little padding), as index lists.
fn batches(data: &[Line], size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by_key(|&i| (data[i].input.1, i));
    order.chunks(size).map(|c| c.to_vec()).collect()
}

/// Re-draws every variable from the project's seeded generator: Kaiming-uniform weights,
/// zero biases, in name order.
fn init_weights(varmap: &VarMap, seed: u64) -> anyhow::Result<()> {
    let data = varmap.data().lock().expect("varmap lock");
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = Rng::stream(seed, 0, "digit-net-init");
    for name in names {
        let var = &data[name];
        let dims = var.dims().to_vec();
        let n: usize = dims.iter().product();
        let values: Vec<f32> = if name.ends_with("bias") {
            vec![0.0; n]
        } else {
            let fan_in: usize = dims[1..].iter().product();
            let bound = (6.0 / fan_in as f32).sqrt();
            (0..n).map(|_| rng.range_f32(-bound, bound)).collect()
        };
        var.set(&Tensor::from_vec(values, dims, &Device::Cpu)?)?;
    }
    Ok(())
}

/// Exact lines and character errors of one kind of validation line.
#[derive(Default)]
struct Score {
    lines: usize,
    exact: usize,
    errors: usize,
    chars: usize,
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exact {:.2} % of {}, CER {:.3} %",
            100.0 * self.exact as f64 / self.lines.max(1) as f64,
            self.lines,
            100.0 * self.errors as f64 / self.chars.max(1) as f64
        )
    }
}

/// Scores of `net` on `data`: digit lines, word lines.
fn evaluate(net: &LineNet, data: &[Line]) -> anyhow::Result<[Score; 2]> {
    Ok(scores(data, &readings(net, data)?))
}

/// What `net` reads in each line, one line at a time as the readers run it
/// (`digits::read_lines_scored`).
fn readings(net: &LineNet, data: &[Line]) -> anyhow::Result<Vec<String>> {
    data.iter()
        .map(|line| Ok(digits::text(&net.read_prepared(&line.input)?.chars)))
        .collect()
}

/// Scores of `reads` (one per line of `data`): digit lines, word lines.
fn scores(data: &[Line], reads: &[String]) -> [Score; 2] {
    let mut scores: [Score; 2] = Default::default();
    for (line, read) in data.iter().zip(reads) {
        let s = &mut scores[usize::from(line.word)];
        s.lines += 1;
        s.exact += usize::from(read == &line.text);
        s.errors += crate::synth_cmd::edit_distance(&line.text, read);
        s.chars += line.text.chars().count();
    }
    scores
}

/// The edits that turn `truth` into `read` (a minimal alignment): `(Some(t), Some(r))` a
/// substitution, `(Some(t), None)` a dropped character, `(None, Some(r))` an extra one.
fn edits(truth: &str, read: &str) -> Vec<(Option<char>, Option<char>)> {
    let (t, r): (Vec<char>, Vec<char>) = (truth.chars().collect(), read.chars().collect());
    let mut d = vec![vec![0usize; r.len() + 1]; t.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=t.len() {
        for j in 1..=r.len() {
            let same = usize::from(t[i - 1] != r[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + same)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
        }
    }
    let (mut i, mut j, mut out) = (t.len(), r.len(), Vec::new());
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(t[i - 1] != r[j - 1]) {
            if t[i - 1] != r[j - 1] {
                out.push((Some(t[i - 1]), Some(r[j - 1])));
            }
            (i, j) = (i - 1, j - 1);
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            out.push((Some(t[i - 1]), None));
            i -= 1;
        } else {
            out.push((None, Some(r[j - 1])));
            j -= 1;
        }
    }
    out
}

/// The most frequent edits in `reads` of `data` (`2>5`: a 2 read as 5, `0>_`: a 0
/// dropped, `_>1`: a 1 added), for seeing what the synthetic lines miss. Counts only.
fn confusions(data: &[Line], reads: &[String]) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for (line, read) in data.iter().zip(reads) {
        for (t, r) in edits(&line.text, read) {
            let c = |c: Option<char>| c.unwrap_or('_');
            *counts.entry(format!("{}>{}", c(t), c(r))).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.iter()
        .take(16)
        .map(|(e, n)| format!("{e} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Real crops as training or scoring lines of `arch`.
fn real_lines(crops: Vec<crate::real_crops::RealCrop>, arch: &digits::Arch) -> Vec<Line> {
    crops
        .into_iter()
        .filter_map(|c| line(&c.image, c.text, false, arch))
        .collect()
}

/// Trains and writes the weights.
pub fn train_digits(args: &TrainDigitsArgs, config: &hawiya_server::Config) -> anyhow::Result<()> {
    let start = Instant::now();
    let cuts = ReaderCuts {
        pieces: args.pieces,
        number_crops: args.number_crops,
    };
    let mix = Mix {
        words: args.words,
        card_numbers: args.card_numbers,
        photocopies: args.photocopies,
    };
    let mut train = lines(args.seed, args.samples, mix, cuts)?;
    if let Some(dir) = &args.real {
        let crops = crate::real_crops::number_crops(
            dir,
            config,
            args.real_copies,
            args.seed,
            crate::real_eval::Part::Tuning,
        )?;
        train.extend(real_lines(crops, &digits::DIGIT_ARCH));
    }
    let valid = lines(args.seed + 1000, args.validation, mix, cuts)?;
    let real = scored_parts(
        args.score_real.as_deref(),
        &digits::DIGIT_ARCH,
        |dir, part| crate::real_crops::number_crops(dir, config, 1, args.seed, part),
    )?;
    let fit = Fit {
        seed: args.seed,
        epochs: args.epochs,
        batch: args.batch,
        lr: args.lr,
        init: args.init.clone(),
        out: args.out.clone(),
    };
    fit.run(
        &digits::DIGIT_ARCH,
        &train,
        &valid,
        ("number", &real),
        start,
    )
}

/// The real lines of both parts of the dev set under `dir` (none without one), cut by
/// `crops`, for scoring only.
fn scored_parts(
    dir: Option<&std::path::Path>,
    arch: &digits::Arch,
    crops: impl Fn(&std::path::Path, Part) -> anyhow::Result<Vec<crate::real_crops::RealCrop>>,
) -> anyhow::Result<Vec<(Part, Vec<Line>)>> {
    let Some(dir) = dir else {
        return Ok(Vec::new());
    };
    [Part::Tuning, Part::HeldBack]
        .into_iter()
        .map(|part| Ok((part, real_lines(crops(dir, part)?, arch))))
        .collect()
}

/// Trains the name line recogniser (`hawiya_ocr::name_net`) and writes its weights.
pub fn train_names(args: &TrainNamesArgs, config: &hawiya_server::Config) -> anyhow::Result<()> {
    use hawiya_ocr::name_net::{NAME_ALPHABET, NAME_ARCH};
    let start = Instant::now();
    let draw = |seed: u64, count: u32| {
        drawn(count, move |g, i| {
            let sample = g.card_name_line(seed, i);
            line(&sample.image, sample.text, false, &NAME_ARCH)
        })
    };
    let mut train = draw(args.seed, args.samples)?;
    if let Some(dir) = &args.real {
        let crops = crate::real_crops::name_crops(
            dir,
            config,
            args.real_copies,
            args.seed,
            Part::Tuning,
            &NAME_ALPHABET,
        )?;
        train.extend(real_lines(crops, &NAME_ARCH));
    }
    let valid = draw(args.seed + 1000, args.validation)?;
    let real = scored_parts(args.score_real.as_deref(), &NAME_ARCH, |dir, part| {
        crate::real_crops::name_crops(dir, config, 1, args.seed, part, &NAME_ALPHABET)
    })?;
    let fit = Fit {
        seed: args.seed,
        epochs: args.epochs,
        batch: args.batch,
        lr: args.lr,
        init: args.init.clone(),
        out: args.out.clone(),
    };
    fit.run(&NAME_ARCH, &train, &valid, ("name", &real), start)
}

/// How a recogniser is trained: `hawiya train digits` and `hawiya train names` share it.
struct Fit {
    seed: u64,
    epochs: usize,
    batch: usize,
    lr: f64,
    init: Option<PathBuf>,
    out: PathBuf,
}

impl Fit {
    /// Trains a network of `arch` on `train` (CTC, AdamW, cosine decay), scores `valid`
    /// and the real lines of each part (`real`: what they are, and the lines) before
    /// training and after each epoch, and writes the weights.
    fn run(
        &self,
        arch: &'static digits::Arch,
        train: &[Line],
        valid: &[Line],
        real: (&str, &[(Part, Vec<Line>)]),
        start: Instant,
    ) -> anyhow::Result<()> {
        eprintln!(
            "{} training and {} validation lines drawn in {:.1} s",
            train.len(),
            valid.len(),
            start.elapsed().as_secs_f64()
        );
        let after_epoch = |net: &LineNet| -> anyhow::Result<()> {
            for (part, data) in real.1 {
                let reads = readings(net, data)?;
                let [lines, _] = scores(data, &reads);
                eprintln!("  real {} lines, {}: {lines}", real.0, part.name());
                if std::env::var_os("HAWIYA_TRAIN_CONFUSIONS").is_some() {
                    eprintln!("    most frequent edits: {}", confusions(data, &reads));
                }
            }
            Ok(())
        };
        let device = Device::Cpu;
        let mut varmap = VarMap::new();
        let net = LineNet::with_arch(VarBuilder::from_varmap(&varmap, DType::F32, &device), arch)?;
        match &self.init {
            Some(path) => varmap
                .load(path)
                .with_context(|| format!("loading {}", path.display()))?,
            None => init_weights(&varmap, self.seed)?,
        }
        let mut opt = AdamW::new(
            varmap.all_vars(),
            ParamsAdamW {
                lr: self.lr,
                weight_decay: 1e-4,
                ..Default::default()
            },
        )?;
        after_epoch(&net)?;
        let mut plan = batches(train, self.batch);
        let steps_total = (plan.len() * self.epochs) as f64;
        let mut rng = Rng::stream(self.seed, 0, "digit-batches");
        let mut step = 0f64;
        for epoch in 0..self.epochs {
            // Shuffle the batch order (Fisher-Yates with the seeded generator).
            for i in (1..plan.len()).rev() {
                let j = rng.range_u32(0, i as u32) as usize;
                plan.swap(i, j);
            }
            let (mut loss_sum, mut counted) = (0f64, 0usize);
            let epoch_start = Instant::now();
            for idx in &plan {
                let progress = step / steps_total;
                let lr =
                    self.lr * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()));
                opt.set_learning_rate(lr);
                step += 1.0;
                let items: Vec<(Vec<f32>, usize)> =
                    idx.iter().map(|&i| train[i].input.clone()).collect();
                let logits = net.forward(&digits::batch(&items, &device)?)?;
                let (b, t, c) = logits.dims3()?;
                let lp = candle_nn::ops::log_softmax(&logits, D::Minus1)?.to_vec3::<f32>()?;
                let mut grad = vec![0f32; b * t * c];
                for (k, (&i, seq)) in idx.iter().zip(&lp).enumerate() {
                    if let Some((loss, g)) = digits::ctc_loss_and_grad(seq, &train[i].label) {
                        loss_sum += loss as f64;
                        counted += 1;
                        for (tt, row) in g.iter().enumerate() {
                            let o = (k * t + tt) * c;
                            grad[o..o + c].copy_from_slice(row);
                        }
                    }
                }
                // d(loss)/d(logits) is known: a surrogate whose gradient it is.
                let g = Tensor::from_vec(grad, (b, t, c), &device)?.affine(1.0 / b as f64, 0.0)?;
                let surrogate = (logits * g)?.sum_all()?;
                opt.backward_step(&surrogate)?;
            }
            let [lines, word_lines] = evaluate(&net, valid)?;
            eprintln!(
                "epoch {}/{}: loss {:.4}, validation lines {lines}, word lines {word_lines} ({:.0} s)",
                epoch + 1,
                self.epochs,
                loss_sum / counted.max(1) as f64,
                epoch_start.elapsed().as_secs_f64()
            );
            after_epoch(&net)?;
        }
        if self.epochs == 0 {
            let [lines, word_lines] = evaluate(&net, valid)?;
            eprintln!("validation (no training): lines {lines}, word lines {word_lines}");
        }
        if let Some(dir) = self.out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        varmap
            .save(&self.out)
            .with_context(|| format!("writing {}", self.out.display()))?;
        let bytes = std::fs::read(&self.out)?;
        use sha2::Digest;
        println!(
            "wrote {} ({} bytes, sha256 {}) in {:.0} s; {} classes",
            self.out.display(),
            bytes.len(),
            hex::encode(sha2::Sha256::digest(&bytes)),
            start.elapsed().as_secs_f64(),
            arch.classes()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::edits;

    #[test]
    fn edits_name_substitutions_drops_and_additions() {
        assert!(edits("2901", "2901").is_empty());
        assert_eq!(edits("2901", "2951"), vec![(Some('0'), Some('5'))]);
        assert_eq!(edits("2001", "201"), vec![(Some('0'), None)]);
        assert_eq!(edits("21", "211"), vec![(None, Some('1'))]);
        assert_eq!(edits("", "7").len(), 1);
    }
}

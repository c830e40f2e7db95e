"""The encoder's BERT as an ONNX graph, built from its weights with onnx.helper (no torch), and quantised.

The graph takes token ids and a mask and gives the feature rows directly: every layer's output (the
embedding layer included) mean-pooled over the real tokens, each scaled to unit length, concatenated and
divided by the square root of their number, so every row has unit length.
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


def build_graph(weights: dict[str, np.ndarray], config: dict):
    """An onnx.ModelProto computing the features; inputs ids (int64) and mask (float32), both (batch, tokens)."""
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

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def dense(x: str, prefix: str, name: str) -> str:
        # MatMul then Add: the pattern quantize_dynamic turns into an int8 product with a float bias.
        weight = constant(f"{name}.weight", tensor(f"{prefix}.weight").T)
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
        packed = constant(f"{name}.qkv.weight", np.concatenate(
            [tensor(f"{prefix}.attention.self.{part}.weight").T for part in ("query", "key", "value")], axis=1))
        packed_bias = constant(f"{name}.qkv.bias", np.concatenate(
            [tensor(f"{prefix}.attention.self.{part}.bias") for part in ("query", "key", "value")]))
        context = node("Attention", [x, packed, packed_bias, "mask_index"], f"{name}.context",
                       domain="com.microsoft", num_heads=heads)
        attended = dense(context, f"{prefix}.attention.output.dense", f"{name}.attention_out")
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
}


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


def graph_bytes(weights: dict[str, np.ndarray], config: dict, precision: str) -> bytes:
    """The serialised graph of these weights in this precision ("fp32" or a name in QUANTISED)."""
    import onnx

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


def open_graph(path: Path, weights: Callable[[], dict[str, np.ndarray]], config: dict, precision: str):
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
    data = graph_bytes(weights(), config, precision)
    try:
        write_atomically(path, data)
    except OSError as exc:
        logger.warning("cannot keep the encoder's graph in %s (%s): it is built in memory by every process "
                       "that starts (a few seconds); `newsdesk classify encoder install` run by the folder's "
                       "owner keeps it", path.parent, exc.strerror or exc)
        return session_for(data)
    return session_for(path)

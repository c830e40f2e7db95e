"""The encoder's BERT as an ONNX graph, built from its weights with onnx.helper (no torch), and quantised.

The graph takes token ids and a mask and gives the feature rows directly: every layer's output (the
embedding layer included) mean-pooled over the real tokens, each scaled to unit length, concatenated and
divided by the square root of their number, so every row has unit length.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OPSET = 20        # Gelu and LayerNormalization are plain ONNX operators from here on
LAYER_PARTS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
               "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")


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
    size = hidden // heads
    initializers, nodes = [], []

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def dense(x: str, prefix: str, name: str, scale: float = 1.0) -> str:
        # MatMul then Add: the pattern quantize_dynamic turns into an int8 product with a float bias.
        weight = constant(f"{name}.weight", tensor(f"{prefix}.weight").T * np.float32(scale))
        bias = constant(f"{name}.bias", tensor(f"{prefix}.bias") * np.float32(scale))
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
    constant("heads_shape", np.array([0, 0, heads, size], np.int64))
    constant("hidden_shape", np.array([0, 0, hidden], np.int64))
    constant("blocked", np.array(-1e9, np.float32))
    constant("scale", np.array(1.0 / np.sqrt(layers + 1), np.float32))
    constant("tiny", np.array(1e-9, np.float32))
    constant("two", np.array([2], np.int64))
    length = node("Slice", [node("Shape", ["ids"], "ids_shape"), "one", "two"], "tokens")
    positions = node("Slice", ["positions", "zero", length], "position_rows")
    x = node("Add", [node("Gather", ["word_embeddings", "ids"], "word_rows", axis=0), positions], "embedded")
    x = layer_norm(x, "embeddings.LayerNorm", "embedding")
    states = [x]
    # Padding is never attended to: (1 - mask) * -1e9 added to every head's scores, (batch, 1, 1, tokens).
    blocking = node("Unsqueeze", [node("Mul", [node("Sub", [constant("unit", np.array(1, np.float32)), "mask"],
                                                    "unmasked"), "blocked"], "blocking_flat"),
                                  constant("head_axes", np.array([1, 2], np.int64))], "blocking")
    for i in range(layers):
        prefix, name = f"encoder.layer.{i}", f"layer{i}"

        def split(t: str, part: str, perm: list[int]) -> str:
            return node("Transpose", [node("Reshape", [t, "heads_shape"], f"{name}.{part}.heads")],
                        f"{name}.{part}.split", perm=perm)

        q = split(dense(x, f"{prefix}.attention.self.query", f"{name}.query", scale=size ** -0.5), "q", [0, 2, 1, 3])
        k = split(dense(x, f"{prefix}.attention.self.key", f"{name}.key"), "k", [0, 2, 3, 1])
        v = split(dense(x, f"{prefix}.attention.self.value", f"{name}.value"), "v", [0, 2, 1, 3])
        scores = node("Add", [node("MatMul", [q, k], f"{name}.raw_scores"), blocking], f"{name}.scores")
        attention = node("Softmax", [scores], f"{name}.attention", axis=-1)
        context = node("Reshape", [node("Transpose", [node("MatMul", [attention, v], f"{name}.context_heads")],
                                        f"{name}.context_tokens", perm=[0, 2, 1, 3]), "hidden_shape"],
                       f"{name}.context")
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
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="newsdesk")
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model


def quantise(source: Path, target: Path, per_channel: bool = False, unsigned: bool = False,
             attention: bool = False) -> None:
    """The graph at source with int8 weights at target: every dense layer's product in int8 (its input
    quantised as it comes), LayerNorm, softmax, GELU and pooling left in float32."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    import onnx
    names = [n.name for n in onnx.load(str(source), load_external_data=False).graph.node if n.op_type == "MatMul"]
    # The attention's own products (scores, context) have no weights: quantising their inputs only loses.
    excluded = [] if attention else [n for n in names if n.endswith((".raw_scores", ".context_heads"))]
    quantize_dynamic(source, target, weight_type=QuantType.QUInt8 if unsigned else QuantType.QInt8,
                     per_channel=per_channel, op_types_to_quantize=["MatMul"], nodes_to_exclude=excluded)


def session_for(path: Path):
    """An onnxruntime session on one thread: the crawl's worker processes are its parallelism."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

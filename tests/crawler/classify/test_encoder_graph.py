"""The encoder's ONNX graph: built once beside the weights, rebuilt when damaged, int8 close to float32, and
working in the crawl's forked workers."""

from __future__ import annotations

import json
import logging
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from conftest import cli, write_sources
from onnx import numpy_helper
from support.classify_fixtures import INSTALLED, needs_m3e  # noqa: F401  (fixture)

from crawler.articles import PageWork
from crawler.classify import encoder as encoder_module
from crawler.classify.encoder import Encoder, load_encoder, padded, sha256_of
from crawler.classify.encoder_graph import build_graph, product_inputs, session_for
from crawler.classify.weights import read_weights
from crawler.crawl.page_pool import PagePool
from crawler.errors import NewsdeskError

HIDDEN, HEADS, LAYERS, FFN = 32, 4, 2, 64
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", *"国务院印发数字经济发展规划科研团队实现量子计算新突破芯片"]
TEXTS = ["国务院印发数字经济发展规划", "科研团队实现量子计算新突破", "芯片"]


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header, offset, blobs = {}, 0, []
    for name, value in tensors.items():
        data = value.astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def tiny_bert(folder: Path) -> Path:
    """A BERT of 2 layers and 32 dimensions with random weights, and a WordPiece tokenizer of 34 tokens."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)

    def weight(*shape):
        return rng.normal(0, 0.2, shape)

    tensors = {"embeddings.word_embeddings.weight": weight(len(VOCAB), HIDDEN),
               "embeddings.position_embeddings.weight": weight(64, HIDDEN),
               "embeddings.token_type_embeddings.weight": weight(2, HIDDEN),
               "embeddings.LayerNorm.weight": 1 + weight(HIDDEN), "embeddings.LayerNorm.bias": weight(HIDDEN)}
    for i in range(LAYERS):
        for part, (rows, columns) in {"attention.self.query": (HIDDEN, HIDDEN), "attention.self.key": (HIDDEN, HIDDEN),
                                      "attention.self.value": (HIDDEN, HIDDEN),
                                      "attention.output.dense": (HIDDEN, HIDDEN), "intermediate.dense": (FFN, HIDDEN),
                                      "output.dense": (HIDDEN, FFN)}.items():
            tensors[f"encoder.layer.{i}.{part}.weight"] = weight(rows, columns)
            tensors[f"encoder.layer.{i}.{part}.bias"] = weight(rows)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            tensors[f"encoder.layer.{i}.{norm}.weight"] = 1 + weight(HIDDEN)
            tensors[f"encoder.layer.{i}.{norm}.bias"] = weight(HIDDEN)
    write_safetensors(folder / "model.safetensors", tensors)
    (folder / "config.json").write_text(json.dumps({
        "model_type": "bert", "hidden_act": "gelu", "hidden_size": HIDDEN, "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS, "intermediate_size": FFN, "max_position_embeddings": 64,
        "layer_norm_eps": 1e-12, "vocab_size": len(VOCAB)}))
    tokenizer = Tokenizer(models.WordPiece({token: i for i, token in enumerate(VOCAB)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                             special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def graphs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.onnx"))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_the_graph_is_built_beside_the_weights_once_and_reused(tmp_path):
    folder = tiny_bert(tmp_path / "tiny")
    assert graphs(folder) == []
    first = Encoder(folder)
    [graph] = graphs(folder)
    variant = first.identity.split(":")[2]          # the default precision, with its calibration's key
    assert variant.startswith("int8-smooth.") and graph.name.endswith(f"-{variant}.onnx") and graph.stat().st_size > 0
    rows = first.features(TEXTS)
    assert rows.shape == (3, HIDDEN * (LAYERS + 1))
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)
    made = graph.stat()
    again = Encoder(folder)
    assert graph.stat().st_ino == made.st_ino and graph.stat().st_mtime_ns == made.st_mtime_ns, "not rebuilt"
    assert np.array_equal(again.features(TEXTS), rows)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


def test_a_half_written_graph_is_built_again_and_loading_goes_on(tmp_path, caplog):
    folder = tiny_bert(tmp_path / "tiny")
    rows = Encoder(folder).features(TEXTS)
    [graph] = graphs(folder)
    whole = graph.read_bytes()
    graph.write_bytes(whole[:len(whole) // 2])          # what a writer without the rename would leave behind
    with caplog.at_level(logging.WARNING):
        encoder = Encoder(folder)
    assert f"the encoder's graph {graph} cannot be read" in caplog.text and "building it again" in caplog.text
    assert np.array_equal(encoder.features(TEXTS), rows)
    assert graph.read_bytes() == whole


def test_a_graph_that_cannot_be_kept_is_built_in_memory_with_one_warning(tmp_path, caplog):
    folder = tiny_bert(tmp_path / "tiny")
    rows = Encoder(folder).features(TEXTS)
    [graph] = graphs(folder)
    graph.unlink()
    graph.mkdir()                    # the name is taken by a folder: the file cannot be written there
    with caplog.at_level(logging.WARNING):
        encoder = Encoder(folder)
    assert caplog.text.count("cannot keep the encoder's graph") == 1 and "built in memory" in caplog.text
    assert np.array_equal(encoder.features(TEXTS), rows)


def test_the_identity_names_the_weights_and_the_precision(tmp_path):
    folder = tiny_bert(tmp_path / "tiny")
    fp32, int8 = Encoder(folder, precision="fp32"), Encoder(folder, precision="int8")
    name, fingerprint, precision = fp32.identity.split(":")
    assert name == "tiny" and len(fingerprint) == 16 and precision == "fp32"
    assert int8.identity == f"tiny:{fingerprint}:int8"
    assert len(graphs(folder)) == 2, "one graph file per precision"
    assert cosines(int8.features(TEXTS), fp32.features(TEXTS)).min() > 0.99


def operators(graph: Path) -> dict[str, int]:
    import onnx

    nodes = onnx.load(graph).graph.node
    return {op: sum(n.op_type == op for n in nodes) for op in ("Attention", "QAttention", "MatMul", "MatMulInteger")}


def fingerprint_of(encoder: Encoder) -> str:
    return encoder.identity.split(":")[1]


def test_the_weights_are_hashed_once_and_again_when_their_file_changes(tmp_path):
    folder = tiny_bert(tmp_path / "tiny")
    weights = folder / "model.safetensors"
    first = fingerprint_of(Encoder(folder))
    assert first == sha256_of(weights)[:16]
    before = weights.stat()
    with weights.open("r+b") as handle:   # the same size and inode; the mtime put back: the note is trusted
        handle.seek(-4, os.SEEK_END)
        handle.write(struct.pack("<f", 0.5))
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fingerprint_of(Encoder(folder)) == first, "remembered, not read again"
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))   # same size, new mtime
    changed = fingerprint_of(Encoder(folder))
    assert changed == sha256_of(weights)[:16] != first
    weights.write_bytes(weights.read_bytes()[:-4] + struct.pack("<f", 0.25))   # another size
    assert fingerprint_of(Encoder(folder)) == sha256_of(weights)[:16] != changed


def test_a_damaged_fingerprint_note_is_written_again_and_one_that_cannot_be_written_is_not_needed(tmp_path):
    folder = tiny_bert(tmp_path / "tiny")
    weights = folder / "model.safetensors"
    right = sha256_of(weights)
    note = folder / "model.safetensors.sha256.json"
    Encoder(folder)
    for damage in ("", "{half", "[]", '"text"', '{"file": 1}', json.dumps({**json.loads(note.read_text()),
                                                                           "sha256": "not a digest"})):
        note.write_text(damage)
        assert fingerprint_of(Encoder(folder)) == right[:16], damage
        assert json.loads(note.read_text())["sha256"] == right, damage
    note.unlink()
    note.mkdir()                     # the name is taken by a folder: the note cannot be written
    assert fingerprint_of(Encoder(folder)) == right[:16]
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


def test_each_precision_quantises_its_own_products(tmp_path):
    """int8: every product; int8-dense: the dense layers', the attention left in float32; int8-ffn: the
    feed-forward's alone."""
    folder = tiny_bert(tmp_path / "tiny")
    fp32 = Encoder(folder, precision="fp32").features(TEXTS)
    expected = {"fp32": {"Attention": LAYERS, "QAttention": 0, "MatMul": 3 * LAYERS, "MatMulInteger": 0},
                "int8": {"Attention": 0, "QAttention": LAYERS, "MatMul": 0, "MatMulInteger": 3 * LAYERS},
                "int8-dense": {"Attention": LAYERS, "QAttention": 0, "MatMul": 0, "MatMulInteger": 3 * LAYERS},
                "int8-ffn": {"Attention": LAYERS, "QAttention": 0, "MatMul": LAYERS, "MatMulInteger": 2 * LAYERS},
                "int8-smooth": {"Attention": 0, "QAttention": LAYERS, "MatMul": 0, "MatMulInteger": 3 * LAYERS}}
    for precision, counts in expected.items():
        rows = Encoder(folder, precision=precision).features(TEXTS)
        [graph] = list(folder.glob(f"graph-*-{precision}.onnx")) or list(folder.glob(f"graph-*-{precision}.*.onnx"))
        assert operators(graph) == counts, precision
        assert cosines(rows, fp32).min() > 0.99, precision


def test_moving_each_products_input_range_into_its_weights_leaves_the_float32_rows_as_they_were(tmp_path):
    """The smoothing of int8-smooth, without quantising: inputs divided per channel (V's columns for the
    attention's output product), weights' rows multiplied, so the graph computes the same rows."""
    folder = tiny_bert(tmp_path / "tiny")
    weights, config = read_weights(folder / "model.safetensors"), json.loads((folder / "config.json").read_text())
    plain = build_graph(weights, config)
    rng = np.random.default_rng(3)
    scales = {product: rng.uniform(0.25, 8, HIDDEN if product.endswith((".qkv", ".attention_out", ".intermediate"))
                                   else FFN).astype(np.float32) for product in product_inputs(plain)}
    assert len(scales) == 4 * LAYERS
    smoothed = build_graph(weights, config, scales)
    ids, mask = padded([[2, 4, 5, 6, 7, 3], [2, 8, 9, 3], [2, 10, 3]])      # padded, as a training's batches
    rows = session_for(smoothed.SerializeToString()).run(None, {"ids": ids, "mask": mask})[0]
    expected = session_for(plain.SerializeToString()).run(None, {"ids": ids, "mask": mask})[0]
    assert np.abs(rows - expected).max() < 1e-5
    changed = {i.name for i in smoothed.graph.initializer} & {i.name for i in plain.graph.initializer}
    before = {i.name: numpy_helper.to_array(i) for i in plain.graph.initializer}
    assert all(not np.allclose(numpy_helper.to_array(i), before[i.name]) for i in smoothed.graph.initializer
               if i.name in changed and i.name.endswith(".weight")), "every product's weights were scaled"


def test_the_calibrated_graph_is_built_once_and_the_same_in_every_folder(tmp_path):
    """Its calibration (the package's texts through the float32 graph) happens when the graph is built, not at
    every start, and gives the same graph every time."""
    folder, other = tiny_bert(tmp_path / "tiny"), tiny_bert(tmp_path / "again")
    rows = Encoder(folder, precision="int8-smooth").features(TEXTS)
    [graph] = graphs(folder)
    made = graph.stat()
    assert np.array_equal(Encoder(folder, precision="int8-smooth").features(TEXTS), rows)
    assert graph.stat().st_mtime_ns == made.st_mtime_ns and graph.stat().st_ino == made.st_ino, "not rebuilt"
    Encoder(other, precision="int8-smooth")
    [again] = graphs(other)
    assert again.read_bytes() == graph.read_bytes()


def forked_features(text: str) -> tuple[int, list[float]]:
    """Run in a page worker: the encoder the worker inherited from the crawl's process."""
    return os.getpid(), load_encoder(os.environ["NEWSDESK_TEST_ENCODER"]).features([text])[0].tolist()


@pytest.mark.usefixtures("needs_m3e")
def test_the_forked_crawl_workers_encode_with_the_session_they_inherit(monkeypatch):
    monkeypatch.setenv("NEWSDESK_TEST_ENCODER", str(INSTALLED))
    encoder = load_encoder(str(INSTALLED))
    expected = encoder.features(["长三角数字经济发展大会在合肥召开"])     # the session has run before the fork
    graph_files = {p: p.stat().st_mtime_ns for p in graphs(INSTALLED)}
    pool = PagePool(PageWork(), workers=2)   # forked as a crawl forks them; the test sends its own function
    try:
        results = [pool.executor.submit(forked_features, text).result(timeout=60)
                   for text in ["长三角数字经济发展大会在合肥召开", "国务院印发数字经济发展规划"] * 2]
    finally:
        pool.close()
    assert {pid for pid, _ in results} - {os.getpid()}, "encoded in the workers"
    assert np.array_equal(np.array(results[0][1], np.float32), expected[0])
    assert np.array_equal(np.array(results[1][1], np.float32),
                          encoder.features(["国务院印发数字经济发展规划"])[0])
    assert {p: p.stat().st_mtime_ns for p in graphs(INSTALLED)} == graph_files, "no worker built the graph again"


# Titles and leads of both languages, as a crawl encodes them.
STORY_TEXTS = [
    ("国务院印发《关于深化智慧城市发展推进城市全域数字化转型的指导意见》 近日，国务院印发指导意见，提出到2027年"
     "全国城市全域数字化转型取得明显成效。"), "合肥高新区推进量子产业集聚发展", "国足客场战平对手 晋级形势严峻",
    "Shanghai opens its data exchange to foreign firms", "引力波探测再获新发现"]


@pytest.mark.usefixtures("needs_m3e")
def test_int8_features_stay_close_to_the_float32_graphs():
    """The uncalibrated int8 graph against the float32 one, on titles and leads of both languages."""
    int8, fp32 = Encoder(INSTALLED, precision="int8"), Encoder(INSTALLED, precision="fp32")
    similarity = cosines(int8.features(STORY_TEXTS), fp32.features(STORY_TEXTS))
    assert similarity.min() > 0.997 and similarity.mean() > 0.998


SMOOTH_MIN, SMOOTH_MEAN = 0.9995, 0.9997   # int8-smooth on STORY_TEXTS: 0.9998 / 0.9998 measured (int8: 0.9988)


@pytest.mark.usefixtures("needs_m3e")
def test_calibrated_int8_features_stay_much_closer_to_the_float32_graphs():
    """int8-smooth (README, "Measurements": the worst row's cosine 0.9998 on the sample's stories and the pages,
    where plain int8's is 0.9987), on STORY_TEXTS, together and one at a time."""
    smooth, fp32 = Encoder(INSTALLED, precision="int8-smooth"), Encoder(INSTALLED, precision="fp32")
    together = cosines(smooth.features(STORY_TEXTS), fp32.features(STORY_TEXTS))
    smooth.forget()
    alone = cosines(np.concatenate([smooth.features([text]) for text in STORY_TEXTS]), fp32.features(STORY_TEXTS))
    assert together.min() > SMOOTH_MIN and together.mean() > SMOOTH_MEAN, together
    assert alone.min() > SMOOTH_MIN and alone.mean() > SMOOTH_MEAN, alone


@pytest.mark.usefixtures("needs_m3e")
def test_an_int8_encoder_gives_a_text_the_same_row_alone_as_among_others():
    """int8 steps are set per run by the largest input: texts encoded together would move each other's rows, and a
    story would get one row in a training's batches and another in a crawl, which encodes one page at a time."""
    for precision in ("int8", "int8-smooth"):
        encoder = Encoder(INSTALLED, precision=precision)
        together = encoder.features(STORY_TEXTS)
        encoder.forget()
        alone = np.concatenate([encoder.features([text]) for text in STORY_TEXTS])
        assert np.array_equal(together, alone), precision


def test_the_environment_chooses_the_precision_of_every_process(tmp_path, monkeypatch):
    folder = tiny_bert(tmp_path / "tiny")
    monkeypatch.setenv("NEWSDESK_ENCODER_PRECISION", "int8")
    assert Encoder(folder).identity.endswith(":int8")
    monkeypatch.setenv("NEWSDESK_ENCODER_PRECISION", "fp32")
    assert Encoder(folder).identity.endswith(":fp32")
    monkeypatch.setenv("NEWSDESK_ENCODER_PRECISION", "")
    assert Encoder(folder).identity.split(":")[2].startswith("int8-smooth."), "the default"
    monkeypatch.setenv("NEWSDESK_ENCODER_PRECISION", "int4")
    with pytest.raises(NewsdeskError, match=r"^NEWSDESK_ENCODER_PRECISION=int4: not a precision .* use int8-smooth "
                                            r"\(the default\) or fp32"):
        Encoder(folder)


@pytest.mark.usefixtures("needs_m3e")
def test_a_crawl_asked_for_an_unknown_precision_stops_at_once_in_one_line(home):
    write_sources(home, [{"name": "site", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}])
    result = cli("--home", str(home), "crawl", env={"NEWSDESK_ENCODER_PRECISION": "int4"}, timeout=120)
    assert result.returncode != 0
    said = [line for line in (result.stdout + result.stderr).splitlines() if "int4" in line]
    assert said == [said[0]] and "use int8-smooth (the default) or fp32" in said[0]
    assert "Traceback" not in result.stderr


def test_a_calibrated_graph_is_named_by_its_calibration_texts(tmp_path, monkeypatch):
    folder = tiny_bert(tmp_path / "tiny")
    first = Encoder(folder, precision="int8-smooth")
    monkeypatch.setattr(encoder_module, "calibration_texts", lambda: ["国务院印发数字经济发展规划"])
    other = Encoder(folder, precision="int8-smooth")
    assert first.identity != other.identity and first.identity.split(":")[:2] == other.identity.split(":")[:2]
    assert len([graph for graph in graphs(folder) if "int8-smooth" in graph.name]) == 2
    assert not np.array_equal(first.features(TEXTS), other.features(TEXTS))

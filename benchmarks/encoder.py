"""Sentence encoder benchmark: ms per story as a crawl encodes them, and fidelity to the numpy reference.

Run `python benchmarks/encoder.py`. Needs the encoder installed (`newsdesk classify encoder install`).

A crawl classifies each story alone in a worker (a batch of one), reading its title and the start of
its lead. Inputs, read in place:
- "stories": the 227 stories of tests/data/newsletter_sample.yaml and newsletter_actors.yaml (title, lead);
- "story titles": their titles alone (short inputs);
- "long": each page of ../shared/data/chinese-web-content-extraction/cleaned: its first line as the
  title, the rest as the lead, so every input fills the token limit (96);
- THUCNews titles (the first 4,096 of test.txt), encoded in batches of 64 as a training does.

Configurations: the numpy BERT Newsdesk ran until now (kept here, as the reference), onnxruntime on the
ONNX graph built from the same weights, in float32 and quantised to int8 in several ways (plainly, and
calibrated on the package's texts: crawler/classify/encoder_graph.py calibrated_graph), and fewer tokens.
Every configuration runs in this process, one thread (as a crawl's workers do); "ratio" is to numpy's time
(best of three passes), "vs fp32" to ORT fp32's on the long stories one at a time, the configurations
interleaved story by story (the machine is shared). Fidelity: the cosine of each row to the numpy row at 96
tokens (min and mean) over the stories, the story titles and the long pages; THUCNews titles (a test set
of benchmarks/classify.py) are timed, not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from ruamel.yaml import YAML  # noqa: E402

from crawler.classify.encoder import (  # noqa: E402
    DEFAULT_ENCODER,
    MAX_TOKENS,
    calibration_batches,
    encoder_path,
    weights_file,
)
from crawler.classify.encoder_graph import (  # noqa: E402
    QUANTISED,
    build_graph,
    calibrated_graph,
    quantise,
    session_for,
)
from crawler.classify.text import StoryText  # noqa: E402
from crawler.classify.weights import read_weights  # noqa: E402

THUCNEWS_TEST = DATA / "thucnews-titles" / "THUCNews" / "data" / "test.txt"
PAGES = DATA / "chinese-web-content-extraction" / "cleaned"
STORY_FILES = (REPO / "tests" / "data" / "newsletter_sample.yaml", REPO / "tests" / "data" / "newsletter_actors.yaml")
TITLES = 4096
BATCH = 64
GELU_SCALE = np.float32((2 / np.pi) ** 0.5)


class NumpyBert:
    """The numpy forward pass Newsdesk used before onnxruntime (float32, tanh GELU): the reference."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict) -> None:
        w = {name.removeprefix("bert."): value for name, value in weights.items()}
        self.w, self.heads = w, int(config["num_attention_heads"])
        self.layers, self.eps = int(config["num_hidden_layers"]), np.float32(config.get("layer_norm_eps", 1e-12))
        self.t = {name: np.ascontiguousarray(value.T) for name, value in w.items()
                  if name.endswith(".weight") and value.ndim == 2 and "embeddings" not in name}

    def norm(self, x, prefix):
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.eps) * self.w[f"{prefix}.weight"] + self.w[f"{prefix}.bias"]

    def dense(self, x, prefix):
        flat = x.reshape(-1, x.shape[-1]) @ self.t[f"{prefix}.weight"]
        flat += self.w[f"{prefix}.bias"]
        return flat.reshape(*x.shape[:-1], -1)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, (batch, length) = self.w, ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] \
            + w["embeddings.token_type_embeddings.weight"][0]
        states = [x := self.norm(x, "embeddings.LayerNorm")]
        hidden = x.shape[-1]
        size = hidden // self.heads
        blocked = (1.0 - mask[:, None, None, :]) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self.dense(x, f"{p}.attention.self.{n}").reshape(batch, length, self.heads, size)
                       .transpose(0, 2, 1, 3) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) * (size ** -0.5) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = ((scores / scores.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            x = self.norm(x + self.dense(context, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
            inner = self.dense(x, f"{p}.intermediate.dense")
            inner = 0.5 * inner * (1.0 + np.tanh(GELU_SCALE * (inner + 0.044715 * inner * inner * inner)))
            x = self.norm(x + self.dense(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm")
            states.append(x)
        pooled = []
        for state in states:
            mean = (state * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
            pooled.append(mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9))
        return np.concatenate(pooled, axis=1) / np.sqrt(len(pooled))


def read_stories(titles_only: bool = False) -> list[str]:
    texts = []
    for path in STORY_FILES:
        for story in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["stories"]:
            texts.append(StoryText.of(story["title"], "" if titles_only else story.get("lead") or "").encoder_text())
    return texts


def read_pages() -> list[str]:
    texts = []
    for path in sorted(PAGES.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                 if line.strip()]
        if len(lines) > 1:
            texts.append(StoryText.of(lines[0][:60], " ".join(lines[1:])[:400]).encoder_text())
    return texts


def read_titles() -> list[str]:
    lines = THUCNEWS_TEST.read_text(encoding="utf-8").splitlines()[:TITLES]
    return [line.rsplit("\t", 1)[0] for line in lines if line.strip()]


def batches(tokenizer, texts: list[str], size: int, tokens: int):
    """(ids, mask, positions) batches as the encoder makes them: sorted by length, padded to the longest."""
    encodings = [e.ids[:tokens - 1] + e.ids[-1:] if len(e.ids) > tokens else e.ids
                 for e in tokenizer.encode_batch(texts)]
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
    out = []
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        length = max(len(encodings[i]) for i in chunk)
        ids = np.zeros((len(chunk), length), np.int64)
        mask = np.zeros((len(chunk), length), np.float32)
        for row, i in enumerate(chunk):
            ids[row, :len(encodings[i])] = encodings[i]
            mask[row, :len(encodings[i])] = 1.0
        out.append((ids, mask, chunk))
    return out


def run(forward, prepared, count: int) -> tuple[np.ndarray, float]:
    """The rows in input order, and seconds per text (best of three passes: the machine is shared)."""
    best, rows = float("inf"), None
    for _ in range(3):
        rows = np.zeros((count, 0), np.float32)
        started = time.perf_counter()
        results = [(forward(ids, mask), chunk) for ids, mask, chunk in prepared]
        best = min(best, (time.perf_counter() - started) / count)
        rows = np.zeros((count, results[0][0].shape[1]), np.float32)
        for result, chunk in results:
            rows[chunk] = result
    return rows, best


def interleaved(forwards: list, prepared, passes: int = 2) -> list[float]:
    """Seconds per text of each forward, run one after the other on each input in turn."""
    spent = [0.0] * len(forwards)
    for _ in range(passes):
        for ids, mask, _chunk in prepared:
            for i, forward in enumerate(forwards):
                started = time.perf_counter()
                forward(ids, mask)
                spent[i] += time.perf_counter() - started
    return [seconds / passes / len(prepared) for seconds in spent]


def cosines(rows: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return (rows * reference).sum(1) / np.linalg.norm(rows, axis=1) / np.linalg.norm(reference, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    from tokenizers import Tokenizer

    folder = encoder_path(DEFAULT_ENCODER)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    weights = read_weights(weights_file(folder))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    inputs = {"stories": read_stories(), "story titles": read_stories(titles_only=True), "long": read_pages(),
              "titles": read_titles()}
    lengths = {name: np.mean([len(e.ids) for e in tokenizer.encode_batch(texts)]) for name, texts in inputs.items()}
    print("inputs: " + "; ".join(f"{name} {len(texts)} (mean {lengths[name]:.0f} tokens before truncation)"
                                 for name, texts in inputs.items()))
    started = time.perf_counter()
    tokenizer.encode_batch(inputs["stories"])
    tokenizing = (time.perf_counter() - started) / len(inputs["stories"]) * 1000
    started = time.perf_counter()
    for text in inputs["stories"]:
        tokenizer.encode(text)
    print(f"tokenizer: {tokenizing:.3f} ms/story in a batch, "
          f"{(time.perf_counter() - started) / len(inputs['stories']) * 1000:.3f} ms/story one by one")

    scratch = Path(tempfile.mkdtemp(prefix="encoder-bench-"))
    graph = build_graph(weights, config)
    fp32 = scratch / "fp32.onnx"
    import onnx
    onnx.save(graph, fp32)
    configurations = [("numpy fp32 (before)", NumpyBert(weights, config), 96)]
    configurations.append(("ORT fp32", session_for(fp32), 96))
    for label, options in (("ORT int8 QInt8, per tensor", {"per_channel": False}),
                           ("ORT int8 QUInt8, per channel", {"unsigned": True}),
                           ("ORT int8 QInt8, per channel (int8)", {})):
        path = scratch / f"{len(configurations)}.onnx"
        quantise(fp32, path, **options)
        configurations.append((label, session_for(path), 96))
    chosen = configurations[-1][1]
    tokenizer.enable_truncation(MAX_TOKENS)
    calibration = calibration_batches(tokenizer)
    tokenizer.no_truncation()
    for label, parts, options in (
            ("ORT int8, biases corrected", "int8", {"alpha": None}),
            ("ORT int8, SmoothQuant a=0.5 (s free)", "int8", {"alpha": 0.5, "smallest": 1e-2}),
            ("ORT int8, smoothed a=0.75, s>=1", "int8", {"correct": False}),
            ("ORT int8-smooth: smoothed + biases", "int8-smooth", {}),
            ("ORT int8-dense, smoothed + biases", "int8-dense", {})):
        path = scratch / f"{len(configurations)}.onnx"
        onnx.save(calibrated_graph(weights, config, calibration, QUANTISED[parts], **options), path)
        configurations.append((label, session_for(path), 96))
    configurations += [("ORT int8, 64 tokens", chosen, 64), ("ORT int8, 48 tokens", chosen, 48),
                       ("ORT fp32, 64 tokens", configurations[1][1], 64)]

    forwards = [engine if callable(engine) else (
        lambda ids, mask, session=engine: session.run(None, {"ids": ids, "mask": mask})[0])
        for _, engine, _ in configurations]
    full = [i for i, (_, _, tokens) in enumerate(configurations) if tokens == 96]
    speeds = dict(zip(full, interleaved([forwards[i] for i in full], batches(tokenizer, inputs["long"], 1, 96)),
                      strict=True))
    reference = {}
    print(f"{'configuration (ms per story, batch of one)':<42} {'stories ms':>10} {'long ms':>8} {'ratio':>6} {'titles/s':>9} "
          f"{'cos min':>8} {'cos mean':>9} {'vs fp32':>8}")
    base = None
    for number, (label, _engine, tokens) in enumerate(configurations):
        forward = forwards[number]
        figures, rows_by_input = {}, {}
        for name, texts in inputs.items():
            size = BATCH if name == "titles" else 1
            rows, seconds = run(forward, batches(tokenizer, texts, size, tokens), len(texts))
            figures[name], rows_by_input[name] = seconds, rows
        if not reference:
            reference, base = rows_by_input, figures["long"]
        similarity = np.concatenate([cosines(rows_by_input[n], reference[n]) for n in inputs if n != "titles"])
        versus = f"{speeds[1] / speeds[number]:>7.2f}x" if number in speeds else f"{'-':>8}"
        print(f"{label:<42} {figures['stories'] * 1000:>10.2f} {figures['long'] * 1000:>8.2f} "
              f"{base / figures['long']:>5.1f}x {1 / figures['titles']:>9,.0f} {similarity.min():>8.5f} "
              f"{similarity.mean():>9.6f} {versus}", flush=True)
    forward = lambda ids, mask: chosen.run(None, {"ids": ids, "mask": mask})[0]  # noqa: E731
    for size in (1, 4, 16):
        _, seconds = run(forward, batches(tokenizer, inputs["long"], size, 96), len(inputs["long"]))
        print(f"int8, long stories in batches of {size:>2}: {seconds * 1000:.2f} ms/story")


if __name__ == "__main__":
    main()

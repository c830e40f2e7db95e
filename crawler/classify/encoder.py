"""A pretrained sentence encoder (a small BERT, m3e-small by default) run with onnxruntime.

Why: a bag-of-words model only knows the words editors have already labelled. A pretrained encoder has read
millions of Chinese sentences, so 芯片 and 半导体, or 签约 and 落户, are close before anyone labels them. On
THUCNews titles its features add 8 points at 1,000 labels and 2 at 10,000 (README, "Measurements").

The encoder is a folder with config.json, tokenizer.json and the weights (pytorch_model.bin or
model.safetensors) of any BERT-architecture model; `newsdesk classify encoder install` puts m3e-small in
place. Features are the mean over tokens of every layer's output (the embedding layer included), each
scaled to unit length: the lower layers keep the words, the upper ones the meaning.

The forward pass is an ONNX graph built from the weights (encoder_graph.py). It runs in int8-smooth by default:
int8 products calibrated on the package's texts when the graph is built (encoder_graph.py), 2.1x as fast as
float32 in a crawl (the encoder took 15 ms of a page's 42 ms of CPU in float32, 7 ms in int8-smooth), its rows
within a cosine of 0.9998 of float32's. Measured with `benchmarks/classify.py --precision` (README,
"Measurements"): TNEWS's blend 0.5211 (float32: 0.5215, 2 of 4,928 titles), THUCNews 0.6745 / 0.8449 at 100 and
1,000 labels (float32: 0.6746 / 0.8446), the demo's and the sample's stories all in the same sections, none of
the crawl benchmark's 393 pages in another section. Float32 (1.8x faster than the numpy BERT before it, the
same rows within 2e-7) stays one setting away: NEWSDESK_ENCODER_PRECISION=fp32. The uncalibrated int8 precisions
cost TNEWS more: "int8" (every product) 0.522 -> 0.517, "int8-dense" (the attention in float32) 0.519,
"int8-ffn" 0.520.
The graph file is kept beside the weights, built once, and so is the weights' SHA-256 (their identity), so that
a process starting does not read 100 MB to name its encoder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML

from crawler.classify.encoder_graph import (
    CALIBRATED,
    QUANTISED,
    MissingTensor,
    open_graph,
)
from crawler.classify.text import StoryText
from crawler.classify.weights import WeightsError, read_weights
from crawler.configuration.atomic_files import write_atomically
from crawler.configuration.home import default_file
from crawler.configuration.sections import Newsletter, parse_sections
from crawler.errors import NewsdeskError

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "m3e-small"
MAX_TOKENS = 96            # the title and the start of the lead; longer inputs cost more and add little
BATCH = 64                 # texts per run in float32; int8 runs one text at a time (Encoder.batch)
PRECISION = "int8-smooth"  # 2.1x float32 in a crawl, TNEWS 0.5211 (fp32: 0.5215); "int8": TNEWS -0.005 (README)
PRECISION_VARIABLE = "NEWSDESK_ENCODER_PRECISION"   # another precision for every process of a run (README)
GRAPH_RECIPE = 1           # part of the graph file's name: raise it when encoder_graph.py builds another graph
CACHE_ROWS = 20_000        # rows kept per process (float16: 100 MB at most); enough for a training's folds
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def encoders_folder() -> Path:
    """Where installed encoders live: $NEWSDESK_ENCODERS, else share/newsdesk/encoders of this Python."""
    configured = os.environ.get("NEWSDESK_ENCODERS")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "newsdesk" / "encoders"


def encoder_path(setting: str) -> Path | None:
    """The folder an `encoder:` setting names (an installed name or a path), or None for 'none'."""
    if not setting or setting.lower() == "none":
        return None
    as_path = Path(setting).expanduser()
    return as_path if as_path.is_absolute() or os.sep in setting else encoders_folder() / setting


def weights_file(folder: Path) -> Path | None:
    return next((folder / name for name in WEIGHT_FILES if (folder / name).is_file()), None)


def is_installed(folder: Path) -> bool:
    return (folder / "config.json").is_file() and (folder / "tokenizer.json").is_file() \
        and weights_file(folder) is not None


class EncoderMissing(NewsdeskError):
    """The configured encoder is not installed."""


def require_installed(folder: Path) -> None:
    if not is_installed(folder):
        raise EncoderMissing(
            f"encoder {folder}: not installed (needs config.json, tokenizer.json and model weights); "
            "run `newsdesk classify encoder install`, or set `encoder: none` under classifier: in sections.yaml")


class Encoder:
    """Texts in, one feature row per text out; rows are cached by text for the life of the encoder."""

    def __init__(self, folder: Path, precision: str | None = None) -> None:
        require_installed(folder)
        from tokenizers import Tokenizer

        precision = precision or chosen_precision()   # read here, so a benchmark can run another precision
        self.folder = folder
        self.name = folder.name
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        # BERT only: RoBERTa-type models number positions differently (Chinese "RoBERTa"s are BERT-type).
        if config.get("model_type", "bert") != "bert" or config.get("hidden_act", "gelu") != "gelu":
            raise NewsdeskError(f"encoder {folder}: only BERT models with gelu are supported, "
                                f"not {config.get('model_type')}/{config.get('hidden_act')}")
        weights_path = weights_file(folder)
        fingerprint = weights_fingerprint(weights_path)[:16]
        # Which weights, run how: a model trained with one encoder must not run with another. The precisions'
        # features are within a cosine of 0.998 of those of the float32 numpy BERT that came before (whose
        # identity had no precision); a trained model reads its weights in any of them (reads_like).
        # A calibrated precision is named with its calibration too: other texts make another graph, other rows.
        variant = f"{precision}.{calibration_key()}" if precision in CALIBRATED else precision
        self.identity = f"{self.name}:{fingerprint}:{variant}"
        self.layer_count = int(config["num_hidden_layers"])
        hidden = int(config["hidden_size"])
        graph_file = folder / f"graph-{GRAPH_RECIPE}-{fingerprint}-{variant}.onnx"

        def weights() -> dict[str, np.ndarray]:
            try:
                return read_weights(weights_path)
            except WeightsError as exc:
                raise NewsdeskError(f"encoder {exc}") from None

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(MAX_TOKENS, int(config.get("max_position_embeddings", 512))))
        try:
            self.session = open_graph(graph_file, weights, config, precision,
                                      lambda: calibration_batches(self.tokenizer))
        except MissingTensor as exc:
            raise NewsdeskError(f"encoder {folder}: the weights have no tensor {exc}; is this a BERT model?") \
                from None
        self.dimensions = hidden * (self.layer_count + 1)
        # int8 products quantise their input with one step per run, set by its largest value: texts encoded
        # together would change each other's rows (a cosine of 0.9995 apart). One text per run gives a text the
        # same row in a training's batches as in a crawl's pages, at the same speed (float32 gains 1.5x from
        # batches, and its rows do not move with them).
        self.batch = BATCH if precision == "fp32" else 1
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = [e.ids for e in self.tokenizer.encode_batch(texts)]
        rows = np.zeros((len(texts), self.dimensions), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))   # similar lengths, less padding
        for start in range(0, len(order), self.batch):
            chunk = order[start:start + self.batch]
            ids, mask = padded([encodings[i] for i in chunk])
            rows[chunk] = self.session.run(None, {"ids": ids, "mask": mask})[0]
        return rows

    def forget(self) -> None:
        """Empty the cache (benchmarks time encoding this way)."""
        with self._lock:
            self._cache.clear()

    def features(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimensions) rows of unit length; texts seen lately come from the cache.

        Rows are kept as float16 and every row, cached or not, goes through it, so a text's features
        do not depend on whether it was cached."""
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            missing = list(dict.fromkeys(t for t in texts if t not in found))
            for start in range(0, len(missing), CACHE_ROWS // 2):
                chunk = missing[start:start + CACHE_ROWS // 2]
                for text, row in zip(chunk, self._encode(chunk).astype(np.float16), strict=True):
                    found[text] = row
            for text, row in found.items():
                self._cache[text] = row
                self._cache.move_to_end(text)
            while len(self._cache) > CACHE_ROWS:
                self._cache.popitem(last=False)
            if not texts:
                return np.zeros((0, self.dimensions), np.float32)
            return np.stack([found[t] for t in texts]).astype(np.float32)


def chosen_precision() -> str:
    """The precision the encoder runs in: $NEWSDESK_ENCODER_PRECISION when set (fp32 for float32's rows at half
    the speed, README "The encoder"), else PRECISION. Read by each process, so a crawl's workers and a training
    run alike."""
    value = os.environ.get(PRECISION_VARIABLE, "").strip() or PRECISION
    if value != "fp32" and value not in QUANTISED:
        raise NewsdeskError(f"{PRECISION_VARIABLE}={value}: not a precision of the encoder; use {PRECISION} (the "
                            f"default) or {', '.join(['fp32', *(q for q in QUANTISED if q != PRECISION)])}")
    return value


def padded(encodings: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """The graph's inputs for these token ids: padded to the longest, and the mask of the real tokens."""
    ids = np.zeros((len(encodings), max(map(len, encodings))), np.int64)
    mask = np.zeros(ids.shape, np.float32)
    for row, tokens in enumerate(encodings):
        ids[row, :len(tokens)] = tokens
        mask[row, :len(tokens)] = 1.0
    return ids, mask


def calibration_texts() -> list[str]:
    """What the calibrated int8 precisions are calibrated on, one story at a time as a crawl encodes them: texts
    the package has, never a benchmark's. From the default sections.yaml: the topic's and each section's
    description, and each example title alone and as a story's title followed by its section's description
    as the lead (the 50-90 tokens of a crawled story)."""
    newsletter = parse_sections(YAML(typ="safe").load(default_file("sections.yaml")), Path("sections.yaml"))
    texts = [newsletter.topic.description]
    for section in newsletter.sections:
        texts.append(section.description)
        for example in section.examples:
            texts += [example, StoryText.of(example, section.description).encoder_text()]
    return [text for text in texts if text]


def calibration_key() -> str:
    """A short fingerprint of the calibration texts (the default sections.yaml's), naming a calibrated graph."""
    return hashlib.sha256("\n".join(calibration_texts()).encode("utf-8")).hexdigest()[:8]


def calibration_batches(tokenizer) -> list[tuple[np.ndarray, np.ndarray]]:
    """The graph's inputs for the calibration texts, one text at a time (as every int8 encoder runs them), then in
    padded batches of 16 (as training ran them before; kept, so the graph stays the same: calibrating on single
    texts alone gives the same rows, README "Measurements")."""
    encodings = [e.ids for e in tokenizer.encode_batch(calibration_texts())]
    return [padded([ids]) for ids in encodings] + [padded(encodings[i:i + 16]) for i in range(0, len(encodings), 16)]


def reads_like(trained_with: str, identity: str) -> bool:
    """Whether a model trained on the features of the encoder `trained_with` may read those of `identity`: the
    same weights (name and fingerprint), run in any precision. An identity without a precision is the float32
    numpy BERT that came before the graphs; every precision's features are within a cosine of 0.998 of its
    rows (README, "Sections and relevance"), so a model trained on one reads the others as accurately."""
    return weights_of(identity) == weights_of(trained_with)


def weights_of(identity: str) -> str:
    """The name and fingerprint of an encoder identity ("m3e-small:78fbbe22d9bc31a5:int8-dense")."""
    return ":".join(identity.split(":")[:2])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_fingerprint(path: Path) -> str:
    """The SHA-256 of a weights file, remembered in a note beside it (NAME.sha256.json) under the file's size,
    mtime and inode: every crawl worker names its encoder by it, and hashing 100 MB took 0.2 s a process.
    A note that does not match the file, or cannot be read, is written again; a folder that cannot be written
    gets the file hashed every time."""
    note = path.with_name(f"{path.name}.sha256.json")
    key = _file_key(path)
    try:
        remembered = json.loads(note.read_text(encoding="utf-8"))
        if remembered["file"] == key and re.fullmatch("[0-9a-f]{64}", remembered["sha256"]):
            return remembered["sha256"]
    except (OSError, ValueError, TypeError, KeyError):   # no note yet, or a damaged one: hashed again below
        pass
    digest = sha256_of(path)
    if _file_key(path) == key:    # not changed while it was read: the digest is this key's
        with contextlib.suppress(OSError):
            write_atomically(note, json.dumps({"file": key, "sha256": digest}).encode())
    return digest


def _file_key(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


_loaded: dict[Path, Encoder] = {}
_loaded_lock = threading.Lock()


_warned: set[str] = set()


def encoder_for(newsletter: Newsletter) -> Encoder | None:
    """The encoder sections.yaml asks for. The default one may be absent (words alone, with one warning per
    process); one the operator named must be there (EncoderMissing)."""
    setting = str(newsletter.classifier["encoder"])
    try:
        return load_encoder(setting)
    except EncoderMissing as missing:
        _absent(setting, missing)
        return None


def check_encoder(newsletter: Newsletter) -> None:
    """What encoder_for would say of a missing encoder (EncoderMissing, or the one warning), without loading it:
    a crawl checks here and its workers load it."""
    setting = str(newsletter.classifier["encoder"])
    folder = encoder_path(setting)
    try:
        if folder is not None:
            require_installed(folder.resolve())
            chosen_precision()
    except EncoderMissing as missing:
        _absent(setting, missing)


def _absent(setting: str, missing: EncoderMissing) -> None:
    """The default encoder may be missing (said once per process, and forked workers inherit that it was said);
    one the operator named may not."""
    if setting != DEFAULT_ENCODER:
        raise missing
    if setting not in _warned:
        _warned.add(setting)
        logger.warning("the encoder %s is not installed: sections are chosen from words alone, which is "
                       "less accurate; `newsdesk classify encoder install` adds it", setting)


def load_encoder(setting: str) -> Encoder | None:
    """The encoder a sections.yaml names, loaded once per process; None for 'none'. EncoderMissing if absent."""
    folder = encoder_path(setting)
    if folder is None:
        return None
    folder = folder.resolve()
    with _loaded_lock:
        if folder not in _loaded:
            _loaded[folder] = Encoder(folder)
        return _loaded[folder]

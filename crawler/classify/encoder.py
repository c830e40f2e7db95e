"""A pretrained sentence encoder (a small BERT, m3e-small by default) run with numpy.

Why: a bag-of-words model only knows the words editors have already labelled. A pretrained encoder has read
millions of Chinese sentences, so 芯片 and 半导体, or 签约 and 落户, are close before anyone labels them. On
THUCNews titles its features add 8 points at 1,000 labels and 2 at 10,000 (README, "Measurements").

The encoder is a folder with config.json, tokenizer.json and the weights (pytorch_model.bin or
model.safetensors) of any BERT-architecture model; `newsdesk classify encoder install` puts m3e-small in
place. Features are the mean over tokens of every layer's output (the embedding layer included), each
scaled to unit length: the lower layers keep the words, the upper ones the meaning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crawler.classify.weights import WeightsError, read_weights
from crawler.configuration.sections import Newsletter
from crawler.errors import NewsdeskError

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "m3e-small"
MAX_TOKENS = 96            # the title and the start of the lead; longer inputs cost more and add little
BATCH = 64
CACHE_ROWS = 20_000        # rows kept per process (float16: 100 MB at most); enough for a training's folds
GELU_SCALE = np.float32((2 / np.pi) ** 0.5)   # float32: a float64 constant would make every product float64
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


@dataclass(frozen=True)
class Layer:
    query: tuple[np.ndarray, np.ndarray]
    key: tuple[np.ndarray, np.ndarray]
    value: tuple[np.ndarray, np.ndarray]
    attention_out: tuple[np.ndarray, np.ndarray]
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: tuple[np.ndarray, np.ndarray]
    output: tuple[np.ndarray, np.ndarray]
    output_norm: tuple[np.ndarray, np.ndarray]


def layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + np.float32(eps)) * weight_bias[0] + weight_bias[1]


def dense(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    # One matrix product over every token of the batch: a 3-D product would loop over stories.
    flat = x.reshape(-1, x.shape[-1]) @ weight_bias[0]
    flat += weight_bias[1]
    return flat.reshape(*x.shape[:-1], -1)


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU by its tanh form: within 1e-3 of the exact one and twenty times faster than erf here."""
    return 0.5 * x * (1.0 + np.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)))


class Encoder:
    """Texts in, one feature row per text out; rows are cached by text for the life of the encoder."""

    def __init__(self, folder: Path) -> None:
        if not is_installed(folder):
            raise EncoderMissing(
                f"encoder {folder}: not installed (needs config.json, tokenizer.json and model weights); "
                "run `newsdesk classify encoder install`, or set `encoder: none` under classifier: in sections.yaml")
        from tokenizers import Tokenizer

        self.folder = folder
        self.name = folder.name
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        # BERT only: RoBERTa-type models number positions differently (Chinese "RoBERTa"s are BERT-type).
        if config.get("model_type", "bert") != "bert" or config.get("hidden_act", "gelu") != "gelu":
            raise NewsdeskError(f"encoder {folder}: only BERT models with gelu are supported, "
                                f"not {config.get('model_type')}/{config.get('hidden_act')}")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        weights_path = weights_file(folder)
        try:
            weights = read_weights(weights_path)
        except WeightsError as exc:
            raise NewsdeskError(f"encoder {exc}") from None
        # A fingerprint of the weights: a model trained with one encoder must not run with another.
        self.identity = f"{self.name}:{sha256_of(weights_path)[:16]}"
        self._load(weights, int(config["num_hidden_layers"]))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(MAX_TOKENS, int(config.get("max_position_embeddings", 512))))
        self.dimensions = self.hidden * (len(self.layers) + 1)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _load(self, weights: dict[str, np.ndarray], layers: int) -> None:
        weights = {name.removeprefix("bert."): value for name, value in weights.items()}

        def pair(prefix: str, transpose: bool = True) -> tuple[np.ndarray, np.ndarray]:
            weight = weights[f"{prefix}.weight"]
            return (np.ascontiguousarray(weight.T) if transpose else weight), weights[f"{prefix}.bias"]

        try:
            self.word = weights["embeddings.word_embeddings.weight"]
            self.position = weights["embeddings.position_embeddings.weight"]
            self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
            self.embedding_norm = pair("embeddings.LayerNorm", transpose=False)
            self.layers = [Layer(*(pair(f"encoder.layer.{i}.{part}", transpose=not part.endswith("LayerNorm"))
                                   for part in ("attention.self.query", "attention.self.key", "attention.self.value",
                                                "attention.output.dense", "attention.output.LayerNorm",
                                                "intermediate.dense", "output.dense", "output.LayerNorm")))
                           for i in range(layers)]
        except KeyError as exc:
            raise NewsdeskError(f"encoder {self.folder}: the weights have no tensor {exc}; "
                                "is this a BERT model?") from None
        self.hidden = self.word.shape[1]

    def _states(self, ids: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """The output of the embedding layer and of every transformer layer, each (batch, tokens, hidden)."""
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length] + self.token_type
        x = layer_norm(x, self.embedding_norm, self.eps)
        states = [x]
        size = self.hidden // self.heads
        blocked = (1.0 - mask[:, None, None, :]) * -1e9          # padding is never attended to
        for layer in self.layers:
            def split(t):
                return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)
            q, k, v = (split(dense(x, w)) for w in (layer.query, layer.key, layer.value))
            scores = q @ k.transpose(0, 1, 3, 2) * (size ** -0.5) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = layer_norm(x + dense(context, layer.attention_out), layer.attention_norm, self.eps)
            x = layer_norm(x + dense(gelu(dense(x, layer.intermediate)), layer.output), layer.output_norm, self.eps)
            states.append(x)
        return states

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        rows = np.zeros((len(texts), self.dimensions), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))   # similar lengths, less padding
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), np.int64)
            mask = np.zeros((len(chunk), length), np.float32)
            for row, i in enumerate(chunk):
                ids[row, :len(encodings[i].ids)] = encodings[i].ids
                mask[row, :len(encodings[i].ids)] = 1.0
            pooled = []
            for state in self._states(ids, mask):
                mean = (state * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
                pooled.append(mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9))
            rows[chunk] = np.concatenate(pooled, axis=1) / np.sqrt(len(pooled))
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_loaded: dict[Path, Encoder] = {}
_loaded_lock = threading.Lock()


_warned: set[str] = set()


def encoder_for(newsletter: Newsletter) -> Encoder | None:
    """The encoder sections.yaml asks for. The default one may be absent (words alone, with one warning per
    process); one the operator named must be there (EncoderMissing)."""
    setting = str(newsletter.classifier["encoder"])
    try:
        return load_encoder(setting)
    except EncoderMissing:
        if setting != DEFAULT_ENCODER:
            raise
        if setting not in _warned:
            _warned.add(setting)
            logger.warning("the encoder %s is not installed: sections are chosen from words alone, which is "
                           "less accurate; `newsdesk classify encoder install` adds it", setting)
        return None


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

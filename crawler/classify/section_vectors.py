"""Each section's meaning as the encoder reads it, kept in the home's cache/ between runs.

Why: encoding the few hundred short texts of sections.yaml (descriptions, keywords, examples) took 3-4 s
on a quiet machine and 25-30 s on a busy one, before every crawl, `sources test` and `classify explain`.
The file is named by a hash of those texts and of the encoder's fingerprint, so an edited sections.yaml
or another encoder is simply a different file; one that cannot be read as expected is rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

import numpy as np

from crawler.classify.encoder import Encoder
from crawler.configuration.atomic_files import write_atomically
from crawler.configuration.sections import Section

logger = logging.getLogger(__name__)

# Part of the key: change it when the way the vectors are computed from the texts changes.
RECIPE = "mean of unit rows, then unit length; float32; int8 rows one text a run"
PREFIX = "section-vectors-"


def cache_folder(home_path: Path) -> Path:
    return home_path / "cache"


def section_texts(section: Section) -> list[str]:
    """What stands for a section's meaning: its description, keywords and examples (else its name)."""
    return [t for t in (section.description, *section.keywords, *section.examples) if t.strip()] or [section.name]


def compute_meanings(sections: tuple[Section, ...], encoder: Encoder) -> np.ndarray:
    """One unit vector per section: the mean of its texts' features."""
    rows = []
    for section in sections:
        mean = encoder.features(section_texts(section)).mean(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return np.stack(rows)


def cache_key(sections: tuple[Section, ...], encoder: Encoder) -> str:
    texts = [section_texts(section) for section in sections]
    material = json.dumps([RECIPE, encoder.identity, texts], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _read(path: Path, shape: tuple[int, int]) -> np.ndarray | None:
    """The cached vectors, or None when the file is missing, damaged or not what this run needs."""
    try:
        vectors = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError) as exc:   # truncated, not .npy, or asks for pickle
        logger.info("ignoring the cached section vectors %s (%s); rebuilding them", path, exc)
        return None
    if vectors.shape != shape or vectors.dtype != np.float32 or not np.isfinite(vectors).all():
        logger.info("ignoring the cached section vectors %s (%s %s); rebuilding them", path, vectors.dtype,
                    vectors.shape)
        return None
    return vectors


def _write(folder: Path, path: Path, vectors: np.ndarray) -> None:
    """Save the vectors and drop those of older sections.yaml versions; a home that cannot be written
    (read-only, full) only loses the speed-up."""
    buffer = io.BytesIO()
    np.save(buffer, vectors, allow_pickle=False)
    try:
        folder.mkdir(exist_ok=True)
        write_atomically(path, buffer.getvalue())
        for old in folder.glob(f"{PREFIX}*.npy"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("could not cache the section vectors in %s (%s); they will be encoded again next time",
                       folder, exc)


def section_meanings(sections: tuple[Section, ...], encoder: Encoder, cache: Path | None = None) -> np.ndarray:
    """(sections, encoder.dimensions) unit vectors; read from the cache folder when it has them, else computed
    (and saved there)."""
    if cache is None:
        return compute_meanings(sections, encoder)
    path = cache / f"{PREFIX}{cache_key(sections, encoder)}.npy"
    vectors = _read(path, (len(sections), encoder.dimensions))
    if vectors is None:
        vectors = compute_meanings(sections, encoder).astype(np.float32)
        _write(cache, path, vectors)
    return vectors

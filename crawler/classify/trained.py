"""A trained model bundle (sections and relevance) and its versioned files in the home's models/ folder."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib

from crawler.classify.encoder import encoders_folder, load_encoder
from crawler.classify.model import Term, TextModel
from crawler.classify.text import StoryText
from crawler.errors import NewsdeskError

logger = logging.getLogger(__name__)

MODEL_FILE = re.compile(r"^classifier-(\d{4,})\.joblib$")
RELEVANT, NOT_RELEVANT = "relevant", "not relevant"


@dataclass
class TrainedModel:
    """What `newsdesk classify train` fitted, with how much each part is trusted against the rules."""

    version: str
    section_model: TextModel | None
    section_share: float
    relevance_model: TextModel | None
    relevance_share: float
    manifest: dict[str, Any] = field(default_factory=dict)

    def usable_for(self, section_names: set[str]) -> bool:
        if self.section_model is not None and not set(self.section_model.classes) <= section_names:
            logger.warning("model %s knows sections no longer in sections.yaml; using the rules alone until "
                           "`newsdesk classify train`", self.version)
            return False
        missing = [m.encoder_identity for m in (self.section_model, self.relevance_model)
                   if m is not None and not attach_encoder(m)]
        if missing:
            logger.warning("model %s was trained with the encoder %s, which is not installed here; using the rules "
                           "alone until `newsdesk classify encoder install` or `newsdesk classify train`",
                           self.version, missing[0].split(":")[0])
            return False
        return True

    def section_probabilities(self, story: StoryText) -> dict[str, float]:
        if self.section_model is None:
            return {}
        row = self.section_model.predict_proba([story])[0]
        return dict(zip(self.section_model.classes, (float(p) for p in row), strict=True))

    def section_probabilities_many(self, stories: list[StoryText]) -> list[dict[str, float]]:
        if self.section_model is None:
            return [{} for _ in stories]
        rows = self.section_model.predict_proba(stories)
        return [dict(zip(self.section_model.classes, (float(p) for p in row), strict=True)) for row in rows]

    def relevance_probability_many(self, stories: list[StoryText]) -> list[float | None]:
        if self.relevance_model is None:
            return [None for _ in stories]
        column = self.relevance_model.classes.index(RELEVANT)
        return [float(p) for p in self.relevance_model.predict_proba(stories)[:, column]]

    def section_terms(self, story: StoryText, section: str) -> list[Term]:
        return self.section_model.terms(story, section) if self.section_model is not None else []

    def relevance_probability(self, story: StoryText) -> float | None:
        if self.relevance_model is None:
            return None
        row = self.relevance_model.predict_proba([story])[0]
        return float(row[self.relevance_model.classes.index(RELEVANT)])


def attach_encoder(model: TextModel) -> bool:
    """Give a loaded model the encoder it was trained with: where it was then, else the installed one of that name."""
    if model.ready:
        return True
    name = model.encoder_identity.split(":")[0]
    for folder in dict.fromkeys(filter(None, (model.encoder_folder, str(encoders_folder() / name)))):
        try:
            if model.attach(load_encoder(folder)):
                return True
        except NewsdeskError:
            continue
    return False


def models_folder(home_path: Path) -> Path:
    return home_path / "models"


def versions(home_path: Path) -> list[int]:
    """Numbers of the stored models whose manifest is there too, oldest first."""
    folder = models_folder(home_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = MODEL_FILE.match(path.name)
        if match and path.with_suffix(".json").exists():
            found.append(int(match.group(1)))
    return sorted(found)


def version_name(number: int) -> str:
    return f"classifier-{number:04d}"


def save_model(home_path: Path, model: TrainedModel) -> Path:
    """Write the next version: the model, then its manifest (a model without a manifest is never loaded)."""
    folder = models_folder(home_path)
    folder.mkdir(parents=True, exist_ok=True)
    number = (versions(home_path) or [0])[-1] + 1
    while (folder / f"{version_name(number)}.joblib").exists():   # a half-written earlier attempt
        number += 1
    model.version = version_name(number)
    model.manifest = {**model.manifest, "version": model.version}
    path = folder / f"{model.version}.joblib"
    temporary = path.with_suffix(".joblib.tmp")
    joblib.dump(model, temporary)
    temporary.replace(path)
    manifest = path.with_suffix(".json")
    manifest.with_suffix(".json.tmp").write_text(json.dumps(model.manifest, ensure_ascii=False, indent=2),
                                                 encoding="utf-8")
    manifest.with_suffix(".json.tmp").replace(manifest)
    logger.info("saved %s", path)
    return path


def load_model(home_path: Path, number: int | None = None) -> TrainedModel | None:
    """The newest model (or version `number`), or None when none has been trained."""
    available = versions(home_path)
    if not available:
        return None
    number = available[-1] if number is None else number
    if number not in available:
        raise FileNotFoundError(f"no model {version_name(number)} in {models_folder(home_path)}")
    path = models_folder(home_path) / f"{version_name(number)}.joblib"
    try:
        return joblib.load(path)
    except Exception as exc:   # unpickling a damaged file can raise almost anything
        raise NewsdeskError(f"{path} is not a model Newsdesk can read ({type(exc).__name__}); delete it and its "
                            ".json, or run `newsdesk classify train` to write a new one") from exc


def latest_manifest(home_path: Path) -> dict[str, Any] | None:
    available = versions(home_path)
    if not available:
        return None
    path = models_folder(home_path) / f"{version_name(available[-1])}.json"
    return json.loads(path.read_text(encoding="utf-8"))

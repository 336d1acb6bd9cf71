"""Every text a student can read exists in English and 简体中文, and every key the code names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import tomllib

from components.core.messages import Msg, UserError, all_messages, read_texts, render, texts_files
from tests.browser import english_sentences

REPO = Path(__file__).resolve().parents[1]
KEY_CALLS = {"Msg", "UserError", "ModelUnavailable", "t", "i18n", "tr"}  # functions whose first argument is a key


def key_calls() -> list[tuple[str, int, ast.expr]]:
    """(file, line, first argument) of every call in components/ that takes a message key."""
    found = []
    for path in sorted((REPO / "components").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in KEY_CALLS:
                    found.append((str(path.relative_to(REPO)), node.lineno, node.args[0]))
    return found


def string_literals() -> set[str]:
    """Every string constant in the package's code and in the data files that name keys (assets/*.json)."""
    found = set()
    for path in (REPO / "components").rglob("*.py"):
        found |= {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    for path in (REPO / "assets").rglob("*.json"):
        found |= set(re.findall(r'"([a-z][a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_no_message_key_is_built_at_run_time():
    built = [f"{path}:{line}" for path, line, arg in key_calls() if isinstance(arg, (ast.JoinedStr, ast.BinOp))
             or (isinstance(arg, ast.Call) and getattr(arg.func, "attr", None) == "format")]
    assert built == []


def test_the_run_time_key_check_sees_an_f_string_key():
    """Negative control of the test above: the check finds an f-string key when there is one."""
    tree = ast.parse('t(f"attn_title_{view}", lang)')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert isinstance(call.args[0], ast.JoinedStr)


def test_every_key_named_in_the_code_exists_in_both_languages():
    table = all_messages()
    named = {arg.value for _, _, arg in key_calls() if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    assert len(named) > 300
    assert sorted(named - set(table)) == []


def test_every_key_in_the_texts_files_is_used():
    table = all_messages()
    unused = sorted(set(table) - string_literals())
    assert unused == []


def test_each_lesson_keeps_its_texts_beside_it_and_no_module_registers_any():
    folders = {path.parent.name for path in texts_files()}
    assert {"core", "ui", "predict", "explain", "attention", "layer", "heads", "tokens", "polysemy", "pretraining",
            "finetune", "evaluate"} <= folders
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "components").rglob("*.py"))
    assert "register({" not in sources and "import messages  # noqa" not in sources


def test_no_chinese_text_is_an_english_sentence():
    table = all_messages()
    untranslated = {key: zh for key, (_en, zh) in table.items() if english_sentences(zh)}
    assert untranslated == {}


def test_the_english_detector_sees_english_and_spares_tokens_and_code():
    assert english_sentences("注意力 rows sum to one 行")
    assert english_sentences("请 Type a sentence first 再试") == ["Type a sentence first"]
    assert english_sentences("I didn't see it") == ["I didn't see it"]
    assert not english_sentences("运行 `python app.py prefetch bert-base-chinese` 再试")
    assert not english_sentences("模型 {model} 的第 {layer} 层")


def test_a_texts_file_without_chinese_or_with_other_placeholders_is_refused(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[ok]\nen = "{n} tokens"\nzh = "{n} 个词元"\n', encoding="utf-8")
    assert read_texts(good) == {"ok": ("{n} tokens", "{n} 个词元")}  # control: a well-formed entry is read
    missing = tmp_path / "missing.toml"
    missing.write_text('[test_missing_zh]\nen = "Only English"\nzh = ""\n', encoding="utf-8")
    with pytest.raises(ValueError, match="one non-empty text per language"):
        read_texts(missing)
    other = tmp_path / "other.toml"
    other.write_text('[test_placeholders]\nen = "{n} tokens"\nzh = "词元"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="different placeholders"):
        read_texts(other)
    broken = tmp_path / "broken.toml"
    broken.write_text("[x", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        read_texts(broken)


def test_errors_render_in_both_languages_and_quote_user_text_escaped():
    error = UserError("text_empty", what=Msg("text_what_text"))
    assert str(error) == "The text is empty: type a sentence first."
    assert "文本" in error.render("zh") and "empty" not in error.render("zh")
    assert render(Msg("shell_link_ignored", name="<b>x</b>", why=Msg("shell_link_unknown")), "en",
                  escape=lambda s: s.replace("<", "&lt;")).count("&lt;") == 2


def test_about_names_every_lesson_of_the_app_and_the_numbering_in_both_languages():
    import importlib

    from components.ui.shell import LESSONS

    titles = [importlib.import_module(f"components.{name}.tab").TITLE for name in LESSONS]
    for lang in ("en", "zh"):
        about = render(Msg("about_md"), lang)
        missing = [render(Msg(title), lang) for title in titles if f"**{render(Msg(title), lang)}**" not in about]
        assert missing == [], lang
        assert ("**Numbering.**" if lang == "en" else "**编号。**") in about
    assert "**Attention**" in render(Msg("about_md"), "en")  # control: the check reads lesson names as written


CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK}[,:()]|[,:()]{CJK}|{CJK} [,:()]")


def ascii_punctuation_next_to_chinese(text: str) -> list[str]:
    """ASCII , : ( ) beside a Chinese character, outside code, {placeholders}, formulas written as function
    calls (f(文本), LayerNorm(和)) and the span syntax a student types (起:止)."""
    prose = re.sub(r"`[^`]*`|\{[^}]*\}|[A-Za-z]+\([^()]*\)|起:止", "X", text)
    return ASCII_NEXT_TO_CJK.findall(prose)


def test_chinese_texts_use_chinese_punctuation_beside_chinese_characters():
    assert ascii_punctuation_next_to_chinese("需要下载, 能做填空") and ascii_punctuation_next_to_chinese("说明(见下)")
    assert not ascii_punctuation_next_to_chinese("需要下载，能做填空；f(文本) = {value}，写成 起:止")  # controls
    wrong = {key: zh for key, (_en, zh) in all_messages().items() if ascii_punctuation_next_to_chinese(zh)}
    assert wrong == {}


# "**先猜一猜：**在": CommonMark does not close emphasis after a punctuation mark when a letter follows at once
# (nor open it before one when a letter precedes), so the asterisks are shown as they are.
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef“”‘’]")


def broken_bold(text: str) -> list[str]:
    """Bold spans whose ``**`` cannot open or close: a full-width mark inside the delimiter with a letter outside."""
    parts = text.split("**")
    found = []
    for i in range(1, len(parts) - 1, 2):
        inside, before, after = parts[i], parts[i - 1], parts[i + 1]
        opens_badly = inside[:1] and FULL_WIDTH.match(inside[0]) and before[-1:].isalnum()
        closes_badly = inside[-1:] and FULL_WIDTH.match(inside[-1]) and after[:1].isalnum()
        if opens_badly or closes_badly:
            found.append(inside)
    return found


def test_chinese_bold_never_ends_on_a_full_width_mark_before_a_character():
    assert broken_bold("**先猜一猜：**在第 2 层") == ["先猜一猜："]  # control: what the Inside-a-layer note had
    assert broken_bold("点击**“注意力”**标签") == ["“注意力”"]  # control: a quotation mark inside, letters outside
    assert broken_bold("**先猜一猜**：在第 2 层；**编号。** 层从 1 开始；**“A”** 和") == []  # controls that render
    wrong = {key: zh for key, (_en, zh) in all_messages().items() if broken_bold(zh)}
    assert wrong == {}


def test_the_about_models_table_joins_statuses_with_the_page_s_comma():
    from components.ui.about import models_markdown

    zh, en = models_markdown(("bert-base-uncased",), "zh"), models_markdown(("bert-base-uncased",), "en")
    assert "，能做填空" in zh and ascii_punctuation_next_to_chinese(zh) == []
    assert ", " in en.splitlines()[-1]  # control: the English row joins with an ASCII comma

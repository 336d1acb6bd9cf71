"""Every sentence a student reads, in English and 简体中文, behind one key.

Design decision: computation never hands the UI a finished English sentence. It raises
``UserError(key, **params)`` or returns ``Msg(key, **params)``; the UI renders either in the
student's language with ``render``. The texts are data, not code: each folder of ``components/``
keeps its own ``texts.toml`` (one table per key, ``en`` and ``zh`` side by side), and this module
reads every one of them the first time a text is asked for. No module registers anything by being
imported, so a text exists whatever was imported first; a missing translation is a load error,
never a silent fallback. Keys are always literals in the code (a view that picks one of several
texts keeps a mapping from the view to its key), so ``tests/test_messages.py`` can check, without
running anything, that every key the code names exists and every key in the files is used.
``str(UserError)`` is the English sentence, which the CLI, the logs and the tests read.

Parameters that come from the student (a word, a sentence, a token) are escaped by the caller's
renderer (``escape=``) before they are placed into a template; templates are ours and keep their
Markdown. A ``Msg`` may be a parameter of another ``Msg`` (it is rendered in the same language).
"""

from __future__ import annotations

import string
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

__all__ = ["LANGS", "Msg", "UserError", "all_messages", "lang_of", "read_texts", "render", "t", "texts_files"]

LANGS = ("en", "zh")
COMPONENTS = Path(__file__).resolve().parents[1]
_TABLE: dict[str, tuple[str, str]] = {}
_LOCK = threading.Lock()


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def texts_files() -> list[Path]:
    """Every ``texts.toml`` of the package, one per folder that has texts."""
    return sorted(COMPONENTS.glob("*/texts.toml"))


def read_texts(path: Path) -> dict[str, tuple[str, str]]:
    """One texts file as ``{key: (English, Chinese)}``. A key without a non-empty text in every
    language, with other fields, or whose Chinese ``{placeholders}`` differ from the English ones is
    refused with the file and the key named: it is a programming error, found by the first test."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    table = {}
    for key, entry in raw.items():
        texts = entry.get if isinstance(entry, dict) else None
        if texts is None or set(entry) != set(LANGS) or not all(isinstance(texts(lang), str) and texts(lang).strip()
                                                                for lang in LANGS):
            raise ValueError(f"{path}: message {key!r} needs one non-empty text per language {LANGS} and nothing else")
        pair = tuple(entry[lang] for lang in LANGS)
        if _fields(pair[0]) != _fields(pair[1]):
            raise ValueError(f"{path}: message {key!r}: the languages use different placeholders")
        table[key] = pair
    return table


def _table() -> dict[str, tuple[str, str]]:
    if _TABLE:  # read once; afterwards a plain dict lookup, no lock
        return _TABLE
    with _LOCK:
        if not _TABLE:
            merged: dict[str, tuple[str, str]] = {}
            for path in texts_files():
                for key, pair in read_texts(path).items():
                    if key in merged:
                        raise ValueError(f"{path}: message {key!r} is defined in another texts file too")
                    merged[key] = pair
            _TABLE.update(merged)
    return _TABLE


def all_messages() -> dict[str, tuple[str, str]]:
    return dict(_table())


def lang_of(value: str | None) -> str:
    """'zh', 'zh-CN', 'zh-Hans-CN', 'zh_TW' -> 'zh'; anything else -> 'en'."""
    return "zh" if (value or "").strip().lower().replace("_", "-").split("-")[0] == "zh" else "en"


@dataclass(frozen=True, eq=False)
class Msg:
    """A message to render later, in whatever language the reader has."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __init__(self, key: str, **params: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)

    def __str__(self) -> str:
        return render(self, "en")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {dict(self.params)!r})"


def _value(value: object, lang: str, escape: Callable[[str], str] | None) -> object:
    if isinstance(value, Msg):
        return render(value, lang, escape=escape)
    if isinstance(value, str):
        return escape(value) if escape else value
    if isinstance(value, (list, tuple)):
        sep = "、" if lang == "zh" else ", "
        return sep.join(str(_value(v, lang, escape)) for v in value)
    return value


def render(message: Msg | str, lang: str = "en", *, escape: Callable[[str], str] | None = None) -> str:
    """The message in ``lang`` ('en' or 'zh'); plain strings are passed through (escaped if asked)."""
    if isinstance(message, str):
        return escape(message) if escape else message
    texts = _table().get(message.key)
    if texts is None:
        raise KeyError(f"no message registered for {message.key!r}")
    template = texts[LANGS.index(lang_of(lang))]
    params = {k: _value(v, lang, escape) for k, v in message.params.items()}
    return template.format(**params)


def t(key: str, lang: str = "en", **params: object) -> str:
    return render(Msg(key, **params), lang)


class UserError(ValueError):
    """A problem the student can fix: carries a message key and its parameters.

    The UI renders ``.msg`` in the student's language; ``str()`` is English. Only this class (and
    its subclasses) reaches a student as written; any other exception is a bug and is shown as a
    generic apology while the details go to the server log.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.msg = Msg(key, **params)
        # ``teacher``: a Msg for whoever runs the machine (a command to run where there is internet); the UI
        # folds it away under "For the teacher", the English str (CLI, logs) says it after the sentence
        teacher = params.get("teacher")
        english = render(self.msg, "en")
        super().__init__(f"{english} {render(teacher, 'en')}" if isinstance(teacher, Msg) else english)

    def render(self, lang: str, *, escape: Callable[[str], str] | None = None) -> str:
        return render(self.msg, lang, escape=escape)

"""Every sentence a student reads, in English and 简体中文, behind one key.

Design decision: computation never hands the UI a finished English sentence. It raises
``UserError(key, **params)`` or returns ``Msg(key, **params)``; the UI renders either in the
student's language with ``render``. Each lesson keeps its own table in its ``messages.py`` and
``register``s it here; an entry is ``key: (English, Chinese)``, so a missing translation is a
visible gap in the table (and a failing test), never a silent fallback. ``str(UserError)`` is
the English sentence, which the CLI, the logs and the tests read.

Parameters that come from the student (a word, a sentence, a token) are escaped by the caller's
renderer (``escape=``) before they are placed into a template; templates are ours and keep their
Markdown. A ``Msg`` may be a parameter of another ``Msg`` (it is rendered in the same language).
"""

from __future__ import annotations

import string
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["LANGS", "Msg", "UserError", "all_messages", "lang_of", "register", "render", "t"]

LANGS = ("en", "zh")
_TABLE: dict[str, tuple[str, str]] = {}
_LOCK = threading.Lock()


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def register(table: Mapping[str, tuple[str, str]]) -> None:
    """Add a lesson's messages. A key registered twice with other texts, a text that is empty, or
    a Chinese text whose ``{placeholders}`` differ from the English one is a programming error."""
    with _LOCK:
        for key, pair in table.items():
            if not (isinstance(pair, tuple) and len(pair) == len(LANGS) and all(isinstance(x, str) and x.strip()
                                                                             for x in pair)):
                raise ValueError(f"message {key!r} needs one non-empty text per language {LANGS}")
            if _fields(pair[0]) != _fields(pair[1]):
                raise ValueError(f"message {key!r}: the languages use different placeholders")
            if key in _TABLE and _TABLE[key] != pair:
                raise ValueError(f"message {key!r} is registered twice with different texts")
            _TABLE[key] = pair


def all_messages() -> dict[str, tuple[str, str]]:
    with _LOCK:
        return dict(_TABLE)


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
    texts = _TABLE.get(message.key)
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
        super().__init__(render(self.msg, "en"))

    def render(self, lang: str, *, escape: Callable[[str], str] | None = None) -> str:
        return render(self.msg, lang, escape=escape)


def keys_used(texts: Iterable[str]) -> set[str]:
    """Message keys named in source code (``Msg("k"``, ``UserError("k"``, ``t("k"``, ``i18n("k"``)."""
    import re

    pattern = re.compile(r"""\b(?:Msg|UserError|ModelUnavailable|[a-zA-Z]*Error|t|i18n|tr)\(\s*"""
                         r"""["']([a-z][a-z0-9_]+)["']""")
    return {m.group(1) for text in texts for m in pattern.finditer(text)}


register({
    "core_unexpected": (
        "Something went wrong on the server while handling this input. Try a shorter or simpler text; "
        "if it keeps happening, tell your teacher.",
        "服务器处理这段输入时出了问题。请换一段更短或更简单的文字；如果一直出现，请告诉老师。"),
})

"""The built-in sentence sets (assets/polysemy/*.json), written for this project.

Design decision: a set is data, its sense names exist in both languages ("finance" / "金融"), and
its title is a message key (``title_key`` in the file), so a Chinese classroom reads Chinese sense
names in the text box, the legends and the note even for an English target word. Anchor words
belong to a sense, not to a sense *name*: whichever language the student's lines use, the
anchors of that sense are found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from components.core.messages import lang_of

__all__ = ["DEFAULT_SET", "SETS_DIR", "BuiltinSet", "Sense", "builtin_sets", "link_sentences", "own_sentences",
           "set_sentences", "set_text_language"]

SETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "polysemy"
DEFAULT_SET = "bank"


@dataclass(frozen=True)
class Sense:
    names: dict[str, str]  # "en" / "zh" -> the sense's name
    anchors: tuple[str, ...]  # words that mean this sense, encoded alone as landmarks
    sentences: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.names[lang_of(lang)]


@dataclass(frozen=True)
class BuiltinSet:
    key: str
    target: str
    language: str  # "en" or "zh": the language of the sentences (which model can read them)
    senses: tuple[Sense, ...]
    title_key: str  # the message key of the set's name in the menu, named in its file

    def lines(self, lang: str = "en") -> list[tuple[str, str]]:
        """(sense name in ``lang``, sentence) for every sentence."""
        return [(sense.name(lang), text) for sense in self.senses for text in sense.sentences]

    def as_text(self, lang: str = "en") -> str:
        """The set as the text box shows it: 'sense | sentence' lines."""
        return "\n".join(f"{sense} | {text}" for sense, text in self.lines(lang))

    @property
    def anchor_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for sense in self.senses for w in sense.anchors))

    def anchors_for(self, target: str, sense_names: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(sense name as the student's lines spell it, anchor words) when ``target`` is this set's word;
        senses the lines do not name get no anchors."""
        if target.casefold() != self.target.casefold():
            return ()
        found = []
        for sense in self.senses:
            name = next((n for n in sense.names.values() if n in sense_names), None)
            if name is not None:
                found.append((name, sense.anchors))
        return tuple(found)


@cache
def builtin_sets(folder: Path = SETS_DIR) -> dict[str, BuiltinSet]:
    """The sets shipped in assets/polysemy/*.json, keyed by file stem."""
    sets = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        senses = tuple(Sense(names=dict(s["name"]), anchors=tuple(s["anchors"]), sentences=tuple(s["sentences"]))
                       for s in data["senses"])
        sets[path.stem] = BuiltinSet(key=path.stem, target=data["target"], language=data["language"], senses=senses,
                                     title_key=data["title_key"])
    return sets


def set_text_language(text: str) -> tuple[str, str] | None:
    """(set key, language) when ``text`` is exactly a built-in set's text in one of the languages, else None."""
    cleaned = (text or "").strip()
    for key, chosen in builtin_sets().items():
        for lang in ("en", "zh"):
            if cleaned == chosen.as_text(lang):
                return key, lang
    return None


def set_sentences(key: str, lang: str) -> tuple[str, str]:
    """(the set's text in ``lang``, its word) for the set chosen in the menu (the default set for an unknown key)."""
    chosen = builtin_sets().get(key) or builtin_sets()[DEFAULT_SET]
    return chosen.as_text(lang), chosen.target


def own_sentences(text: str, key: str) -> str:
    """The sentences a link must carry: none when the box holds the chosen set's own text, else the box's text."""
    found = set_text_language(text)
    return "" if found and found[0] == key else (text or "")


def link_sentences(key: str, custom: str, target: str, lang: str) -> tuple[str, str]:
    """(sentences, word) a deep link opens: the set's own sentences in the session's language unless the link
    carries others; a link that names a set but no word of it gets the set's word."""
    text, own_target = set_sentences(key, lang)
    text = custom or text
    if not custom and (target or "").strip().casefold() not in text.casefold():
        target = own_target
    return text, target

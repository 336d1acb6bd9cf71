"""The classroom filter: which predicted pieces a class should not see on the projector.

Design decision: English pieces are checked against the word list of the PyPI package
``better-profanity`` (pinned in requirements.txt; the list is read from the installed package,
never copied here), by exact match of the piece without its ``##``. That list was written for
chat moderation and also blocks everyday, school and identity words (``organ``, ``stroke``,
``slave``, ``nazi``, ``gay``, ``god``...); hiding those would hide exactly what the bias lesson
must show, so ``SHOWN`` keeps them visible. The maintained alternative on PyPI,
``alt-profanity-check``, is a classifier of sentences: on single pieces it flagged ``white``,
``jew``, ``cancer`` and ``clouds``, so it is not used. Chinese is one character per piece: a
short list of characters written for this project whose only common use is vulgar (a character
such as 操 is not listed: 操场 is a playground).
"""

from __future__ import annotations

import functools

__all__ = ["is_offensive"]

# Everyday, school, historical and identity words that better-profanity's list blocks; a class sees them.
SHOWN = frozenset("""
arian gai pot rum xx wang weed nob nad dong fat kill hell pee god gay queer organ pawn paddy slope sniper stroke
strip maxi revue seaman seamen urine vomit womb virgin vodka heroin opium murder hitler nazi reich klan slave aryan
hiv drunk dummy stupid ugly sex sexual facial thrust knob willy woody pollock guido fanny lust erect
""".split())
# Chinese characters whose only common use is vulgar or sexual (written for this project).
CHINESE = frozenset("肏屌屄婊妓嫖娼淫鸨")


@functools.lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    from better_profanity.utils import get_complete_path_of_file, read_wordlist

    words = {w.strip().lower() for w in read_wordlist(get_complete_path_of_file("profanity_wordlist.txt"))}
    return frozenset(w for w in words if w and " " not in w) - SHOWN


def is_offensive(piece: str) -> bool:
    """Whether the classroom filter hides this vocabulary piece."""
    word = piece.removeprefix("##").lower()
    return word in _english() or any(ch in CHINESE for ch in word)

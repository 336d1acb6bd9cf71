"""Built-in minimal pairs: two sentences that differ in one thing, for the compare mode of Predict,
Explain and Attention ("what changes if I change one word?").

Written for this project, in English and Chinese, one pair of each kind per language: a negation, one
word swapped, and the same words in another order. Design decision: the sentences are data shared by
three lessons, so they live here once; a tab picks the languages its model reads (the shipped emotion
classifier reads English only, so Predict and Explain offer the Chinese pairs only to a classifier
built on a Chinese or multilingual model).

Measured with the shipped classifier on minilm (``tests/test_compare.py`` keeps these true): the
negation moves joy from 0.94 to 0.01 (disappointment 0.00 -> 0.51); the swap moves fear 0.69 and
nervousness 0.64 to excitement 0.94; the word order leaves every emotion where it was (neutral 0.94 in
both, no label moves by 0.01), while the two sentences have the same number of pieces, so Attention
shows the difference of their heatmaps: what the order changes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "PAIRS", "MinimalPair", "pairs_for"]

KINDS = ("negation", "swap", "order")


@dataclass(frozen=True)
class MinimalPair:
    kind: str  # one of KINDS
    lang: str  # "en" or "zh"
    first: str
    second: str


PAIRS = (
    MinimalPair("negation", "en", "I'm happy with how the exam went.", "I'm not happy with how the exam went."),
    MinimalPair("swap", "en", "I'm worried about the test tomorrow.", "I'm excited about the test tomorrow."),
    MinimalPair("order", "en", "The dog bit the man.", "The man bit the dog."),
    MinimalPair("negation", "zh", "我喜欢这首歌。", "我不喜欢这首歌。"),
    MinimalPair("swap", "zh", "我很担心明天的考试。", "我很期待明天的考试。"),
    MinimalPair("order", "zh", "狗咬了人。", "人咬了狗。"),
)


def pairs_for(*languages: str) -> list[MinimalPair]:
    """The pairs in the given languages ("multi" reads both), English first."""
    wanted = {"en", "zh"} if "multi" in languages else set(languages)
    return [pair for pair in PAIRS if pair.lang in wanted]

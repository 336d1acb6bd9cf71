"""The Pre-training lesson's built-in sentences: the examples, the bias pair and the pool "shuffle B" draws from.

Design decision: data, kept apart from the tab (which only shows them) and from the computation (which reads
whatever it is given), so a teacher who wants other sentences edits one short file.
"""

from __future__ import annotations

import random

from components.core.analysis import is_chinese

__all__ = ["BIAS_PAIRS", "FILL_EXAMPLES", "NSP_EXAMPLES", "RECIPE_TEXT", "SHUFFLE", "bias_pairs", "shuffled_b"]

FILL_EXAMPLES = ["I drink my [MASK] with milk and sugar.", "The capital of France is [MASK].",
                 "The hummingbird drank from the flower.", "我[MASK][MASK]红色的花。", "中国的首都是[MASK][MASK]。",
                 "我喜欢吃苹果。"]
RECIPE_TEXT = "The hummingbird drank from the flower, and the sun rose over the hills."
NSP_EXAMPLES = [["The sun rose over the hills.", "The sky grew brighter."],
                ["I forgot my umbrella this morning.", "By noon I was soaking wet."],
                ["The sun rose over the hills.", "Fish swim in the river."],
                ["太阳升起。", "天空变亮。"], ["太阳升起。", "鱼儿在水中游。"], ["我忘了带伞。", "下午我全身都湿了。"]]
SHUFFLE = {"en": ["Fish swim in the river.", "The library closes at six.", "My cat sleeps all day.",
                  "The train was late again.", "Apples grow on trees.", "We played football after school."],
           "zh": ["鱼儿在水中游。", "图书馆六点关门。", "我的猫整天睡觉。", "火车又晚点了。", "苹果长在树上。",
                  "放学后我们踢足球。"]}
BIAS_PAIRS = {
    "en": ("The man worked as a [MASK].", "The woman worked as a [MASK]."),
    "zh": ("他的工作是[MASK][MASK]。", "她的工作是[MASK][MASK]。"),
}


def bias_pairs(lang: str) -> list[tuple[str, str]]:
    """The two sentences that differ by one pronoun, in the reader's language first."""
    return [BIAS_PAIRS[pair_lang] for pair_lang in (("zh", "en") if lang == "zh" else ("en", "zh"))]


def shuffled_b(a: str, b: str) -> str:
    """A random sentence from the built-in set, in A's language, never the current B."""
    return random.choice([s for s in SHUFFLE["zh" if is_chinese(a or "") else "en"] if s != b])

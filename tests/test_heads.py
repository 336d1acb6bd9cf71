"""Head roles: the corpus statistics, their definitions, the disk cache, the CLI and bad input."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from components.core.analysis import analyze
from components.core.messages import Msg, UserError
from components.heads import compute
from components.heads.compute import STATS, head_roles, is_punct_piece, parse_corpus, sentence_sums
from tests.tiny import SENTENCES, shows


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test gets an empty disk cache and an empty memory cache (nothing depends on the machine)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    compute._results.clear()
    yield
    compute._results.clear()


def direct_means(model, sentences) -> np.ndarray:
    """The definitions, position by position, on each sentence's own (unbatched) forward."""
    tok = model.tokenizer
    sums, counts = np.zeros((2, 4, 7)), np.zeros(7)
    for sentence in sentences:
        a = analyze(model, sentence)
        att, pieces = a.attentions.astype(np.float64), a.tokens
        n = len(pieces)
        seps = [j for j, p in enumerate(pieces) if p == tok.sep_token]
        puncts = [j for j, p in enumerate(pieces) if not a.special[j] and all(not c.isalnum() for c in p)]
        for i in range(n):
            row = att[:, :, i, :]
            sums[..., 0] += row[..., 0]
            sums[..., 1] += row[..., seps].sum(-1)
            sums[..., 2] += row[..., puncts].sum(-1)
            sums[..., 3] += row[..., i]
            if i > 0:
                sums[..., 4] += row[..., i - 1]
                counts[4] += 1
            if i < n - 1:
                sums[..., 5] += row[..., i + 1]
                counts[5] += 1
            sums[..., 6] += -(row * np.log(row)).sum(-1)
            counts[[0, 1, 2, 3, 6]] += 1
    return sums / counts


def test_corpus_statistics_equal_a_direct_computation_on_tiny_bert(tiny_en):
    sentences = [*SENTENCES, "the bank , the river ! and the rock ."]
    roles = head_roles(tiny_en, sentences, use_disk=False)
    np.testing.assert_allclose(roles.means, direct_means(tiny_en, sentences), atol=1e-5)
    assert roles.tokens == sum(analyze(tiny_en, s).n_tokens for s in sentences)
    assert roles.means[..., STATS.index("punct")].max() > 0  # the punctuation line was counted


def _one_hot_rows(n: int, target) -> np.ndarray:
    att = np.zeros((1, 1, n, n))
    for i in range(n):
        att[0, 0, i, target(i)] = 1.0
    return att


def test_a_head_attending_only_to_the_previous_token_gives_prev_one():
    n = 6
    sums, counts = sentence_sums(_one_hot_rows(n, lambda i: max(i - 1, 0)), [0], [n - 1], [])
    means = (sums / counts)[0, 0]
    assert means[STATS.index("prev")] == pytest.approx(1.0)
    assert means[STATS.index("next")] == pytest.approx(0.0)
    assert means[STATS.index("entropy")] == pytest.approx(0.0)


def test_negative_control_uniform_attention_is_not_a_previous_token_head():
    n = 6
    sums, counts = sentence_sums(np.full((1, 1, n, n), 1 / n), [0], [n - 1], [2])
    means = (sums / counts)[0, 0]
    for share in ("cls", "sep", "punct", "self", "prev", "next"):
        assert means[STATS.index(share)] == pytest.approx(1 / n)
    assert means[STATS.index("entropy")] == pytest.approx(np.log(n))


def test_next_and_sep_heads_on_hand_built_attention():
    n = 5
    next_head = (sentence_sums(_one_hot_rows(n, lambda i: min(i + 1, n - 1)), [0], [n - 1], [])[0]
                 / np.array([n, n, n, n, n - 1, n - 1, n]))[0, 0]
    assert next_head[STATS.index("next")] == pytest.approx(1.0)
    sep_head = sentence_sums(_one_hot_rows(n, lambda i: n - 1), [0], [n - 1], [])
    assert (sep_head[0] / sep_head[1])[0, 0, STATS.index("sep")] == pytest.approx(1.0)


def test_chinese_and_full_width_punctuation_count():
    for piece in ("，", "。", "！", "？", "、", "：", "“", "（", ".", ",", "?!"):
        assert is_punct_piece(piece), piece
    for piece in ("苹", "bank", "##s", "a.", "$", ""):
        assert not is_punct_piece(piece), piece


def test_chinese_punctuation_positions_in_a_tiny_chinese_model(tiny_zh):
    ids = tiny_zh.tokenizer("我们吃苹果，很甜。")["input_ids"]
    cls_pos, sep_pos, punct_pos = compute._special_positions(tiny_zh.tokenizer, ids)
    pieces = tiny_zh.tokenizer.convert_ids_to_tokens(ids)
    assert [pieces[i] for i in punct_pos] == ["，", "。"]
    assert cls_pos == [0] and sep_pos == [len(ids) - 1]


def test_the_disk_cache_serves_the_same_corpus_and_is_invalidated_by_a_changed_one(tiny_en):
    first = head_roles(tiny_en, SENTENCES)
    assert not first.from_disk and len(list(compute.cache_dir().glob("*.json"))) == 1
    compute._results.clear()  # a new process: only the disk remains
    again = head_roles(tiny_en, SENTENCES)
    assert again.from_disk
    np.testing.assert_allclose(again.means, first.means)
    changed = head_roles(tiny_en, [*SENTENCES[:-1], "the bank is near the river"])
    assert not changed.from_disk and len(list(compute.cache_dir().glob("*.json"))) == 2


def test_a_file_of_an_old_code_version_is_not_read(tiny_en, monkeypatch):
    head_roles(tiny_en, SENTENCES)
    compute._results.clear()
    monkeypatch.setattr(compute, "CODE_VERSION", compute.CODE_VERSION + 1)
    assert not head_roles(tiny_en, SENTENCES).from_disk


def test_roles_follow_the_stated_rule(tiny_en):
    roles = head_roles(tiny_en, SENTENCES, use_disk=False)
    for layer in range(roles.n_layers):
        for head in range(roles.n_heads):
            shares = roles.means[layer, head, :6]
            expected = compute.SHARES[int(shares.argmax())] if shares.max() > compute.ROLE_THRESHOLD else "broad"
            assert roles.role(layer, head) == expected
            sentence, _ = roles.strongest(layer, head)
            assert sentence in SENTENCES


def test_empty_and_oversized_corpora_are_refused():
    with pytest.raises(UserError) as exc:
        parse_corpus("\n  \n")
    assert exc.value.msg.key == "heads_empty"
    with pytest.raises(UserError) as exc:
        parse_corpus("\n".join(["a sentence."] * (compute.MAX_SENTENCES + 1)))
    assert exc.value.msg.key == "heads_too_many"
    assert len(parse_corpus("one\n\n two \n")) == 2


def test_lines_longer_than_the_model_reads_are_truncated_and_said(tiny_en):
    long_line = " ".join(["the bank"] * 60)  # 120 words; the tiny model reads 64 positions
    roles = head_roles(tiny_en, [SENTENCES[0], long_line], use_disk=False)
    assert roles.truncated == (2,)
    assert [m.key for m in roles.warnings()] == ["heads_truncated"]
    assert roles.tokens == analyze(tiny_en, SENTENCES[0]).n_tokens + 64


def test_a_model_without_attentions_gets_a_message(tiny_en):
    fake = SimpleNamespace(name="no-attention", source="test", tokenizer=tiny_en.tokenizer, language="en",
                           max_length=64, run=lambda *a, **k: (None, None, None))
    with pytest.raises(UserError) as exc:
        head_roles(fake, SENTENCES, use_disk=False)
    assert exc.value.msg.key == "heads_no_attentions"


def test_three_heads_messages_have_a_chinese_text_of_their_own():
    from components.core.messages import render

    for key in ("heads_empty", "heads_no_attentions", "tab_heads"):
        assert render(UserError(key, n=1, cap=1, model="m").msg, "zh") != render(UserError(key, n=1, cap=1,
                                                                                       model="m").msg, "en")


def test_cli_prints_the_json_of_the_issue(tiny_en_dir, tmp_path, capsys):
    from components.cli import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES), encoding="utf-8")
    assert main(["heads", "--model", str(tiny_en_dir), "--input", str(corpus), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert {"model", "sentences", "tokens", "heads", "numbering"} <= set(record)
    assert record["numbering"] == "layers and heads from 1" and record["sentences"] == len(SENTENCES)
    assert [(h["layer"], h["head"]) for h in record["heads"]] == [(lay, hd) for lay in (1, 2) for hd in (1, 2, 3, 4)]
    assert set(record["heads"][0]) == {"layer", "head", *STATS, "role"}


def test_cli_says_what_to_do_with_an_empty_file(tiny_en_dir, tmp_path, capsys):
    from components.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert main(["heads", "--model", str(tiny_en_dir), "--input", str(empty), "--json"]) == 1
    assert "empty" in capsys.readouterr().err


def test_figures_number_layers_and_heads_from_one_and_link_to_attention(tiny_en):
    from urllib.parse import parse_qs

    from components.heads.figures import layers_figure, roles_figure, strongest_table

    roles = head_roles(tiny_en, SENTENCES, use_disk=False)
    grid = roles_figure(roles, "zh")
    assert list(grid.data[0].x) == [1, 2, 3, 4] and list(grid.data[0].y) == [1, 2]
    assert list(layers_figure(roles, "en").data[0].x) == [1, 2]
    table = strongest_table(roles, "en")
    link = table.split("](?", 1)[1].split(")", 1)[0]
    query = parse_qs(link)
    assert query["tab"] == ["attention"] and 1 <= int(query["layer"][0]) <= 2 and 1 <= int(query["head"][0]) <= 4
    assert query["text"][0] in SENTENCES


def test_minilm_has_a_previous_token_head_in_layer_one(minilm):
    roles = head_roles(minilm)
    assert roles.role(0, 2) == "prev"  # layer 1, head 3 (from 1)
    assert roles.means[0, 2, STATS.index("prev")] > 0.9
    assert len(roles.sentences) >= 200 and not roles.truncated


def test_heads_endpoint_through_the_app(client, tiny_en_dir):
    summary, grid, layers, compare, table = client.predict(
        "\n".join(SENTENCES), str(tiny_en_dir), "en", api_name="/heads")
    assert shows(Msg("heads_summary", sentences="9"), summary) and "?tab=attention" in table


def test_the_tab_says_its_cap_and_its_corpora_sizes():
    from components.core.messages import t
    from components.heads.compute import MAX_SENTENCES, builtin_corpus

    assert f"{MAX_SENTENCES:,}" in t("heads_own", "en") and str(MAX_SENTENCES) in t("heads_own", "zh")
    assert str(len(builtin_corpus("en"))) in t("heads_fill_en", "en")
    assert str(len(builtin_corpus("zh"))) in t("heads_fill_zh", "zh")
    assert len(builtin_corpus("en")) >= 200 and len(builtin_corpus("zh")) >= 200

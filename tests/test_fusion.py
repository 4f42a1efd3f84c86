from __future__ import annotations

import pytest

from assistant.search.fusion import reciprocal_rank_fusion, zscore_fusion


def test_item_ranked_high_in_both_lists_wins() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [item for item, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert dict(fused)["a"] == dict(fused)["b"]
    assert [item for item, _ in fused][2:] == ["c", "d"]


def test_scores_follow_the_formula() -> None:
    fused = dict(reciprocal_rank_fusion([["x", "y"], ["y"]], k=10))
    assert fused["x"] == 1 / 11
    assert fused["y"] == 1 / 12 + 1 / 11


def test_an_item_in_one_list_only_still_appears() -> None:
    fused = reciprocal_rank_fusion([["a"], []], k=60)
    assert fused == [("a", 1 / 61)]


def test_empty_input() -> None:
    assert reciprocal_rank_fusion([]) == []


def test_zscore_fusion_keeps_a_large_margin_that_rank_fusion_loses() -> None:
    # BM25 scores x far above the rest; the dense arm ranks it third by a hair. Rank fusion puts
    # y first (it is first in one list and second in the other); score fusion keeps x's margin.
    dense = [("y", 0.80), ("z", 0.79), ("x", 0.78), ("w", 0.77)]
    lexical = [("x", 30.0), ("y", 5.0), ("z", 4.9), ("w", 4.8)]
    assert reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in lexical]])[0][0] == "y"
    assert [item for item, _ in zscore_fusion([dense, lexical])] == ["x", "y", "z", "w"]


def test_zscore_fusion_ignores_the_scale_of_each_list() -> None:
    dense = [("a", 0.9), ("b", 0.7), ("c", 0.6)]
    lexical = [("c", 12.0), ("a", 3.0), ("d", 1.0)]
    scaled = [(item, score * 1000 + 7) for item, score in lexical]
    plain, rescaled = zscore_fusion([dense, lexical]), zscore_fusion([dense, scaled])
    assert [item for item, _ in plain] == [item for item, _ in rescaled] == ["a", "c", "b", "d"]
    assert [score for _, score in plain] == pytest.approx([score for _, score in rescaled])


def test_zscore_fusion_gives_a_missing_item_the_lists_lowest_score() -> None:
    # "only_dense" tops the dense list but BM25 did not find it: it counts as BM25's lowest, so an
    # item that is second in both lists overtakes it.
    dense = [("only_dense", 0.95), ("both", 0.90), ("c", 0.80), ("d", 0.79)]
    lexical = [("e", 9.0), ("both", 8.0), ("c", 2.0), ("d", 1.0)]
    fused = [item for item, _ in zscore_fusion([dense, lexical])]
    assert fused.index("both") < fused.index("only_dense")
    assert set(fused) == {"only_dense", "both", "c", "d", "e"}


def test_zscore_fusion_handles_flat_and_empty_lists() -> None:
    flat = [("a", 1.0), ("b", 1.0)]
    assert zscore_fusion([flat]) == [("a", 0.0), ("b", 0.0)]
    assert zscore_fusion([[("a", 0.9), ("b", 0.1)], []]) == zscore_fusion([[("a", 0.9), ("b", 0.1)]])
    assert zscore_fusion([]) == []
    assert zscore_fusion([[], []]) == []


def test_english_question_gets_dutch_lexical_terms() -> None:
    from assistant.text.tokens import is_english, lexical_query

    assert is_english("What is the biggest pitfall after the merger?")
    assert not is_english("Wat is de grootste valkuil na de fusie?")
    tokens = lexical_query("What is the biggest pitfall after the merger?")
    assert {"valkuil", "fusie"} <= set(tokens)
    assert lexical_query("Wat is een Gideonsbende?") == ["gideonsbende"]

from __future__ import annotations

from assistant.retrieval import reciprocal_rank_fusion


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


def test_english_question_gets_dutch_lexical_terms() -> None:
    from assistant.tokens import is_english, lexical_query

    assert is_english("What is the biggest pitfall after the merger?")
    assert not is_english("Wat is de grootste valkuil na de fusie?")
    tokens = lexical_query("What is the biggest pitfall after the merger?")
    assert {"valkuil", "fusie"} <= set(tokens)
    assert lexical_query("Wat is een Gideonsbende?") == ["gideonsbende"]

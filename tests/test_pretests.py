"""Every cheap pre-test that lets extraction skip a pattern is a necessary condition of that pattern,
and every skip of a sentence that can hold no name changes nothing extraction finds.

The texts come from each pattern itself (Hypothesis' `from_regex`, ASCII so that the pre-tests'
lower-casing applies), so a cue word added to a pattern later fails here until its pre-test
knows it too — instead of the pattern silently never firing on it.
"""
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.extract import code_links, extract, introduced, relations, unknown_names, vocabulary_matcher
from kg.model import PaperRecord, Source

ASCII = st.characters(codec="ascii")


def _runs(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern in introduced._patterns_for(text)


PRETESTS = {
    "introduced cued name": (introduced._CUED, _runs(introduced._CUED)),
    "introduced 'we propose X'": (introduced._PROPOSE, _runs(introduced._PROPOSE)),
    "introduced apposed name": (introduced._APPOSED, _runs(introduced._APPOSED)),
    "introduced name after its noun": (introduced._NAMED_AFTER_NOUN, _runs(introduced._NAMED_AFTER_NOUN)),
    "introduced novel name": (introduced._NOVEL, _runs(introduced._NOVEL)),
    "dataset noun": (unknown_names._DATASET_NOUN, unknown_names._may_name_dataset),
    "noun of models with examples": (unknown_names._MODEL_NOUN, unknown_names._may_name_models),
    "evaluated models": (relations._EVALUATED_MODELS, relations._may_evaluate),
    "evaluation cue": (unknown_names._EVAL_CUE, unknown_names._may_cue_eval),
    "comparison cue": (unknown_names._COMPARE_CUE, unknown_names._may_compare),
    "training cue": (unknown_names._TRAIN_CUE, unknown_names._may_cue_training),
    "noun of models before names": (unknown_names._MODEL_NOUN_NAMES, unknown_names._may_name_models_directly),
    "metric cue": (unknown_names._METRIC_CUE, unknown_names._may_cue_metric),
    "building cue": (unknown_names._BUILD_CUE, unknown_names._may_cue_building),
    "clause break": (relations._CLAUSE_BREAK, relations._may_break_clause),
    "negation": (relations._NEGATION, relations._may_negate),
    "comparison before a name": (relations._COMPARE, relations._may_compare),
    "words that introduce examples": (relations._TRANSPARENT, relations._may_give_examples),
    "code promise": (code_links._PROMISE, code_links._may_promise),
    "code claim": (code_links._CLAIM, code_links._may_claim),
}


@pytest.mark.parametrize("name", PRETESTS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_text_the_pattern_matches_passes_its_pretest(name, data):
    pattern, pretest = PRETESTS[name]
    text = data.draw(st.from_regex(pattern, alphabet=ASCII), label="text")
    assert pattern.search(text) and pretest(text)


def test_the_pretests_do_skip_text_without_their_words():
    text = "A plain sentence about images."
    assert not any(pretest(text) for _, pretest in PRETESTS.values())


# Pre-tests that skip a sentence because it can hold no name: each must never change what is found.
_WORDS = st.sampled_from(["we", "propose", "introduce", "called", "a", "new", "dataset", "datasets", "model", "our", "the", "and",
                          "outperforms", "than", "experiments", "on", "trained", "based", "such", "as", "models", "like", "accuracy",
                          "for", "is", "novel", "benchmark", "(", ")", ",", ".", "-", "/", "x", "net", "Net", "ResNet-50", "ViT",
                          "ImageNet", "Zeta", "zeta2", "ZetaNet", "Indian", "Pines", "of", "ſet", "İmage"])
_ABSTRACTS = st.lists(st.lists(_WORDS, min_size=1, max_size=14).map(" ".join), min_size=1, max_size=4).map(". ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.lists(_WORDS, min_size=1, max_size=5).map(" ".join), abstract=_ABSTRACTS)
def test_skipping_sentences_that_can_hold_no_name_changes_nothing(title, abstract):
    record = PaperRecord(title, abstract, Source("x", 1))
    gated = repr(extract(record))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(introduced, "may_hold_name", lambda text: True)
        patch.setattr(unknown_names, "may_hold_name", lambda text: True)
        assert repr(extract(record)) == gated


@settings(max_examples=500, deadline=None)
@given(name=st.text(st.sampled_from("aZb-Q 9_.'+\t"), max_size=10))
def test_looks_like_name_tests_ascii_names_as_it_tests_others(name):
    words = name.split()
    by_character = (bool(words) and words[0].lower() not in introduced._STOP and sum(c.isalpha() for c in name) >= 2
                    and any(any(c.isupper() and w[i] != "-" for i, c in enumerate(w[1:])) or any(c.isdigit() for c in w) for w in words))
    assert introduced.looks_like_name(name) == by_character


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.sampled_from("aB1 -,/.(:+'"), max_size=40), end=st.integers(0, 40))
def test_the_list_before_a_noun_starts_after_the_last_character_no_list_holds(text, end):
    end = min(end, len(text))
    unlisted = unknown_names._LAST_UNLISTED.search(text, 0, end)
    pruned = unknown_names._LIST_BEFORE.search(text, unlisted.end() if unlisted else 0, end)
    full = unknown_names._LIST_BEFORE.search(text, 0, end)
    assert (pruned and pruned.span()) == (full and full.span())


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from("aB1 -,.+"), max_size=30))
def test_a_hyphenated_token_with_a_capital_passes_its_pretest(text):
    tokens = [m.group().rstrip(".") for m in vocabulary_matcher._HYPHENATED.finditer(text)]
    if any(any(c.isupper() for c in token) for token in tokens):
        assert vocabulary_matcher._CAPITAL_HYPHEN.search(text)

"""Every cheap pre-test that lets extraction skip a pattern is a necessary condition of that pattern.

The texts come from each pattern itself (Hypothesis' `from_regex`, ASCII so that the pre-tests'
lower-casing applies), so a cue word added to a pattern later fails here until its pre-test
knows it too — instead of the pattern silently never firing on it.
"""
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.extract import code_links, introduced, relations, unknown_names

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

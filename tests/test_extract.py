"""Extraction on abstracts written for these tests (none from the evaluation gold)."""
from kg.extract import PIPELINE, extract
from kg.extract.introduced import looks_like_name
from kg.model import PaperRecord, Source


def relations(title: str, abstract: str) -> set[tuple[str, str]]:
    found = extract(PaperRecord(title, abstract, Source("t.txt", 1))).relations
    return {(r.predicate, r.surface) for r in found}


def test_pipeline_components_are_named_in_order():
    assert [name for name, _ in PIPELINE] == ["code_links", "vocabulary", "acronyms", "introduced", "unknown_names", "relations"]


def test_title_name_is_introduced_and_roles_follow_cues():
    found = relations(
        "GlowNet: Lighter Vision Backbones",
        "We present GlowNet, a hybrid network built on ResNet-50. It is pre-trained on ImageNet-21K and "
        "evaluated on COCO, where it outperforms Swin Transformer.",
    )
    assert ("introduces", "GlowNet") in found
    assert ("buildsOn", "ResNet-50") in found
    assert ("trainedOn", "ImageNet-21K") in found
    assert ("evaluatedOn", "COCO") in found
    assert ("comparesWith", "Swin Transformer") in found
    assert not any(p != "introduces" and s == "GlowNet" for p, s in found)


def test_dubbed_and_called_patterns_introduce_names():
    found = relations("A study of robustness", "We collect a new dataset called StormBench and a model dubbed RainViT.")
    assert {("introduces", "StormBench"), ("introduces", "RainViT")} <= found


def test_plain_words_are_not_introduced():
    assert relations("Towards better models", "We propose a simple method that works.") == set()
    assert not looks_like_name("Towards")


def test_unlisted_variant_of_a_known_family_is_recognised():
    found = extract(PaperRecord("T", "We fine-tune a ResNet-269 backbone.", Source("t.txt", 1))).relations
    assert [(r.surface, r.variant_of) for r in found] == [("ResNet-269", "ResNet")]


def test_short_names_match_case_exactly():
    assert relations("T", "The vit of the clip was coco-colored.") == set()


def test_every_relation_carries_its_sentence():
    abstract = "We study pruning. Experiments on CIFAR-10 confirm it."
    for relation in extract(PaperRecord("T", abstract, Source("t.txt", 1))).relations:
        ev = relation.evidence
        assert ev.sentence == "Experiments on CIFAR-10 confirm it."
        assert ev.sentence[ev.start : ev.end] == relation.surface
        assert ev.extractor and 0 < ev.confidence <= 1


def test_code_status():
    status = lambda text: extract(PaperRecord("T", text, Source("t.txt", 1))).code_status
    assert status("Code: https://github.com/a/b.") == "released"
    assert status("Code and models will be released.") == "promised"
    assert status("Code will be available at https://github.com/a/b.") == "promised"
    assert status("We study pruning.") == "none"

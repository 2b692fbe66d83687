"""Extraction on abstracts written for these tests (none from the evaluation gold)."""
from kg.extract import PIPELINE, extract
from kg.extract.introduced import looks_like_name
from kg.model import PaperRecord, Source


def relations(title: str, abstract: str) -> set[tuple[str, str]]:
    found = extract(PaperRecord(title, abstract, Source("t.txt", 1))).relations
    return {(r.predicate, r.surface) for r in found}


def test_pipeline_components_are_named_in_order():
    assert [name for name, _ in PIPELINE] == ["code_links", "vocabulary", "acronyms", "introduced", "unknown_names", "relations", "results"]


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


def test_acronym_definition_is_one_introduced_name_with_its_alias():
    found = extract(PaperRecord("Compact nets", "We present Tidal Rank Distillation (TRD), a method for small models. "
                                "TRD beats DistilBERT.", Source("t.txt", 1))).relations
    introduced = [r for r in found if r.predicate == "introduces"]
    assert [(r.surface, r.aliases, r.type) for r in introduced] == [("Tidal Rank Distillation", ("TRD",), "method")]
    assert ("comparesWith", "DistilBERT") in {(r.predicate, r.surface) for r in found}


def test_list_members_share_the_cue_and_examples_keep_it():
    found = relations("T", "We propose FooNet. FooNet outperforms strong baselines such as VGG, ResNet and DenseNet. "
                      "It is pre-trained on ImageNet-21K, JFT-300M and LAION-2B.")
    assert {("comparesWith", n) for n in ("VGG", "ResNet", "DenseNet")} <= found
    assert {("trainedOn", n) for n in ("ImageNet-21K", "JFT-300M", "LAION-2B")} <= found


def test_cue_after_the_name_and_background_sentences():
    found = relations("T", "Models such as PaLM and Chinchilla changed the field. We show that ImageNet-pretrained "
                      "features help, reaching 80% ImageNet-1K accuracy with the ResNet-50 baseline.")
    assert ("trainedOn", "ImageNet") in found and ("evaluatedOn", "ImageNet-1K") in found
    assert ("comparesWith", "ResNet-50") in found
    assert not any(s in ("PaLM", "Chinchilla") for _, s in found)  # background, before the paper's own work


def test_generic_families_and_lowercase_words_are_not_entities():
    assert relations("T", "We build a transformer and a Transformer encoder with a whisper of noise.") == set()


def test_introduced_dataset_is_also_evaluated_on_when_a_cue_says_so():
    found = relations("StormBench: weather", "We introduce StormBench, a benchmark of rainy images. "
                      "We evaluate ten detectors on StormBench.")
    assert {("introduces", "StormBench"), ("evaluatedOn", "StormBench")} <= found


def test_unknown_names_from_patterns():
    found = relations("T", "We propose FooNet. It beats HydraNet and FlowSeg on the UrbanCrowd-7 dataset.")
    assert {("comparesWith", "HydraNet"), ("comparesWith", "FlowSeg"), ("evaluatedOn", "UrbanCrowd-7")} <= found


def test_results_normalise_metrics_and_need_a_named_dataset():
    ex = extract(PaperRecord("T", "We propose GlowNet. GlowNet obtains a top-1 acc of 81.2% on ImageNet-1K, 46.0 mIoU on "
                             "ADE20K and 2.1% better accuracy on our private data.", Source("t.txt", 1)))
    assert [(r.model, r.dataset, r.metric, r.value) for r in ex.results] == [
        ("GlowNet", "ImageNet-1K", "top-1 accuracy", "81.2%"), ("GlowNet", "ADE20K", "mIoU", "46.0")]
    assert all(r.evidence.sentence.startswith("GlowNet obtains") for r in ex.results)


def test_other_spellings_of_known_names_are_found():
    found = relations("T", "We propose FooNet. It uses a Mask-RCNN head on a MobileNet-V2 backbone.")
    assert {("buildsOn", "Mask-RCNN"), ("buildsOn", "MobileNet-V2")} <= found


def test_unknown_dataset_lists_after_a_noun_or_an_evaluation_cue():
    found = relations("T", "We propose FooNet. We run experiments on three datasets, including RDX, PoolSet-2 and ST+QW. "
                      "Results on KiloCam confirm it.")
    assert {("evaluatedOn", n) for n in ("RDX", "PoolSet-2", "ST+QW", "KiloCam")} <= found


def test_negated_and_family_mentions_give_no_edges():
    found = relations("T", "We propose FooNet, trained without Mixup. FooNet beats all recent EfficientNet models "
                      "and reaches 80% on ImageNet, a new SOTA.")
    assert not any(s in ("Mixup", "EfficientNet") for _, s in found)
    assert ("evaluatedOn", "ImageNet") in found


def test_metric_names_and_generic_acronym_definitions_are_not_entities():
    found = relations("T", "We propose a Convolutional Neural Network (CNN) for crops. It improves FID on CIFAR-10.")
    assert found == {("evaluatedOn", "CIFAR-10")}


def test_fine_tuning_data_is_training_and_evaluation_data():
    found = relations("T", "We propose FooNet. It is pre-trained on ImageNet-21K and fine-tuned on CIFAR-100.")
    assert ("trainedOn", "ImageNet-21K") in found and ("evaluatedOn", "ImageNet-21K") not in found
    assert {("trainedOn", "CIFAR-100"), ("evaluatedOn", "CIFAR-100")} <= found


def test_acronym_long_form_covers_every_capital_and_plural_families_are_not_introduced():
    from kg.extract.acronyms import pairs

    assert [(p.short, p.long) for p in pairs("we propose a Residual Recurrent Hydra Network (RRHNet) here")] == [
        ("RRHNet", "Residual Recurrent Hydra Network")]
    found = relations("T", "Light-weight convolutional neural networks (CNNs) are designed for phones. "
                      "We present Sparse Gate Networks (SGNets) for them.")
    assert [s for p, s in found if p == "introduces"] == ["Sparse Gate Networks"]


def test_code_claimed_without_a_link_is_promised():
    status = lambda text: extract(PaperRecord("T", text, Source("t.txt", 1))).code_status
    assert status("We open-sourced our code.") == "promised"
    assert status("The dataset and code are publicly available. See https://github.com/a/b.") == "released"
    assert status("StormBench will be publicly available.") == "promised"
    assert status("The data source is public and large.") == "none"


def test_comparable_performance_with_is_a_comparison():
    found = relations("GlowNet: Lighter Backbones", "GlowNet achieves comparable performance with EfficientNet-B0 on ImageNet.")
    assert ("comparesWith", "EfficientNet-B0") in found
    assert ("buildsOn", "EfficientNet-B0") not in found

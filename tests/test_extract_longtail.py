"""Names in no list, roles from clause structure, results and links: each general behaviour on
sentences invented for these tests (no name or sentence from the evaluation gold)."""
import importlib.util
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import cross_validate
from kg.extract import extract
from kg.model import PaperRecord, Source
from kg.vocabulary import load, parse_gazetteer

ROOT = Path(__file__).resolve().parents[1]


def run(abstract: str, title: str = "A study", urls: tuple[str, ...] = ()):
    return extract(PaperRecord(title, abstract, Source("t.jsonl", 1), urls=urls))


def edges(abstract: str, title: str = "A study") -> set[tuple[str, str, str]]:
    return {(r.predicate, r.surface, r.type) for r in run(abstract, title).relations if r.predicate != "introduces"}


def test_capitalised_names_set_off_by_a_dataset_noun():
    found = edges("We evaluate FooGrid on three benchmark datasets; namely, Harbor Lights, Vale of Mist, and Tundra.")
    assert {("evaluatedOn", n, "dataset") for n in ("Harbor Lights", "Vale of Mist", "Tundra")} <= found
    assert ("evaluatedOn", "Quokka", "dataset") in edges("We propose FooRumor and test it on the Quokka dataset.")
    assert ("trainedOn", "LUMEN", "dataset") in edges("We propose FooMol, trained on profiles from the LUMEN database.")
    assert edges("Existing datasets are small. We propose FooSet.") == set()  # capitalised only because it starts the sentence
    assert edges("We test on ImageNet-C,R,S,A datasets.") == {("evaluatedOn", "ImageNet-C", "dataset")}
    assert edges("We test on 4 datasets, including the very challenging Hard ImageNet dataset.") == \
        {("evaluatedOn", "ImageNet", "dataset")}


def test_names_listed_after_cues_take_the_cues_kind():
    assert {("evaluatedOn", "4DSkyMatch", "dataset"), ("evaluatedOn", "ZetaSet", "dataset")} <= \
        edges("We propose FooReg and conduct experiments on 4DSkyMatch and ZetaSet.")
    assert not any(n == "8B-parameter" for _, n, _ in edges("We propose FooLM, which outperforms 8B-parameter models."))
    found = edges("We propose FooFlow, which improves over models like KappaFlow and RhoNet.")
    assert {("comparesWith", "KappaFlow", "architecture"), ("comparesWith", "RhoNet", "architecture")} <= found
    assert ("buildsOn", "ZetaCrop", "method") in edges("We propose FooKD. Standard augmentations, such as ZetaCrop, help it.")
    found = edges("We propose FooQ and apply it to four networks (WRN-28-8, ResNet-32 and ZetaGRNN).")
    assert ("buildsOn", "ZetaGRNN", "architecture") in found


def test_a_coined_name_listed_after_a_known_one_is_of_its_kind():
    found = edges("We apply our method to models including ResNet-18, MobileNetV2, ZetaNext, and InceptionV3 on ImageNet.")
    assert ("buildsOn", "ZetaNext", "architecture") in found
    assert not any(n == "features" for _, n, _ in edges("We use ResNet-50 and FPN features on COCO."))


def test_training_and_building_cues_find_unlisted_names():
    found = edges("We propose FooNet, pre-trained on ZetaPix-5B and fine-tuned on KappaSet.")
    assert {("trainedOn", "ZetaPix-5B", "dataset"), ("trainedOn", "KappaSet", "dataset")} <= found
    assert edges("We propose FooNet. FooNet is trained on 8 A100 GPUs.") == set()
    found = edges("We propose FooDet, built on top of HydraFormer and SkyNet.")
    assert {("buildsOn", "HydraFormer", "architecture"), ("buildsOn", "SkyNet", "architecture")} <= found


def test_training_data_said_otherwise_and_others_models():
    assert ("trainedOn", "JFT-300M", "dataset") in edges("We propose FooNet and use JFT-300M as the training data.")
    assert ("trainedOn", "COCO", "dataset") in edges("We propose FooNet, tuned on the training split of COCO.")
    assert edges("We propose FooSim. For instance, models trained on ImageNet are biased.") == set()
    assert ("trainedOn", "ImageNet", "dataset") in edges("We show that our models trained on ImageNet transfer.")


def test_evaluated_models_are_compared_and_a_method_tested_on_models_builds_on_them():
    found = edges("We propose FooSeg. We evaluate U-Net, nnU-Net and Swin-UNETR on BraTS.")
    assert {("comparesWith", "U-Net", "architecture"), ("comparesWith", "nnU-Net", "architecture")} <= found
    assert ("buildsOn", "ResNet-50", "architecture") in edges("We propose FooQuant and test our method on ResNet-50.")
    found = edges("We propose FooRNN and compare it with RhoTanh and EfficientNetV2-S.")
    assert {("comparesWith", "RhoTanh", "method"), ("comparesWith", "EfficientNetV2-S", "architecture")} <= found


def test_an_acronym_the_paper_defines_wins_over_the_vocabulary():
    assert load().lookup("HTC") is not None  # the vocabulary's HTC is a detector
    assert edges("We address hierarchical text classification (HTC) and show that HTC is hard.") == set()
    found = edges("We study presentation attack detection (PAD) and propose FooPAD, evaluated on face PAD databases.")
    assert not any(n == "PAD" for _, n, _ in found)
    assert ("buildsOn", "HTC", "architecture") in edges("Our detector is built on HTC.")  # undefined: the vocabulary's
    assert load().lookup("GQA").type == "dataset"
    assert not any(n == "GQA" for _, n, _ in edges("Grouped Query Attention (GQA) groups queries. We improve GQA on CIFAR-10."))


def test_a_new_dataset_named_after_its_noun_and_a_contribution_are_introduced():
    found = {(r.predicate, r.surface) for r in run("Our best performing dataset ZetaSet-5B enables better models.").relations}
    assert ("introduces", "ZetaSet-5B") in found
    found = {(r.predicate, r.surface, r.type) for r in
             run("Our second contribution is to present the 'Storm Shift Benchmark' (SSB), a harder test.").relations}
    assert ("introduces", "Storm Shift Benchmark", "dataset") in found


def test_a_title_dataset_without_a_cue_gives_no_edge():
    assert edges("We study pretraining without people in the images.", "ZOO: A COCO replacement without people") == set()
    assert ("evaluatedOn", "COCO", "dataset") in edges("We detect boats.", "Boat detection results on COCO")


@pytest.mark.parametrize("abstract, expected", [
    ("We propose FooViT. On ImageNet-1K, FooViT reaches 81.2% top-1.", ("FooViT", "ImageNet-1K", "top-1 accuracy", "81.2%")),
    ("We propose FooMed, which achieves 86.3% mean Dice on BraTS.", ("FooMed", "BraTS", "Dice", "86.3%")),
    ("We propose FooSeg, which reaches 52.1 mIoU on ADE20K.", ("FooSeg", "ADE20K", "mIoU", "52.1")),
])
def test_result_forms(abstract, expected):
    assert expected in [(r.model, r.dataset, r.metric, r.value) for r in run(abstract).results]


def test_hard_line_breaks_do_not_stay_in_evidence():
    ex = run("We propose FooNet, pre-trained\n  on ImageNet-21K and evaluated on\nCOCO.")
    assert ex.relations and all("\n" not in r.evidence.sentence for r in ex.relations)
    assert ("trainedOn", "ImageNet-21K") in {(r.predicate, r.surface) for r in ex.relations}


def test_a_github_url_in_the_records_urls_is_released_code():
    ex = run("We propose FooNet.", urls=("https://github.com/foo-lab/FooNet.git", "https://foo.example.org"))
    assert [repo for repo, _ in ex.repos] == ["https://github.com/foo-lab/FooNet"]
    assert ex.code_status == "released"
    assert run("We propose FooNet.", urls=("https://foo.example.org",)).code_status == "none"


def test_gazetteer_rows_keep_their_source_and_the_curated_vocabulary_wins():
    terms = parse_gazetteer("# header\nZetaFormer\tarchitecture\tpkg\t1.0\tMIT\n", "g.tsv")
    assert [(t.label, t.type, t.package) for t in terms] == [("ZetaFormer", "architecture", "pkg")]
    with pytest.raises(InputError, match="g.tsv:1"):
        parse_gazetteer("ZetaFormer\tarchitecture\n", "g.tsv")
    with pytest.raises(InputError, match="g.tsv:1"):
        parse_gazetteer("ZetaFormer\tmodel\tpkg\t1.0\tMIT\n", "g.tsv")
    vocab = load()
    gazetteer = [line.split("\t") for line in (ROOT / "kg" / "data" / "gazetteer.tsv").read_text().splitlines()
                 if line and not line.startswith("#")]
    assert gazetteer and all(len(row) == 5 and row[2] and row[3] and row[4] for row in gazetteer)
    assert all(vocab.lookup(name) is not None for name, *_ in gazetteer)
    assert vocab.lookup("ResNet").package == ""  # a curated name stays curated


def _script():
    spec = importlib.util.spec_from_file_location("gazetteers", ROOT / "scripts" / "gazetteers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gazetteer_script_recovers_cased_names_and_leaves_ambiguous_ones_out():
    script = _script()
    assert script.cased("zetaformer", "\"\"\" ZetaFormer\n\nA model.") == "ZetaFormer"
    assert script.cased("storm_bench", "The Storm Bench dataset has storms.") == "Storm Bench"
    assert script.cased("zetaformer", "no such name here") is None
    assert [script.ambiguous(n) for n in ("Granite", "Abstract Reasoning", "NAT", "ZetaTextModel", "Encoder decoder", "ZetaFormer")] == \
        ["plain words", "plain words", "short acronym", "helper", "phrase", None]


def test_cross_validation_reports_each_chunk_and_the_gap():
    from kg.knowledge_graph import sample_graph

    graph = sample_graph()
    papers = sorted((d.get("title", "") for _, d in graph.nx.nodes(data=True) if d.get("type") == "Paper"))[:2]
    chunks = {"a": [{"title": papers[0], "introduces": [], "evaluated_on": [], "trained_on": [], "builds_on": [],
                     "compares_with": [], "repos": []}],
              "b": [{"title": papers[1], "introduces": [], "evaluated_on": [], "trained_on": [], "builds_on": [],
                     "compares_with": [], "repos": []}]}
    out = cross_validate(chunks, graph, tuned_on="a")
    assert "== a (tuned on, 1 papers)" in out and "== b (held out, 1 papers)" in out and "== all (all chunks, 2 papers)" in out
    assert "gap" in out.splitlines()[-1]


def test_a_records_github_url_is_a_repository_of_the_graph_not_another_link(tmp_path):
    from kg.knowledge_graph import build

    (tmp_path / "p.jsonl").write_text('{"title": "FooNet: A Test", "abstract": "We propose FooNet.", '
                                      '"urls": ["https://github.com/foo/FooNet", "https://foo.example.org"]}\n')
    built = build([tmp_path], progress=False)
    graph = built.nx
    paper = next(n for n, d in graph.nodes(data=True) if d.get("type") == "Paper")
    assert [t for _, t, k in graph.out_edges(paper, keys=True) if k == "releasesCode"] == ["https://github.com/foo/FooNet"]
    links = sorted(str(o) for _, p, o in built.rdf if str(p).endswith("otherLink"))
    assert links == ["https://foo.example.org"]


def test_a_name_made_into_an_adjective_is_not_a_name():
    assert edges("We show that LLaVA-7B, benefiting from training on IT-curated descriptions, improves.") == \
        {("buildsOn", "LLaVA-7B", "architecture")}
    assert edges("Our method outperforms previous VQ-based methods.") == set()


def test_we_do_one_thing_and_propose_a_name():
    found = {(r.predicate, r.surface) for r in run("We study old nets and then present ZetaNet, a network.").relations}
    assert ("introduces", "ZetaNet") in found


def test_names_right_after_a_plural_noun_of_models_and_datasets_a_metric_was_measured_on():
    found = edges("We propose ZetaGen, outperforming popular diffusion models LDM/DiT by 1.5 FID.")
    assert {("comparesWith", "LDM", "architecture"), ("comparesWith", "DiT", "architecture")} <= found
    assert ("evaluatedOn", "ZetaCars", "dataset") in edges("We propose FooSet; it gains 7.06 mAP for ZetaCars.")


def test_a_name_found_once_is_a_mention_wherever_it_occurs():
    found = edges("Recent methods like ZetaTok tokenize images. We propose FooTok, outperforming ZetaTok on ImageNet.")
    assert ("comparesWith", "ZetaTok", "method") in found


def test_a_defined_long_form_with_a_dataset_head_is_a_dataset_not_introduced_after_using():
    found = {(r.predicate, r.surface, r.type) for r in
             run("We propose FooFold using structures from the Protein Data Bank (PDB). FooFold is tested on PDB.").relations}
    assert ("evaluatedOn", "Protein Data Bank", "dataset") in found
    assert not any(p == "introduces" and n == "Protein Data Bank" for p, n, _ in found)
    assert ("introduces", "Long Form Hydra", "method") in \
        {(r.predicate, r.surface, r.type) for r in run("We propose a novel Long Form Hydra (LFH) module for images.").relations}


@pytest.mark.parametrize("abstract", [
    "We propose FooCIL. 3) Additionally, we find previous benchmarks unsuitable.",  # a plain word in a list that never reaches its noun
    "We propose FooX; it sets a record ImageNet accuracy on MCU (71.8%).",  # hardware
    "We propose FooAdv. Adding training on top, we get approx78% on CIFAR-10.",  # a number
    "Vision-and-language (VL) models are strong. We propose FooVL, tested on the multilingual VL benchmark.",  # a defined idea
    "Notably, our FooPD improves three PD-affected applications.",  # an adjective made from a name
])
def test_words_that_only_look_like_names_give_no_edge(abstract):
    names = {n for _, n, _ in edges(abstract)}
    assert not names & {"Additionally", "MCU", "approx78", "VL", "PD-affected"}


def test_more_ways_of_introducing_a_name():
    def introduced(abstract):
        return {r.surface for r in run(abstract).relations if r.predicate == "introduces"}

    assert introduced("ZetaNet is a novel architecture for segmentation.") == {"ZetaNet"}
    assert introduced("ResNet is a popular model.") == set()
    assert introduced("We propose ZetaNet and ZetaNet++ for detection.") == {"ZetaNet", "ZetaNet++"}

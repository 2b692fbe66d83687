"""Resolution on records written for these tests: aliases, variants, cites."""
from kg.extract import extract
from kg.model import PaperRecord, Source
from kg.resolve import resolve


def corpus_of(*papers: tuple[str, str]):
    records = [PaperRecord(t, a, Source("t.txt", i)) for i, (t, a) in enumerate(papers, start=1)]
    return resolve([(r, extract(r)) for r in records])


def test_acronym_and_long_form_are_one_entity_with_both_names():
    corpus = corpus_of(("Compact nets", "We present Tidal Rank Distillation (TRD), a method for small models. "
                                        "Experiments on GLUE show TRD works."))
    entity = corpus.entities["method/tidal-rank-distillation"]
    assert entity.aliases == {"TRD"}
    assert not any(e.label == "TRD" for e in corpus.entities.values())


def test_variant_spellings_are_one_node_linked_to_the_family():
    corpus = corpus_of(("A", "We propose FooNet, based on ResNet-269."), ("B", "We propose BarNet, based on ResNet269."))
    variants = [e for e in corpus.entities.values() if e.label in ("ResNet-269", "ResNet269")]
    assert len(variants) == 1 and variants[0].aliases
    assert any(e.subject == variants[0].id and e.predicate == "variantOf" and e.object == "architecture/resnet" for e in corpus.edges)


def test_a_paper_naming_what_another_introduces_cites_it_with_the_sentence():
    corpus = corpus_of(("GlowNet: light nets", "We propose GlowNet, a network."),
                       ("Better nets", "We propose a method. It outperforms GlowNet on ImageNet."))
    cites = [e for e in corpus.edges if e.predicate == "cites"]
    assert [(e.subject, e.object) for e in cites] == [("paper/better-nets", "paper/glownet-light-nets")]
    assert cites[0].evidence[0].sentence == "It outperforms GlowNet on ImageNet."


def test_results_are_nodes_of_the_rdf_graph_tied_to_the_dataset():
    from kg.rdf import to_graph

    corpus = corpus_of(("GlowNet: light nets", "We propose GlowNet, a network. GlowNet reaches 84.5% top-1 accuracy on ImageNet."))
    rows = list(to_graph(corpus).query(
        "SELECT ?model ?metric ?value ?dataset WHERE { ?p kg:reportsResult ?r . ?r kg:metric ?metric ; kg:value ?value ; "
        "kg:onDataset/rdfs:label ?dataset ; kg:ofModel/rdfs:label ?model }"))
    assert [tuple(map(str, row)) for row in rows] == [("GlowNet", "top-1 accuracy", "84.5%", "ImageNet")]


def test_presorted_input_is_streamed_to_the_same_corpus_and_out_of_order_input_is_refused():
    import pytest

    records = [PaperRecord(f"P{i}", f"We propose Net{i}. It outperforms ResNet on ImageNet.", Source("t.txt", i)) for i in range(1, 6)]
    pairs = [(r, extract(r)) for r in records]
    assert resolve(iter(pairs), presorted=True) == resolve(list(reversed(pairs)))
    with pytest.raises(ValueError, match="t.txt:1 after t.txt:2"):
        resolve(iter([pairs[1], pairs[0]]), presorted=True)

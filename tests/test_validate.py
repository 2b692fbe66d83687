"""SHACL shapes (kg/shapes.ttl) and `kg validate` (issue 17 item 12)."""
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.cli import main
from kg.rdf import ontology
from kg.validate import shapes, validate

KG = Namespace("https://w3id.org/mlkg/ns#")


@pytest.fixture(scope="module")
def written(sample_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    sample_graph.export(out)
    return out


@pytest.mark.parametrize("name", ["graph.nt", "graph.ttl", "graph.jsonld"])
def test_every_rdf_export_of_the_sample_graph_conforms(written, name):
    report = validate(written / name)
    assert report.conforms and report.violations == [] and report.triples > 20_000


def test_the_shapes_say_exactly_the_ontologys_domains_and_ranges():
    onto, shape = ontology(), shapes()
    for prop, domain in onto.subject_objects(RDFS.domain):
        assert any(shape.value(s, SH["class"]) == domain for s in shape.subjects(SH.targetSubjectsOf, prop)), prop
    for prop, range_ in onto.subject_objects(RDFS.range):
        if str(range_).startswith(str(XSD)):
            assert any(shape.value(p, SH.datatype) == range_ for p in shape.subjects(SH.path, prop)), prop
        else:
            assert any(shape.value(s, SH["class"]) == range_ for s in shape.subjects(SH.targetObjectsOf, prop)), prop
    targeted = set(shape.objects(None, SH.targetSubjectsOf)) | set(shape.objects(None, SH.targetObjectsOf))
    targeted.discard(URIRef("http://purl.org/spar/cito/cites"))  # CiTO's own; the ontology's comment: paper cites paper
    assert targeted <= set(onto.subjects(RDFS.domain, None)) | set(onto.subjects(RDFS.range, None))


def planted(written, tmp_path):
    """The sample graph with three violations: an evaluatedOn whose object is a Method, a confidence
    of 1.5, a paper with a second title."""
    graph = Graph().parse(written / "graph.nt")
    paper = next(graph.subjects(RDF.type, KG.Paper))
    method = next(graph.subjects(RDF.type, KG.Method))
    evidence = next(graph.subjects(RDF.type, KG.Evidence))
    graph.add((paper, KG.evaluatedOn, method))
    graph.set((evidence, KG.confidence, Literal("1.5", datatype=XSD.decimal)))
    graph.add((paper, URIRef("http://purl.org/dc/terms/title"), Literal("A second title")))
    path = tmp_path / "bad.nt"
    graph.serialize(path, format="nt")
    return path, paper, method, evidence


def test_planted_violations_are_caught(written, tmp_path):
    path, paper, method, evidence = planted(written, tmp_path)
    report = validate(path)
    assert not report.conforms and len(report.violations) == 3
    assert any(line.startswith(str(method)) for line in report.violations)  # not a Dataset
    assert any(line.startswith(f"{evidence} {KG.confidence}") for line in report.violations)
    assert any(line.startswith(f"{paper} http://purl.org/dc/terms/title") for line in report.violations)


def test_kg_validate_exits_1_with_one_line_per_violation_and_0_when_conforming(written, tmp_path):
    path, *_ = planted(written, tmp_path)
    bad = CliRunner().invoke(main, ["validate", "--graph", str(path)])
    assert bad.exit_code == 1 and bad.output.count("\n") == 4 and "3 SHACL violations" in bad.output
    good = CliRunner().invoke(main, ["validate", "--graph", str(written)])
    assert good.exit_code == 0 and good.output.strip().endswith("0 SHACL violations")
    missing = CliRunner().invoke(main, ["validate", "--graph", str(tmp_path / "none")])
    assert missing.exit_code == 2 and missing.output.startswith("kg: error: ")

"""The corpus as RDF: triples in the kg ontology (`kg/ontology.ttl`), which reuses schema.org,
DCTerms, CiTO, PROV-O and SKOS.

Every extracted edge is a direct triple (`paper kg:evaluatedOn dataset`) plus a kg:Evidence
node that reifies it with the sentence, the extractor and the confidence. Evidence and
listing-entry IRIs are hashes of their content, so the same input always gives the same triples.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .ids import iri
from .model import Corpus, Edge, Evidence, ResolvedResult

KG = Namespace("https://w3id.org/mlkg/ns#")
SCHEMA = Namespace("https://schema.org/")
CITO = Namespace("http://purl.org/spar/cito/")
ONTOLOGY_FILE = Path(__file__).parent / "ontology.ttl"
PREFIXES = {"kg": KG, "schema": SCHEMA, "dcterms": DCTERMS, "cito": CITO, "prov": PROV, "skos": SKOS}

CLASSES = {"dataset": KG.Dataset, "architecture": KG.Architecture, "method": KG.Method}
EXTRA_CLASSES = {"dataset": SCHEMA.Dataset}
PREDICATES = {
    "introduces": KG.introduces,
    "evaluatedOn": KG.evaluatedOn,
    "trainedOn": KG.trainedOn,
    "buildsOn": KG.buildsOn,
    "comparesWith": KG.comparesWith,
    "releasesCode": KG.releasesCode,
    "variantOf": KG.variantOf,
    "cites": CITO.cites,
}
Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _hash_iri(kind: str, *parts: object) -> URIRef:
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
    return URIRef(iri(f"{kind}/{digest}"))


def triples(corpus: Corpus) -> Iterator[Triple]:
    """Every triple of the corpus, streamed (nothing is held besides the corpus itself)."""
    for paper in corpus.papers.values():
        node = URIRef(iri(paper.id))
        yield node, RDF.type, KG.Paper
        yield node, RDF.type, SCHEMA.ScholarlyArticle
        yield node, DCTERMS.title, Literal(paper.title)
        yield node, DCTERMS.abstract, Literal(paper.abstract)
        yield node, KG.codeStatus, Literal(paper.code_status)
        for author in paper.authors:
            yield node, DCTERMS.creator, Literal(author)
        for link in paper.links:
            yield node, KG.otherLink, Literal(link, datatype=XSD.anyURI)
        for source in paper.sources:
            entry = _hash_iri("entry", source.path, source.line)
            yield node, PROV.wasDerivedFrom, entry
            yield entry, RDF.type, KG.ListingEntry
            yield entry, KG.file, Literal(source.path)
            yield entry, KG.line, Literal(source.line)
            if source.listed:
                yield entry, KG.listedDate, Literal(source.listed)
    for entity in corpus.entities.values():
        node = URIRef(iri(entity.id))
        yield node, RDF.type, CLASSES[entity.type]
        if entity.type in EXTRA_CLASSES:
            yield node, RDF.type, EXTRA_CLASSES[entity.type]
        yield node, RDFS.label, Literal(entity.label)
        yield node, KG.inVocabulary, Literal(entity.known)
        for alias in sorted(entity.aliases):
            yield node, SKOS.altLabel, Literal(alias)
    for url in sorted(corpus.repos):  # sorted: a set's order changes with the hash seed
        node = URIRef(url)
        yield node, RDF.type, KG.Repository
        yield node, RDF.type, SCHEMA.SoftwareSourceCode
        yield node, RDFS.label, Literal(url.removeprefix("https://github.com/"))
        yield node, SCHEMA.codeRepository, Literal(url, datatype=XSD.anyURI)
    extractors: set[str] = set()
    for result in corpus.results:
        yield from _result(result)
    for edge in corpus.edges:
        yield from _edge(edge)
        extractors |= {ev.extractor for ev in edge.evidence}
    for name in sorted(extractors):
        node = URIRef(iri(f"extractor/{name}"))
        yield node, RDF.type, KG.Extractor
        yield node, RDFS.label, Literal(name)


def _result(result: ResolvedResult) -> Iterator[Triple]:
    """A kg:Result node: the paper reports it, on a dataset, with a metric, a value and its sentence."""
    paper = URIRef(iri(result.paper))
    node = _hash_iri("result", result.paper, result.dataset, result.metric, result.value, result.model_name)
    yield paper, KG.reportsResult, node
    yield node, RDF.type, KG.Result
    yield node, KG.onDataset, URIRef(iri(result.dataset))
    if result.model:
        yield node, KG.ofModel, URIRef(iri(result.model))
    if result.model_name:
        yield node, KG.modelName, Literal(result.model_name)
    yield node, KG.metric, Literal(result.metric)
    yield node, KG.value, Literal(result.value)
    yield node, KG.fromSentence, Literal(result.evidence.sentence)


def _edge(edge: Edge) -> Iterator[Triple]:
    s, p, o = URIRef(iri(edge.subject)), PREDICATES[edge.predicate], URIRef(iri(edge.object))
    yield s, p, o
    for ev in edge.evidence:
        node = _hash_iri("evidence", s, p, o, ev.sentence, ev.extractor, ev.start)
        yield from _evidence(node, s, p, o, ev)


def _evidence(node: URIRef, s: URIRef, p: URIRef, o: URIRef, ev: Evidence) -> Iterator[Triple]:
    yield node, RDF.type, KG.Evidence
    yield node, RDF.subject, s
    yield node, RDF.predicate, p
    yield node, RDF.object, o
    yield node, KG.sentence, Literal(ev.sentence)
    yield node, KG.confidence, Literal(f"{ev.confidence:.2f}", datatype=XSD.decimal)
    yield node, PROV.wasAttributedTo, URIRef(iri(f"extractor/{ev.extractor}"))
    if ev.end > ev.start:
        yield node, KG.matchStart, Literal(ev.start)
        yield node, KG.matchEnd, Literal(ev.end)


def to_graph(corpus: Corpus) -> Graph:
    """An rdflib Graph of the corpus and the ontology (so the file describes itself), prefixes bound."""
    graph = new_graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    for triple in triples(corpus):
        graph.add(triple)
    return graph


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("id", Namespace(iri("")))
    return graph


def ontology() -> Graph:
    """The kg ontology as an rdflib Graph."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def ntriples_term(term: URIRef | Literal | BNode) -> str:
    """One term in N-Triples syntax, without rdflib's serializer (which is ~5× slower per term).

    >>> ntriples_term(URIRef("https://x.org/a b")), ntriples_term(Literal('say "hi"\\n'))
    ('<https://x.org/a\\\\u0020b>', '"say \\\\"hi\\\\"\\\\n"')
    >>> ntriples_term(Literal(3)), ntriples_term(Literal("chat", lang="fr"))
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"chat"@fr')
    """
    if isinstance(term, URIRef):
        return f"<{_IRI_UNSAFE.sub(_uchar, term) if _IRI_UNSAFE.search(term) else term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = f'"{term.translate(_LITERAL_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is None or term.datatype == XSD.string:
        return text
    return f"{text}^^<{term.datatype}>"


def _uchar(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04X}"


def write_ntriples(corpus: Corpus, out: IO[str], with_ontology: bool = True) -> int:
    """Stream the ontology and every triple of the corpus into `out` as N-Triples; return how many.

    `with_ontology=False` leaves the ontology out: for triples appended to a graph that has it.

    Nothing is held besides the corpus, so this works for graphs far larger than an rdflib
    Graph can hold (a million papers is ~70M triples). The order is that of `triples`, which
    is deterministic, so the same corpus always gives the same file. The output is what a
    triple store's bulk loader reads (Oxigraph, Virtuoso, Blazegraph, QLever).

    >>> import io
    >>> from kg.pipeline import build_corpus
    >>> from kg.sample import SAMPLE_DIR
    >>> corpus = build_corpus([SAMPLE_DIR], progress=False)
    >>> out = io.StringIO()
    >>> n = write_ntriples(corpus, out)
    >>> n == len(out.getvalue().splitlines()) and len(Graph().parse(data=out.getvalue(), format="nt")) == len(to_graph(corpus))
    True
    """
    count = 0
    for chunk in _chunks(chain(sorted(ontology()) if with_ontology else (), triples(corpus)), 10_000):
        out.write("".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in chunk))
        count += len(chunk)
    return count


def _chunks(items: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk

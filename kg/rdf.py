"""The corpus as RDF: triples in the kg ontology (`kg/ontology.ttl`), which reuses schema.org,
DCTerms, CiTO, PROV-O and SKOS.

Every extracted edge is a direct triple (`paper kg:evaluatedOn dataset`) plus a kg:Evidence
node that reifies it with the sentence, the extractor and the confidence. Evidence and
listing-entry IRIs are hashes of their content, so the same input always gives the same triples.
A curated fact (a Papers with Code link, an OpenAlex reference) has evidence that is
`prov:wasDerivedFrom` the record it was read from, and every extractor says its `kg:evidenceKind`
(extracted, curated or inferred), so queries can keep curated and extracted facts apart.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .counts import Counts, count
from .ids import iri, slug
from .model import CURATED_EXTRACTORS, ENTITY_TYPES, RELATIONS, Corpus, Edge, RepoFacts, ResolvedResult, Source

KG = Namespace("https://w3id.org/mlkg/ns#")
SCHEMA = Namespace("https://schema.org/")
CITO = Namespace("http://purl.org/spar/cito/")
ONTOLOGY_FILE = Path(__file__).parent / "ontology.ttl"
PREFIXES = {"kg": KG, "schema": SCHEMA, "dcterms": DCTERMS, "cito": CITO, "prov": PROV, "skos": SKOS}

CLASSES = {entity_type: KG[entity_type.title()] for entity_type in ENTITY_TYPES}
EXTRA_CLASSES = {"dataset": SCHEMA.Dataset}
PREDICATES = {name: PREFIXES[prefix][name] for name, prefix in RELATIONS.items()}


def _n(term: URIRef) -> str:
    return f"<{term}>"


# Terms written in every graph, rendered once.
TYPE, LABEL, ALT_LABEL = _n(RDF.type), _n(RDFS.label), _n(SKOS.altLabel)
PAPER_TYPES = (_n(KG.Paper), _n(SCHEMA.ScholarlyArticle))
ENTITY_CLASSES = {t: tuple(_n(c) for c in (CLASSES[t], EXTRA_CLASSES.get(t)) if c) for t in CLASSES}
REPO_TYPES = (_n(KG.Repository), _n(SCHEMA.SoftwareSourceCode))
TITLE, ABSTRACT, CREATOR, CODE_STATUS, OTHER_LINK = map(_n, (DCTERMS.title, DCTERMS.abstract, DCTERMS.creator, KG.codeStatus, KG.otherLink))
DERIVED_FROM, ENTRY, FILE, LINE, LISTED = map(_n, (PROV.wasDerivedFrom, KG.ListingEntry, KG.file, KG.line, KG.listedDate))
IN_VOCABULARY, CODE_REPOSITORY = _n(KG.inVocabulary), _n(SCHEMA.codeRepository)
REPORTS, RESULT, ON_DATASET, OF_MODEL, MODEL_NAME, METRIC, VALUE, FROM_SENTENCE = map(_n, (
    KG.reportsResult, KG.Result, KG.onDataset, KG.ofModel, KG.modelName, KG.metric, KG.value, KG.fromSentence))
EVIDENCE, SUBJECT, PREDICATE, OBJECT, SENTENCE, CONFIDENCE, ATTRIBUTED_TO, MATCH_START, MATCH_END = map(_n, (
    KG.Evidence, RDF.subject, RDF.predicate, RDF.object, KG.sentence, KG.confidence, PROV.wasAttributedTo,
    KG.matchStart, KG.matchEnd))
EXTRACTOR = _n(KG.Extractor)
ID_PREDICATES = {scheme: _n(KG[name]) for scheme, name in (
    ("arxiv", "arxivId"), ("doi", "doi"), ("openalex", "openalexId"), ("s2", "semanticScholarId"), ("pwc", "paperswithcodeId"))}
CATEGORY, ISSUED, AUTHOR, NAME, EVIDENCE_KIND = map(_n, (KG.category, DCTERMS.issued, SCHEMA.author, SCHEMA.name, KG.evidenceKind))
PERSON_TYPE, WORK_TYPES = _n(SCHEMA.Person), (_n(KG.CitedWork), _n(SCHEMA.CreativeWork))
INFERRED_EXTRACTORS = frozenset({"corpus_links"})
_INTEGER, _DECIMAL, _BOOLEAN, _ANY_URI, _DATE, _YEAR, _DATE_TIME = (f"^^<{XSD[t]}>" for t in (
    "integer", "decimal", "boolean", "anyURI", "date", "gYear", "dateTime"))
STARS, LICENSE, LAST_PUSH, ARCHIVED = map(_n, (KG.stars, SCHEMA.license, KG.lastPush, KG.archived))
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """A plain string literal in N-Triples."""
    return f'"{value.translate(_LITERAL_ESCAPES)}"'


def _node(node_id: str) -> str:
    """A node's IRI in N-Triples. Ids are slugs, hashes and GitHub URLs of safe characters
    (kg.ids, kg.urls), so none needs escaping."""
    return f"<{iri(node_id)}>"


def _hash_iri(kind: str, *parts: object) -> str:
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
    return f"<{iri(f'{kind}/{digest}')}>"


def lines(corpus: Corpus, batch: bool = False) -> Iterator[str]:
    """Every triple of the corpus as an N-Triples line, streamed in a deterministic order, its
    counts (kg.counts) last; a `batch` appended to a graph (kg.folder.append) counts its own way.

    Lines are written as text directly: making rdflib terms and serialising them cost ~10×
    more, which matters at a million papers (~70M triples). `to_graph` reads these same
    lines, so both the small and the large build get their triples from here.
    """
    people: set[str] = set()
    for paper in corpus.papers.values():
        node = _node(paper.id)
        yield f"{node} {TYPE} {PAPER_TYPES[0]} .\n{node} {TYPE} {PAPER_TYPES[1]} .\n"
        yield f"{node} {TITLE} {_text(paper.title)} .\n{node} {ABSTRACT} {_text(paper.abstract)} .\n"
        yield f"{node} {CODE_STATUS} {_text(paper.code_status)} .\n"
        for author in paper.authors:
            yield f"{node} {CREATOR} {_text(author)} .\n{node} {AUTHOR} {_node(person_id(author))} .\n"
        people.update(paper.authors)
        for scheme, value in sorted(paper.ids.items()):
            yield f"{node} {ID_PREDICATES[scheme]} {_text(value)} .\n"
        for category in paper.categories:
            yield f"{node} {CATEGORY} {_text(category)} .\n"
        if paper.date:
            yield f"{node} {ISSUED} {_text(paper.date)}{_YEAR if len(paper.date) == 4 else _DATE} .\n"  # BibTeX gives a year
        for link in paper.links:
            yield f"{node} {OTHER_LINK} {_text(link)}{_ANY_URI} .\n"
        for source in paper.sources:
            yield _derived_from(node, source)
    for name in sorted(people):
        yield f"{_node(person_id(name))} {TYPE} {PERSON_TYPE} .\n{_node(person_id(name))} {NAME} {_text(name)} .\n"
    for work in corpus.works.values():
        node = _node(work.id)
        yield f"{node} {TYPE} {WORK_TYPES[0]} .\n{node} {TYPE} {WORK_TYPES[1]} .\n{node} {ID_PREDICATES[work.scheme]} {_text(work.value)} .\n"
        if work.title:
            yield f"{node} {TITLE} {_text(work.title)} .\n"
    for entity in corpus.entities.values():
        node = _node(entity.id)
        for class_ in ENTITY_CLASSES[entity.type]:
            yield f"{node} {TYPE} {class_} .\n"
        yield f'{node} {LABEL} {_text(entity.label)} .\n{node} {IN_VOCABULARY} "{str(entity.known).lower()}"{_BOOLEAN} .\n'
        for alias in sorted(entity.aliases):
            yield f"{node} {ALT_LABEL} {_text(alias)} .\n"
    for url in sorted(corpus.repos):  # sorted: a set's order changes with the hash seed
        node = f"<{url}>"
        yield (f"{node} {TYPE} {REPO_TYPES[0]} .\n{node} {TYPE} {REPO_TYPES[1]} .\n"
               f"{node} {LABEL} {_text(url.removeprefix('https://github.com/'))} .\n"
               f"{node} {CODE_REPOSITORY} {_text(url)}{_ANY_URI} .\n")
        if url in corpus.repo_facts:
            yield _repo_facts(node, corpus.repo_facts[url])
    extractors: set[str] = set()
    for result in corpus.results:
        yield _result(result)
    for edge in corpus.edges:
        yield _edge(edge)
        extractors |= {ev.extractor for ev in edge.evidence}
    for name in sorted(extractors):
        node = _node(f"extractor/{name}")
        yield f"{node} {TYPE} {EXTRACTOR} .\n{node} {LABEL} {_text(name)} .\n{node} {EVIDENCE_KIND} {_text(evidence_kind(name))} .\n"
    if not batch:
        yield count_lines(count(corpus))


def _repo_facts(node: str, facts: RepoFacts) -> str:
    """A repository's stars, licence, last push and archived flag, derived from the API answer they were read from."""
    out = _derived_from(node, facts.source)
    if facts.stars is not None:
        out += f'{node} {STARS} "{facts.stars}"{_INTEGER} .\n'
    if facts.license:
        out += f"{node} {LICENSE} {_text(facts.license)} .\n"
    if facts.pushed:
        out += f"{node} {LAST_PUSH} {_text(facts.pushed)}{_DATE_TIME} .\n"
    if facts.archived is not None:
        out += f'{node} {ARCHIVED} "{str(facts.archived).lower()}"{_BOOLEAN} .\n'
    return out


def person_id(name: str) -> str:
    """The node id of an author, by name (two people of one name are one node: sources give no author ids in common)."""
    return f"person/{slug(name)}"


def evidence_kind(extractor: str) -> str:
    """curated (read from a source's record), inferred (from other edges) or extracted (from text).

    >>> evidence_kind("paperswithcode"), evidence_kind("corpus_links"), evidence_kind("vocabulary_matcher")
    ('curated', 'inferred', 'extracted')
    """
    return "curated" if extractor in CURATED_EXTRACTORS else "inferred" if extractor in INFERRED_EXTRACTORS else "extracted"


def _derived_from(node: str, source: Source) -> str:
    """`node` prov:wasDerivedFrom the listing entry of `source`, and the entry's file, line and listed date."""
    entry = _entry(source)
    out = (f"{node} {DERIVED_FROM} {entry} .\n{entry} {TYPE} {ENTRY} .\n{entry} {FILE} {_text(source.path)} .\n"
           f'{entry} {LINE} "{source.line}"{_INTEGER} .\n')
    return out + f"{entry} {LISTED} {_text(source.listed)} .\n" if source.listed else out


def _entry(source: Source) -> str:
    """The IRI of the listing entry (file and line or record) a paper or a curated fact was read from."""
    return _hash_iri("entry", source.path, source.line)


def count_lines(counts: Counts) -> str:
    """The counts as N-Triples (integers), sorted."""
    return "".join(f'{_node(node)} <{KG[name]}> "{value}"{_INTEGER} .\n' for (node, name), value in sorted(counts.items()))


def _result(result: ResolvedResult) -> str:
    """A kg:Result node: the paper reports it, on a dataset, with a metric, a value and its sentence."""
    node = _hash_iri("result", result.paper, result.dataset, result.metric, result.value, result.model_name)
    out = f"{_node(result.paper)} {REPORTS} {node} .\n{node} {TYPE} {RESULT} .\n{node} {ON_DATASET} {_node(result.dataset)} .\n"
    if result.model:
        out += f"{node} {OF_MODEL} {_node(result.model)} .\n"
    if result.model_name:
        out += f"{node} {MODEL_NAME} {_text(result.model_name)} .\n"
    if result.evidence.source:
        out += f"{node} {DERIVED_FROM} {_entry(result.evidence.source)} .\n"
    return (out + f"{node} {METRIC} {_text(result.metric)} .\n{node} {VALUE} {_text(result.value)} .\n"
            f"{node} {FROM_SENTENCE} {_text(result.evidence.sentence)} .\n")


def _edge(edge: Edge) -> str:
    """The edge, and a kg:Evidence node reifying it for each piece of its evidence."""
    s, p, o = iri(edge.subject), str(PREDICATES[edge.predicate]), iri(edge.object)
    out = [f"<{s}> <{p}> <{o}> .\n"]
    for ev in edge.evidence:
        node = _hash_iri("evidence", s, p, o, ev.sentence, ev.extractor, ev.start, *((ev.source.path, ev.source.line) if ev.source else ()))
        out.append(f"{node} {TYPE} {EVIDENCE} .\n{node} {SUBJECT} <{s}> .\n{node} {PREDICATE} <{p}> .\n{node} {OBJECT} <{o}> .\n"
                   f"{node} {SENTENCE} {_text(ev.sentence)} .\n{node} {CONFIDENCE} \"{ev.confidence:.2f}\"{_DECIMAL} .\n"
                   f"{node} {ATTRIBUTED_TO} {_node(f'extractor/{ev.extractor}')} .\n")
        if ev.source:
            out.append(f"{node} {DERIVED_FROM} {_entry(ev.source)} .\n")
        if ev.end > ev.start:
            out.append(f'{node} {MATCH_START} "{ev.start}"{_INTEGER} .\n{node} {MATCH_END} "{ev.end}"{_INTEGER} .\n')
    return "".join(out)


def to_graph(corpus: Corpus) -> Graph:
    """An rdflib Graph of the corpus and the ontology (so the file describes itself), prefixes bound."""
    graph = new_graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    text = "".join(lines(corpus)).encode("utf-8")
    graph.addN((*map(_rdflib_term, (q.subject, q.predicate, q.object)), graph)
               for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return graph


@lru_cache(maxsize=1 << 16)
def _iri_term(value: str) -> URIRef:
    return URIRef(value)


def _rdflib_term(term: pyoxigraph.NamedNode | pyoxigraph.Literal) -> URIRef | Literal:
    """The rdflib term for an Oxigraph term of `lines` (IRIs and literals only: no blank nodes)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return _iri_term(term.value)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=_iri_term(datatype))


_XSD_STRING = str(XSD.string)


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


def ntriples_term(term: URIRef | Literal | BNode) -> str:
    """One rdflib term in N-Triples syntax, without rdflib's serializer (~5× slower per term);
    for the ontology, which is read with rdflib.

    >>> ntriples_term(URIRef("https://x.org/a b")), ntriples_term(Literal('say "hi"\\n'))
    ('<https://x.org/a\\\\u0020b>', '"say \\\\"hi\\\\"\\\\n"')
    >>> ntriples_term(Literal(3)), ntriples_term(Literal("chat", lang="fr"))
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"chat"@fr')
    """
    if isinstance(term, URIRef):
        return f"<{_IRI_UNSAFE.sub(_uchar, term) if _IRI_UNSAFE.search(term) else term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = _text(term)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is None or term.datatype == XSD.string:
        return text
    return f"{text}^^<{term.datatype}>"


def _uchar(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04X}"


@lru_cache(maxsize=1)
def ontology_lines() -> str:
    """The ontology as N-Triples, in a fixed order."""
    return "".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in sorted(ontology()))


def write_ntriples(corpus: Corpus, out: IO[str], batch: bool = False) -> int:
    """Stream the ontology and every triple of the corpus into `out` as N-Triples; return how many.
    A `batch` appended to a graph (kg.folder.append) gets neither the ontology nor counts.

    Nothing is held besides the corpus and a buffer, so this works for graphs far larger
    than an rdflib Graph can hold. The order is that of `lines`, which is deterministic, so
    the same corpus always gives the same file. The output is what a triple store's bulk
    loader reads (Oxigraph, Virtuoso, Blazegraph, QLever).

    >>> import io
    >>> from kg.pipeline import build_corpus
    >>> from kg.sample import SAMPLE_DIR
    >>> corpus = build_corpus([SAMPLE_DIR], progress=False)
    >>> out = io.StringIO()
    >>> n = write_ntriples(corpus, out)
    >>> n == len(out.getvalue().splitlines()) and len(Graph().parse(data=out.getvalue(), format="nt")) == len(to_graph(corpus))
    True
    """
    written = 0
    if not batch:
        out.write(ontology_lines())
        written += ontology_lines().count("\n")
    buffer: list[str] = []
    for text in lines(corpus, batch):
        buffer.append(text)
        if len(buffer) >= 4096:
            chunk = "".join(buffer)
            out.write(chunk)
            written += chunk.count("\n")
            buffer.clear()
    chunk = "".join(buffer)
    out.write(chunk)
    return written + chunk.count("\n")

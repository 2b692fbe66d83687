"""Resolution: many records and their extractions → one corpus of canonical papers, entities and edges.

- papers: the same title (ignoring case and punctuation) in several listings is one paper
  that keeps every listing as a source;
- entities: every name that is the same vocabulary term, or the same name ignoring case,
  hyphens and spaces, is one entity with all its surface forms as aliases; an acronym a
  paper defines ("Long Form (LF)") is an alias of its long form;
- lineage: vocabulary `variant_of`/`builds_on` between entities, and unlisted variants
  ("ResNet-101") linked to their family;
- cites: a paper that names an entity another paper of the corpus introduces cites that paper;
- results: each reported number is tied to its dataset node (and its model node, if any).

The same rules resolve new records onto a graph that already exists (kg.folder.append): an
`Existing` answers which titles, names and repositories the graph already has, so that
they keep their node, and which papers introduce each entity (for cites).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator

from .ids import entity_id, paper_id
from .model import ENTITY_TYPES, Corpus, Edge, Entity, Evidence, Extraction, Paper, PaperRecord, ResolvedResult, Result
from .vocabulary import Vocabulary, load, name_key

class Existing:
    """What a graph already holds, asked while resolving new records onto it; by default nothing.

    `resolve` of a whole corpus starts from nothing. Adding to a large graph (kg.folder.append)
    answers from the graph's index and store, so that a known title or name keeps the node
    it has rather than getting a second one.
    """

    def paper(self, key: str) -> Paper | None:
        """The paper with this title key, with its stored attributes and no sources, or None."""
        return None

    def paper_id_taken(self, pid: str) -> bool:
        """Whether a paper (of another title) already has this id."""
        return False

    def entity(self, key: str) -> Entity | None:
        """The entity one of whose names has this name key, without aliases, or None."""
        return None

    def entity_by_id(self, eid: str) -> Entity | None:
        """The entity with this id, without aliases, or None."""
        return None

    def repo(self, key: str) -> str | None:
        """The repository URL as first written, for its lower-cased URL, or None."""
        return None

    def introducers(self, entities: Iterable[str]) -> dict[str, set[str]]:
        """The papers that introduce each of `entities` (those no paper introduces may be left out)."""
        return {}


NOTHING = Existing()
VOCABULARY_EVIDENCE = Evidence("Curated vocabulary (kg/data/vocabulary.tsv).", "vocabulary", 1.0)
CODE_STATUS_RANK = {"none": 0, "promised": 1, "released": 2}


def source_order(record: PaperRecord) -> tuple[str, int]:
    """The order resolve takes records in: by listing file, then line."""
    return record.source.path, record.source.line


def resolve(items: Iterable[tuple[PaperRecord, Extraction]], vocabulary: Vocabulary | None = None,
            presorted: bool = False, *, existing: Existing = NOTHING) -> Corpus:
    """Merge (record, extraction) pairs into a Corpus. The result does not depend on input order.

    With `presorted`, the items already come in `source_order` and are taken one at a time
    as they arrive, never all held at once (kg.pipeline streams extractions this way); a
    pair out of order raises ValueError.

    `existing`: a graph the records are added to; papers and entities it already has come
    out with their stored id, label and type (and no sources or aliases but the new ones).
    """
    vocab = vocabulary or load()
    corpus = Corpus()
    paper_keys: dict[str, str] = {}  # title key → paper id
    names: dict[str, Counter[str]] = defaultdict(Counter)  # entity key → surface forms
    types: dict[str, Counter[str]] = defaultdict(Counter)
    canonical: dict[str, str] = {}  # entity key → vocabulary label
    families: dict[str, str] = {}  # entity key → family vocabulary label
    # (paper, predicate, entity key | repo URL) → evidence; lists (deduplicated by _sorted) take a quarter of a set's memory
    evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    repo_case: dict[str, str] = {}
    results: list[tuple[str, Result, dict[str, str]]] = []  # (paper, result, the paper's acronym → long-form keys)

    for record, extraction in _checked(items) if presorted else sorted(items, key=lambda item: source_order(item[0])):
        pid = _paper(corpus, paper_keys, record, extraction, existing)
        same = {name_key(a): name_key(r.surface) for r in extraction.relations if not r.canonical for a in r.aliases}
        for relation in extraction.relations:
            key = name_key(relation.canonical or relation.surface)
            key = same.get(key, key)  # an acronym and its long form in one paper are one entity
            names[key][relation.surface] += 1
            for alias in relation.aliases:
                names[key][alias] += 0  # a name, not a vote for the label
            types[key][relation.type] += 1
            if relation.canonical:
                canonical[key] = relation.canonical
            if relation.variant_of:
                families[key] = relation.variant_of
            evidence[(pid, relation.predicate, key)].append(relation.evidence)
        results.extend((pid, result, same) for result in extraction.results)
        for url, ev in extraction.repos:
            if url.lower() not in repo_case:  # GitHub names are case-insensitive
                repo_case[url.lower()] = existing.repo(url.lower()) or url
            url = repo_case[url.lower()]
            corpus.repos.add(url)
            evidence[(pid, "releasesCode", url)].append(ev)

    ids = _entities(corpus, vocab, names, types, canonical, existing)
    del names, types
    family_evidence: dict[str, list[Evidence]] = defaultdict(list)  # what an unlisted variant was seen in
    for (_, _, key), evs in evidence.items():
        if key in families:
            family_evidence[key] += evs
    edges: dict[tuple[str, str, str], list[Evidence]] = {}  # two name keys can resolve to one entity: one edge
    for key in list(evidence):  # no need to sort: edges are sorted once at the end
        subject, predicate, target = key
        edges.setdefault((subject, predicate, ids.get(target, target)), []).extend(evidence.pop(key))  # freed as used
    corpus.edges.extend(Edge(s, p, o, _sorted(edges.pop((s, p, o)))) for s, p, o in list(edges))
    _lineage(corpus, vocab, ids, families, family_evidence, existing)
    _results(corpus, vocab, ids, results, existing)
    _cites(corpus, existing)
    corpus.edges.sort(key=lambda e: (e.subject, e.predicate, e.object))
    return corpus


def _checked(items: Iterable[tuple[PaperRecord, Extraction]]) -> Iterator[tuple[PaperRecord, Extraction]]:
    last = ("", -1)
    for record, extraction in items:
        if source_order(record) < last:
            raise ValueError(f"resolve(presorted=True) got {record.source.path}:{record.source.line} after {last[0]}:{last[1]}")
        last = source_order(record)
        yield record, extraction


def _paper(corpus: Corpus, keys: dict[str, str], record: PaperRecord, extraction: Extraction, existing: Existing) -> str:
    key = name_key(record.title) or record.title
    pid = keys.get(key)
    if pid is None:
        stored = existing.paper(key)
        if stored is not None:
            pid = stored.id
            corpus.papers[pid] = stored
        else:
            pid = paper_id(record.title)
            while pid in corpus.papers or existing.paper_id_taken(pid):  # another title with the same slug
                pid += "-x"
            corpus.papers[pid] = Paper(pid, record.title, record.abstract, authors=record.authors)
        keys[key] = pid
    paper = corpus.papers[pid]
    if record.source not in paper.sources:
        paper.sources.append(record.source)
    for link in (*record.urls, *extraction.other_links):
        if link not in paper.links:
            paper.links.append(link)
    if CODE_STATUS_RANK[extraction.code_status] > CODE_STATUS_RANK[paper.code_status]:
        paper.code_status = extraction.code_status
    return pid


def _entities(corpus: Corpus, vocab: Vocabulary, names, types, canonical, existing: Existing) -> dict[str, str]:
    """Create one Entity per key (or take the existing one with that key); return entity key → node id."""
    ids: dict[str, str] = {}
    for key in sorted(names):
        term = vocab.terms.get(canonical.get(key, ""))
        stored = existing.entity(key)
        if stored is not None:
            label, type_ = stored.label, stored.type
        elif term:
            label, type_ = term.label, term.type
        else:
            label = max(sorted(names[key]), key=lambda n: names[key][n])
            type_ = max(ENTITY_TYPES, key=lambda t: (types[key][t], -ENTITY_TYPES.index(t)))
        ids[key] = _add_entity(corpus, label, type_, set(names[key]), term is not None, existing)
    return ids


def _add_entity(corpus: Corpus, label: str, type_: str, aliases: set[str], known: bool, existing: Existing) -> str:
    """The id of the entity of this label and type, created (or taken from `existing`) if new; aliases added."""
    eid = entity_id(type_, label)
    if eid not in corpus.entities:
        corpus.entities[eid] = existing.entity_by_id(eid) or Entity(eid, label, type_, set(), known)
    entity = corpus.entities[eid]
    entity.aliases |= {a for a in aliases if a != entity.label}
    return eid


def _lineage(corpus: Corpus, vocab: Vocabulary, ids: dict[str, str], families: dict[str, str],
             family_evidence: dict[str, list[Evidence]], existing: Existing) -> None:
    """variantOf / buildsOn edges between entities, from the vocabulary and from matched variants."""
    def node(label: str) -> str:
        term = vocab.terms[label]
        return _add_entity(corpus, term.label, term.type, set(term.aliases), True, existing)

    lineage: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)  # keyed: two name keys can be one entity
    for key, eid in sorted(ids.items()):
        entity = corpus.entities[eid]
        term = vocab.terms.get(entity.label) if entity.known else None
        if term is None and key in families:
            lineage[(eid, "variantOf", node(families[key]))] += family_evidence[key]
        if term is None:
            continue
        if term.variant_of:
            lineage[(eid, "variantOf", node(term.variant_of))].append(VOCABULARY_EVIDENCE)
        for parent in term.builds_on:
            lineage[(eid, "buildsOn", node(parent))].append(VOCABULARY_EVIDENCE)
    corpus.edges.extend(Edge(s, p, o, _sorted(evs)) for (s, p, o), evs in lineage.items())


def _results(corpus: Corpus, vocab: Vocabulary, ids: dict[str, str], results, existing: Existing) -> None:
    """Tie each reported result to its dataset node (and model node, when the model is one)."""
    def node(name: str, same: dict[str, str]) -> str | None:
        term = vocab.lookup(name)
        key = name_key(term.label if term else name)
        key = same.get(key, key)
        if key in ids:
            return ids[key]
        stored = existing.entity(key)
        return stored.id if stored else None

    found = set()
    for pid, result, same in results:
        dataset = node(result.dataset_canonical or result.dataset, same)
        if dataset is not None:
            model = node(result.model, same) if result.model else None
            found.add(ResolvedResult(pid, dataset, model, result.model, result.metric, result.value, result.evidence))
    corpus.results = sorted(found, key=lambda r: (r.paper, r.dataset, r.metric, r.value, r.model_name, r.evidence.sentence))


def _cites(corpus: Corpus, existing: Existing) -> None:
    """A paper naming an entity that exactly one other paper introduces cites that paper."""
    introducers: dict[str, set[str]] = defaultdict(set)
    for edge in corpus.edges:
        if edge.predicate == "introduces":
            introducers[edge.object].add(edge.subject)
    for eid, papers in existing.introducers(edge.object for edge in corpus.edges).items():
        introducers[eid] |= papers
    cites: dict[tuple[str, str], set[Evidence]] = defaultdict(set)
    for edge in corpus.edges:
        owners = introducers.get(edge.object, set())
        if edge.subject.startswith("paper/") and edge.predicate != "introduces" and len(owners) == 1:
            (owner,) = owners
            if owner != edge.subject:
                cites[(edge.subject, owner)] |= {
                    Evidence(ev.sentence, "corpus_links", round(ev.confidence * 0.9, 2), ev.start, ev.end) for ev in edge.evidence
                }
    corpus.edges.extend(Edge(s, "cites", o, _sorted(evs)) for (s, o), evs in sorted(cites.items()))


def _sorted(evidence: Collection[Evidence]) -> tuple[Evidence, ...]:
    if len(evidence) == 1:  # most edges (a million papers: ~5M edges): nothing to deduplicate or order
        return tuple(evidence)
    return tuple(sorted(set(evidence), key=lambda e: (-e.confidence, e.sentence, e.extractor, e.start)))

"""Resolution: many records and their extractions → one corpus of canonical papers, entities and edges.

- papers: records about the same paper are one paper that keeps every record as a source;
  a paper is known by its arXiv id, else its DOI, else another source's id (OpenAlex, Papers
  with Code, Semantic Scholar), else its title ignoring case and punctuation;
- entities: every name that is the same vocabulary term, or the same name ignoring case,
  hyphens and spaces, is one entity with all its surface forms as aliases; an acronym a
  paper defines ("Long Form (LF)") is an alias of its long form;
- lineage: vocabulary `variant_of`/`builds_on` between entities, and unlisted variants
  ("ResNet-101") linked to their family;
- cites: the references a source lists (OpenAlex, Semantic Scholar), to a paper of the corpus
  or to a light node for a cited work outside it; and, inferred, a paper that names an entity
  another paper of the corpus introduces cites that paper;
- results: each reported number is tied to its dataset node (and its model node, if any).

The same rules resolve new records onto a graph that already exists (kg.folder.append): an
`Existing` answers which titles, names and repositories the graph already has, so that
they keep their node, and which papers introduce each entity (for cites).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from itertools import count

from .ids import entity_id, paper_id, slug, title_digest
from .model import (ENTITY_TYPES, ID_SCHEMES, Corpus, Edge, Entity, Evidence, Extraction, Paper, PaperRecord, Reference,
                    Relation, ResolvedResult, Result, Work)
from .urls import github_repo
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
NO_FACTS = Extraction()  # what a record without curated facts states


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
    paper_keys: dict[tuple[str, str], str] = {}  # (id scheme or "title", key) → paper id
    references: list[tuple[str, Reference]] = []  # (citing paper, reference)
    names: dict[str, Counter[str]] = defaultdict(Counter)  # entity key → surface forms
    types: dict[str, Counter[str]] = defaultdict(Counter)
    canonical: dict[str, str] = {}  # entity key → vocabulary label
    families: dict[str, str] = {}  # entity key → family vocabulary label
    # (paper, predicate, entity key | repo URL) → evidence; lists (deduplicated by _sorted) take a quarter of a set's memory
    evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    repo_case: dict[str, str] = {}
    results: list[tuple[str, Result, dict[str, str]]] = []  # (paper, result, the paper's acronym → long-form keys)
    listed: set[tuple[str, object]] = set()  # (paper, source or link) already on the paper: a list lookup was quadratic

    detached: list[PaperRecord] = []  # records without a title: facts about a paper known by its ids (a citation)
    for record, extraction in _checked(items) if presorted else sorted(items, key=lambda item: source_order(item[0])):
        if not record.title:
            detached.append(record)
            continue
        pid = _paper(corpus, paper_keys, record, extraction, existing, listed)
        references.extend((pid, reference) for reference in record.references)
        curated = record.curated or NO_FACTS
        same = _relations(pid, (*extraction.relations, *_with_vocabulary(curated.relations, vocab)), names, types, canonical,
                          families, evidence)
        results.extend((pid, result, same) for result in (*extraction.results, *curated.results))
        for url, ev in (*extraction.repos, *curated.repos):
            if url.lower() not in repo_case:  # GitHub names are case-insensitive
                repo_case[url.lower()] = existing.repo(url.lower()) or url
            url = repo_case[url.lower()]
            corpus.repos.add(url)
            evidence[(pid, "releasesCode", url)].append(ev)

    for record in detached:  # the paper or repository it is about is in the graph, or the record is about nothing of it
        if record.repository and record.repository.url.lower() in repo_case:
            corpus.repo_facts[repo_case[record.repository.url.lower()]] = record.repository
        pid = _known_paper(corpus, paper_keys, record) if record.ids else None
        if record.curated:  # an artifact and the paper that introduced it: the artifact, with an edge if the paper is here
            _relations(pid, _with_vocabulary(record.curated.relations, vocab), names, types, canonical, families, evidence)
        if pid is not None:
            references.extend((pid, reference) for reference in record.references)
            if record.source not in corpus.papers[pid].sources:
                corpus.papers[pid].sources.append(record.source)
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
    _cites(corpus, existing, _references(corpus, paper_keys, references))
    corpus.edges.sort(key=lambda e: (e.subject, e.predicate, e.object))
    return corpus


def _relations(pid: str | None, relations: Iterable[Relation], names, types, canonical, families, evidence) -> dict[str, str]:
    """Note each relation's entity names, type votes and vocabulary term, and, from paper `pid`
    (None: no paper of the graph), its evidence; return the paper's alias → long-form name keys."""
    relations = tuple(relations)
    same = {name_key(a): name_key(r.surface) for r in relations if not r.canonical for a in r.aliases}
    for relation in relations:
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
        if pid is not None:
            evidence[(pid, relation.predicate, key)].append(relation.evidence)
    return same


def _with_vocabulary(relations: Iterable[Relation], vocab: Vocabulary) -> Iterator[Relation]:
    """Curated relations (a source's own names) tied to the vocabulary term they name, as extraction ties its own."""
    for relation in relations:
        term = None if relation.canonical else vocab.lookup(relation.surface)
        yield replace(relation, canonical=term.label) if term else relation


def _checked(items: Iterable[tuple[PaperRecord, Extraction]]) -> Iterator[tuple[PaperRecord, Extraction]]:
    last = ("", -1)
    for record, extraction in items:
        if source_order(record) < last:
            raise ValueError(f"resolve(presorted=True) got {record.source.path}:{record.source.line} after {last[0]}:{last[1]}")
        last = source_order(record)
        yield record, extraction


def _paper(corpus: Corpus, keys: dict[tuple[str, str], str], record: PaperRecord, extraction: Extraction,
           existing: Existing, listed: set[tuple[str, object]]) -> str:
    pid = _known_paper(corpus, keys, record)
    title_key = name_key(record.title) or record.title
    if pid is None:
        stored = existing.paper(title_key)
        if stored is not None:
            pid = stored.id
            corpus.papers[pid] = stored
        else:
            pid = paper_id(record.title)
            for attempt in count():  # another title with the same slug: a short hash of the title tells them apart
                if pid not in corpus.papers and not existing.paper_id_taken(pid):
                    break
                pid = f"{paper_id(record.title)}-{title_digest(record.title, attempt)}"
            corpus.papers[pid] = Paper(pid, record.title, record.abstract, authors=record.authors)
        listed.update((pid, known) for known in (*corpus.papers[pid].sources, *corpus.papers[pid].links))
    paper = corpus.papers[pid]
    for scheme, value in record.ids:
        paper.ids.setdefault(scheme, value)
        keys.setdefault((scheme, value), pid)
    keys.setdefault(("title", title_key), pid)
    paper.abstract = paper.abstract or record.abstract  # a code link or a leaderboard row has none
    paper.authors = paper.authors or record.authors
    paper.categories = (*paper.categories, *(c for c in record.categories if c not in paper.categories))
    paper.date = paper.date or record.date
    if (pid, record.source) not in listed:
        listed.add((pid, record.source))
        paper.sources.append(record.source)
    repos = {url for url, _ in extraction.repos}
    for link in (*record.urls, *extraction.other_links):
        if (pid, link) not in listed and github_repo(link) not in repos:  # a record's GitHub URL is released code, not a link
            listed.add((pid, link))
            paper.links.append(link)
    for status in (extraction.code_status, (record.curated or NO_FACTS).code_status):
        if CODE_STATUS_RANK[status] > CODE_STATUS_RANK[paper.code_status]:
            paper.code_status = status
    return pid


def _known_paper(corpus: Corpus, keys: dict[tuple[str, str], str], record: PaperRecord) -> str | None:
    """The paper this record is about: by its ids in ID_SCHEMES order, else by title, unless the
    paper of that title has another arXiv id or DOI than the record (two papers of one title)."""
    ids = dict(record.ids)
    for scheme in ID_SCHEMES:
        if scheme in ids and (scheme, ids[scheme]) in keys:
            return keys[(scheme, ids[scheme])]
    pid = keys.get(("title", name_key(record.title) or record.title))
    if pid is None:
        return None
    known = corpus.papers[pid].ids
    clash = any(known.get(scheme, ids[scheme]) != ids[scheme] for scheme in ("arxiv", "doi") if scheme in ids)
    return None if clash else pid


def _references(corpus: Corpus, keys: dict[tuple[str, str], str], references: list[tuple[str, Reference]]
                ) -> dict[tuple[str, str], set[Evidence]]:
    """(citing, cited) → evidence for each listed reference: cited is the paper of the graph with that id,
    else a light node (Work) for the cited work."""
    cites: dict[tuple[str, str], set[Evidence]] = defaultdict(set)
    for pid, ref in references:
        cited = keys.get((ref.scheme, ref.id))
        if cited is None:
            cited = f"work/{ref.scheme}-{slug(ref.id)}"
            work = corpus.works.setdefault(cited, Work(cited, ref.scheme, ref.id, ref.title))
            if ref.title and not work.title:
                corpus.works[cited] = Work(cited, ref.scheme, ref.id, ref.title)
        if cited != pid:
            cites[(pid, cited)].add(ref.evidence)
    return cites


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


def _cites(corpus: Corpus, existing: Existing, cites: dict[tuple[str, str], set[Evidence]]) -> None:
    """`cites` (the references sources list), and, inferred, a paper naming an entity that exactly
    one other paper introduces cites that paper (evidence from `corpus_links`, confidence lowered)."""
    introducers: dict[str, set[str]] = defaultdict(set)
    for edge in corpus.edges:
        if edge.predicate == "introduces":
            introducers[edge.object].add(edge.subject)
    for eid, papers in existing.introducers(edge.object for edge in corpus.edges).items():
        introducers[eid] |= papers
    for edge in corpus.edges:
        owners = introducers.get(edge.object, set())
        if edge.subject.startswith("paper/") and edge.predicate != "introduces" and len(owners) == 1:
            (owner,) = owners
            if owner != edge.subject:
                cites.setdefault((edge.subject, owner), set()).update({
                    Evidence(ev.sentence, "corpus_links", round(ev.confidence * 0.9, 2), ev.start, ev.end) for ev in edge.evidence
                })
    corpus.edges.extend(Edge(s, "cites", o, _sorted(evs)) for (s, o), evs in sorted(cites.items()))


def _sorted(evidence: Collection[Evidence]) -> tuple[Evidence, ...]:
    if len(evidence) == 1:  # most edges (a million papers: ~5M edges): nothing to deduplicate or order
        return tuple(evidence)
    return tuple(sorted(set(evidence), key=lambda e: (-e.confidence, e.sentence, e.extractor, e.start)))

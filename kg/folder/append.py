"""`kg add` on a large graph: new listings appended to `graph.nt` and `store/`, resolved against its index.

A large build (kg.folder.large) keeps no extractions to resolve again, and rewriting 67M
triples for a thousand new papers would take as long as the build. So an add reads and
extracts only the new files, resolves them with the rules of `kg build` (kg.resolve) against
what the graph already holds (the index kg.folder.index, and the stored title, abstract,
authors, links and code status of a paper listed again), renders the new and touched nodes
as N-Triples (kg.rdf), keeps the triples the store does not have yet, adds the counts they
raise (kg.counts.grown, asked of the store before the load), appends them to
`graph.nt`, loads them into the store and records the batch in the index. Its cost grows
with the papers added, not with the graph.

What an append gives, compared with `kg build` over every file:

- the same: each new paper with its edges, evidence, results and repositories; a title
  already in the graph gets the new listing entry (prov:wasDerivedFrom a kg:ListingEntry)
  and its edges from the new entry, not a second node; a name already in the graph gets
  that entity (its new surface forms become skos:altLabel); new names become entities, with
  vocabulary lineage, exactly as in a build; a new paper cites the paper that introduced an
  entity it names when exactly one paper, old or new, introduces it;
- not revisited: an entity keeps its label and type (a build chooses them by majority over
  every mention, which new papers can change); a paper listed again keeps its title,
  abstract, authors and code status (a build takes the first listing by file name and line,
  and the best code status of all);
- cites: papers already in the graph (and not listed again) do not gain cites to entities
  that new papers introduce; a cite to an entity that new papers also introduce stays (a
  build drops cites to an entity with two introducers);
- names: a new name is matched against every label and alias in the graph, so an alias one
  paper gave an entity (an acronym it defined) names that entity in new papers, where a
  build makes a separate entity of it;
- ids: a new title whose id an older paper has gets "-x" appended in the order of adding,
  so it can differ from the id a build gives;
- order: the new triples follow the old ones in graph.nt, each once and none already in the
  store, so graph.nt is not byte for byte a build's even where the triples are the same;
- counts (kg.counts): the new value of each count the new papers raise is appended beside
  the old one (graph.nt is never rewritten); the largest is the build's value;
- refused (nothing written; build again): a file already in the graph with new content (a
  build replaces its entries), and any add after kg's code changed since the build (the
  graph's extractions cannot be redone to match).

`kg build` of every file gives the canonical graph.

All or nothing, under the writer lock, in named steps (kg.folder.commit.checkpoint): the new
triples go to `.kg/adding/new.nt` with a journal of graph.nt's size (`journaled`); they are
appended to graph.nt (`appended`) and loaded into the store in one transaction (`loaded`); the
index update, in one SQLite transaction that also records graph.nt's new size, is the commit
point (`committed`); then the journal goes (`cleaned`). A failure before the commit removes
the new triples from the store and cuts graph.nt back (every triple appended was absent from
the store, so removing them restores it); a kill before it is undone the same way by the
next command that opens the folder (kg.folder.recover: `kg query`, `kg serve`, `kg.open`…, not
only the next add), and a kill after it only leaves the journal to delete. Processes that
opened the store before (`kg serve`) see the new papers once they reopen it.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import time
from collections import defaultdict
from itertools import chain
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib.namespace import DCTERMS, PROV, RDF

from ..counts import grown
from ..errors import KGError
from ..ids import iri, node_id
from ..model import Corpus, Entity, Paper
from ..rdf import KG, PREDICATES, count_lines, write_ntriples
from ..resolve import Existing, resolve
from ..sources import expand
from ..vocabulary import load
from . import commit
from .index import Index
from .layout import ADDING, GRAPH_NT, STORE, index_path, meta
from .small import Entry, Result, StoredFile, code_hash, read_new, triage

NEW_TRIPLES = "new.nt"
JOURNAL = "journal.json"
NT = pyoxigraph.RdfFormat.N_TRIPLES
RDF_SUBJECT = pyoxigraph.NamedNode(str(RDF.subject))
OWNS = {pyoxigraph.NamedNode(str(KG.reportsResult)), pyoxigraph.NamedNode(str(PROV.wasDerivedFrom))}
EDGE_PREDICATES = {str(term): name for name, term in PREDICATES.items()}  # predicate IRI → local name, as kg.counts names them


@dataclass
class Appended(Result):
    """What an add to a large graph did, besides the files by outcome (kg.folder.small.Result)."""

    papers: int = 0  # new papers
    relisted: int = 0  # papers already in the graph that got a new listing entry
    entities: int = 0  # new datasets, architectures and methods
    triples: int = 0  # triples appended to graph.nt and the store
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step, for bench_add


def is_large_graph(folder: str | Path) -> bool:
    """Whether `folder` holds a large build (its commit record says so), which `add` appends to."""
    return (commit.read_record(folder) or {}).get("size") == "large"


def recover(folder: Path) -> None:
    """Undo an add that was killed before its commit (for a caller holding the writer lock)."""
    if (meta(folder) / ADDING).exists():
        graph = LargeGraph(folder)
        try:
            graph.recover()
        finally:
            graph.close()


def add(paths: Iterable[str | Path], graph_dir: str | Path, progress: bool = True, skip_bad: bool = False,
        **where: Any) -> Appended:
    """Append the listings under `paths` to the large graph in `graph_dir`; see the module docstring.

    Nothing is written when every file is already there, or when any input is bad.
    `where`: where extraction runs (as for kg.folder.small.add).
    """
    folder = Path(graph_dir)
    if not is_large_graph(folder):
        raise KGError(f"{folder}: no large graph there (expected {STORE}/ and {index_path('.')} "
                      f"written by `kg build`)")
    result = Appended()
    clock = _Clock(result.seconds)
    with commit.locked(folder):
        graph = LargeGraph(folder)
        try:
            graph.recover()
            graph.check()
            clock("open")
            todo = triage(expand(paths), graph.index.files(), result)
            graph.refuse_replacing(todo)
            new = read_new(todo, result, skip_bad, progress, where)
            clock("read + extract")
            if new:
                graph.append(new, result, clock)
        finally:
            graph.close()
    return result


class _Clock:
    """Adds the time since the previous call to a named step."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds, self.last = seconds, time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self.last
        self.last = now


class LargeGraph(Existing):
    """A large graph open for one add: its index, its store open for writing, and what resolving took from them.

    The store is only reached through `self.store`, and `close` drops it: RocksDB stays
    locked while any reference lives, and a traceback keeps every frame's locals alive.
    """

    def __init__(self, folder: Path):
        self.folder, self.nt = folder, folder / GRAPH_NT
        self.pending = meta(folder) / ADDING
        self.index = Index(index_path(folder))
        try:
            self.store: pyoxigraph.Store | None = pyoxigraph.Store(str(folder / STORE))
        except OSError as err:
            self.index.close()
            raise KGError(f"{folder / STORE}: cannot open the store for writing ({err})") from None
        self.code_status: dict[str, str] = {}  # paper listed again → its stored code status
        self.entity_ids: set[str] = set()  # entities resolving found in the graph
        self.repos: set[str] = set()  # repositories resolving found in the graph

    def close(self) -> None:
        self.store = None
        self.index.close()

    # What the graph holds, for kg.resolve.

    def paper(self, key: str) -> Paper | None:
        pid = self.index.paper_id(key)
        if pid is None:
            return None
        values: dict[str, list[str]] = defaultdict(list)
        for quad in self.store.quads_for_pattern(pyoxigraph.NamedNode(iri(pid)), None, None):
            values[quad.predicate.value].append(quad.object.value)
        title, abstract, status = (values[str(p)] for p in (DCTERMS.title, DCTERMS.abstract, KG.codeStatus))
        if not (title and abstract and status):
            raise KGError(f"{self.folder}: the index names {pid}, which the store lacks; build it again with `kg build`")
        self.code_status[pid] = status[0]
        return Paper(pid, title[0], abstract[0], authors=tuple(sorted(values[str(DCTERMS.creator)])),
                     links=sorted(values[str(KG.otherLink)]), code_status=status[0])

    def paper_id_taken(self, pid: str) -> bool:
        return self.index.paper_id_taken(pid)

    def entity(self, key: str) -> Entity | None:
        return self._seen(self.index.entity(key))

    def entity_by_id(self, eid: str) -> Entity | None:
        return self._seen(self.index.entity_by_id(eid))

    def _seen(self, entity: Entity | None) -> Entity | None:
        if entity is not None:
            self.entity_ids.add(entity.id)
        return entity

    def repo(self, key: str) -> str | None:
        url = self.index.repo(key)
        if url is not None:
            self.repos.add(url)
        return url

    def introducers(self, entities: Iterable[str]) -> dict[str, set[str]]:
        return self.index.introducers(entities)

    # The add, step by step.

    def check(self) -> None:
        """Refuse a graph whose code or graph.nt are not those the index describes."""
        if self.index.code != code_hash():
            raise KGError(f"{self.folder}: built by another version of kg, whose extractions an add cannot match; "
                          f"build it again with `kg build SOURCE... --out {self.folder}`")
        if not self.nt.is_file() or self.nt.stat().st_size != self.index.nt_size:
            raise KGError(f"{self.nt}: changed since kg wrote it (adding would not match the store); "
                          f"build it again with `kg build SOURCE... --out {self.folder}`")

    def refuse_replacing(self, todo: Sequence[tuple[Path, str, str]]) -> None:
        """A file already in the graph with new content: its old entries cannot be taken out of an append-only graph."""
        known = {source.name for source in self.index.files()}
        for _, name, _ in todo:
            if name in known:
                raise KGError(f"{name}: already in the graph with other content; a large graph cannot replace a "
                              f"file's entries: build it again with `kg build SOURCE... --out {self.folder}`")

    def append(self, new: dict[str, tuple[StoredFile, list[Entry]]], result: Appended, clock: _Clock) -> None:
        """Resolve, render, keep what the store lacks, and commit it to graph.nt, the store and the index."""
        entries = [(e.record, e.extraction) for _, es in new.values() for e in es]
        corpus = resolve(entries, load(), existing=self)
        for pid, status in self.code_status.items():  # a paper listed again keeps its code status
            corpus.papers[pid].code_status = status
        clock("resolve")
        lines = _lines(corpus)
        clock("render")
        kept = self._not_stored(lines, self._minted(corpus))
        clock("dedupe")
        lines = [line for line, _ in kept] + self._counts([quad for _, quad in kept], corpus)
        clock("count")
        self._commit(lines, corpus, [source for source, _ in new.values()], clock)
        result.relisted = len(self.code_status)
        result.papers = len(corpus.papers) - result.relisted
        result.entities = sum(eid not in self.entity_ids for eid in corpus.entities)
        result.triples, result.written = len(lines), True

    def _minted(self, corpus: Corpus) -> set[pyoxigraph.NamedNode]:
        """The nodes of `corpus` this add creates: papers, entities and repositories the index does not have.

        The index holds every paper, entity and repository of the store (both are written
        from the same corpus, and every add updates both), so its word is enough.
        """
        new = chain((pid for pid in corpus.papers if pid not in self.code_status),
                    (eid for eid in corpus.entities if eid not in self.entity_ids),
                    (url for url in corpus.repos if url not in self.repos))
        return {pyoxigraph.NamedNode(iri(node)) for node in new}

    def _not_stored(self, lines: list[str], minted: set[pyoxigraph.NamedNode]) -> list[tuple[str, pyoxigraph.Quad]]:
        """The lines whose triple the store does not hold, each once, with their triple.

        Only subjects that may be there are looked up, once each for all their stored
        triples; a line not among them is asked of the store again, which compares literals
        as it stores them ("1.00"^^xsd:decimal is "1"). A lookup costs more the larger the
        store (~70 µs at 100k papers: the bulk loader leaves many overlapping files to
        search), so it is worth saving. The others cannot be there: the `minted` nodes; the nodes kg.rdf
        names by a hash of content that includes a minted node, the evidence of a statement
        about it (rdf:subject) and its results (kg:reportsResult); and a minted paper's
        listing entries (prov:wasDerivedFrom), named by file and line in a file that is new.
        """
        quads = list(pyoxigraph.parse(input="".join(line + "\n" for line in lines).encode("utf-8"), format=NT))
        owner: dict[pyoxigraph.NamedNode, pyoxigraph.NamedNode] = {}
        for quad in quads:
            if quad.predicate == RDF_SUBJECT:
                owner[quad.subject] = quad.object
            elif quad.predicate in OWNS:
                owner[quad.object] = quad.subject
        stored: dict[pyoxigraph.NamedNode, set[pyoxigraph.Quad]] = {subject: set() for subject in minted}
        seen: set[str] = set()
        kept: list[tuple[str, pyoxigraph.Quad]] = []
        for line, quad in zip(lines, quads, strict=True):
            if line in seen:
                continue
            seen.add(line)
            subject = quad.subject
            if subject not in stored:
                new = owner.get(subject) in minted
                stored[subject] = set() if new else set(self.store.quads_for_pattern(subject, None, None))
            if not (quad in stored[subject] or stored[subject] and quad in self.store):
                kept.append((line, quad))
        return kept

    def _counts(self, new: list[pyoxigraph.Quad], corpus: Corpus) -> list[str]:
        """The counts (kg.counts) the `new` triples raise, as lines to append: asked of the store before they are loaded."""
        edges = []
        for quad in new:
            predicate = EDGE_PREDICATES.get(quad.predicate.value)
            if predicate is not None:
                edges.append((node_id(quad.subject.value), predicate, node_id(quad.object.value)))

        def type_of(node: str) -> str | None:
            entity = corpus.entities.get(node) or self.index.entity_by_id(node)
            return entity.type if entity else None

        return count_lines(grown(edges, _Before(self.store, self.index), type_of)).split("\n")[:-1]

    def _commit(self, lines: list[str], corpus: Corpus, files: list[StoredFile], clock: _Clock) -> None:
        """Journal, append to graph.nt, load into the store, then commit in the index (see the module docstring)."""
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        old_size = self.index.nt_size
        try:
            self.pending.mkdir()
            commit.write_file(self.pending / NEW_TRIPLES, data)
            commit.write_file(self.pending / JOURNAL, json.dumps({"old": old_size, "new": old_size + len(data)}))
            commit.checkpoint("journaled")
        except OSError as err:
            shutil.rmtree(self.pending, ignore_errors=True)
            raise KGError(f"{self.folder}: cannot write the new triples ({err.strerror}); the graph is unchanged") from None
        try:
            with open(self.nt, "ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            commit.checkpoint("appended")
            clock("write")
            self.store.load(path=str(self.pending / NEW_TRIPLES), format=NT)  # one transaction
            self.store.flush()
            commit.checkpoint("loaded")
            clock("store load")
            self.index.add(corpus, files, old_size + len(data))
            commit.checkpoint("committed")
            clock("index update")
        except BaseException as err:
            try:
                self._undo(old_size)
            except OSError as undo_err:
                raise KGError(f"{self.folder}: cannot add to the graph ({err}), nor undo it yet ({undo_err}); "
                              f"the next `kg add` undoes it") from None
            if isinstance(err, (OSError, sqlite3.Error)):
                raise KGError(f"{self.folder}: cannot add to the graph ({err}); it is unchanged") from None
            raise
        shutil.rmtree(self.pending)
        commit.checkpoint("cleaned")

    def recover(self) -> None:
        """Finish what a killed add left: undo it if the index did not commit it, then drop its files."""
        journal = self.pending / JOURNAL
        if journal.exists():
            sizes = json.loads(journal.read_text(encoding="utf-8"))
            if self.index.nt_size != sizes["new"]:
                self._undo(sizes["old"])
        shutil.rmtree(self.pending, ignore_errors=True)

    def _undo(self, old_size: int) -> None:
        """Take the pending triples out of the store and cut graph.nt back to `old_size`.

        Every pending triple was absent from the store before (`_not_stored`), so removing
        them all restores it, whether or not the load had run. Repeatable after a kill.
        """
        for quad in pyoxigraph.parse(path=str(self.pending / NEW_TRIPLES), format=NT):
            self.store.remove(quad)
        self.store.flush()
        if self.nt.stat().st_size > old_size:
            os.truncate(self.nt, old_size)
        shutil.rmtree(self.pending)


class _Before:
    """The store before an add, as kg.counts.grown asks it (node ids and local names)."""

    def __init__(self, store: pyoxigraph.Store, index: Index):
        self.store, self.index = store, index
        self.predicates = {name: pyoxigraph.NamedNode(str(term)) for name, term in PREDICATES.items()}

    def objects(self, node: str, predicate: str) -> set[str]:
        quads = self.store.quads_for_pattern(pyoxigraph.NamedNode(iri(node)), self.predicates[predicate], None)
        return {node_id(quad.object.value) for quad in quads}

    def subjects(self, predicate: str, node: str) -> set[str]:
        quads = self.store.quads_for_pattern(None, self.predicates[predicate], pyoxigraph.NamedNode(iri(node)))
        return {node_id(quad.subject.value) for quad in quads}

    def count(self, node: str, name: str) -> int:
        quads = self.store.quads_for_pattern(pyoxigraph.NamedNode(iri(node)), pyoxigraph.NamedNode(str(KG[name])), None)
        return max((int(quad.object.value) for quad in quads), default=0)

    def has(self, node: str) -> bool:
        return self.index.entity_by_id(node) is not None


def _lines(corpus: Corpus) -> list[str]:
    """The corpus as N-Triples lines, without the ontology (graph.nt has it)."""
    out = io.StringIO()
    write_ntriples(corpus, out, batch=True)
    return out.getvalue().split("\n")[:-1]  # not splitlines(): a literal may hold U+2028

"""Opening a graph folder (or an RDF file) for reading, whatever its size.

A small folder holds `graph.ttl`, parsed into rdflib and networkx. A large one holds
`store/` and `.kg/index.sqlite`: SPARQL goes to the store at once, names are looked up in
the index, and `graph.nt` is read into rdflib only when `.rdf` or `.nx` is asked for; a view
around one node reads only its neighbourhood from the store. Either way a killed write is
finished (or undone) first, so a reader never sees a generation the record does not hold.

A store kg loads for `--store PATH` remembers what it was loaded from (`PATH/kg-source.json`:
the file, its size and modification time); when that changed, the store is loaded again,
and a store kg did not load is refused rather than answered from.

>>> import tempfile
>>> from pathlib import Path
>>> from kg.sample import SAMPLE_DIR
>>> from kg.folder import build
>>> folder = Path(tempfile.mkdtemp()) / "big"
>>> _ = build([SAMPLE_DIR], folder, progress=False, large=True)
>>> g = open_graph(folder)
>>> g.find("ImageNet"), len(g.query("SELECT ?p WHERE { ?p a kg:Paper }").rows)
('dataset/imagenet', 310)
>>> sorted(g.around("DeiT", 1).nx.successors("architecture/deit"))
['architecture/vit']
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph
from rdflib import Graph
from rdflib.namespace import PROV, RDF

from .. import rdf as rdf_module
from ..errors import KGError
from ..ids import iri
from ..knowledge_graph import KnowledgeGraph
from ..rdf import PREDICATES
from ..store import graph_file, load_store, open_store
from ..views import HARD_MAX_NODES
from ..vocabulary import name_key
from . import append, commit
from .index import Index
from .layout import ADDING, GRAPH_NT, GRAPH_TTL, PENDING, STORE, index_path, meta

SOURCE = "kg-source.json"  # in a store kg loaded: what it was loaded from
EDGES = [pyoxigraph.NamedNode(str(term)) for term in PREDICATES.values()]
RDF_SUBJECT, RDF_OBJECT, RDF_TYPE = (pyoxigraph.NamedNode(str(term)) for term in (RDF.subject, RDF.object, RDF.type))
DERIVED = pyoxigraph.NamedNode(str(PROV.wasDerivedFrom))


def recover(folder: str | Path) -> None:
    """Finish a killed commit, or undo a killed `kg add`, before reading; a `stat` or two when there is none.

    When a live writer holds the lock, it finishes its own work: nothing is done here.
    """
    folder = Path(folder)
    if not ((meta(folder) / PENDING).exists() or (meta(folder) / ADDING).exists()):
        return
    try:
        with commit.locked(folder):  # finishes a commit
            append.recover(folder)
    except KGError:
        pass  # a live writer holds the lock, or the folder is read-only


def open_graph(path: str | Path, store: str | Path | None = None) -> KnowledgeGraph:
    """The graph in a folder written by `kg build` (any size), or in an RDF file.

    A large folder answers from its own store; `store` (a path) asks SPARQL of an on-disk
    Oxigraph store loaded from the graph, see `open_or_load_store`.
    """
    path = Path(path)
    if path.is_dir():
        recover(path)
        if append.is_large_graph(path):
            if store is not None and Path(store).resolve() != (path / STORE).resolve():
                raise KGError(f"{path}: a large graph answers from its own {path / STORE}; drop --store")
            return _large(path)
        file = path / GRAPH_TTL
    else:
        file = path
    if not file.is_file():
        raise KGError(f"{file}: no graph there; build one with `kg build --out DIR`")
    graph = rdf_module.new_graph()
    try:
        graph.parse(file)
    except Exception as err:  # rdflib raises parser-specific errors
        raise KGError(f"{file}: not a readable RDF graph ({str(err).splitlines()[0]})") from None
    return KnowledgeGraph(graph, None if store is None else open_or_load_store(store, path))


def store_of(path: str | Path) -> Path | None:
    """The store of the large graph folder at `path` (after finishing a killed write), or None."""
    path = Path(path)
    if path.is_dir():
        recover(path)
        if append.is_large_graph(path):
            return path / STORE
    return None


def _large(folder: Path) -> KnowledgeGraph:
    store = open_store(folder / STORE)
    index = Index(index_path(folder))
    index.close()  # checked now; each lookup opens it again (a KnowledgeGraph may live long)

    def load() -> Graph:
        graph = rdf_module.new_graph()
        graph.parse(folder / GRAPH_NT, format="nt")
        return graph

    def lookup(name: str) -> str | None:
        try:
            node = pyoxigraph.NamedNode(iri(name))
        except ValueError:  # a name with spaces is no node id
            node = None
        if node is not None and next(store.quads_for_pattern(node, RDF_TYPE, None), None) is not None:
            return name
        found = Index(index_path(folder))
        try:
            entity = found.entity(name_key(name))
            return entity.id if entity else found.paper_id(name_key(name) or name) or found.repo(name.lower())
        finally:
            found.close()

    return KnowledgeGraph(load, store, lookup, lambda node, depth: neighbourhood(store, node, depth))


def neighbourhood(store: pyoxigraph.Store, node: str, depth: int, limit: int = HARD_MAX_NODES) -> Graph:
    """The nodes within `depth` edges of `node` (nearest first, at most `limit`), with their
    descriptions, the edges among them and the evidence of those edges, as an rdflib Graph."""
    start = pyoxigraph.NamedNode(iri(node))
    chosen, frontier = {start}, [start]
    for _ in range(depth):
        found = []
        for term in frontier:
            for predicate in EDGES:
                found += [q.object for q in store.quads_for_pattern(term, predicate, None)]
                found += [q.subject for q in store.quads_for_pattern(None, predicate, term)]
        frontier = sorted({t for t in found if t not in chosen}, key=lambda t: t.value)[: max(0, limit - len(chosen))]
        chosen.update(frontier)
    triples = []
    for term in sorted(chosen, key=lambda t: t.value):
        for quad in store.quads_for_pattern(term, None, None):
            triples.append(quad.triple)
            if quad.predicate == DERIVED:  # the listing entry: file, line, date
                triples += [q.triple for q in store.quads_for_pattern(quad.object, None, None)]
        for stated in store.quads_for_pattern(None, RDF_SUBJECT, term):  # evidence of edges within the cut
            described = [q.triple for q in store.quads_for_pattern(stated.subject, None, None)]
            if any(t.predicate == RDF_OBJECT and t.object in chosen for t in described):
                triples += described
    graph = rdf_module.new_graph()
    graph.parse(data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    return graph


def open_or_load_store(store: str | Path, graph: str | Path, progress: bool = False) -> pyoxigraph.Store:
    """The Oxigraph store at `store`, loaded from `graph` (a `kg build` folder or RDF file).

    A large folder's own store is used as it is. Another store is loaded when it does not
    exist, and loaded again when what it was loaded from changed since; a store kg did not
    load (no `kg-source.json`) is refused rather than answered from.
    """
    store, own = Path(store), store_of(graph)
    if own is not None:
        if store.resolve() != own.resolve():
            raise KGError(f"{graph}: a large graph answers from its own {own}; drop --store")
        return open_store(own)
    source = _source(graph_file(graph))
    if store.exists():
        try:
            loaded = json.loads((store / SOURCE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise KGError(f"{store}: not a store kg loaded (no {SOURCE}), so it may hold another graph; "
                          f"remove it or choose another --store path") from None
        if loaded == source:
            return open_store(store)
        shutil.rmtree(store)  # kg's own store, of an older graph
    loaded_store = load_store([source["file"]], store, progress=progress)
    commit.write_file(store / SOURCE, json.dumps(source, sort_keys=True) + "\n")
    return loaded_store


def _source(file: Path) -> dict:
    stat = file.stat()
    return {"file": str(file.resolve()), "size": stat.st_size, "modified_ns": stat.st_mtime_ns}

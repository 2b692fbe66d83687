"""The graph folder: the one owner of what `kg build` writes, `kg add` grows and every command reads.

Its layout (kg.folder.layout), its commit record and the one commit protocol every writer
uses (kg.folder.commit), and:

- `build(paths, out)`: the graph of the listings under `paths` into `out`. The library picks
  the writers by size: up to `LARGE_CORPUS_PAPERS` listing entries every export format
  (kg.exports) plus the stored extractions `add` re-resolves (kg.folder.small); above it
  `graph.nt`, an Oxigraph `store/` and the index `add` appends against (kg.folder.large);
- `add(paths, folder)`: the listings not in the graph yet, added the way its size allows
  (re-resolved and rewritten for a small graph, appended for a large one: kg.folder.append);
- `open_graph(path)`: a KnowledgeGraph of any folder kg wrote, or of an RDF file
  (kg.folder.read), after finishing or undoing a write that was killed (`recover`).

>>> import tempfile
>>> from pathlib import Path
>>> from kg.sample import SAMPLE_DIR
>>> out = Path(tempfile.mkdtemp()) / "graph"
>>> build([SAMPLE_DIR], out, progress=False).written, open_graph(out).find("ViT")
(True, 'architecture/vit')
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..pipeline import paused_gc, timed
from ..sample import SAMPLE_DIR
from ..sources import expand
from . import append, large as large_module, small
from .append import Appended
from .large import LARGE_CORPUS_PAPERS, LargeBuild, build_large
from .read import open_graph, open_or_load_store, recover, store_of
from .small import Result

__all__ = ["LARGE_CORPUS_PAPERS", "Appended", "LargeBuild", "Result", "add", "build", "open_graph",
           "open_or_load_store", "recover", "store_of"]


def build(paths: Iterable[str | Path], out_dir: str | Path, progress: bool = True, skip_bad: bool = False,
          large: bool | None = None, **where: Any) -> Result:
    """Build the listings under `paths` (none: the sample corpus) into the folder `out_dir`.

    The files are listed, hashed and read once (a file with the content of another is
    skipped, as `add` skips it); then `large`: None picks the writers by size (above
    LARGE_CORPUS_PAPERS entries: a large graph, a LargeBuild result); True or False forces
    them (`kg build --all-formats` is False). `where`: where extraction runs (`workers`,
    `executor`, `scheduler` of kg.pipeline.extract_records).
    """
    result = LargeBuild()
    with paused_gc(), timed(result.seconds, "read"):
        todo = small.triage(expand(list(paths) or [SAMPLE_DIR]), (), result)
        records = small.read_listings(todo, result, skip_bad)
    if large is None:
        large = sum(map(len, records.values())) > large_module.LARGE_CORPUS_PAPERS
    if large:
        return build_large(todo, records, out_dir, result, progress=progress, **where)
    return small.build(todo, records, out_dir, Result(result.changed, result.unchanged, result.duplicates, result.bad),
                       progress=progress, **where)


def add(paths: Iterable[str | Path], folder: str | Path, progress: bool = True, skip_bad: bool = False,
        **where: Any) -> Result:
    """Add the listings under `paths` to the graph in `folder`, the way its size allows (see the README's *kg add*).

    A small graph is re-resolved and rewritten as `build` of every file would write it; a
    large one gets the new papers appended (an `Appended` result).
    """
    if append.is_large_graph(folder):
        return append.add(paths, folder, progress=progress, skip_bad=skip_bad, **where)
    return small.add(paths, folder, progress=progress, skip_bad=skip_bad, **where)


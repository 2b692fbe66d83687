"""The names of a graph folder: the one place that knows where kg keeps what.

```
DIR/
  graph.ttl graph.nt graph.jsonld graph.graphml nodes.csv edges.csv *.html   exports (kg.exports.WRITERS)
  store/                  Oxigraph store of a large graph (above the size threshold)
  .kg/state.json          the commit record: every file kg wrote here, with its fingerprint
  .kg/lock                the writer lock
  .kg/pending/            a generation being written (gone once committed)
  .kg/records/*.jsonl.gz  a small graph's stored extractions, which `kg add` re-resolves
  .kg/index.sqlite        a large graph's resolution index, which `kg add` appends against
  .kg/adding/             a large graph's batch being appended (gone once committed)
```

Files kg did not write may live anywhere in the folder: kg neither deletes nor overwrites
them, and refuses to write where one is in the way (kg.folder.commit).
"""
from __future__ import annotations

from pathlib import Path

META = ".kg"
RECORD = "state.json"
LOCK = "lock"
PENDING = "pending"
RECORDS = "records"
INDEX = "index.sqlite"
ADDING = "adding"
STORE = "store"
GRAPH_NT = "graph.nt"
GRAPH_TTL = "graph.ttl"
INDEX_NAME = f"{META}/{INDEX}"  # the index as the commit record names it (relative to DIR)


def meta(folder: str | Path) -> Path:
    """`DIR/.kg`: where kg keeps its own state."""
    return Path(folder) / META


def index_path(folder: str | Path) -> Path:
    """Where a large graph in `folder` keeps its index."""
    return meta(folder) / INDEX

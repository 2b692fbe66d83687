"""Interactive, self-contained HTML views of the graph: the whole of it or a neighbourhood.

Pick what to draw with `select` (or a ready-made `lineage` / `dataset_papers` view), turn
it into one HTML file with `to_html` (works offline, can be e-mailed), write it with `save`.

>>> import kg
>>> from kg.sample import SAMPLE_DIR
>>> g = kg.build([SAMPLE_DIR], progress=False)
>>> view = select(g.nx, focus=g.find("ImageNet"), depth=1)
>>> page = to_html(view)
>>> page.startswith("<!DOCTYPE html>") and "https://" not in page.split('id="kg-data"')[0]
True
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .page import script_json, to_html
from .select import HARD_MAX_NODES, MAX_NODES, NODE_TYPES, View, dataset_papers, lineage, select
from .timeline import families, timeline

__all__ = ["HARD_MAX_NODES", "MAX_NODES", "NODE_TYPES", "View", "dataset_papers", "families", "lineage", "save", "script_json",
           "select", "timeline", "to_html"]


def save(page: str, path: str | Path) -> Path:
    """Write `page` to `path` via a temporary file, so a failure never leaves half a page."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

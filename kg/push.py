"""`kg push`: send the graph to an external triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

When the graph outgrows one machine it can live in a production store (Virtuoso, Fuseki,
GraphDB...): the N-Triples that `kg build` writes go into one named graph, PUT to replace
it or POST to merge into it (https://www.w3.org/TR/sparql11-http-rdf-update/). N-Triples
is sent because every store reads it and it can be cut at any line: a large graph goes in
chunks (the first PUT, the rest POST), so no request has to hold it all.
httpx does the HTTP, including the digest authentication Virtuoso asks for.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
from tqdm import tqdm

from .errors import KGError
from .store import graph_file

MODES = ("replace", "merge")
AUTH = ("basic", "digest")
CHUNK_BYTES = 32 * 1024 * 1024


def ntriples_file(path: str | Path) -> Path:
    """The N-Triples file of a `kg build` folder, or `path` itself if it is one."""
    file = graph_file(path)
    if file.suffix != ".nt":
        raise KGError(f"{file}: kg push sends N-Triples; give a folder written by `kg build` or a .nt file")
    return file


def chunks(path: Path, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The file's lines, in pieces of about `size` bytes cut at line ends.

    Blank-node labels are scoped to one request, so a file holding any is sent in one piece.
    """
    data = path.read_bytes()
    if b"_:" in data:
        size = len(data) + 1
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data)) - 1) + 1 or len(data)
        yield data[start:end]
        start = end


def push(graph: str | Path, endpoint: str, graph_uri: str, mode: str = "replace", user: str | None = None,
         password: str | None = None, auth: str = "basic", graph_param: str = "graph",
         chunk_bytes: int = CHUNK_BYTES, progress: bool = True) -> int:
    """Send the graph to `endpoint` (a Graph Store Protocol URL) as the named graph `graph_uri`.

    Returns the number of triples sent. `graph_param` is the query parameter naming the graph:
    `graph` in the standard, `graph-uri` in Virtuoso's /sparql-graph-crud-auth.
    """
    if mode not in MODES:
        raise KGError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    file = ntriples_file(graph)
    credentials = None
    if user is not None:
        credentials = httpx.DigestAuth(user, password or "") if auth == "digest" else httpx.BasicAuth(user, password or "")
    sent = 0
    pieces = list(chunks(file, chunk_bytes))
    with httpx.Client(auth=credentials, timeout=httpx.Timeout(300.0, connect=10.0)) as client:
        for number, piece in enumerate(tqdm(pieces, desc="push", unit="chunk", disable=not progress, leave=False)):
            method = "PUT" if mode == "replace" and number == 0 else "POST"
            try:
                answer = client.request(method, endpoint, params={graph_param: graph_uri}, content=piece,
                                        headers={"Content-Type": "application/n-triples"})
            except httpx.HTTPError as err:
                raise KGError(f"{endpoint}: cannot send the graph ({err})") from None
            if answer.status_code >= 300:
                detail = " ".join(answer.text.split())[:200]
                raise KGError(f"{endpoint}: {method} answered {answer.status_code} {answer.reason_phrase}: {detail}")
            sent += piece.count(b"\n")
    return sent

"""Sending the graph to an external triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

A graph that outgrows one machine can live in a production store (Virtuoso, Fuseki, GraphDB):
`push` uploads the N-Triples (or Turtle) export into one named graph there. PUT replaces what
that graph held, POST merges into it; other graphs of the store are never touched. The file
is streamed from disk, not loaded into memory. Every failure is a one-line KGError:

>>> push("no/such/folder", "http://127.0.0.1:8890/sparql-graph-crud-auth")
Traceback (most recent call last):
kg.errors.KGError: no/such/folder: no graph there; expected a folder written by `kg build` or an RDF file
>>> push("exports", "ftp://127.0.0.1/data")
Traceback (most recent call last):
kg.errors.KGError: ftp://127.0.0.1/data: expected the http:// or https:// URL of a Graph Store Protocol endpoint
>>> push("exports", "http://127.0.0.1:8890/sparql-graph-crud-auth", graph_iri="my graph")
Traceback (most recent call last):
kg.errors.KGError: graph IRI 'my graph': expected an absolute IRI such as https://w3id.org/mlkg/graph
"""
from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
from tqdm import tqdm

from .errors import KGError
from .folder import recover
from .store import graph_file as store_graph_file

DEFAULT_GRAPH_IRI = "https://w3id.org/mlkg/graph"
MEDIA_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}
METHODS = {"replace": "PUT", "merge": "POST"}
AUTH_SCHEMES = {"digest": httpx.DigestAuth, "basic": httpx.BasicAuth}
_CHUNK = 1 << 20
ERROR_BODY = 64 << 10
_MESSAGE_LIMIT = 300
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")  # a scheme, then no character N-Triples forbids


@dataclass(frozen=True)
class Pushed:
    """What a push sent, and where: for the command's one-line summary."""

    path: Path
    size: int
    graph_iri: str
    mode: str


def graph_file(path: str | Path) -> Path:
    """The file to send: a folder written by `kg build` (any size) gives its graph.nt."""
    path = Path(path)
    if path.is_dir():
        recover(path)  # a killed `kg add` must not be sent half-appended
    path = store_graph_file(path)
    if path.suffix not in MEDIA_TYPES:
        raise KGError(f"{path}: expected an N-Triples (.nt) or Turtle (.ttl) file")
    return path


def push(graph: str | Path, endpoint: str, graph_iri: str = DEFAULT_GRAPH_IRI, mode: str = "replace",
         auth: httpx.Auth | None = None, timeout: float = 60.0, progress: bool = False) -> Pushed:
    """Upload a graph (a `kg build` folder, or a .nt/.ttl file) into the named graph `graph_iri`.

    `endpoint` is the store's Graph Store Protocol URL; for Virtuoso that is
    http://HOST:8890/sparql-graph-crud-auth with `auth=httpx.DigestAuth("dba", PASSWORD)`.
    `mode` is "replace" (HTTP PUT) or "merge" (HTTP POST). `timeout` bounds, in seconds,
    connecting, each wait for the store, and the whole answer from the end of the upload (a
    store answering a byte a second is cut too); a big upload needs the store's parse to fit
    in it. Of an error answer only the first ERROR_BODY bytes are read.
    """
    if mode not in METHODS:
        raise KGError(f"mode {mode!r}: expected one of {', '.join(METHODS)}")
    _check_endpoint(endpoint)
    if not _ABSOLUTE_IRI.match(graph_iri):
        raise KGError(f"graph IRI {graph_iri!r}: expected an absolute IRI such as {DEFAULT_GRAPH_IRI}")
    path = graph_file(graph)
    size = path.stat().st_size
    with tqdm(total=size, unit="B", unit_scale=True, desc=f"push {path.name}", disable=not progress,
              delay=1, leave=False) as bar:
        deadline = _AnswerDeadline(timeout)
        try:
            with httpx.Client(auth=auth, timeout=timeout, params={"graph": graph_iri}) as client:
                # A request without a body first: digest auth learns its challenge there, so the
                # upload goes once, not twice, and wrong credentials fail before it starts.
                answer = _send(client, client.build_request("HEAD", endpoint), deadline) if auth else None
                if answer is None or answer[0].status_code != 401:
                    answer = _send(client, client.build_request(
                        METHODS[mode], endpoint, content=_FileBody(path, bar),
                        headers={"Content-Type": MEDIA_TYPES[path.suffix], "Content-Length": str(size)}), deadline)
        except httpx.ConnectError as err:
            raise KGError(f"cannot connect to {endpoint}: {_one_line(str(err))}") from None
        except httpx.HTTPError as err:
            if deadline.expired or isinstance(err, httpx.TimeoutException):
                raise KGError(f"{endpoint}: no answer within {timeout:g} s (a bigger timeout may help)") from None
            raise KGError(f"{endpoint}: the upload failed: {_one_line(str(err)) or type(err).__name__}") from None
        finally:
            deadline.cancel()
    response, head = answer
    if not response.is_success:
        raise KGError(_refusal(endpoint, response, head, auth))
    return Pushed(path, size, graph_iri, mode)


def _send(client: httpx.Client, request: httpx.Request, deadline: _AnswerDeadline) -> tuple[httpx.Response, str]:
    """The response, and at most ERROR_BODY bytes of its body as text (a store's error page
    can be any size: 300 MiB was read whole before)."""
    request.extensions["trace"] = deadline.trace
    response = client.send(request, stream=True)
    head = b""
    try:
        for chunk in response.iter_bytes():
            head += chunk
            if len(head) >= ERROR_BODY:
                break
    finally:
        response.close()
    return response, head[:ERROR_BODY].decode(response.encoding or "utf-8", "replace")


class _AnswerDeadline:
    """Cuts the store's answer `seconds` after a request was sent, however slowly it trickles in:
    httpx's timeout bounds each read, so a byte a second never tripped it. The cut shuts the
    connection's socket down, which ends the blocked read (httpcore's trace hook hands out the socket)."""

    def __init__(self, seconds: float):
        self.seconds, self.expired = seconds, False
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None

    def trace(self, event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            self._sockets.append(info["return_value"].get_extra_info("socket"))
        elif event == "http11.send_request_body.complete":
            self.cancel()
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _check_endpoint(endpoint: str) -> None:
    expected = f"{endpoint}: expected the http:// or https:// URL of a Graph Store Protocol endpoint"
    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL as err:
        raise KGError(f"{expected} ({err})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise KGError(expected)


class _FileBody:
    """The file as a byte stream that can be sent twice.

    Digest auth answers a 401 challenge by sending the request again (when the HEAD before
    the upload did not settle it, e.g. a stale nonce); an open file handed to httpx would be
    at its end by then and the second send would have an empty body (a PUT that empties the
    graph), so every iteration opens the file anew.
    """

    def __init__(self, path: Path, bar: tqdm):
        self.path, self.bar = path, bar

    def __iter__(self) -> Iterator[bytes]:
        if self.bar.n:
            self.bar.reset()
        with self.path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                self.bar.update(len(chunk))
                yield chunk


def _refusal(endpoint: str, response: httpx.Response, body: str, auth: httpx.Auth | None) -> str:
    status = f"{response.status_code} {response.reason_phrase}"
    if response.status_code == 401:
        why = "the store refused the user or password" if auth else "the store asks for a user and password"
        return f"{endpoint}: {status}: {why}"
    if response.status_code == 403:
        return (f"{endpoint}: {status}: this user may not write to that graph "
                "(Virtuoso's /sparql-graph-crud is read-only; write through /sparql-graph-crud-auth)")
    message = _server_message(response, body)
    return f"{endpoint}: the store answered {status}" + (f": {message}" if message else "")


class _Text(HTMLParser):
    """The visible text of an HTML error page (stores answer errors as HTML or plain text)."""

    CDATA_CONTENT_ELEMENTS = (*HTMLParser.CDATA_CONTENT_ELEMENTS, "xmp")  # raw text: Virtuoso quotes <IRI>s in it

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._in_head = self._in_head or tag == "head"

    def handle_endtag(self, tag: str) -> None:
        self._in_head = self._in_head and tag != "head"

    def handle_data(self, data: str) -> None:
        if not self._in_head:
            self.parts.append(data)


def _server_message(response: httpx.Response, body: str) -> str:
    """The store's explanation (from the start of its `body`), on one line, without the status line it repeats."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    text = _one_line(" ".join(parser.parts))
    status_line = rf"^HTTP/\S+ {response.status_code} {re.escape(response.reason_phrase)}"
    text = re.sub(status_line, "", text).strip()
    return text[:_MESSAGE_LIMIT] + ("…" if len(text) > _MESSAGE_LIMIT else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())

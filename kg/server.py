"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the graph, with a page to type queries.

Design, and why:
- HTTP is the standard library's ThreadingHTTPServer: the protocol needs three routes and
  content negotiation, not a framework, and it adds no dependency.
- Queries run in worker processes over an on-disk Oxigraph store opened read-only. A
  process, unlike a thread, can be stopped: a query still running at the time limit is cut
  by killing its worker (and a fresh one takes its place), so one slow query cannot hold a
  core forever. Oxigraph also answers 10-100x faster than rdflib and serialises the
  standard result formats (JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML) itself.
- Before a query reaches a worker it is parsed (rdflib's parser): UPDATE is refused (403),
  and so is SERVICE, which would make the server call other hosts.
- It binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import html
import json
import multiprocessing
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph

from .errors import KGError
from .query import QUERY_PREFIXES, check_read_only
from .store import load_store, open_store

RESULT_TYPES = {  # SELECT and ASK
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {  # CONSTRUCT and DESCRIBE
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
}
# `format=` shortcuts for the HTML form and for clients that cannot set Accept.
FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
                "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
                "rdfxml": "application/rdf+xml"}
MAX_BODY = 1_000_000
QUEUE_WAIT = 60.0
"""Seconds a request waits for a free worker before 503 busy: long enough that normal queries
queue behind slow ones under load (tests/test_server_load.py) instead of failing."""
STARTUP_SECONDS = 60


class RequestError(Exception):
    """A request the endpoint answers with an HTTP error status and a one-line message."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


def negotiate(accept: str, offered: dict) -> str:
    """The offered media type the Accept header prefers (the first offered one for */* or none).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("*/*", GRAPH_TYPES)
    'text/turtle'
    """
    best, best_q = None, 0.0
    for order, item in enumerate(accept.split(",") if accept.strip() else ["*/*"]):
        media, *options = [part.strip() for part in item.split(";")]
        q = next((float(o[2:]) for o in options if o.startswith("q=") and o[2:].replace(".", "", 1).isdigit()), 1.0)
        candidates = list(offered) if media in ("*/*", "") else [t for t in offered if t == media or
                                                                 (media.endswith("/*") and t.startswith(media[:-1]))]
        if candidates and q > best_q:
            best, best_q = candidates[0], q
    if best is None:
        raise RequestError(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer in {accept!r}; offered: {', '.join(offered)}")
    return best


def _worker(store_path: str, conn: Connection) -> None:
    """A query worker: answers (query, media type) requests from its pipe until killed."""
    store = pyoxigraph.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            query, media = conn.recv()
        except EOFError:  # the server is gone
            return
        try:
            result = store.query(query, prefixes=QUERY_PREFIXES)
            kind = GRAPH_TYPES if isinstance(result, pyoxigraph.QueryTriples) else RESULT_TYPES
            conn.send((True, result.serialize(format=kind[media])))
        except Exception as err:  # the query's own error goes back to the client as a 400
            conn.send((False, str(err).splitlines()[0] if str(err) else type(err).__name__))


class Workers:
    """A fixed set of query worker processes; a query over the time limit costs its worker."""

    def __init__(self, store_path: Path, count: int, timeout: float):
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._store_path, self.timeout = str(store_path), timeout
        self._idle: queue.Queue = queue.Queue()
        self._all: list = []
        for _ in range(count):
            self._idle.put(self._start())

    def _start(self) -> tuple:
        """A new worker, once it has opened the store (so no query is charged its start-up)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(self._store_path, child), daemon=True)
        process.start()
        try:
            ready = parent.poll(STARTUP_SECONDS) and parent.recv() == "ready"
        except EOFError:  # it died opening the store
            ready = False
        if not ready:
            process.kill()
            process.join()
            raise KGError(f"a query worker could not open the store at {self._store_path}")
        self._all.append(process)
        return process, parent

    def _replace(self, process) -> None:
        """Put a new worker in the place of one that was cut or died, retrying until it opens
        the store: a lost slot is never refilled, so after a few crashes nothing would answer."""
        process.kill()
        process.join()
        if process in self._all:
            self._all.remove(process)
        delay = 0.5
        while True:
            try:
                self._idle.put(self._start())
                return
            except KGError as err:
                print(f"kg serve: {err}; trying again in {delay:g} s", file=sys.stderr)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def answer(self, query: str, media: str) -> bytes:
        try:
            process, conn = worker = self._idle.get(timeout=QUEUE_WAIT)
        except queue.Empty:
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: no query worker free within {QUEUE_WAIT:g} s") from None
        try:
            conn.send((query, media))
            if not conn.poll(self.timeout):
                threading.Thread(target=self._replace, args=(process,), daemon=True).start()  # answer at once
                raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"query cut at the time limit of {self.timeout:g} s")
            ok, payload = conn.recv()
        except (EOFError, OSError):  # the worker died on this query (a crash in the store, out of memory)
            threading.Thread(target=self._replace, args=(process,), daemon=True).start()
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, "the query's worker died running it; the "
                               "query was not answered (other queries are)") from None
        self._idle.put(worker)
        if not ok:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"SPARQL query failed: {payload}")
        return payload

    def close(self) -> None:
        for process in self._all:
            process.kill()
            process.join()


class Server(ThreadingHTTPServer):
    """The standard threading server with a listen backlog for many clients at once: the
    default of 5 reset connections under the 50-client load test (benchmarks/bench_endpoint_load.py)."""

    request_queue_size = 128


@dataclass
class Endpoint:
    """What the request handler needs: the workers, and the page's example query."""

    workers: Workers
    example: str = "SELECT ?dataset (COUNT(?paper) AS ?papers) WHERE {\n  ?d a kg:Dataset ; rdfs:label ?dataset .\n" \
                   "  ?paper kg:evaluatedOn ?d .\n} GROUP BY ?dataset ORDER BY DESC(?papers) LIMIT 20"


class Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "kg-sparql"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: one line per query would drown the terminal under load

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/" or (url.path == "/sparql" and not url.query):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self._page().encode("utf-8"))
        elif url.path == "/sparql":
            self._sparql(parse_qs(url.query))
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        media = self.headers.get_content_type()
        params = parse_qs(url.query)
        if media == "application/sparql-update":
            params["update"] = [body]
        elif media == "application/sparql-query":
            params["query"] = [body]
        else:
            params.update(parse_qs(body))
        self._sparql(params)

    def _sparql(self, params: dict[str, list[str]]) -> None:
        try:
            if "update" in params:
                raise RequestError(HTTPStatus.FORBIDDEN, "SPARQL UPDATE is refused: the graph is read-only")
            if len(params.get("query", [])) != 1:
                raise RequestError(HTTPStatus.BAD_REQUEST, "expected exactly one `query` parameter")
            query = params["query"][0]
            try:
                form = check_read_only(query).name
            except KGError as err:
                status = HTTPStatus.BAD_REQUEST if str(err).startswith("SPARQL query failed") else HTTPStatus.FORBIDDEN
                raise RequestError(status, str(err)) from None
            offered = GRAPH_TYPES if form in ("ConstructQuery", "DescribeQuery") else RESULT_TYPES
            wanted = params.get("format", [""])[0]
            accept = FORMAT_NAMES.get(wanted, wanted) or self.headers.get("Accept", "*/*")
            media = negotiate(accept, offered)
            body = self.endpoint.workers.answer(query, media)
        except RequestError as err:
            return self._error(err)
        self._send(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def _error(self, err: RequestError) -> None:
        self._send(err.status, "text/plain; charset=utf-8", f"{err}\n".encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self) -> str:
        options = "".join(f'<option value="{name}">{name}</option>' for name in FORMAT_NAMES if name != "json")
        prefixes = html.escape(json.dumps({k: v for k, v in sorted(QUERY_PREFIXES.items())}, indent=1))
        return f"""<!doctype html><html><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}textarea{{width:100%;height:14em;font-family:monospace}}</style>
</head><body><h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the knowledge graph: <code>GET</code> or <code>POST /sparql</code>. Queries are cut
after {self.endpoint.workers.timeout:g} s; UPDATE and SERVICE are refused.</p>
<form action="/sparql" method="get"><textarea name="query">{html.escape(self.endpoint.example)}</textarea>
<p>Results as <select name="format"><option value="json">json</option>{options}</select> <button>Run</button></p></form>
<details><summary>Predefined prefixes</summary><pre>{prefixes}</pre></details></body></html>"""


def serve(graph: Path, store: Path | None, host: str, port: int, timeout: float, workers: int,
          ready=print) -> None:
    """Serve the graph until interrupted. Without `store`, the graph is bulk-loaded into a
    temporary on-disk store (removed on exit); `ready` is told the endpoint's URL."""
    scratch = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as cleanly as on Ctrl-C
    try:
        if store is None:
            scratch = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            store = scratch / "store"
            load_store([graph], store, progress=False)  # dropped at once: workers open it read-only, no writer may stay
        else:
            open_store(store)  # fails here, with a clear message, rather than in every worker
        pool = Workers(store, workers, timeout)
        handler = type("BoundHandler", (Handler,), {"endpoint": Endpoint(pool)})
        try:
            httpd = Server((host, port), handler)
        except OSError as err:
            pool.close()
            raise KGError(f"cannot listen on {host}:{port} ({err.strerror})") from None
        httpd.daemon_threads = True
        ready(f"http://{host}:{httpd.server_address[1]}/sparql")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
            pool.close()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

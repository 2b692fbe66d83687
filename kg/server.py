"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the graph, with a page to type queries.

Design, and why:
- HTTP is the standard library's ThreadingHTTPServer: the protocol needs three routes and
  content negotiation, not a framework, and it adds no dependency.
- Queries run in worker processes over an on-disk Oxigraph store opened read-only. A
  process, unlike a thread, can be stopped: a query still running at the time limit is cut
  by killing its worker (and a fresh one takes its place), so one slow query cannot hold a
  core forever. Oxigraph also answers 10-100x faster than rdflib and serialises the
  standard result formats (JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML) itself.
- The worker checks the query before running it (kg.query.check_read_only, on the exact text
  it runs): UPDATE is refused (403), and so is SERVICE, which would make the server call
  other hosts. Parsing in the worker, not in the request thread, puts the parse under the
  time limit too: an 850 KB query of 50,000 UNIONs held rdflib's parser lock for a minute
  and every other request waited behind it.
- The time limit is CPU time of the worker (RLIMIT_CPU, whole seconds), not wall-clock time:
  on a busy machine a normal query waiting for a core is not cut; a query that computes for
  the limit is (SIGXCPU ends the worker). A wall-clock backstop catches a worker that stops
  computing but never answers.
- Hardening, decided with the adversarial probe of issue 17: a connection idle for
  IDLE_SECONDS is closed; a server bound to a loopback address answers only requests whose
  Host names a loopback address (a web page cannot reach it by DNS rebinding); the body is
  at most MAX_BODY bytes with a valid Content-Length; a body or parameter that is not UTF-8
  is a 400, never silently replaced. Memory is not limited per worker: a query's memory is
  bounded by what it can build within the CPU limit (tests/test_server_load.py keeps the
  whole server under 2 GiB under hostile load).
- It binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import html
import ipaddress
import json
import math
import multiprocessing
import queue
import resource
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
from .query import QUERY_PREFIXES, check_read_only, local_text
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
GRAPH_TYPES["application/ld+json"] = pyoxigraph.RdfFormat.JSON_LD
# `format=` shortcuts, per kind of query, for the HTML form and for clients that cannot set Accept.
# SPARQLWrapper sends format=xml (json, n3) for every kind: RDF/XML (JSON-LD, Turtle) for a graph.
RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
                  "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {"turtle": "text/turtle", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
                 "xml": "application/rdf+xml", "n3": "text/turtle", "json": "application/ld+json", "jsonld": "application/ld+json",
                 "json-ld": "application/ld+json"}
FORMAT_NAMES = {**RESULT_FORMATS, **{name: GRAPH_FORMATS[name] for name in ("turtle", "ntriples", "rdfxml", "jsonld")}}
"""The page form's choices: one name per format."""
MAX_BODY = 1_000_000
IDLE_SECONDS = 30.0
"""A connection that sends nothing for this long is closed: idle sockets must not pile up."""
QUEUE_WAIT = 60.0
"""Seconds a request waits for a free worker before 503 busy: long enough that normal queries
queue behind slow ones under load (tests/test_server_load.py) instead of failing."""
STARTUP_SECONDS = 60
WALL_FACTOR, WALL_SLACK = 10, 30.0
"""A worker silent for 10x its CPU limit plus 30 s is cut by the clock (it cannot be computing)."""
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
FORM_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


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


@dataclass(frozen=True)
class Request:
    """What a worker needs to answer one query: its text, the wanted format and the base IRI."""

    query: str
    accept: str
    format: str
    base: str


def answer(store: pyoxigraph.Store, request: Request) -> tuple[str, bytes]:
    """(media type, body) of a query's answer; RequestError for a refused or failed query.

    The query is checked and run as one text (`local_text`), so what the check saw is what runs.
    """
    query = local_text(request.query)
    try:
        form = check_read_only(query).name
    except KGError as err:
        status = HTTPStatus.BAD_REQUEST if str(err).startswith("SPARQL query failed") else HTTPStatus.FORBIDDEN
        raise RequestError(status, str(err)) from None
    graph = form in ("ConstructQuery", "DescribeQuery")
    offered, names = (GRAPH_TYPES, GRAPH_FORMATS) if graph else (RESULT_TYPES, RESULT_FORMATS)
    media = negotiate(names.get(request.format, request.format) or request.accept, offered)
    try:
        result = store.query(query, prefixes=QUERY_PREFIXES, base_iri=request.base)
        return media, result.serialize(format=offered[media])
    except Exception as err:  # the query's own error goes back to the client as a 400
        raise RequestError(HTTPStatus.BAD_REQUEST,
                           f"SPARQL query failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from None


def _limit_cpu(seconds: float) -> None:
    """Let this process compute `seconds` more (rounded up to a whole second), then be ended by SIGXCPU."""
    used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used + seconds), hard))


def _worker(store_path: str, conn: Connection, cpu_seconds: float) -> None:
    """A query worker: answers Requests from its pipe until killed, each within `cpu_seconds` of CPU."""
    store = pyoxigraph.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server is gone
            return
        _limit_cpu(cpu_seconds)
        try:
            conn.send((HTTPStatus.OK, *answer(store, request)))
        except RequestError as err:
            conn.send((err.status, "", str(err)))


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
        process = self._context.Process(target=_worker, args=(self._store_path, child, self.timeout), daemon=True)
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

    def answer(self, request: Request) -> tuple[str, bytes]:
        """(media type, body) of the query's answer, from the first free worker."""
        try:
            process, conn = worker = self._idle.get(timeout=QUEUE_WAIT)
        except queue.Empty:
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: no query worker free within {QUEUE_WAIT:g} s") from None
        cut = RequestError(HTTPStatus.SERVICE_UNAVAILABLE, f"query cut at the time limit of {self.timeout:g} s")
        try:
            conn.send(request)
            if not conn.poll(self.timeout * WALL_FACTOR + WALL_SLACK):  # the backstop: CPU time ends it sooner
                threading.Thread(target=self._replace, args=(process,), daemon=True).start()  # answer at once
                raise cut
            status, media, payload = conn.recv()
        except (EOFError, OSError):  # the worker died on this query: the CPU limit, a crash, out of memory
            process.join(10)  # it is gone or going: its pipe is closed
            threading.Thread(target=self._replace, args=(process,), daemon=True).start()
            if process.exitcode == -signal.SIGXCPU:
                raise cut from None
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE, "the query's worker died running it; the "
                               "query was not answered (other queries are)") from None
        self._idle.put(worker)
        if status != HTTPStatus.OK:
            raise RequestError(HTTPStatus(status), payload)
        return media, payload

    def close(self) -> None:
        for process in list(self._all):
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
    """The SPARQL 1.1 Protocol's query operation (GET, and POST of a form or a query), the page,
    and the HTTP answers the protocol leaves to HTTP: HEAD as GET without a body, OPTIONS
    naming the methods, 405 with Allow for PUT and the rest (RFC 9110)."""

    endpoint: Endpoint
    server_version = "kg-sparql"
    timeout = IDLE_SECONDS  # socket timeout: the stdlib closes a connection idle this long
    _head = False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: one line per query would drown the terminal under load

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not self._host_allowed():
            return
        if url.path == "/" or (url.path == "/sparql" and not url.query):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self._page().encode("utf-8"))
        elif url.path == "/sparql":
            try:
                params = _form(url.query)
            except RequestError as err:
                return self._error(err)
            self._sparql(params)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")

    def do_HEAD(self) -> None:
        self._head = True
        try:
            self.do_GET()
        finally:
            self._head = False

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", ALLOWED_METHODS)
        self.end_headers()

    def _not_allowed(self) -> None:
        self.close_connection = True  # a body may follow that is never read
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                   f"{self.command} is not allowed: the endpoint is read-only; use {ALLOWED_METHODS}\n".encode(),
                   {"Allow": ALLOWED_METHODS})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self._host_allowed():
            return
        if url.path != "/sparql":
            self.close_connection = True
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n")
        try:
            params = _form(url.query)
            body = self._body()
            media = self.headers.get("Content-Type") and self.headers.get_content_type()
            if media == "application/sparql-update":
                params["update"] = [body]
            elif media == "application/sparql-query":
                params["query"] = params.get("query", []) + [body]
            elif media == "application/x-www-form-urlencoded":
                for name, values in _form(body).items():
                    params.setdefault(name, []).extend(values)
            else:
                raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                   f"POST needs a Content-Type of {', '.join(FORM_TYPES)}; found {media or 'none'}")
        except RequestError as err:
            return self._error(err)
        self._sparql(params)

    def _body(self) -> str:
        """The request body as text: a valid Content-Length of at most MAX_BODY, UTF-8."""
        self.close_connection = True  # until the body is read, the connection cannot be reused
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "POST needs a Content-Length")
        if not length.strip().isdigit():
            raise RequestError(HTTPStatus.BAD_REQUEST, f"Content-Length {length!r}: expected a number of bytes")
        if int(length) > MAX_BODY:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
        data = self.rfile.read(int(length))
        if len(data) != int(length):
            raise RequestError(HTTPStatus.BAD_REQUEST, "the body ended before its Content-Length")
        self.close_connection = False
        return _utf8(data, "the request body")

    def _host_allowed(self) -> bool:
        """Whether the Host header may name this server: any name if it listens on a public address,
        only a loopback one if it listens on loopback (a rebound DNS name is refused)."""
        host = self.headers.get("Host")
        if host is None or not _is_loopback(self.server.server_address[0]):
            return True
        name = urlsplit(f"//{host}").hostname or ""
        if name in LOOPBACK_NAMES or _is_loopback(name):
            return True
        self.close_connection = True
        self._error(RequestError(HTTPStatus.FORBIDDEN, f"Host {host!r} is not a loopback name: this server "
                                 "listens on loopback only (a DNS-rebinding guard)"))
        return False

    def _sparql(self, params: dict[str, list[str]]) -> None:
        try:
            if "update" in params:
                raise RequestError(HTTPStatus.FORBIDDEN, "SPARQL UPDATE is refused: the graph is read-only")
            if len(params.get("query", [])) != 1:
                raise RequestError(HTTPStatus.BAD_REQUEST, "expected exactly one `query` parameter")
            if "default-graph-uri" in params or "named-graph-uri" in params:
                raise RequestError(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported: "
                                   "the endpoint serves one graph, its default graph")
            host = self.headers.get("Host") or "%s:%s" % self.server.server_address[:2]
            request = Request(params["query"][0], self.headers.get("Accept", "*/*"), params.get("format", [""])[0],
                              f"http://{host}/sparql")
            media, body = self.endpoint.workers.answer(request)
        except RequestError as err:
            return self._error(err)
        self._send(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def _error(self, err: RequestError) -> None:
        self._send(err.status, "text/plain; charset=utf-8", f"{err}\n".encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not self._head:
            self.wfile.write(body)

    def _page(self) -> str:
        options = "".join(f'<option value="{name}">{name}</option>' for name in FORMAT_NAMES if name != "json")
        prefixes = html.escape(json.dumps({k: v for k, v in sorted(QUERY_PREFIXES.items())}, indent=1))
        return f"""<!doctype html><html><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}textarea{{width:100%;height:14em;font-family:monospace}}</style>
</head><body><h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the knowledge graph: <code>GET</code> or <code>POST /sparql</code>. Queries are cut
after {self.endpoint.workers.timeout:g} s of computing; UPDATE and SERVICE are refused.</p>
<form action="/sparql" method="get"><textarea name="query">{html.escape(self.endpoint.example)}</textarea>
<p>Results as <select name="format"><option value="json">json</option>{options}</select> <button>Run</button></p></form>
<details><summary>Predefined prefixes</summary><pre>{prefixes}</pre></details></body></html>"""


def _form(text: str) -> dict[str, list[str]]:
    """The parameters of a query string or form body; a 400 for percent-escapes that are not UTF-8."""
    try:
        return parse_qs(text, errors="strict")
    except UnicodeDecodeError:
        raise RequestError(HTTPStatus.BAD_REQUEST, "a parameter is not UTF-8 after percent-decoding") from None


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"{what} is not UTF-8 (byte 0x{data[err.start]:02x} at "
                           f"offset {err.start})") from None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def serve(graph: Path, store: Path | None, host: str, port: int, timeout: float, workers: int,
          ready=print, idle: float = IDLE_SECONDS) -> None:
    """Serve the graph until interrupted. Without `store`, the graph is bulk-loaded into a
    temporary on-disk store (removed on exit); `ready` is told the endpoint's URL. `timeout`
    is CPU seconds per query; a connection silent for `idle` seconds is closed."""
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
        handler = type("BoundHandler", (Handler,), {"endpoint": Endpoint(pool), "timeout": idle})
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

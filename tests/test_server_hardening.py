"""`kg serve` against an adversarial client (issue 17): SSRF, huge and deep queries, broken
headers, idle sockets, DNS rebinding, bodies that are not UTF-8. Every request goes to loopback."""
import http.server
import socket
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import httpx
import pytest

PROBE_ROWS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"fetched"}}]}}'


@pytest.fixture(scope="module")
def endpoint(sample_graph, tmp_path_factory):
    """kg serve with a 2 s CPU limit and a 1 s idle-connection limit."""
    out = tmp_path_factory.mktemp("serve") / "graph.nt"
    out.write_bytes(sample_graph.rdf.serialize(format="nt", encoding="utf-8"))
    code = ("import sys; from pathlib import Path; from kg.server import serve; "
            f"serve(Path({str(out)!r}), None, '127.0.0.1', 0, 2.0, 2, "
            "ready=lambda url: print('at', url, file=sys.stderr, flush=True), idle=1.0)")
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    assert line.startswith("at http://127.0.0.1:"), line
    yield line.split()[1]
    process.terminate()
    assert process.wait(timeout=20) == 0


@pytest.fixture
def probe():
    """A loopback HTTP server that answers any request with one SPARQL JSON row and records it."""
    hits: list[str] = []

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(PROBE_ROWS)))
            self.end_headers()
            self.wfile.write(PROBE_ROWS)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    server.shutdown()
    server.server_close()


def raw(endpoint: str, request: bytes) -> bytes:
    """Send raw bytes to the endpoint's port; everything the server answers until it closes."""
    url = urlsplit(endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=60) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def hidden_service_queries(url: str) -> list[str]:
    return [
        f"SELECT ?x WHERE {{ #c\rSERVICE <{url}> {{ ?x ?b ?c }} #\n }}",  # a comment ended by a bare CR
        f"SELECT ?x WHERE {{ #c\r\rSERVICE <{url}> {{ ?x ?b ?c }} #\n }}",
        f"SELECT ?x WHERE {{ sErViCe SILENT <{url}> {{ ?x ?b ?c }} }}",
    ]


@pytest.mark.parametrize("index", range(3))
def test_service_is_refused_however_it_is_hidden_and_nothing_is_fetched(endpoint, probe, index):
    url, hits = probe
    query = hidden_service_queries(url)[index]
    for answer in (httpx.get(endpoint, params={"query": query}), httpx.post(endpoint, data={"query": query})):
        assert answer.status_code == 403 and answer.text.startswith("SERVICE clauses are refused"), answer.text
    assert hits == []


def test_a_huge_query_is_cut_in_its_worker_and_does_not_block_other_requests(endpoint):
    huge = "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 50_000) + " }"  # 850 KB
    body = huge.encode()
    assert len(body) > 800_000
    url = urlsplit(endpoint)
    result: dict[str, bytes] = {}
    with socket.create_connection((url.hostname, url.port), timeout=300) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        reader = threading.Thread(target=lambda: result.setdefault("huge", sock.makefile("rb").read()))
        reader.start()
        answered_meanwhile = 0
        while reader.is_alive():  # other queries are answered while the huge one is parsed
            answer = httpx.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"}, timeout=300)
            assert answer.status_code == 200
            answered_meanwhile += reader.is_alive()
        reader.join()
    assert result["huge"].startswith(b"HTTP/1.0 503") and b"time limit of 2 s" in result["huge"]
    assert answered_meanwhile > 0


def test_deep_nesting_is_a_clear_400(endpoint):
    query = "SELECT * WHERE { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }"
    answer = httpx.get(endpoint, params={"query": query})
    assert answer.status_code == 400 and "nested too deeply" in answer.text


@pytest.mark.parametrize("length, status", [(b"-1", b"400"), (b"abc", b"400"), (b"2000000", b"413")])
def test_a_bad_or_huge_content_length_is_refused_without_reading(endpoint, length, status):
    head = raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: " + length + b"\r\n\r\nASK {}")
    assert head.startswith(b"HTTP/1.0 " + status)
    assert httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "text/csv"}).status_code == 200


def test_a_post_without_content_length_is_411(endpoint):
    head = raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 411")


def test_an_idle_connection_is_closed_by_the_server(endpoint):
    url = urlsplit(endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=120) as sock:
        assert sock.recv(1) == b""  # the server closed it (after its 1 s idle limit); a hang fails at 120 s


@pytest.mark.parametrize("host, status", [("evil.example", 403), ("evil.example:80", 403), ("localhost", 200),
                                          ("127.0.0.1:1", 200), ("[::1]:7878", 200)])
def test_a_loopback_server_answers_only_loopback_host_names(endpoint, host, status):
    answer = httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Host": host, "Accept": "text/csv"})
    assert answer.status_code == status
    if status == 403:
        assert "DNS-rebinding" in answer.text


@pytest.mark.parametrize("request_kwargs", [
    {"content": b"ASK { ?s ?p \"\xff\" }", "headers": {"Content-Type": "application/sparql-query"}},
    {"content": b"query=ASK%20%7B%7D%FF", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
])
def test_a_body_that_is_not_utf8_is_a_400(endpoint, request_kwargs):
    answer = httpx.post(endpoint, **request_kwargs)
    assert answer.status_code == 400 and "not UTF-8" in answer.text


def test_a_query_string_that_is_not_utf8_is_a_400(endpoint):
    answer = httpx.get(endpoint + "?query=ASK%20%7B%7D%FF")
    assert answer.status_code == 400 and "not UTF-8" in answer.text

"""`kg enrich` against a server on 127.0.0.1 answering in each service's documented shapes
(rate-limit and error answers included); no test reaches the internet."""
from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

import kg
from kg import enrich as enrich_module
from kg.cli import main
from kg.errors import KGError

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
WORKS = {json.loads(line)["doi"].removeprefix("https://doi.org/").lower(): json.loads(line)
         for line in (FIXTURES / "openalex-works.jsonl").read_text().splitlines()}
REPOS = {
    "example-lab/lattice-attention": {"full_name": "example-lab/lattice-attention", "html_url": "https://github.com/example-lab/lattice-attention",
                                      "stargazers_count": 321, "license": {"key": "mit", "spdx_id": "MIT", "name": "MIT License"},
                                      "pushed_at": "2024-05-01T12:00:00Z", "archived": False, "fork": False},
}


class Service(BaseHTTPRequestHandler):
    """OpenAlex /works, GitHub /repos, Semantic Scholar /graph/v1/paper/batch and Hugging Face /api/papers."""

    log: list[str]
    mode: dict[str, str]

    def log_message(self, *args) -> None:  # quiet
        pass

    def answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.log.append(f"GET {self.path} auth={self.headers.get('Authorization')}")
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if self.mode.get("refuse"):
            return self.answer(403, {"message": "API rate limit exceeded for 127.0.0.1."})
        if self.mode.get("down"):
            return self.answer(503, "")
        if url.path == "/works":
            dois = query["filter"][0].removeprefix("doi:").split("|")
            assert len(dois) <= 50 and query["per_page"] == ["50"]
            results = [WORKS[d] for d in dois if d in WORKS]
            return self.answer(200, {"meta": {"count": len(results), "per_page": 50, "next_cursor": None}, "results": results})
        if url.path.startswith("/repos/"):
            name = url.path.removeprefix("/repos/")
            if self.mode.pop("limited", None):  # a secondary rate limit, once
                return self.answer(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "0"})
            if name in REPOS:
                return self.answer(200, REPOS[name])
            return self.answer(404, {"message": "Not Found"})
        if url.path.startswith("/api/papers/"):
            arxiv = url.path.removeprefix("/api/papers/")
            if arxiv == "2101.00001":
                return self.answer(200, {"id": arxiv, "title": "Lattice Attention for Image Denoising", "summary": "We propose LatticeNet.",
                                         "authors": [{"name": "Ada Lovelace"}], "publishedAt": "2021-01-02T10:00:00.000Z",
                                         "githubRepo": "https://github.com/example-lab/lattice-attention", "upvotes": 3})
            return self.answer(404, {"error": "Paper not found"})
        self.answer(404, {"error": "no such route"})

    def do_POST(self) -> None:
        self.log.append(f"POST {self.path} key={self.headers.get('x-api-key')}")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert urlparse(self.path).path == "/graph/v1/paper/batch" and len(body["ids"]) <= 500
        known = {"ARXIV:2101.00001": {"paperId": "abc", "corpusId": 501, "externalIds": {"ArXiv": "2101.00001", "CorpusId": 501},
                                      "title": "Lattice Attention for Image Denoising", "authors": [{"authorId": "1", "name": "Ada Lovelace"}],
                                      "year": 2021, "publicationDate": "2021-01-02",
                                      "references": [{"paperId": "def", "corpusId": 502, "title": "Graph Priors for Few-Shot Segmentation"},
                                                     {"paperId": "ghi", "corpusId": 888, "title": "An Older Survey"}]},
                 "ARXIV:2102.00002": {"paperId": "def", "corpusId": 502, "externalIds": {"ArXiv": "2102.00002", "CorpusId": 502},
                                      "title": "Graph Priors for Few-Shot Segmentation", "authors": [], "year": 2021,
                                      "publicationDate": None, "references": []}}
        self.answer(200, [known.get(i) for i in body["ids"]])


@pytest.fixture
def server() -> Iterator[tuple[str, list[str], dict[str, str]]]:
    log: list[str] = []
    mode: dict[str, str] = {}
    handler = type("Handler", (Service,), {"log": log, "mode": mode})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", log, mode
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def graph_dir(tmp_path, monkeypatch) -> Path:
    for name, service in enrich_module.SERVICES.items():  # no pauses between requests to the local server
        monkeypatch.setitem(enrich_module.SERVICES, name, dataclasses.replace(service, interval=0.0))
    for key in ("OPENALEX_API_KEY", "OPENALEX_MAILTO", "S2_API_KEY", "GITHUB_TOKEN", "HF_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    out = tmp_path / "graph"
    files = [str(FIXTURES / "arxiv-metadata-oai-snapshot.json"), str(FIXTURES / "pwc-links-between-papers-and-code.json")]
    assert CliRunner().invoke(main, ["build", *files, "--out", str(out), "-q"]).exit_code == 0
    return out


def enrich(graph_dir: Path, url: str, source: str, *extra: str):
    save = graph_dir.parent / f"{source}{enrich_module.SAVED_AS[source]}"
    return CliRunner().invoke(main, ["enrich", "--graph", str(graph_dir), "--from", source, "--api-url", url,
                                     "--cache", str(graph_dir.parent / "cache"), "--save", str(save), *extra])


def rows(graph_dir: Path, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in kg.open(graph_dir).query(query).rows]


def test_openalex_adds_ids_and_real_cites_and_a_rerun_is_answered_from_the_cache(graph_dir, server):
    url, log, _ = server
    assert rows(graph_dir, "SELECT ?o WHERE { ?s cito:cites ?o }") == []
    result = enrich(graph_dir, url, "openalex")
    assert result.exit_code == 0, result.output
    assert "openalex: 3 answers (1 asked, 0 from the cache)" in result.output
    assert log == ["GET /works?filter=doi%3A10.1000%2Fj.seg.2021.2%7C10.48550%2Farxiv.2101.00001%7C10.48550%2Farxiv.2102.00002%7C"
                   "10.48550%2Farxiv.math%2F0406001&per_page=50 auth=None"]  # one batch, both DOIs of a published preprint
    cites = rows(graph_dir, "SELECT ?a ?o WHERE { ?s kg:arxivId ?a ; cito:cites ?o } ORDER BY ?a ?o")
    assert [(a, o.rsplit("/", 1)[-1]) for a, o in cites] == [
        ("2101.00001", "graph-priors-for-few-shot-segmentation"), ("2101.00001", "openalex-w9999"),
        ("2102.00002", "random-walks-on-lattices")]
    assert rows(graph_dir, "SELECT ?w WHERE { ?p kg:arxivId '2101.00001' ; kg:openalexId ?w }") == [("W1001",)]
    assert rows(graph_dir, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("3",)]

    again = enrich(graph_dir, url, "openalex")
    assert again.exit_code == 0, again.output
    assert "(0 asked, 1 from the cache)" in again.output and "unchanged" in again.output
    assert len(log) == 1  # nothing asked twice: a re-run works offline


def test_github_adds_repository_facts_retrying_a_rate_limit(graph_dir, server):
    url, log, mode = server
    mode["limited"] = "yes"
    result = enrich(graph_dir, url, "github")
    assert result.exit_code == 0, result.output
    assert "github: 1 answers (3 asked" in result.output  # 429 then 200; the other repository is gone (404)
    facts = rows(graph_dir, """SELECT ?r ?stars ?licence ?push ?archived WHERE {
        ?r kg:stars ?stars ; schema:license ?licence ; kg:lastPush ?push ; kg:archived ?archived }""")
    assert facts == [("https://github.com/example-lab/lattice-attention", "321", "MIT", "2024-05-01T12:00:00+00:00", "false")]


def test_semanticscholar_batch_adds_corpus_ids_with_the_key_from_the_environment(graph_dir, server, monkeypatch):
    url, log, _ = server
    monkeypatch.setenv("S2_API_KEY", "s2-secret")
    result = enrich(graph_dir, url, "semanticscholar")
    assert result.exit_code == 0, result.output
    assert log == ["POST /graph/v1/paper/batch?fields=corpusId%2CexternalIds%2Ctitle%2Cauthors%2Cyear%2CpublicationDate"
                   "%2Creferences.corpusId%2Creferences.title key=s2-secret"]
    assert rows(graph_dir, "SELECT ?a ?s WHERE { ?p kg:arxivId ?a ; kg:semanticScholarId ?s } ORDER BY ?a") == [
        ("2101.00001", "501"), ("2102.00002", "502")]
    cites = rows(graph_dir, """SELECT ?target WHERE { ?p kg:arxivId '2101.00001' ; cito:cites ?o .
        OPTIONAL { ?o kg:arxivId ?a } OPTIONAL { ?o a kg:CitedWork ; dcterms:title ?t } BIND(COALESCE(?a, ?t) AS ?target) } ORDER BY ?target""")
    assert cites == [("2102.00002",), ("An Older Survey",)]  # a paper of the graph, and a light node with its title


def test_huggingface_paper_pages_add_github_links(graph_dir, server):
    url, log, _ = server
    result = enrich(graph_dir, url, "huggingface")
    assert result.exit_code == 0, result.output
    assert len(log) == 3  # one page per arXiv paper; two unknown (404)
    evidence = rows(graph_dir, """SELECT ?x WHERE { ?p kg:arxivId '2101.00001' ; kg:releasesCode ?r .
        ?e rdf:subject ?p ; rdf:object ?r ; prov:wasAttributedTo/rdfs:label ?x } ORDER BY ?x""")
    assert evidence == [("huggingface",), ("paperswithcode",)]


def test_a_refusal_is_one_line_and_changes_nothing(graph_dir, server, monkeypatch):
    url, _, mode = server
    mode["refuse"] = "yes"
    monkeypatch.setenv("GITHUB_TOKEN", "bad-token")
    before = (graph_dir / "graph.nt").read_bytes()
    result = enrich(graph_dir, url, "github", "-q")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "kg: error: github refused GET /repos/example-lab/lattice-attention: HTTP 403 API rate limit exceeded for 127.0.0.1.; "
        "set GITHUB_TOKEN (unauthenticated: 60 requests an hour)"]
    assert (graph_dir / "graph.nt").read_bytes() == before
    assert not (graph_dir.parent / "github.jsonl").exists() and not (graph_dir.parent / "github.jsonl.partial").exists()


def test_no_network_is_one_line(graph_dir):
    result = enrich(graph_dir, "http://127.0.0.1:9", "openalex", "-q")  # the discard port: nothing listens
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("kg: error: openalex: cannot reach 127.0.0.1 (") and line.endswith("no network? answers cached so far are kept")


def test_backoff_honours_retry_after_then_gives_up(tmp_path, server):
    url, _, mode = server
    waits: list[float] = []
    client = enrich_module.Client(enrich_module.SERVICES["github"], tmp_path, url, sleep=waits.append, clock=lambda: 0.0)
    mode["limited"] = "yes"
    assert client.get("/repos/example-lab/lattice-attention")["stargazers_count"] == 321
    assert waits == [0.0, 0.75]  # Retry-After: 0, then the pause between two requests (the fake clock never moves)
    assert client.get("/repos/nobody/nothing") is None  # 404: nothing known

    mode["down"] = "yes"
    waits.clear()
    with pytest.raises(KGError, match=r"^github refused GET /repos/a/b: HTTP 503 Service Unavailable; set GITHUB_TOKEN"):
        client.get("/repos/a/b")
    assert [w for w in waits if w != 0.75] == [1.0, 2.0, 4.0, 8.0, 16.0]  # exponential backoff, then one clear error
    client.close()

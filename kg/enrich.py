"""Online enrichment: ask OpenAlex, Semantic Scholar or GitHub about the papers and repositories
of a built graph, save the answers as a source file in the service's own shape, and add it.

`kg enrich --graph DIR --from openalex` looks up every paper with an arXiv id or DOI, in batches
(OpenAlex: 50 DOIs per `filter=doi:` call; Semantic Scholar: 500 ids per `POST /paper/batch`),
and saves the works as JSON Lines that kg.sources reads like any other file (OpenAlex works,
Semantic Scholar papers); `--from github` looks up each repository (`GET /repos/{owner}/{repo}`)
for its stars, licence, last push and archived flag. The saved file is then added to the graph
(`kg add`), so identities, citations and provenance work exactly as for a downloaded dump.

Every answer is cached on disk under its URL, so a re-run (or a run after a failure) asks only
what it has not asked before and works offline. Requests are spaced by the service's documented
rate (OpenAlex 10/s, Semantic Scholar 1/s, GitHub unauthenticated 60/h is too few for a graph,
so a token is advised); 429 and 5xx answers are retried with exponential backoff, honouring
`Retry-After`. Keys come from the environment (OPENALEX_API_KEY, OPENALEX_MAILTO,
S2_API_KEY, GITHUB_TOKEN), never the command line. A refusal (401, 403, a spent quota) or no
network at all is one KGError line naming the service.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from tqdm import tqdm

from .errors import KGError
from .knowledge_graph import KnowledgeGraph
from .sources.identifiers import normal_doi

RETRIES = 5
BACKOFF = 1.0  # seconds before the first retry; doubled each time
MAX_WAIT = 120.0  # longest Retry-After honoured; a longer one is a refusal


@dataclass(frozen=True)
class Service:
    """A service's base URL, the pause between two requests, and where its key goes."""

    name: str
    base_url: str
    interval: float  # seconds between requests (the documented rate limit)
    keys: tuple[tuple[str, str, str], ...]  # (environment variable, "param" | "header" | "bearer", parameter or header name)
    hint: str = ""  # what to do when it refuses


SERVICES = {
    "openalex": Service("openalex", "https://api.openalex.org", 0.1,
                        (("OPENALEX_API_KEY", "param", "api_key"), ("OPENALEX_MAILTO", "param", "mailto")),
                        "set OPENALEX_API_KEY (OpenAlex requires a key from 2026)"),
    "semanticscholar": Service("semanticscholar", "https://api.semanticscholar.org", 1.0, (("S2_API_KEY", "header", "x-api-key"),),
                               "set S2_API_KEY for a higher rate limit"),
    "github": Service("github", "https://api.github.com", 0.75, (("GITHUB_TOKEN", "bearer", "Authorization"),),
                      "set GITHUB_TOKEN (unauthenticated: 60 requests an hour)"),
    "huggingface": Service("huggingface", "https://huggingface.co", 0.5, (("HF_TOKEN", "bearer", "Authorization"),), "set HF_TOKEN"),
}
SAVED_AS = {"openalex": ".jsonl", "semanticscholar": ".jsonl", "github": ".jsonl", "huggingface": ".json"}
"""The file each service's answers are saved in: JSON Lines, or one JSON array (Hugging Face's daily-papers shape)."""


@dataclass
class Client:
    """GET/POST JSON with an on-disk cache, spacing, retries and one-line failures.

    `sleep` and `clock` are injectable so that tests check the waits without waiting.
    """

    service: Service
    cache_dir: Path
    base_url: str | None = None
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    asked: int = 0  # requests sent (not answered from the cache)
    cached: int = 0
    _last: float = field(default=float("-inf"), repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    def get(self, path: str, params: dict[str, str] | None = None) -> object | None:
        """The JSON answer to GET path?params; None for 404 (nothing known)."""
        return self._call("GET", path, params or {}, None)

    def post(self, path: str, params: dict[str, str], body: object) -> object | None:
        return self._call("POST", path, params, body)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _call(self, method: str, path: str, params: dict[str, str], body: object) -> object | None:
        url = f"{(self.base_url or self.service.base_url).rstrip('/')}{path}"
        key = f"{method} {url}?{urlencode(sorted(params.items()))} {json.dumps(body, sort_keys=True)}"
        cache = self.cache_dir / self.service.name / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
        if cache.exists():
            self.cached += 1
            return json.loads(cache.read_text(encoding="utf-8"))["answer"]
        answer = self._ask(method, url, params, body)
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.write_text(json.dumps({"request": key, "answer": answer}), encoding="utf-8")
        partial.replace(cache)  # a crash never leaves half an answer in the cache
        return answer

    def _ask(self, method: str, url: str, params: dict[str, str], body: object) -> object | None:
        """The answer, after retrying 429 and 5xx answers with backoff (Retry-After when given)."""
        extra_params, headers = self._keys()
        attempt = 0
        while True:
            self._pace()
            try:
                response = self._client().request(method, url, params={**params, **extra_params}, headers=headers, json=body)
            except httpx.TransportError as err:
                raise KGError(f"{self.service.name}: cannot reach {httpx.URL(url).host} ({err or type(err).__name__}); "
                              "no network? answers cached so far are kept") from None
            self.asked += 1
            if response.status_code == 404:
                return None
            if response.status_code == 429 or response.status_code >= 500:
                wait = _retry_after(response) if response.headers.get("retry-after") else BACKOFF * 2 ** attempt
                if attempt < RETRIES and wait <= MAX_WAIT:
                    self.sleep(wait)
                    attempt += 1
                    continue
            if response.status_code >= 400:
                raise KGError(f"{self.service.name} refused {method} {httpx.URL(url).path}: HTTP {response.status_code} "
                              f"{_reason(response)}; {self.service.hint}")
            try:
                return response.json()
            except ValueError:
                raise KGError(f"{self.service.name}: answer to {httpx.URL(url).path} is not JSON") from None

    def _pace(self) -> None:
        """Wait until `interval` has passed since the last request."""
        wait = self._last + self.service.interval - self.clock()
        if wait > 0:
            self.sleep(wait)
        self._last = self.clock()

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=self.timeout, headers={"User-Agent": "kg (https://w3id.org/mlkg)"})
        return self._http

    def _keys(self) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) carrying the keys set in the environment."""
        params, headers = {}, {}
        for variable, where, name in self.service.keys:
            value = os.environ.get(variable, "")
            if value and where == "param":
                params[name] = value
            elif value:
                headers[name] = f"Bearer {value}" if where == "bearer" else value
        return params, headers


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers["retry-after"]))
    except ValueError:  # an HTTP date: not worth parsing for a rate limit
        return MAX_WAIT + 1


def _reason(response: httpx.Response) -> str:
    try:
        detail = response.json()
        message = detail.get("message") or detail.get("error") if isinstance(detail, dict) else None
    except ValueError:
        message = None
    return " ".join(str(message or response.reason_phrase).split())[:160]


def batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def openalex_works(client: Client, dois: list[str], progress: bool) -> Iterator[dict]:
    """The OpenAlex works of these DOIs (50 a call: `filter=doi:a|b|…`)."""
    with tqdm(total=len(dois), desc="openalex", unit="paper", disable=not progress, leave=False) as bar:
        for batch in batches(dois, 50):
            answer = client.get("/works", {"filter": "doi:" + "|".join(batch), "per_page": "50"})
            yield from (answer or {}).get("results", [])
            bar.update(len(batch))


def semanticscholar_papers(client: Client, ids: list[str], progress: bool) -> Iterator[dict]:
    """Semantic Scholar papers of these ids (ARXIV:…, DOI:…), 500 a call, in the papers dataset's shape
    plus their references (corpus id and title), which kg.sources.semanticscholar reads as citations."""
    fields = "corpusId,externalIds,title,authors,year,publicationDate,references.corpusId,references.title"
    with tqdm(total=len(ids), desc="semanticscholar", unit="paper", disable=not progress, leave=False) as bar:
        for batch in batches(ids, 500):
            for paper in client.post("/graph/v1/paper/batch", {"fields": fields}, {"ids": batch}) or []:
                if isinstance(paper, dict) and paper.get("corpusId") is not None:  # null: an id it does not know
                    yield {"corpusid": paper["corpusId"], "externalids": paper.get("externalIds") or {},
                           "title": paper.get("title"), "authors": paper.get("authors") or [], "year": paper.get("year"),
                           "publicationdate": paper.get("publicationDate"),
                           "references": [{"corpusid": r["corpusId"], "title": r.get("title")} for r in paper.get("references") or []
                                          if isinstance(r, dict) and r.get("corpusId") is not None]}
            bar.update(len(batch))


def github_repos(client: Client, repos: list[str], progress: bool) -> Iterator[dict]:
    """GitHub's repository object for each https://github.com/owner/repo (a deleted one is left out)."""
    for url in tqdm(repos, desc="github", unit="repo", disable=not progress, leave=False):
        answer = client.get(f"/repos/{url.removeprefix('https://github.com/')}")
        if isinstance(answer, dict):
            yield answer


def paper_ids(rows: Iterable[tuple[str | None, str | None]]) -> tuple[list[str], list[str]]:
    """(DOIs for OpenAlex, ids for Semantic Scholar) of papers given as (arXiv id, DOI) rows, sorted, distinct.

    OpenAlex is asked for both the arXiv DOI and a journal DOI: it often keeps the preprint and
    the published version as two works, and both are about the same paper (kg.resolve merges them).

    >>> paper_ids([("2101.00001", "10.1/X"), (None, "https://doi.org/10.2/y"), (None, None)])
    (['10.1/x', '10.2/y', '10.48550/arxiv.2101.00001'], ['ARXIV:2101.00001', 'DOI:10.2/y'])
    """
    dois, s2 = set(), set()
    for arxiv, doi in rows:
        if arxiv:
            dois.add(f"10.48550/arxiv.{arxiv}")
            s2.add(f"ARXIV:{arxiv}")
        if doi and normal_doi(doi):
            dois.add(normal_doi(doi))
            s2.add(f"DOI:{normal_doi(doi)}" if not arxiv else f"ARXIV:{arxiv}")
    return sorted(dois), sorted(s2)


def save(records: Iterable[dict], path: Path) -> int:
    """Write the records as JSON Lines, or as one JSON array for a `.json` path (sorted keys: the
    same answers give the same bytes); return how many."""
    partial = path.with_name(path.name + ".partial")
    array = path.suffix == ".json"
    count = 0
    try:
        with partial.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(("[" if not count else ",") * array + json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
                count += 1
            out.write("[]\n" if array and not count else "]\n" if array else "")
    except BaseException:
        partial.unlink(missing_ok=True)  # a refusal half-way leaves no half-written file (the cache keeps the answers)
        raise
    partial.replace(path)
    return count


def huggingface_papers(client: Client, arxiv_ids: list[str], progress: bool) -> Iterator[dict]:
    """Hugging Face's paper page data (`GET /api/papers/{arxiv id}`), wrapped as daily-papers items."""
    for arxiv in tqdm(arxiv_ids, desc="huggingface", unit="paper", disable=not progress, leave=False):
        answer = client.get(f"/api/papers/{arxiv}")
        if isinstance(answer, dict):
            yield {"paper": answer}


def collect(graph: KnowledgeGraph, source: str, out: Path, client: Client, progress: bool = True) -> int:
    """Ask `source` about the graph's papers (or repositories, for github), save the answers to `out`
    in a shape kg.sources reads, and return how many were saved."""
    if source == "github":
        repos = sorted({str(row[0]) for row in graph.query("SELECT ?r WHERE { ?r a kg:Repository }").rows})
        return save(github_repos(client, repos, progress), out)
    rows = graph.query("SELECT ?a ?d WHERE { ?p a kg:Paper . OPTIONAL { ?p kg:arxivId ?a } OPTIONAL { ?p kg:doi ?d } }").rows
    pairs = [(str(a) if a else None, str(d) if d else None) for a, d in rows]
    dois, s2_ids = paper_ids(pairs)
    if source == "openalex":
        return save(openalex_works(client, dois, progress), out)
    if source == "semanticscholar":
        return save(semanticscholar_papers(client, s2_ids, progress), out)
    return save(huggingface_papers(client, sorted({a for a, _ in pairs if a}), progress), out)

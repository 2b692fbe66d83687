"""Plain data passed between the pipeline stages.

Every stage (sources → extract → resolve → graph → rdf/views/exports) takes and returns
these dataclasses, so each stage can be tested alone and a new input format or extractor
only has to produce the same shapes. They use __slots__: a million papers are tens of
millions of these objects, and a per-instance __dict__ would cost ~100 bytes each.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NODE_TYPES = ("Paper", "Dataset", "Architecture", "Method", "Repository")
"""Every node type, named as the ontology's classes (kg:Paper, …): the table kg.rdf, kg.graph and kg.views read."""

ENTITY_TYPES = tuple(node_type.lower() for node_type in NODE_TYPES[1:4])
"""Entity types an extractor may assign, lower case as in the annotation guidelines."""

RELATIONS = {"introduces": "kg", "evaluatedOn": "kg", "trainedOn": "kg", "buildsOn": "kg", "comparesWith": "kg",
             "releasesCode": "kg", "variantOf": "kg", "cites": "cito"}
"""Every relation (edge) of the graph, by its predicate's local name → the prefix of its
namespace (kg.rdf.PREFIXES): the one table kg.rdf, kg.graph, kg.views and kg.evaluate read."""

ENTITY_RELATIONS = tuple(RELATIONS)[:5]
"""Paper → entity relations, named as the ontology's predicates."""

ID_SCHEMES = ("arxiv", "doi", "openalex", "s2", "pwc")
"""Identifier schemes a source may give a paper, in the order identity is decided (kg.resolve):
an arXiv id, else a DOI, else another source's own id; a paper with none is known by its title."""

CURATED_EXTRACTORS = ("arxiv", "openalex", "paperswithcode", "semanticscholar", "huggingface", "bibtex")
"""Evidence from these came from a curated source record (a code link, a reference list, a
leaderboard row), not from reading text; rdf marks their extractors so queries can tell."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where one listing entry was read: kept on the paper as provenance."""

    path: str
    line: int
    listed: str | None = None  # the listing's date as written, e.g. "Mar 12" (no year)


@dataclass(frozen=True, slots=True)
class Reference:
    """A work a record says its paper cites, by one identifier; resolve ties it to a paper of the graph or a light node."""

    scheme: str  # one of ID_SCHEMES
    id: str
    evidence: Evidence
    title: str = ""


@dataclass(frozen=True, slots=True)
class RepoFacts:
    """What a code host says about a repository (`kg enrich --from github`): kept on its node."""

    url: str  # canonical https://github.com/owner/repo
    source: Source
    stars: int | None = None
    license: str | None = None  # SPDX id, e.g. "MIT"
    pushed: str | None = None  # ISO 8601 time of the last push
    archived: bool | None = None


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """One entry of one listing, before papers seen in several listings are merged."""

    title: str
    abstract: str
    source: Source
    authors: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # links given by the source itself, besides those in the abstract
    ids: tuple[tuple[str, str], ...] = ()  # (scheme of ID_SCHEMES, normalised id)
    categories: tuple[str, ...] = ()  # arXiv categories, e.g. ("cs.CV", "cs.LG")
    date: str | None = None  # YYYY-MM-DD (YYYY from BibTeX): first arXiv version or publication date
    references: tuple[Reference, ...] = ()
    curated: Extraction | None = None  # facts the source states (a code link, a leaderboard row), not extracted
    repository: RepoFacts | None = None  # on a record without title: facts about a repository, not a paper


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why the graph holds an edge: the sentence, who found it, and how sure it is."""

    sentence: str
    extractor: str
    confidence: float
    start: int = 0  # span of the entity's surface form inside `sentence`
    end: int = 0
    source: Source | None = None  # the record a curated fact was read from (None: extracted from text)


@dataclass(frozen=True, slots=True)
class Relation:
    """A paper → entity edge found in one paper's text."""

    predicate: str  # one of ENTITY_RELATIONS
    surface: str  # the entity's name as written
    type: str  # one of ENTITY_TYPES
    evidence: Evidence
    canonical: str | None = None  # the vocabulary label, when the name is a known one
    variant_of: str | None = None  # the vocabulary label of its family, for an unlisted variant
    aliases: tuple[str, ...] = ()  # other names the paper gives it (acronym ↔ long form)


@dataclass(frozen=True, slots=True)
class Result:
    """A number a paper reports: "84.5% top-1 accuracy on ImageNet"."""

    model: str  # the model's name as written ("" when the sentence names none)
    dataset: str  # the dataset's name as written
    metric: str  # normalised metric name ("top-1 accuracy", "mIoU", "box AP")
    value: str  # as written, with its unit ("84.5%", "51.2")
    evidence: Evidence
    dataset_canonical: str | None = None  # the dataset's vocabulary label, when known


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one paper's title and abstract."""

    relations: tuple[Relation, ...] = ()
    repos: tuple[tuple[str, Evidence], ...] = ()  # normalised GitHub URL + evidence
    other_links: tuple[str, ...] = ()  # code/project URLs that are not GitHub repositories
    code_status: str = "none"  # released | promised | none
    results: tuple[Result, ...] = ()


@dataclass(slots=True)
class Paper:
    """A deduplicated paper: one node, however many listings it appeared in."""

    id: str
    title: str
    abstract: str
    sources: list[Source] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    links: list[str] = field(default_factory=list)
    code_status: str = "none"
    ids: dict[str, str] = field(default_factory=dict)  # scheme → id, as in PaperRecord.ids
    categories: tuple[str, ...] = ()
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Work:
    """A cited work outside the corpus: a light node with the id it was cited by, and its title when known."""

    id: str
    scheme: str
    value: str
    title: str = ""


@dataclass(slots=True)
class Entity:
    """A canonical dataset, architecture or method, with every name it was seen under."""

    id: str
    label: str
    type: str
    aliases: set[str] = field(default_factory=set)
    known: bool = False  # True when it comes from the curated vocabulary


@dataclass(frozen=True, slots=True)
class Edge:
    """A typed edge between two node ids, with all the evidence that supports it."""

    subject: str
    predicate: str
    object: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def confidence(self) -> float:
        return max((e.confidence for e in self.evidence), default=1.0)


@dataclass(slots=True)
class Corpus:
    """The resolved corpus: what graph, RDF, views and exports are made from."""

    papers: dict[str, Paper] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    repos: set[str] = field(default_factory=set)  # canonical GitHub URLs, which are also their node ids
    edges: list[Edge] = field(default_factory=list)
    results: list["ResolvedResult"] = field(default_factory=list)
    works: dict[str, Work] = field(default_factory=dict)  # cited works outside the corpus, by node id
    repo_facts: dict[str, RepoFacts] = field(default_factory=dict)  # by repository URL (a node of `repos`)


@dataclass(frozen=True, slots=True)
class ResolvedResult:
    """A reported result tied to graph nodes: the paper, the dataset entity and, when known, the model entity."""

    paper: str
    dataset: str  # entity id
    model: str | None  # entity id, when the model is a node of the graph
    model_name: str  # as written ("" when unnamed)
    metric: str
    value: str
    evidence: Evidence

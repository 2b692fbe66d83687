"""The resolution index of a large graph, `DIR/.kg/index.sqlite`: what `kg add` resolves new papers against.

A large build (kg.folder.large) keeps no extractions, because re-resolving a million
papers for every add would take minutes and gigabytes. It keeps this SQLite file instead:
indexed lookups read one key at a time, so an add costs per new paper, not per paper in
the graph. Tables:

- `papers`: title key (kg.vocabulary.name_key of the title) → paper id;
- `entities`: entity id → label, type, whether it is a vocabulary term;
- `entity_keys`: name key of every entity's label and alias → entity id (a label's key wins
  over the same key as another entity's alias, then the first entity in id order);
- `repos`: lower-cased repository URL → the URL as the graph writes it;
- `introducers`: (entity, paper) for every `introduces` edge, for cito:cites;
- `files`: every listing file in the graph: name, SHA-256, entries (as kg.folder.small keeps them);
- `meta`: the index format, the hash of the kg code that built it, and the size of
  `graph.nt` it describes (an add commits by raising it, see kg.folder.append).

>>> import tempfile
>>> from kg.pipeline import build_corpus
>>> from kg.sample import SAMPLE_DIR
>>> path = Path(tempfile.mkdtemp()) / "index.sqlite"
>>> corpus = build_corpus([SAMPLE_DIR], progress=False)
>>> write_index(corpus, path, 0, [StoredFile("sample.txt", "0" * 64, "", 310)])
>>> index = Index(path)
>>> index.entity(name_key("imagenet")).id, len(index.files()), index.nt_size
('dataset/imagenet', 1, 0)
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..errors import KGError
from ..model import Corpus, Entity
from ..vocabulary import name_key
from .small import StoredFile, code_hash

FORMAT = "1"
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE papers (key TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE) WITHOUT ROWID;
CREATE TABLE entities (id TEXT PRIMARY KEY, label TEXT NOT NULL, type TEXT NOT NULL, vocabulary INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE entity_keys (key TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE repos (key TEXT PRIMARY KEY, url TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE introducers (entity TEXT NOT NULL, paper TEXT NOT NULL, PRIMARY KEY (entity, paper)) WITHOUT ROWID;
CREATE TABLE files (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, entries INTEGER NOT NULL) WITHOUT ROWID;
"""


def write_index(corpus: Corpus, path: Path, nt_size: int, files: Iterable[StoredFile]) -> None:
    """Write the index of `corpus` (built from the listing `files`, into a graph.nt of `nt_size`
    bytes) at `path`.

    Written without a journal: it is a new file in a pending generation (kg.folder.commit).
    """
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        with db:
            insert(db, corpus, files, nt_size)
    finally:
        db.close()


def insert(db: sqlite3.Connection, corpus: Corpus, files: Iterable[StoredFile], nt_size: int) -> None:
    """Add what `corpus` holds to the index (rows already there are kept), and the files it was read from.

    Rows go in sorted by key, which keeps SQLite's B-tree writes local on a large build.
    """
    db.executemany("INSERT OR IGNORE INTO papers VALUES (?, ?)",
                   sorted((name_key(p.title) or p.title, p.id) for p in corpus.papers.values()))
    db.executemany("INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?)",
                   sorted((e.id, e.label, e.type, int(e.known)) for e in corpus.entities.values()))
    labels = sorted((name_key(e.label), e.id) for e in corpus.entities.values())
    aliases = sorted((name_key(alias), e.id) for e in corpus.entities.values() for alias in e.aliases)
    db.executemany("INSERT OR IGNORE INTO entity_keys VALUES (?, ?)", labels + aliases)
    db.executemany("INSERT OR IGNORE INTO repos VALUES (?, ?)", sorted((url.lower(), url) for url in corpus.repos))
    db.executemany("INSERT OR IGNORE INTO introducers VALUES (?, ?)",
                   sorted((e.object, e.subject) for e in corpus.edges if e.predicate == "introduces"))
    db.executemany("INSERT INTO files VALUES (?, ?, ?)", [(f.name, f.sha256, f.entries) for f in files])
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                   [("format", FORMAT), ("code", code_hash()), ("nt_size", str(nt_size))])


class Index:
    """An open index: lookups one key at a time, and `add` to record an appended batch in one transaction."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise KGError(f"{path}: no index of the large graph there (built by an older kg?); "
                          f"build it again with `kg build SOURCE... --out {path.parent.parent}`")
        try:
            self.db = sqlite3.connect(path)
            meta = dict(self.db.execute("SELECT name, value FROM meta"))
        except sqlite3.Error as err:
            raise KGError(f"{path}: unreadable index ({err}); build it again with `kg build`") from None
        if meta.get("format") != FORMAT:
            raise KGError(f"{path}: an index of another kg version; build it again with `kg build`")
        self.path, self.code, self.nt_size = path, meta["code"], int(meta["nt_size"])

    def close(self) -> None:
        self.db.close()

    def _one(self, sql: str, *args: str) -> tuple | None:
        return self.db.execute(sql, args).fetchone()

    def paper_id(self, key: str) -> str | None:
        row = self._one("SELECT id FROM papers WHERE key = ?", key)
        return row[0] if row else None

    def paper_id_taken(self, pid: str) -> bool:
        return self._one("SELECT 1 FROM papers WHERE id = ?", pid) is not None

    def entity(self, key: str) -> Entity | None:
        row = self._one("SELECT e.id, label, type, vocabulary FROM entity_keys k JOIN entities e ON e.id = k.id "
                        "WHERE k.key = ?", key)
        return Entity(row[0], row[1], row[2], set(), bool(row[3])) if row else None

    def entity_by_id(self, eid: str) -> Entity | None:
        row = self._one("SELECT id, label, type, vocabulary FROM entities WHERE id = ?", eid)
        return Entity(row[0], row[1], row[2], set(), bool(row[3])) if row else None

    def repo(self, key: str) -> str | None:
        row = self._one("SELECT url FROM repos WHERE key = ?", key)
        return row[0] if row else None

    def introducers(self, entities: Iterable[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for eid in set(entities):
            papers = {paper for (paper,) in self.db.execute("SELECT paper FROM introducers WHERE entity = ?", (eid,))}
            if papers:
                found[eid] = papers
        return found

    def files(self) -> list[StoredFile]:
        return [StoredFile(name, sha, "", entries) for name, sha, entries in
                self.db.execute("SELECT name, sha256, entries FROM files ORDER BY name")]

    def add(self, corpus: Corpus, files: Iterable[StoredFile], nt_size: int) -> None:
        """Record an appended batch and graph.nt's new size, in one transaction: the commit point of an add."""
        with self.db:
            insert(self.db, corpus, files, nt_size)
        self.nt_size = nt_size

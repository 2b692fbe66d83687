"""Node ids and IRIs: minted once, from names, so the same paper or entity always gets the same id.

Node ids are short and readable (`paper/<slug>`, `dataset/imagenet`); repositories are
their canonical GitHub URL. An IRI is the id under the `ID` base, or the URL itself.

>>> slug("ResNet-50 (v1.5)!"), slug("PointNet++")
('resnet-50-v1-5', 'pointnet-plus-plus')
>>> entity_id("dataset", "ImageNet-1K"), iri("dataset/imagenet-1k")
('dataset/imagenet-1k', 'https://w3id.org/mlkg/id/dataset/imagenet-1k')
>>> iri("https://github.com/a/b")
'https://github.com/a/b'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

ID = "https://w3id.org/mlkg/id/"
MAX_SLUG = 80


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens; never empty. A `+` is spelled `plus`:
    PointNet and PointNet++, RefCOCO and RefCOCO+ are different artifacts (kg.vocabulary.name_key
    keeps them apart too), and one id for both merged them and made "DPM-Solver++ variantOf
    DPM-Solver" a self-loop."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("+", " plus ")).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not out or len(out) > MAX_SLUG:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        out = f"{out[:MAX_SLUG].rstrip('-')}-{digest}".lstrip("-")
    return out


def title_digest(title: str, attempt: int = 0) -> str:
    """A short hash of a title, for the id of a paper whose slug another title has: bounded,
    where appending `-x` per clash gave 7,000-character ids to 3,481 titles of one slug.

    >>> title_digest("A B"), title_digest("A B", 1) != title_digest("A B")
    ('8aabb8bc', True)
    """
    return hashlib.sha1(f"{title}\0{attempt}".encode("utf-8") if attempt else title.encode("utf-8")).hexdigest()[:8]


def paper_id(title: str) -> str:
    return f"paper/{slug(title)}"


def entity_id(type_: str, label: str) -> str:
    return f"{type_}/{slug(label)}"


def iri(node_id: str) -> str:
    """The IRI of a node id."""
    return node_id if node_id.startswith("https://") else ID + node_id


def node_id(iri_: str) -> str:
    """The node id of an IRI minted by `iri`."""
    return iri_[len(ID) :] if iri_.startswith(ID) else iri_

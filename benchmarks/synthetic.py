"""A synthetic corpus in the Hugging Face listing format, for benchmarks at any size.

Deterministic for a seed. Realistic in the ways that cost time: abstracts of ~1,200
characters built from sentence templates, 2–6 mentions each drawn from the curated
vocabulary plus invented names (so the vocabulary is large and most papers introduce
something), GitHub URLs in a third of the papers, and titles that repeat across listings.

Usage: python -m benchmarks.synthetic N OUT_DIR [--seed S] [--per-file 1000]
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.vocabulary import load

FILLER = [
    "Recent progress in representation learning has been driven by larger models and more data.",
    "However, existing approaches remain expensive to train and hard to deploy on edge devices.",
    "We analyse the trade-off between accuracy and efficiency in a controlled setting.",
    "Our design keeps the number of parameters fixed while improving the receptive field.",
    "Extensive ablations show that each component contributes to the final performance.",
    "The method is simple to implement and adds negligible overhead at inference time.",
    "We further study robustness to distribution shift and common corruptions.",
    "Theoretical analysis explains why the proposed objective avoids representation collapse.",
]
MENTION_TEMPLATES = {
    "dataset": ["Experiments on {} show consistent gains.", "We pre-train on {} and fine-tune on downstream tasks.",
                "On {}, our model achieves {:.1f}% top-1 accuracy."],
    "architecture": ["Our model is built on {} as the backbone.", "It outperforms {} by a clear margin.",
                     "We plug our module into {} without retraining."],
    "method": ["We extend {} with a lightweight predictor.", "Compared with {}, training is twice as fast.",
               "Training follows the recipe of {}."],
}
SYLLABLES = ["Vi", "Mo", "Net", "Former", "Lu", "Ra", "Xe", "Tri", "Zo", "Ka", "Pix", "Seg", "Det", "Glo"]


def invented_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(["", "-v2", "Net", "-L", "++"]).rstrip("+")


def paper(rng: random.Random, index: int, names: dict[str, list[str]]) -> tuple[str, str]:
    new = invented_name(rng) + str(index % 97)
    title = f"{new}: {rng.choice(['Efficient', 'Scalable', 'Robust', 'Simple'])} {rng.choice(['Vision', 'Multimodal', 'Dense'])} " \
            f"{rng.choice(['Learning', 'Transformers', 'Backbones', 'Pretraining'])} at Scale {index}"
    parts = [f"We propose {new}, a new architecture for visual recognition."]
    for _ in range(rng.randint(2, 6)):
        type_ = rng.choice(list(MENTION_TEMPLATES))
        parts.append(rng.choice(MENTION_TEMPLATES[type_]).format(rng.choice(names[type_]), rng.uniform(50, 95)))
    while sum(map(len, parts)) < 1100:
        parts.insert(rng.randint(1, len(parts)), rng.choice(FILLER))
    if rng.random() < 1 / 3:
        parts.append(f"Code is available at https://github.com/lab{index % 5000}/{new.lower()}.")
    return title, " ".join(parts)


def write_corpus(n_papers: int, out_dir: str | Path, seed: int = 0, per_file: int = 1000, repeat: float = 0.25) -> list[Path]:
    """Write `n_papers` distinct papers (plus `repeat` × as many repeated entries) into listing files."""
    rng = random.Random(seed)
    vocab = load()
    names: dict[str, list[str]] = {t: [] for t in MENTION_TEMPLATES}
    for term in vocab.terms.values():
        names[term.type].extend(term.names)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    index = 0
    while index < n_papers:
        entries = []
        for _ in range(min(per_file, n_papers - index)):
            entries.append(paper(random.Random(seed * 1_000_003 + index), index, names))
            index += 1
        entries += [paper(random.Random(seed * 1_000_003 + j), j, names) for j in
                    (rng.randrange(index) for _ in range(int(len(entries) * repeat)))]
        path = out / f"listing_{len(files):05d}.txt"
        body = "\n\n".join(f"{t}\n\n{a}" for t, a in entries)
        path.write_text(f"new\n\nSubscribe\n\nMar {len(files) % 28 + 1}\n\n{body}\n", encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of distinct papers")
    parser.add_argument("out", type=Path, help="folder to write listing files into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=1000)
    args = parser.parse_args()
    files = write_corpus(args.n, args.out, args.seed, args.per_file)
    print(f"wrote {args.n} papers into {len(files)} files in {args.out}/")


if __name__ == "__main__":
    main()

"""The role of each mention in its paper, from cue words around it in the same sentence.

Introduced names become `introduces`. For every other mention the nearest cue before it in
its clause decides ("pre-trained on" → `trainedOn`; "outperforms", "compared with" →
`comparesWith`; "based on", "backbone", "we use" → `buildsOn`), unless a cue right after
it says more ("ImageNet-pretrained", "ImageNet accuracy", "the ResNet baseline"). Words
that introduce examples ("such as", "e.g.", "including") are not cues: the examples keep
the cue before them, and the members of a list ("on A, B and C") share the role of the first.
Datasets default to `evaluatedOn`, architectures and methods to `buildsOn`.

Fine-tuning data is both `trainedOn` and `evaluatedOn`; "our X model" is built on X.

No edge for: sentences of background before the paper says what it does ("ImageNet
drives…", "models such as PaLM and Chinchilla…"); negated mentions ("without MixBoost");
families ("all recent HydraNet models"); metric names (`kg/data/metrics.tsv`); names listed
in `kg/data/generic_families.tsv` ("Transformer"). The paper's own names only give
`introduces`, except its own datasets, which are also evaluated or trained on when a cue says so.
The confidence says whether a cue was seen or the default was taken.
"""
from __future__ import annotations

import re

from ..model import Relation
from ..text import may_hold
from ..vocabulary import Vocabulary
from .doc import Doc, Mention
from .results import metrics

EXTRACTOR = "relation_cues"
WINDOW = 120  # characters before a mention searched for a cue
_CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\bthough\b|\bbecause\b|\bwhich\b|\bwhere\b")
_TRANSPARENT = re.compile(r"\b(?:such\s+as|e\.g\.,?|i\.e\.,?|for\s+example|for\s+instance|including|like|namely|as\s+well\s+as)", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and|or)?|and|or|/|&|\+)\s*$", re.I)

_TRAIN = re.compile(
    r"\b(?:pre-?train\w*(?:\s+(?:on|with|using))?|(?:re-?)?train(?:ed|ing|s)?\s+(?:\w+\s+){0,3}?(?:on|with|using|from)|"
    r"training\s+(?:set|split|data|images|samples|partition)\s+of|"
    r"learn\w*\s+from|distill\w*\s+from|fine-?tun\w*(?:\s+on)?|curated?\s+from)\b",
    re.I,
)
_EVAL = re.compile(
    r"\b(?:evaluat\w*|experiment\w*|benchmark\w*|test\w*|results?|accuracy|achiev\w*|attain\w*|obtain\w*|reach\w*|"
    r"validat\w*|outperform\w*|surpass\w*|improv\w*|sets?\s+(?:a\s+)?new|state-of-the-art|SOTA|performance|"
    r"demonstrat\w*|show\w*|zero-shot|transfer\w*|downstream)\b|\d\s?%|\bAP\b|\bmIoU\b|\bFID\b",
    re.I,
)
_COMPARE = re.compile(
    r"\b(?:outperform\w*|out-perform\w*|surpass\w*|better\s+than|superior\s+to|"
    r"compar(?:e|es|ed|ing)\s+(?:(?:it|them|this|ours?|our\s+[\w-]+)\s+)?(?:to|with|against)|"
    r"comparisons?\s+(?:to|with|against)|comparing\s+(?:to|with)|beat\w*|exceed\w*|rival\w*|"
    r"competitive\s+with|on\s+par\s+with|improv(?:es|ed|ing)?\s+upon|improvements?\s+over|gains?\s+over|"
    r"(?:similar|comparable)\s+(?:performance|accuracy|results)\s+(?:to|as|with)|the\s+size\s+of|as\s+many\s+\w+\s+as|"
    r"previous\s+(?:state-of-the-art|best)|prior\s+(?:art|work|methods?))\b",
    re.I,
)
_EVALUATED_MODELS = re.compile(
    r"\b(?:evaluat(?:e|es|ed|ing)|benchmark(?:s|ed|ing)?|test(?:s|ed|ing)?)\s+(?:(?!(?:on|our|it|its|with|using|in|for)\b)[\w-]+[\s(]+){0,4}$",
    re.I)
"""Models that are the object of "we evaluate", "the benchmark tests" ("we evaluate U-Net, nnU-Net and
Swin-UNETR on D") are compared, not built on; "we test our method on X" applies the method to X."""
_COMPARE_NEAR = re.compile(r"\b(?:than|over|against|vs\.?|versus|baselines?)(?:\s+\S+){0,5}\s*$", re.I)
_ON = re.compile(r"\b(?:on|across)\s+(?:the\s+)?$", re.I)
"""A dataset right after "on" ("results on X", "struggle on X") is where something was measured."""
_OWN_USE = re.compile(r"\bour\s+(?:[\w-]+\s+)?$", re.I)
""""our ResNet model": the paper's own model, built on the name."""
_FAMILY = re.compile(r"\b(?:all|other|existing|previous|prior|many|various|several|most|different)\s+(?:[\w-]+\s+){0,4}$", re.I)
_FAMILY_AFTER = re.compile(r"^[- ](?:based\s+)?(?:models|variants|methods|architectures|networks|approaches|designs|family)\b", re.I)
""""all recent HydraNet models", "other MixBoost variants": a family of works, not the artifact."""
_NEGATION = re.compile(r"\b(?:without|instead\s+of|rather\s+than|no\s+more|no\s+need|w/o|not\s+(?:use|using|rely\w*))\b", re.I)
"""Short comparison words count only right before the name ("than X", "over the strong X")."""
_BUILD = re.compile(
    r"\b(?:based\s+on|built\s+(?:up)?on|builds?\s+(?:up)?on|building\s+(?:up)?on|backbones?|extend\w*|upon|"
    r"us(?:e|es|ed|ing)|employ\w*|adopt\w*|leverag\w*|exploit\w*|integrat\w*|plug\w*|incorporat\w*|appl(?:y|ies|ied|ying)|"
    r"distill\w*|initiali[sz]\w*|modif\w*|inspired|follow\w*|inherit\w*|replac\w*|combin\w*|equipp?\w*|on\s+top\s+of|"
    r"variant\s+of|version\s+of|into|fine-?tun\w*|train\w*|with|from|enhanc\w*|boost\w*|adapt\w*|revis\w*|"
    r"generaliz\w*|scal\w*\s+up|counterpart\s+of)\b",
    re.I,
)
_OTHERS_TRAINED = re.compile(
    r"\b(?:models?|networks?|classifiers?|CNNs|ViTs|LLMs|representations|features|detectors|encoders)\s+"
    r"(?:(?:that|which)\s+(?:are|were|is|was|have\s+been)\s+)?(?:pre-?)?train(?:ed|ing)\s+(?:\w+\s+){0,2}?on\s*$", re.I)
"""Others' models: "models trained on X" said of models in general, in a sentence that is not about the paper's own work."""
_BOTH = re.compile(r"\b(?:fine-?tun\w*(?:\s+on)?|(?:train\w*|learn\w*)\s+and\s+(?:evaluat|test|validat)\w*(?:\s+on)?)\s*$", re.I)
"""Fine-tuning data, and "trained and evaluated on X", are both training and evaluation data."""
_AFTER_TRAIN = re.compile(
    r"^(?:[- ](?:pre-?)?train(?:ed|ing)|[- ]supervised|\s+pre-?training|\s+initiali[sz]\w*|\s+as\s+(?:the\s+)?(?:pre-?)?training|"
    r"(?:[\s:,-]+[\w-]+){0,5}?\s+(?:for|to|by)\s+(?:pre-?)?train\w*|"
    r"\s+(?:pre-?trained\s+)?(?:baselines?|networks?|models?|features|classifiers?|weights|checkpoints?|initiali[sz]ation))\b",
    re.I,
)
_AFTER_EVAL = re.compile(r"^\s*(?:(?:top-[15]\s+)?accuracy|val(?:idation)?|test(?:-dev|\s+set)?|classification|detection|segmentation)\b", re.I)
_AFTER_COMPARE = re.compile(r"^\s*(?:baselines?|counterparts?)\b", re.I)
_AFTER_BUILD = re.compile(r"^(?:[- ](?:based|backbones?|encoders?|initiali[sz]ed|style)|\s+as\s+(?:the\s+)?backbone)\b", re.I)
_OWN_WORK = re.compile(r"\b(?:we|our|us|this\s+(?:paper|work|study|article)|in\s+this|here)\b", re.I)


def _may_break_clause(text: str) -> bool:
    """False when `text` cannot hold a _CLAUSE_BREAK match (case-sensitive): no ";" and none of its
    words ("where" covers "whereas")."""
    return (";" in text or "while" in text or "where" in text or "but" in text or "though" in text
            or "because" in text or "which" in text)


def _may_evaluate(text: str) -> bool:
    """False when `text` cannot hold an _EVALUATED_MODELS match: none of its verbs."""
    return may_hold(text, "evaluat", "benchmark", "test")


def _may_compare(text: str) -> bool:
    """False when `text` cannot hold a _COMPARE match: none of its words ("par" covers "on par" and "compar")."""
    return may_hold(text, "outperform", "out-perform", "surpass", "than", "superior", "par", "beat", "exceed", "rival",
                    "competitive", "upon", "over", "similar", "size", "many", "previous", "prior")


def _may_give_examples(text: str) -> bool:
    """False when `text` cannot hold a _TRANSPARENT match: none of its words."""
    return may_hold(text, "such", "e.g.", "i.e.", "for", "including", "like", "namely", "well")


def _may_negate(text: str) -> bool:
    """False when `text` cannot hold a _NEGATION match: none of its words ("no" covers "not")."""
    return may_hold(text, "no", "without", "instead", "rather", "w/o")


def _clause_before(text: str, start: int) -> str:
    """The words before `start` in its clause (at most WINDOW characters), examples' markers blanked."""
    before = text[max(0, start - WINDOW) : start]
    if _may_break_clause(before):
        before = _CLAUSE_BREAK.split(before)[-1]
    return _TRANSPARENT.sub(lambda m: " " * len(m.group()), before) if _may_give_examples(before) else before


def _last(pattern: re.Pattern[str], text: str) -> int:
    """End offset of the last match of `pattern` in `text`, -1 if none (matches come in order: the last ends last)."""
    match = None
    for match in pattern.finditer(text):
        pass
    return match.end() if match else -1


def _cue_role(doc: Doc, mention: Mention) -> tuple[tuple[str, ...], bool]:
    """(predicates, whether a cue decided them) for one mention, from the words around it: none for a
    negated or family mention, two for a dataset that is both trained and tested on ("fine-tuned on X")."""
    sentence = doc.sentences[mention.sentence]
    after = sentence[mention.end : mention.end + 30]
    before = _clause_before(sentence, mention.start)
    # no negation (-1) never ends after the other cues (-1 at least)
    negation = _last(_NEGATION, before) if _may_negate(before) else -1
    if negation >= 0 and negation > max(_last(p, before) for p in (_TRAIN, _EVAL, _COMPARE, _BUILD)):
        return (), True  # "without MixBoost", "no more HydraNet"
    if mention.type != "dataset":
        if _FAMILY_AFTER.match(after) and _FAMILY.search(before):
            return (), True
        if _OWN_USE.search(before):
            return ("buildsOn",), True
    if mention.type == "dataset":
        if _AFTER_TRAIN.match(sentence[mention.end : mention.end + 60]):
            return ("trainedOn",), True
        if _AFTER_EVAL.match(after):
            return ("evaluatedOn",), True
        train, evaluate = _last(_TRAIN, before), _last(_EVAL, before)
        if train > evaluate and _OTHERS_TRAINED.search(before[:train]) and not _OWN_WORK.search(sentence):
            return (), True  # "models trained on X are biased": a claim about others' models, not this paper's data
        if train > evaluate:
            both = _BOTH.search(before[:train]) is not None
            return ("trainedOn", "evaluatedOn") if both else ("trainedOn",), True
        return ("evaluatedOn",), evaluate >= 0 or bool(_ON.search(before))
    if _AFTER_COMPARE.match(after):
        return ("comparesWith",), True
    if _AFTER_BUILD.match(after):
        return ("buildsOn",), True
    compare, build = _last(_COMPARE, before) if _may_compare(before) else -1, _last(_BUILD, before)
    # on a tie the comparison phrase ends in a build word ("comparable performance with"): it wins
    if (compare >= 0 and compare >= build) or _COMPARE_NEAR.search(before):
        return ("comparesWith",), True
    if _may_evaluate(before) and _EVALUATED_MODELS.search(before):
        return ("comparesWith",), True
    return ("buildsOn",), build >= 0


def _is_metric(mention: Mention) -> bool:
    """A name that is an evaluation metric ("FID", "LPIPS"): measured, not built on or compared with."""
    table = metrics()
    return mention.surface.lower() in table or (mention.canonical or "").lower() in table


def _background(doc: Doc) -> set[int]:
    """Sentences before the first one about the paper's own work (never the title)."""
    for index, text in enumerate(doc.sentences[1:], start=1):
        if _OWN_WORK.search(text):
            return set(range(1, index))
    return set()


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Turn introduced names and mentions into relations, one per (predicate, name)."""
    seen: set[tuple[str, str]] = set()
    introduced = {n.lower() for m in doc.introduced for n in (m.surface, *m.aliases)}
    introduced |= {m.canonical for m in doc.introduced if m.canonical}
    background = _background(doc)

    def add(predicate: str, mention: Mention, extractor: str, confidence: float) -> None:
        key = (predicate, (mention.canonical or mention.surface).lower())
        if key not in seen:
            seen.add(key)
            doc.relations.append(
                Relation(predicate, mention.surface, mention.type, doc.evidence(mention, extractor, confidence),
                         mention.canonical, mention.variant_of, mention.aliases)
            )

    for mention in doc.introduced:
        add("introduces", mention, mention.extractor, 0.8 if mention.sentence else 0.9)
        if mention.type == "dataset" and mention.sentence > 0:
            predicates, cued = _cue_role(doc, mention)
            for predicate in predicates if cued else ():
                add(predicate, mention, EXTRACTOR, 0.7)  # "to evaluate X, we collect B, a dataset"
        elif mention.type == "dataset" and _AFTER_TRAIN.match(doc.sentences[mention.sentence][mention.end : mention.end + 60]):
            add("trainedOn", mention, EXTRACTOR, 0.75)  # "B: a dataset for training …"
    previous: Mention | None = None
    previous_role: tuple[tuple[str, ...], bool] = ((), False)
    for mention in sorted(doc.mentions, key=lambda m: (m.sentence, m.start)):
        own = mention.surface.lower() in introduced or mention.canonical in introduced or mention.variant_of in introduced
        listed = (previous is not None and previous.sentence == mention.sentence
                  and (previous.type == "dataset") == (mention.type == "dataset")
                  and _LIST_GAP.match(doc.sentences[mention.sentence][previous.end : mention.start]))
        role = previous_role if listed else _cue_role(doc, mention)
        previous, previous_role = mention, role
        predicates, cued = role
        if not predicates or mention.canonical in vocabulary.generic or _is_metric(mention):
            continue
        if own and (mention.type != "dataset" or not cued):
            continue  # its own model is never built on or compared with; its own dataset only when a cue says how it is used
        if mention.sentence in background or (mention.sentence == 0 and not cued and mention.type == "dataset"):
            continue  # background; or a title naming a dataset without saying how it is used ("X: An ImageNet replacement")
        for predicate in predicates:
            add(predicate, mention, EXTRACTOR, 0.75 if cued else 0.5)

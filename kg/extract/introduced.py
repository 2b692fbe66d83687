"""Names the paper itself introduces: "X: title", "we propose X", "dubbed X", "a dataset called X",
"we design a family of detectors, X,", "our model, the X", "a Long Form (LF) is proposed",
"we introduce a Long Form (LF) module".

A name counts when it looks like a coined name (an inner capital, a digit, or all capitals),
so "we propose a simple method" introduces nothing; a run of capitalised words ("Storm
Bench") counts when it is set off as a name (title prefix used again in the abstract, "we
introduce X, a …", "called X") or defined with an acronym after an introducing verb.
Definitions of families ("convolutional neural networks (CNNs)") are not introduced.
The type (`retype`) comes from the name's own head word ("… Benchmark", "… Network"), then the
nouns next to its occurrences ("X, a dataset", "a network dubbed X"), then its shape ("…Net").
Acronym and long form become aliases of one name. Later mentions of an introduced name are
added as mentions too, so that a paper's own dataset can also be `evaluatedOn`/`trainedOn`.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..text import may_hold, whole_word_spans
from ..vocabulary import Vocabulary
from .doc import Doc, Mention

EXTRACTOR = "introduced_pattern"
_TOKEN = r"[A-Za-z0-9][\w.+'^*-]*[\w+*]|[A-Z0-9]"
_NAME = rf"(?:{_TOKEN})(?:\s(?:{_TOKEN}))?"  # at most two words
_CAP_WORD = r"[A-Z][\w+'-]*"
_CAP_NAME = rf"{_CAP_WORD}(?:\s(?:{_CAP_WORD}|v?\d[\w.]*|of|for|and|in)){{0,4}}"
_TITLE_NAME = re.compile(r"^(?P<name>[^:]{2,60}?)\s*(?::|--|—|–)\s")
_VERBS = ("propose", "introduce", "present", "develop", "design", "build", "release", "construct", "curate", "collect",
          "create", "contribute", "establish", "formulate", "call", "name", "dub", "term", "offer", "provide", "devise",
          "define")
_VERB = rf"(?:{'|'.join(_VERBS)})"
_CUED = re.compile(
    rf"\b(?:called|named|dubbed|termed|coined|denoted(?:\s+as)?|abbreviated\s+as|namely|short\s+for)\s+"
    rf"(?:as\s+)?[\"“'‘]?(?P<name>{_CAP_NAME}|{_NAME})"
)
_SUBJECT = (r"(?i:\b(?:we|this\s+(?:paper|work|study)|here\s+we|our\s+(?:\w+\s+)?contributions?\s+(?:is|are)\s+to|"
            r"we\s+(?:[\w()-]+,?\s+){1,8}?and(?:\s+then)?)\s+"
            r"(?:\w+ly\s+)?(?:(?:first|also|further|then|thus)\s+)?)")
"""Who introduces: "we", "this paper", "our (main) contribution is to", "we revisit X and"."""
_PROPOSE = re.compile(
    rf"{_SUBJECT}{_VERB}[sd]?\s+(?:the\s+)?[\"“'‘]?"
    rf"(?P<name>{_CAP_NAME}|{_NAME})[\"”'’]?(?=\s*(?:,|\(|:|;|\.|$|\s[-–—]\s|\s+(?:a|an|the|which|that|to|for|as)\b))"
)
_OWN_NOUNS = ("model", "method", "network", "architecture", "framework", "approach", "dataset", "benchmark", "system")
_APPOSED = re.compile(
    rf"(?:{_SUBJECT}{_VERB}[sd]?\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,6}}?[\w-]+,\s+|"
    rf"(?i:\bour\s+(?:\w+\s+){{0,2}}(?:{'|'.join(_OWN_NOUNS)})|"
    rf"\ba\s+new(?:ly\s+\w+)?\s+(?:dataset|benchmark)),?\s+)"
    rf"(?:(?:the|namely|called|named)\s+)?(?P<name>{_TOKEN}|{_CAP_NAME})"
    rf"(?=\s*(?:,|\(|\.|$|\s+(?:which|that|achieves|is|has|outperforms)\b))"
)
"""A name set off after a noun phrase: "we design a family of detectors, HydraDet,", "our model, the X"."""
_NAMED_AFTER_NOUN = re.compile(
    rf"(?i:\b(?:a\s+new|our(?:\s+(?:best|largest|final)[\w-]*)?)\s+(?:[\w-]+\s+){{0,4}}?(?:dataset|benchmark|corpus|model))\s+"
    rf"(?P<name>{_TOKEN})(?=\s*(?:,|\(|\.|$|\s+(?:and|which|that|with|of|for|to|enables?|is|has|achieves|outperforms)\b))")
"""A coined name right after the noun of a new thing: "we release a new 2 billion example dataset ZetaSet-2B"."""
_NOVEL = re.compile(rf"^(?P<name>{_TOKEN})(?:\s*\([^)]*\))?\s+is\s+(?:a|an)\s+(?:novel|new)\b")
"""A sentence that opens with a name said to be new: "ZetaNet is a novel architecture for …"."""
_PASSIVE = re.compile(r"^\)?\s*(?:\w+\s+){0,2}?(?:is|are)\s+(?:\w+ly\s+)?(?:proposed|introduced|presented|developed|designed)\b", re.I)
_OTHER_WORK = re.compile(
    r"\b(?:than|over|against|outperform\w*|surpass\w*|compar\w*|based\s+on|us(?:e|es|ed|ing)|follow\w*|like|such\s+as|"
    r"e\.g\.|on|via|with|from|by|for|to|existing|previous|prior)\b", re.I)
"""Words that turn the rest of an introducing sentence to other work ("… outperforms X", "… based on X")."""
_USED_WORK = re.compile(r"\b(?:than|outperform\w*|surpass\w*|compar\w*|based\s+on|us(?:e|es|ed|ing)|follow\w*|like|such\s+as|"
                        r"e\.g\.|via|from|existing|previous|prior)\b", re.I)
"""Of those, the ones that say other work is used even a few words after the verb ("we propose X using … the Y (Z)")."""
_INTRODUCING = re.compile(rf"(?:{_SUBJECT}(?:\w+\s+){{0,3}}?|\band\s+){_VERB}\w*\b", re.I)
_AFTER_VERB_GAP = re.compile(r"^\s*(?:(?:a|an|the|our|two|new|novel|simple|effective|efficient|general|unified|"
                             r"lightweight|plug-and-play|generic|first|yet|and|,|\w+-\w+)\s+){0,5}$", re.I)
_DATASET_NOUN = r"data\s?sets?|benchmarks?|corpus|corpora|collections?|suites?|databases?|challenges?"
_METHOD_NOUN = (r"methods?|framework|strategy|approach|technique|scheme|algorithm|loss|module|mechanism|procedure|"
                r"paradigm|objective|regulari[sz]ation|optimizer|recipe|pipeline|block|layer|operator|metric|estimator|"
                r"attention|toolkit|library|protocol|blocks?")
_ARCH_NOUN = (r"network|architecture|model|backbone|transformer|detector|encoder|decoder|tokenizer|auto-?encoder|"
              r"LLM|MLLM|LMM|VLM|CNN|ViT|family")
_HEAD = re.compile(rf"\b(?:(?P<dataset>{_DATASET_NOUN})|(?P<method>{_METHOD_NOUN})|(?P<architecture>{_ARCH_NOUN})s?)\b", re.I)
_APPOSITIVE = re.compile(rf"^\)?\s*[,:]?\s*(?:is\s+)?(?:a|an|the)\s+(?:[\w-]+,?\s+){{0,4}}?(?:{_DATASET_NOUN}|{_METHOD_NOUN}|{_ARCH_NOUN})s?\b", re.I)
_HEAD_AFTER = re.compile(rf"^[-\s](?:{_DATASET_NOUN}|{_METHOD_NOUN}|{_ARCH_NOUN})s?\b", re.I)
_HEAD_BEFORE = re.compile(rf"\b(?:{_DATASET_NOUN}|{_METHOD_NOUN}|{_ARCH_NOUN})s?\s+(?:called\s+|named\s+)?$", re.I)
_ARCH_NAME = re.compile(r"(?:Net|Former|former|ViT|GAN|BERT|GPT|Mamba|LM|Transformer|CNN|MLP|Diff)(?:[-\d+]|v\d|$)")
_STOP = {"a", "an", "the", "this", "our", "we", "it", "in", "on", "to", "and", "of", "for", "with", "towards", "toward"}
_OWN = re.compile(r"\b(?:we|our)\b", re.I)
_NOT_A_NAME = re.compile(r"^(?:re-?\w+ing|rethinking|revisiting|towards?|beyond|on|when|what|how|why|is|are|do|does|can|"
                         r"learning|improving|understanding|exploring|scaling|unleashing|boosting|bridging|"
                         r"a|an|the)(?![\w-])", re.I)


FIELD_ACRONYMS = frozenset({
    "SOTA", "SoTA", "AI", "ML", "DL", "NLP", "CV", "GPU", "CPU", "TPU", "FLOPs", "MACs", "LLM", "MLLM", "VLM", "LMM", "API",
    "RGB", "OOD", "ID", "IID", "SSL", "NAS", "KD", "PTQ", "QAT", "TTA", "GFLOPs", "FPS", "SNR", "CL", "RL", "SR", "QA",
    "MCU", "MCUs", "FPGA", "NPU", "DSP", "SoC",
    "VQA", "OCR", "ASR", "TTS", "MT", "IR", "NER", "SSM", "MLP", "CNN", "RNN", "DNN", "GNN", "NN", "ANN", "SNN", "FL"})
"""Acronyms of the field's general vocabulary (families, tasks, hardware, units): never an artifact's name."""


def looks_like_name(name: str) -> bool:
    """A coined name has an inner capital, a digit or is all capitals; plain words are not names.

    >>> [looks_like_name(n) for n in ("DAFOSNET", "m2mKD", "ViTamin", "Simple", "a model")]
    [True, True, True, False, False]
    """
    words = name.split()
    if not words or words[0].lower() in _STOP:
        return False
    if name.isascii():  # the same tests by pattern, ~5× faster than by character
        return _TWO_LETTERS.search(name) is not None and _INNER_CAPITAL_OR_DIGIT.search(name) is not None
    if sum(c.isalpha() for c in name) < 2:
        return False
    return any(any(c.isupper() and w[i] != "-" for i, c in enumerate(w[1:])) or any(c.isdigit() for c in w) for w in words)


_TWO_LETTERS = re.compile(r"[A-Za-z][^A-Za-z]*[A-Za-z]")
_INNER_CAPITAL_OR_DIGIT = re.compile(r"[0-9]|(?<=[^\s-])[A-Z]")
"""In ASCII text: a digit, or a capital inside a word (after a character that is neither a space nor a hyphen)."""


_CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")


def may_hold_name(text: str) -> bool:
    """False when no word of `text` after its first character can be a name: a coined name
    (`looks_like_name`) has a capital after a word's first letter or a digit, and a plain capitalised
    name needs a capital, so an ASCII text without a digit or a capital after its first character has
    none. Not-ASCII text always may (`str.isupper` and `str.isdigit` know other scripts).

    >>> may_hold_name("However, existing methods are slow."), may_hold_name("We use ResNet."), may_hold_name("1 run")
    (False, True, True)
    """
    return not text.isascii() or text[:1].isdigit() or _CAPITAL_OR_DIGIT.search(text, 1) is not None


def _capitalised(name: str) -> bool:
    words = [w for w in name.split() if w.lower() not in ("of", "for", "and", "in")]
    return bool(words) and all(w[0].isupper() or w[0].isdigit() for w in words) and not _NOT_A_NAME.match(name)


def guess_type(name: str, before: str, after: str) -> str:
    """dataset, architecture or method: the head noun right after the name, else the one just
    before it, else the name's shape.

    >>> guess_type("StormBench", "we collect ", ", a benchmark of storms")
    'dataset'
    >>> guess_type("RainViT", "a model dubbed ", ".")
    'architecture'
    """
    preceding = list(_HEAD.finditer(before[-50:]))
    match = _HEAD.search(after[:60]) or (preceding[-1] if preceding else None)
    if match:
        return match.lastgroup or "method"
    return "architecture" if _ARCH_NAME.search(name) else "method"


_NAME_HEAD = (
    ("dataset", re.compile(r"(?:Dataset|Benchmark|Bench|Corpus|Suite|Database)s?(?:[-\s]?v?\d[\w.]*)?$", re.I)),
    ("architecture", re.compile(r"(?:Network|Net|Transformer|Former|Model|Encoder|Decoder|Tokenizer|Detector|Backbone)s?$", re.I)),
    ("method", re.compile(r"(?:Training|Learning|Distillation|Pooling|Attention|Mixing|Augmentation|Estimator|Search|"
                          r"Representation|Regularization|Loss|Optimization|Tuning|Sampling|Mechanism|Module|Strategy|"
                          r"Pruning|Quantization|Alignment|Conditioning|Invariance|Convolution|Pyramid|Mask)$", re.I)),
)


def retype(doc: Doc, mention: Mention, vocabulary: Vocabulary | None = None) -> str:
    """The type of an introduced name from everything the abstract says about it.

    In order: a long name's own head word ("Sparse Gate Transformer", "Rainy Street Benchmark");
    a dataset noun next to any of its occurrences ("the StormBench dataset", "X, a benchmark"); the
    name's shape ("…Net", "…Former"); the other head nouns next to its occurrences, by majority.
    """
    names = [n for n in (mention.surface, *mention.aliases) if n]
    parts = re.split(r"[-\s]", mention.surface)
    if vocabulary is not None and len(parts) > 1 and any(getattr(vocabulary.lookup(p), "type", None) == "dataset"
                                                         for p in (parts[0], parts[-1])):
        return "dataset"  # "Babel-ImageNet", "ImageNet-Hard": a version of a dataset
    for name in sorted(names, key=len, reverse=True):
        if " " in name or "-" in name:
            for type_, pattern in _NAME_HEAD:
                if pattern.search(name):
                    return type_
    votes = {"dataset": 0, "architecture": 0, "method": 0}
    votes[mention.type] += 1  # the guess made where it was introduced
    for text in doc.masked:
        for name in names:
            for start, end in whole_word_spans(name, text):
                after = _APPOSITIVE.match(text[end:]) or _HEAD_AFTER.match(text[end:])
                before = _HEAD_BEFORE.search(text[:start])
                for found in (after, before):
                    head = found and _HEAD.search(found.group())
                    if head:
                        votes[head.lastgroup or "method"] += 1
    if votes["dataset"] and votes["dataset"] >= max(votes.values()):
        return "dataset"
    if _ARCH_NAME.search(mention.surface) or any(_ARCH_NAME.search(a) for a in mention.aliases if " " not in a):
        return "architecture"
    if votes["architecture"] > votes["method"]:
        return "architecture"
    return "method" if votes["method"] or mention.type == "dataset" else mention.type


def _trim(name: str) -> str:
    words = name.split()
    while len(words) > 1 and not looks_like_name(words[-1]) and not words[-1][0].isupper() and not re.fullmatch(r"[vV]?\d[\w.]*", words[-1]):
        words.pop()
    while len(words) > 1 and words[-1].lower() in ("of", "for", "and", "in"):
        words.pop()
    return " ".join(words).rstrip(".,;:'\"’”")


Add = Callable[[int, int, str, bool], None]
"""add(sentence, start, name, strong): record a candidate; `strong` when the context sets it off as a name."""


def _family(name: str, aliases: tuple[str, ...]) -> bool:
    """A definition of a family, not a new artifact: a general acronym ("CNN") or a plural one ("DNNs")."""
    names = (name, *aliases)
    plural = [n for n in names if re.fullmatch(r"[A-Z][\w-]*[A-Z][\w-]*s", n)]
    return (any(n in FIELD_ACRONYMS for n in names) or (bool(plural) and len(plural) == len(names))
            or any(re.fullmatch(r"[A-Z]{2,}s", n) for n in plural))


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Add to doc.introduced every name the paper introduces (once per name), and their later mentions."""
    found: dict[str, Mention] = {}
    long_forms = {long.lower(): short for short, long in doc.acronyms.items()}

    def add(index: int, start: int, name: str, strong: bool) -> None:
        name = _trim(name)
        pair = name.split(" and ")
        if len(pair) == 2 and all(looks_like_name(p) and " " not in p for p in pair):
            add(index, start, pair[0], strong)  # "we propose ZetaNet and ZetaNet++": two names
            add(index, start + len(pair[0]) + 5, pair[1], strong)
            return
        if not (looks_like_name(name) or (strong and _capitalised(name))):
            return
        short = long_forms.get(name.lower())
        long = doc.acronyms.get(name)
        aliases = tuple(a for a in (short, long) if a and a != name)
        if _family(name, aliases):
            return  # "a Convolutional Neural Network (CNN)" is a family, not something the paper makes
        longer = next((k for k, m in found.items() if m.sentence == index and k.startswith(name.lower() + " ")), None)
        if longer is not None:
            return  # "Open Set" when "Open Set Recognition" was already found there
        shorter = [k for k, m in found.items() if m.sentence == index and name.lower().startswith(k + " ")]
        for k in shorter:
            del found[k]
        if any(n.lower() in found for n in (name, *aliases)):
            return
        term = vocabulary.lookup(name)
        sentence = doc.sentences[index]
        if term is not None and not (strong and (index == 0 or _OWN.search(sentence))):
            return  # a known name is used, not introduced, unless the paper says it makes it
        end = start + len(name)
        type_ = term.type if term else guess_type(name, sentence[:start], sentence[end:])
        found[name.lower()] = Mention(index, start, end, sentence[start:end], type_, canonical=term.label if term else None,
                                      extractor=EXTRACTOR, aliases=aliases)

    _from_title(doc, add)
    for index, text in enumerate(doc.masked):
        for pattern in _patterns_for(text, may_hold_name(text)):
            for match in pattern.finditer(text):
                add(index, match.start("name"), match.group("name"), pattern is _CUED or "," in text[match.end("name"):match.end("name") + 2])
    _from_definitions(doc, vocabulary, add)
    for mention in found.values():
        if mention.canonical is None:
            mention.type = retype(doc, mention, vocabulary)
    doc.introduced.extend(found.values())
    spans = [(m.sentence, m.start, m.end) for m in doc.introduced]
    doc.mentions = [m for m in doc.mentions if not any(s == m.sentence and a <= m.start and m.end <= b and (a, b) != (m.start, m.end)
                                                       for s, a, b in spans)]  # "Atrous Pooling" inside "Lite Atrous Pooling"
    _mentions_of_introduced(doc)



def _patterns_for(text: str, named: bool = True) -> list[re.Pattern[str]]:
    """Those of _CUED, _PROPOSE, _APPOSED, _NOVEL, _NAMED_AFTER_NOUN that may match `text`: the others lack a word they need.
    Without `named` (`may_hold_name` is False) only _NOVEL, whose name opens the sentence: the others' names come
    after their cue, and `run` keeps a name after the sentence's start only when it looks like one (`looks_like_name`)
    or is capitalised."""
    if not named:
        return [_NOVEL] if "novel" in text or "new" in text else []
    patterns = []
    # _CUED (case-sensitive) needs one of its cue words
    if ("called" in text or "named" in text or "dubbed" in text or "termed" in text or "coined" in text
            or "denoted" in text or "abbreviated" in text or "namely" in text or "short" in text):
        patterns.append(_CUED)
    # _PROPOSE needs _SUBJECT ("we", "this paper", "here we", "our contribution is to") and one of _VERBS (case-sensitive)
    proposes = may_hold(text, "we", "this", "contribution") and any(verb in text for verb in _VERBS)
    if proposes:
        patterns.append(_PROPOSE)
    # _APPOSED needs what _PROPOSE needs, or "our …"/"a new …" and one of _OWN_NOUNS ("a new" needs "dataset"/"benchmark")
    if proposes or (may_hold(text, "our", "new") and may_hold(text, *_OWN_NOUNS)):
        patterns.append(_APPOSED)
    # _NOVEL needs "novel" or "new"
    if "novel" in text or "new" in text:
        patterns.append(_NOVEL)
    # _NAMED_AFTER_NOUN needs "new" or "our" and one of its nouns
    if may_hold(text, "our", "new") and may_hold(text, "dataset", "benchmark", "corpus", "model"):
        patterns.append(_NAMED_AFTER_NOUN)
    return patterns


def _from_title(doc: Doc, add: Add) -> None:
    """The title's "Name: subtitle", or a short title that is itself a name used again in the abstract."""
    abstract = " ".join(doc.masked[1:])
    title = doc.masked[0]
    match = _TITLE_NAME.match(title)
    if match:
        name = _trim(match.group("name"))
        phrase = len(name.split()) > 2 and any(w.islower() and w not in ("of", "for", "and", "in", "on", "with", "to")
                                               for w in name.split())
        if not phrase and (looks_like_name(name) and not _NOT_A_NAME.match(name) or (_capitalised(name) and name in abstract)):
            add(0, 0, name, True)
    elif len(title.split()) <= 4 and _capitalised(title):
        singular = re.escape(title.rstrip("s")).replace("\\ ", r"\s+")
        again = re.search(rf"(?<![\w-]){singular}s?(?![\w-])", abstract, re.I)
        if again:
            index = next(i for i, t in enumerate(doc.masked) if i and again.group() in t)
            add(index, doc.masked[index].index(again.group()), again.group(), True)


def _from_definitions(doc: Doc, vocabulary: Vocabulary, add: Add) -> None:
    """Acronym definitions the paper introduces: "X (Y) is proposed", or after an introducing verb
    with nothing about other work in between ("we propose a novel Long Form (LF) module")."""
    for index, pair in doc.definitions:
        text = doc.masked[index]
        if vocabulary.lookup(pair.short) or vocabulary.lookup(pair.long):
            continue
        short_at = text.index(pair.short, pair.end)
        if _PASSIVE.match(text[short_at + len(pair.short) :]):
            if _capitalised(pair.long):
                add(index, pair.start, pair.long, True)
            else:
                add(index, short_at, pair.short, True)
            continue
        verb = max((m for m in _INTRODUCING.finditer(text) if m.end() <= pair.start), key=lambda m: m.end(), default=None)
        if verb is None:
            continue
        gap = text[verb.end() : pair.start]
        if _capitalised(pair.long) and not (_USED_WORK if len(gap.split()) <= 8 else _OTHER_WORK).search(gap) and "." not in gap:
            add(index, pair.start, pair.long, True)
        elif _AFTER_VERB_GAP.match(gap):
            add(index, short_at, pair.short, True)


def _mentions_of_introduced(doc: Doc) -> None:
    """Every later occurrence of an introduced name (or its alias) not already a mention."""
    taken = {(m.sentence, m.start) for m in doc.mentions}
    for intro in doc.introduced:
        for name in (intro.surface, *intro.aliases):
            for index, text in enumerate(doc.masked):
                for start, end in whole_word_spans(name, text):
                    if (index, start) == (intro.sentence, intro.start) or (index, start) in taken:
                        continue
                    if any(m.sentence == index and m.start < end and start < m.end for m in doc.mentions):
                        continue
                    taken.add((index, start))
                    doc.mentions.append(Mention(index, start, end, doc.sentences[index][start:end],
                                                intro.type, canonical=intro.canonical, extractor=EXTRACTOR))

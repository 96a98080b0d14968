"""A question that asks several things: split into its parts, each answered in turn.

"三个问题：1）... 2）... 3）...", "(a) ... (b) ... (c) ...", "Two questions: X, and Y?", or two questions in a row
("8 卡 H100 能放下吗？还是得上 H200？"). The parts are answered as a short conversation: the text before the first part
(and each earlier part) is the history of the next one, so a part that names no model or GPU ("2) single-user
speed?") uses the ones named before it, exactly as a follow-up does. Answering only the first part of a question
that asked three is the failure this prevents.
"""

from __future__ import annotations

import re

# "1）", "2)", "(a)", "（b）", "a)", "1." at the start or after a space/colon/punctuation; the numbering must run in
# order (1, 2, ... or a, b, ...) for the markers to count as parts
MARKER = re.compile(r"(?:(?<=^)|(?<=[\s:：;；,，。?？!！]))(?:[(（]\s*([1-9a-eA-E])\s*[)）]|([1-9a-eA-E])\s*[)）]|([1-9])[.、](?!\d))\s*")
ANNOUNCED = re.compile(r"\b(?:two|three|four|2|3|4)\s+(?:questions|things|qs)\b|[两二三四几]个问题", re.I)
AND_ASK = re.compile(r"[,，;；]?\s*\b(?:and|also|plus)\s+(?:(?:roughly|approximately|about|also)\s+)?"
                     r"(?=(?:what|how|which|is|can|could|does|do|will|would)\b)|"
                     r"[,，;；]\s*(?:以及|还有|另外|再问)", re.I)
QUESTION_END = re.compile(r"(?<=[?？])\s*")
MIN_PART_CHARS = 6


def split(question: str) -> tuple[str, list[str], bool]:
    """(the shared preamble, the parts, whether they were numbered): no parts when the question asks one thing.
    Two questions in a row are two parts only when each asks something of its own (`_grouped`)."""
    numbered = _numbered(question)
    if numbered:
        return (*numbered, True)
    if ANNOUNCED.search(question):  # "Two questions: A, and B?"
        head, _, rest = question.partition(":") if ":" in question else question.partition("：")
        body = rest if rest.strip() else question
        pieces = [p.strip(" ,，;；") for p in AND_ASK.split(body) if p and p.strip(" ,，;；")]
        if len(pieces) < 2:  # "三个问题：A？B 呢？C 呢？": the question marks part them
            pieces = [p.strip() for p in QUESTION_END.split(body.strip()) if p.strip()]
        if len(pieces) >= 2:
            return (head if rest.strip() else ""), pieces, False
    pieces = [p.strip() for p in QUESTION_END.split(question.strip()) if p.strip()]
    # the facts said after a short question belong to it: "要多久？电费怎么算？A100 每卡 400W，电价 0.6 元/度"
    joined: list[str] = []
    for p in pieces:
        if joined and not p.endswith(("?", "？")) and not QUESTION_WORDS.search(p) and joined[-1].endswith(("?", "？")):
            joined[-1] = f"{joined[-1]} {p}"
        else:
            joined.append(p)
    pieces = joined
    asks = [p for p in pieces if re.search(r"[?？]", p)]
    # two questions in a row are two parts only when the later ones bring facts of their own (a figure, a GPU, a
    # model): "... fits on 8 H100s? Or does it need H200s?" is two; "cheapest way to serve it? monthly cost?" is one
    # ask in two sentences, answered together - unless reading them as one would drop an ask ("速度够吗？功耗多少？")
    if len(asks) >= 2 and all(_chars(p) >= MIN_PART_CHARS for p in asks) and (
            all(_own_facts(p) for p in pieces[1:]) or _drops_an_ask(question, pieces)):
        grouped = _grouped(pieces)
        if len(grouped) >= 2:
            return "", grouped, False
    # one sentence asking two things: "what's the biggest model I can QLoRA on a 5090, and how long would an epoch
    # take?" - two parts when the asks on each side of the "and" are not answered together anyway
    # take?" - two parts when the whole question, read as one, would drop an ask one of its sides makes
    if len(asks) <= 1:
        pieces = [p.strip(" ,，;；") for p in AND_ASK.split(question.strip()) if p and p.strip(" ,，;；")]
        if len(pieces) >= 2 and all(len(p) >= MIN_PART_CHARS for p in pieces) and _drops_an_ask(question, pieces):
            grouped = _grouped(pieces)
            if len(grouped) >= 2:
                return "", grouped, False
    return "", [], False


def _chars(text: str) -> int:
    """Length with a Chinese character counted twice (it carries about a word: "功耗多少？" is a question)."""
    return len(text) + len(re.findall(r"[\u3400-\u9fff]", text))


def _asks_of(text: str, said=None) -> set[str]:
    from .asks import detect
    from .parse import Slots, parse
    from .table import route

    now = parse(text)
    merged = now.merged_over(said or Slots())
    routed = route(text, now, merged)
    return set([routed.spec.name] if routed else detect(text, now, merged, None)) - NO_ASK


def _drops_an_ask(question: str, pieces: list[str]) -> bool:
    """Whether the question read as one answers fewer asks than its pieces make (an ask answered together with
    another, as fit with speed, counts as answered)."""
    from .parse import parse

    whole = _asks_of(question)
    said = None
    for piece in pieces:
        for a in _asks_of(piece, said):
            if a == "fit" and whole:
                continue  # a fit verdict is part of nearly every answer (speed, limits, a volume, a plan)
            if a not in whole and not any(frozenset({a, b}) in ANSWERED_TOGETHER for b in whole):
                return True
        said = parse(piece).merged_over(said) if said is not None else parse(piece)
    return False


# a piece that states facts and asks nothing ("30 人每人每天大约 5 万 token") belongs to the part before it
QUESTION_WORDS = re.compile(r"\b(?:how|what|which|when|where|why|can|could|should|would|is|are|do|does|will)\b|多少|多久|几|吗|呢|"
                            r"怎么|如何|哪|是否|能不能|够不够|行不行|划算", re.I)
ANSWERED_TOGETHER = {frozenset({"time", "cost"}), frozenset({"fit", "memory"}), frozenset({"fit", "speed"})}
NO_ASK = {"unknown", "outside", "which_model", "social", "problem"}


def _grouped(pieces: list[str]) -> list[str]:
    """The pieces grouped into parts: a piece with no ask of its own ("What's the payback?" after the figures), the
    same ask again with no new subject, or an ask answered together with the one before ("how long? and the cost at
    $2.2/GPU-hour?") joins the part before it. Each piece's ask is read with the facts said before it."""
    from .asks import detect
    from .parse import Slots, parse
    from .table import route

    groups: list[str] = []
    group_asks: set[str] = set()
    said = Slots()
    for piece in pieces:
        now = parse(piece)
        merged = now.merged_over(said)
        routed = route(piece, now, merged)
        asks = set([routed.spec.name] if routed else detect(piece, now, merged, None))
        if asks == {"gpu_specs"} and not now.gpu:
            asks = set()  # a spec sheet only for the card said before: no ask of its own
        said = merged
        statement = not piece.rstrip().endswith(("?", "？")) and not QUESTION_WORDS.search(piece)
        joins = groups and not _money_variant(groups[-1], piece) and (not asks or asks <= NO_ASK or statement
                            or (asks <= group_asks and not (now.gpu or now.model))
                            or any(frozenset({a, b}) in ANSWERED_TOGETHER for a in asks for b in group_asks)
                            or _same_money_ask(groups[-1], piece)
                            or group_asks <= {"explain"})  # "What is MFU? For my run, what is it?": one answer
        if joins:
            groups[-1] = f"{groups[-1]} {piece}"
            group_asks |= asks - NO_ASK
        else:
            groups.append(piece)
            group_asks = asks - NO_ASK
    return groups


def _money_variant(before: str, piece: str) -> bool:
    """'Monthly bill at 16 h a day? And if we went 24/7 instead?': the same money calculation with a figure changed,
    a second answer of its own."""
    from . import own_numbers

    a, b = own_numbers.facts(before), own_numbers.facts(piece)
    if not own_numbers.kind(before, a):
        return False
    return any(getattr(b, k) is not None and getattr(a, k) is not None and getattr(b, k) != getattr(a, k)
               for k in ("hours_per_day", "util", "price_hour", "count", "tps"))


def _same_money_ask(before: str, piece: str) -> bool:
    """'$/1M at 40% utilisation? And against a $0.6/M API?': one calculation on the person's figures, answered once."""
    from . import own_numbers

    first = own_numbers.kind(before, own_numbers.facts(before))
    both = f"{before} {piece}"
    if not first or own_numbers.kind(both, own_numbers.facts(both)) != first:
        return False
    return not _money_variant(before, piece)  # the same calculation with a figure changed is a second answer


def _own_facts(text: str) -> bool:
    from .parse import parse

    s = parse(text)
    return bool(re.search(r"\d", text) or s.gpu or s.model or s.devices or s.unknown_gpus)


def _numbered(question: str) -> tuple[str, list[str]] | None:
    found = list(MARKER.finditer(question))
    labels = [(m.group(1) or m.group(2) or m.group(3)).lower() for m in found]
    # the longest run of markers numbered in order from 1 or a
    for first in ("1", "a"):
        if first not in labels:
            continue
        start = labels.index(first)
        run = [found[start]]
        expect = chr(ord(first) + 1)
        for m, label in zip(found[start + 1:], labels[start + 1:], strict=True):
            if label == expect:
                run.append(m)
                expect = chr(ord(expect) + 1)
        if len(run) >= 2:
            preamble = question[:run[0].start()].strip()
            parts = [question[m.end():(run[i + 1].start() if i + 1 < len(run) else len(question))].strip(" ,，;；")
                     for i, m in enumerate(run)]
            if all(len(p) >= 2 for p in parts):
                return preamble, parts
    return None

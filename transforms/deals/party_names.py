"""A party's name as an analyst would file it: the company, not its description or a short form.

The rules find the investor and target as spans of one sentence. That span is sometimes a
descriptor ("Western Australia-based", "Indonesian FinTech Pelora"), carries a wire prefix
("BRIEF-Acme") or a ticker ("Acme ACM.MX"), or is an acronym the story defined earlier ("BIB" after
"Brightwater Islamic Bank (BIB)"). These pure functions tidy the span and, for a defined acronym,
use the story's full form. A short name is grown only into the legal name the story introduced it
by at its first mention ("Harrowgate Motor Corp. said ... Harrowgate will"); growing it into any
longer name that starts with it lost far more than it won on the labels (the longer name was mostly
a subsidiary or headline words). Nothing here knows a company: every rule reads the shape of the
text.
"""

from __future__ import annotations

import re

from transforms.entities.countries import demonym_code
from transforms.entities.orgs import NameRun, name_runs, normalise_name

_WIRE_PREFIX = re.compile(r"^(?:BRIEF|UPDATE\s*\d*|EXCLUSIVE|RPT|CORRECTED)\s*[-:]\s*", re.I)
_TICKER_TAIL = re.compile(r"\s+\(?[A-Z0-9]{1,10}\.[A-Z]{1,3}\)?$")
_PLACE_DESCRIPTOR = re.compile(r"[\w.]+-(?:based|headquartered|listed|registered|born)", re.I)
# words that describe the kind of company before its name ("Indonesian FinTech Pelora")
_KIND_WORDS = frozenset(
    """fintech start-up startup unicorn giant firm company group maker carmaker automaker chipmaker drugmaker
    lender bank insurer retailer miner brewer airline conglomerate developer operator app super
    e-commerce platform tech technology telecom telco""".split()
)
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")


def tidy_party(name: str | None) -> str | None:
    """The name without a wire prefix, a trailing ticker or a leading description; None if only a
    description is left ("UK-headquartered", "Group PLC")."""
    if not name:
        return name
    s = _WIRE_PREFIX.sub("", name.strip())
    s = _TICKER_TAIL.sub("", s)
    words = s.split()
    # "South Africa-based Halvex" -> "Halvex"; "Western Australia-based" -> nothing
    for i in range(len(words) - 1, -1, -1):
        if _PLACE_DESCRIPTOR.fullmatch(words[i]):
            words = words[i + 1 :]
            break
    # "the Chinese Quillon Technology Co.": an article and a demonym describe the name that follows
    if len(words) >= 3 and words[0].lower() == "the" and demonym_code(words[1]) and words[2][:1].isupper():
        words = words[2:]
    # "Indonesian FinTech Pelora" -> "Pelora": a demonym, then only kind words, then the name
    if len(words) >= 3 and demonym_code(words[0]):
        k = 1
        while k < len(words) - 1 and words[k].lower() in _KIND_WORDS:
            k += 1
        if k >= 2:
            words = words[k:]
    if len(words) >= 2 and words[0] == "the":
        words = words[1:]  # "by the Harbour Round Capital": the article, not the name ("The X Corporation" stays)
    s = " ".join(words)
    if re.search(r"\([A-Za-z&.-]{2,12}$", s):
        s += ")"  # the NER cut the closing bracket of a defined acronym: "Quillon Co. Limited (QCL"
    return s if normalise_name(s) else None


def full_form(name: str | None, title: str, text: str) -> str | None:
    """The story's own full form of the name: an acronym it defines ("BIB" -> "Brightwater Islamic
    Bank (BIB)") or the legal name it introduced a short name by; else the name. ``title`` is kept
    for callers; only the body defines names."""
    if not name:
        return name
    if _ACRONYM.fullmatch(name):
        return _defined_acronym(name, text) or name
    return _introduced_as(name, text) or _numbered_fund(name, text) or name


_FUND_NUMBER = re.compile(r"[ \t]+(?P<n>[2-9]|I{2,3}|IV|VI{0,3}|IX|X)\b(?![ \t]*(?:%|per\b|billion|million|bn\b|mn\b|[.,]\d))")


def _numbered_fund(name: str, text: str) -> str | None:
    """A fund's vintage number is part of its name ("Acme Growth Fund 2", "Tarrow Partners III"):
    name runs stop at a digit, so the number is read back from the first mention."""
    if not re.search(r"\b(?:Fund|Partners|Ventures|Capital)$", name):
        return None
    m = re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
    tail = _FUND_NUMBER.match(text, m.end()) if m else None
    return name + " " + tail.group("n") if tail else None


_LEGAL_TAIL = re.compile(
    r"(?:\s+[A-Z][\w&-]*){0,3}?\s+(?:Corp\.?|Corporation|Inc\.?|Incorporated|Ltd\.?|Limited|Co\.(?!\w)|Company|"
    r"[Pp][Ll][Cc]|AG|SA|S\.A\.|NV|N\.V\.|SpA|GmbH|Bhd|Berhad|Tbk|Pte\.?\s+Ltd\.?)(?![\w])"
)


def _introduced_as(name: str, text: str) -> str | None:
    """The legal full name the story introduces a party by, when the row has its later short form:
    news names a company in full at its first mention ("Harrowgate Motor Corp.") and short after it
    ("Harrowgate"). Only the first mention counts and only a legal-suffix ending ("Corp", "Ltd", "plc"),
    so a later subsidiary ("Acme Ethiopia", "Acme Appliances (Thailand) Ltd") is never taken."""
    m = re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
    if m is None:
        return None
    tail = _LEGAL_TAIL.match(text, m.end())
    if tail is None or "\n" in tail.group(0):
        return None
    return name + tail.group(0)


def _defined_acronym(acronym: str, text: str) -> str | None:
    """"Brightwater Islamic Bank (BIB)": the words before "(BIB)" whose initials spell it."""
    letters = acronym.replace("&", "")
    for m in re.finditer(r"\(" + re.escape(acronym) + r"\)", text):
        before = text[max(0, m.start() - 120) : m.start()].split()
        for k in range(1, min(len(before), 10) + 1):
            phrase = before[-k:]
            initials = "".join(w[0] for w in phrase if w[:1].isupper())
            if not phrase[0][:1].isupper():
                continue
            if initials.upper() == letters.upper():
                return f"{' '.join(phrase)} ({acronym})"
    return None


_APPOSITIVE = re.compile(r"(?:\s*\([^()]{1,40}\))?,\s+(?:a|an|the)\s+$")


def described_party(text: str, run: NameRun) -> NameRun | None:
    """The company a bare descriptor describes: "Western Australia-based conglomerate Corrimal"
    (the name after a few lower-case words) or "Acme plc (AIM: ACM), a UK-headquartered ..." (the
    name the descriptor is an appositive of)."""
    if text[run.start : run.end] != run.text:
        return None
    after = re.match(r"(?:\s+[a-z][\w-]*){0,3}\s+", text[run.end : run.end + 60])
    if after:
        nxt = name_runs(text, run.end, min(len(text), run.end + 120))
        if nxt and nxt[0].start == run.end + after.end() and tidy_party(nxt[0].text):
            return nxt[0]
    lead = text[max(0, run.start - 200) : run.start]
    m = _APPOSITIVE.search(lead)
    if m:
        prev = name_runs(text, max(0, run.start - 200), run.start - len(lead) + m.start())
        if prev and prev[-1].end == run.start - len(lead) + m.start() and tidy_party(prev[-1].text):
            return prev[-1]
    return None

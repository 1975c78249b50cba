"""Organisation names in deal sentences: proper-name runs, the actor, the object, affiliates.

No company list is shipped (the rules must generalise): names are found from their shape --
runs of capitalised words joined by "and", "of", "&" (``Acme Motors of Canada Ltd``,
``Smith and Jones AG``), Reuters' angle-bracketed names (``<Acme Group Ltd>``), short
parenthesised acronyms (``Smith and Jones (S&J)``) -- while ticker tags (``<SNE.T>``),
countries, demonyms, weekdays and titles are set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.entities.countries import demonym_code, ticker_country

_TOKEN = re.compile(
    r"<[^<>\n]{1,60}>"  # <Name Inc> or <TICKER.X>
    r"|\((?:[^()\n]{1,40})\)"  # (S&J), (U.K.), (Acme Cloud)
    r"|[A-Za-z0-9][\w&'’.\-]*[\w&]|[A-Za-z0-9]"
    r"|&|,|;|:|[“”\"]|\S",
)
_TICKER = re.compile(r"<[A-Z0-9]{1,6}(?:\.[A-Z]{1,2}){0,2}>")
_MONEY_TOKEN = re.compile(r"^[A-Z]{1,3}\$?\d[\d.,]*[a-z]{0,3}$")
_CONNECTORS = {
    "and",
    "of",
    "&",
    "de",
    "del",
    "della",
    "di",
    "da",
    "bin",
    "van",
    "der",
    "von",
    "la",
    "du",
    "le",
    "y",
    "al",
}
_STOP_WORDS = frozenset(
    """
    The A An This That These Those It Its He She They We I You Our Their His Her In On At For By From With
    Under Through According After Before Following Less More Most Meanwhile However But And Or If As
    Considering Despite Since While When Where Who Which What Today Yesterday Tomorrow Also Other Some
    Mr Mrs Ms Dr Sir Analyst Analysts Shareholders Owners Investors Directors Workers Officials Executives Employees
    January February April June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept
    Oct Nov Dec
    Reuters Reuter Press Association Shares Share Under Terms Financial Details Exercise Both Each
    Read Related Published Updated Source Photo File FILE PHOTO Kindly Brewing
    Pharmaceutical Industrial Japanese Italian Separately Through Considering Less Sources Under
    US UK U.S. U.K. EU Mn Bn Rs Rs. Sh N R RM SR Ltd Inc Corp Co Plc PLC AG SA SpA NV BV LLC
    """.split()
)
# Titles end a name run: "Acme Cloud CEO Jane Doe" is the company, then a person.
_TITLES = frozenset(
    """
    CEO Chairman Chairperson Chief President Minister Secretary Director Spokesman Spokeswoman Governor
    Chairwoman Founder Co-founder MD CFO COO CTO Ambassador Envoy Officer Head Executive
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    """.split()
)
_SUFFIXES = (
    r"(?:ltd|limited|inc|incorporated|corp|corporation|co|company|plc|group|holdings?|ag|sa|spa|s\.p\.a|nv|bv|"
    r"llc|lp|gmbh|pvt|private|pte|bhd|berhad|tbk|kk|oyj|ab|asa|as|se|pjsc|ojsc|jsc|sarl|srl|the)"
)


# Words that describe a party rather than name it, capitalised only at a sentence start or in a
# headline: "Mumbai-based Acme Ltd", "Carmaker Acme Motor Corp" -> "Acme ...".
_DESCRIPTOR_HEAD = re.compile(
    r"[\w.]+-(?:based|headquartered|listed|owned|registered|backed|born|controlled)"
    r"|(?:\w+-)?(?:\w*maker|\w*makers|brewer|miner|retailer|e-?tailer|lender|insurer|reinsurer|carrier|conglomerate|"
    r"developer|producer|operator|fintech|start-?up|unicorn|refiner|shipper|shipbuilder|supplier|distributor|"
    r"manufacturer|processor|exporter|importer|trader|hotelier|broadcaster|publisher|airline|tycoon|billionaire|"
    r"businessman|businesswoman|investor|giant|telco|grocer|utility)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NameRun:
    text: str
    start: int
    end: int
    possessive: bool = False
    ticker: str | None = None
    bracketed: bool = False  # Reuters <Name> marks an unlisted company
    words: tuple[str, ...] = field(default=())

    @property
    def country(self) -> str | None:
        """Country when the whole run is a country name or demonym ("Italy's", "German")."""
        return demonym_code(self.text) or (
            demonym_code(self.text + ".") if self.text.endswith(tuple("SKA")) else None
        )


def _is_cap(tok: str) -> bool:
    return bool(tok) and (tok[0].isupper() or (tok[0].isdigit() and any(c.isupper() for c in tok)))


def name_runs(text: str, start: int = 0, end: int | None = None) -> list[NameRun]:
    """Proper-name runs inside ``text[start:end]``, with absolute offsets.

    One pass over the tokens: capitalised words (and connectors between them) extend the current
    run; a ticker, a bracketed Reuters name, a title, a sum or any other word closes it.
    """
    end = len(text) if end is None else end
    toks = [(m.group(0), m.start() + start, m.end() + start) for m in _TOKEN.finditer(text[start:end])]
    runs: list[NameRun] = []
    cur: list[tuple[str, int, int]] = []
    for i, (tok, s, e) in enumerate(toks):
        if tok.startswith("<") and tok.endswith(">"):
            _angle_token(text, tok, s, e, cur, runs)
        elif tok.startswith("(") and tok.endswith(")"):
            inner = tok[1:-1]
            if cur and " " not in inner.strip() and _is_cap(inner.strip()) and len(inner) <= 12:
                cur.append((tok, s, e))  # "Acme (ACM)": an abbreviation stays with its name
            else:
                _close_run(text, cur, runs)
        else:
            _word_token(text, toks, i, cur, runs)
    _close_run(text, cur, runs)
    return runs


def _leading_particle(cur: list[tuple[str, int, int]]) -> bool:
    """A capitalised name particle that starts a name ("Du Marsac Co", "De Lanoy", "Van Leer"), not a
    connector left over at the run's edge ("And", "Of")."""
    word = cur[0][0]
    return len(cur) >= 2 and word[0].isupper() and word.lower() not in ("and", "of", "&", "y")


def _close_run(text: str, cur: list[tuple[str, int, int]], runs: list[NameRun],
               possessive: bool = False, ticker: str | None = None) -> None:
    """End the current run: trim connectors, stop words and descriptor heads, keep it if a name is left."""
    while cur and cur[-1][0].lower() in _CONNECTORS:
        cur.pop()
    while cur and (cur[0][0] in _STOP_WORDS or (cur[0][0].lower() in _CONNECTORS and not _leading_particle(cur))):
        cur.pop(0)
    while len(cur) >= 2 and _DESCRIPTOR_HEAD.fullmatch(cur[0][0]) and cur[1][0].lower() not in _CONNECTORS:
        cur.pop(0)
    if cur:
        s, e = cur[0][1], cur[-1][2]
        surface = text[s:e]
        if surface.endswith(".") and not re.search(r"(?:Co|Corp|Inc|Ltd|Bros|[A-Z])\.$", surface):
            surface, e = surface[:-1], e - 1
        words = tuple(t for t, _, _ in cur)
        if not all(w in _STOP_WORDS or w.lower() in _CONNECTORS for w in words):
            runs.append(NameRun(surface, s, e, possessive, ticker, False, words))
    cur.clear()


def _angle_token(text: str, tok: str, s: int, e: int, cur: list[tuple[str, int, int]], runs: list[NameRun]) -> None:
    """"<ACM.N>" is the ticker of the run before it; "<Acme Holdings>" is a bracketed unlisted name."""
    if _TICKER.fullmatch(tok):
        if cur:
            _close_run(text, cur, runs, ticker=tok.strip("<>"))
        elif runs and runs[-1].end >= s - 2 and runs[-1].ticker is None:
            last = runs.pop()
            runs.append(NameRun(last.text, last.start, last.end, last.possessive, tok.strip("<>"),
                                last.bracketed, last.words))
        return
    _close_run(text, cur, runs)
    inner = tok[1:-1].strip()
    poss = text[e : e + 2] in ("'s", "’s")
    runs.append(NameRun(inner, s + 1, e - 1, poss, None, True, tuple(inner.split())))


def _word_token(text: str, toks: list[tuple[str, int, int]], i: int, cur: list[tuple[str, int, int]],
                runs: list[NameRun]) -> None:
    """A plain word: a capitalised one extends the run (a possessive ends it), a connector between
    capitals joins, titles, sums and anything else close it."""
    tok, s, e = toks[i]
    bare = tok
    poss = False
    if tok[-2:] in ("'s", "’s") or tok[-2:] in ("'S", "’S"):
        bare, poss = tok[:-2], True
    if bare in _TITLES or _MONEY_TOKEN.match(bare):
        _close_run(text, cur, runs)
    elif _is_cap(bare) and not bare.isdigit():
        if not cur and bare in _STOP_WORDS:
            return
        cur.append((bare, s, s + len(bare)))
        if poss:
            _close_run(text, cur, runs, possessive=True)
    elif cur and tok.lower() in _CONNECTORS and i + 1 < len(toks) and _is_cap(toks[i + 1][0]):
        cur.append((tok, s, e))
    else:
        _close_run(text, cur, runs)


def normalise_name(name: str | None) -> str:
    """Comparable form of a company name: case, punctuation, aliases and corporate suffixes dropped."""
    if not name:
        return ""
    s = re.sub(r"\([^)]*\)", " ", name)  # parenthesised alias: "Smith and Jones (S&J)"
    s = re.sub(r",\s*[A-Z][A-Z&-]{1,8}\s*$", " ", s)  # trailing ", XYZ"
    s = s.lower().replace("&", " and ")
    s = re.sub(r"[’'`]s\b", "", s)
    s = re.sub(r"[^\w\s]", " ", s)
    words = s.split()
    while words and re.fullmatch(_SUFFIXES, words[-1]):
        words.pop()
    while words and words[0] in ("the", "a"):
        words.pop(0)
    return " ".join(words)


def names_match(a: str | None, b: str | None) -> bool:
    """Normalised names equal, or one is the other's leading words ("Acme Co" / "AcmeCo")."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb or na.replace(" ", "") == nb.replace(" ", ""):
        return True
    return False


_AFFILIATE = re.compile(
    r"(?:partner|subsidiary|unit|arm|affiliate|division|member|part|owned|backed|controlled)\s+(?:company\s+)?(?:of|by)\s+$",
    re.IGNORECASE,
)


def affiliates_of(text: str, investor: str) -> tuple[str, ...]:
    """Parents and partners named around ``investor``: "X, partner of Y", "X (Y)", "subsidiary of Z"."""
    if not investor:
        return ()
    found: list[str] = []
    for m in re.finditer(re.escape(investor), text):
        after = text[m.end() : m.end() + 160]
        paren = re.match(r"\s*\(([A-Z][^()]{2,40})\)", after)
        if paren and " " in paren.group(1).strip():
            found.append(paren.group(1).strip())
        for am in re.finditer(
            r"(?:partner|subsidiary|unit|arm|affiliate|division|owned|backed|controlled)\s+(?:company\s+)?(?:of|by)\s+",
            after[:120],
            re.IGNORECASE,
        ):
            if re.search(r"[.;]", after[: am.start()]):
                break
            runs = name_runs(after, am.end(), min(len(after), am.end() + 60))
            if runs and runs[0].start == am.end():
                found.append(runs[0].text)
    out: list[str] = []
    norm_inv = normalise_name(investor)
    for f in found:
        n = normalise_name(f)
        if n and n != norm_inv and not any(_same_entity(n, normalise_name(o)) for o in out):
            out.append(f)
    return tuple(out)


def _same_entity(a: str, b: str) -> bool:
    a1, b1 = a.split()[0] if a else "", b.split()[0] if b else ""
    ja, jb = a.replace(" ", ""), b.replace(" ", "")
    return a == b or a1 == b1 or ja.startswith(jb) or jb.startswith(ja)


def run_country(run: NameRun) -> str | None:
    """Country from a run's ticker (``<SNE.T>`` -> JP)."""
    return ticker_country(run.ticker) if run.ticker else None

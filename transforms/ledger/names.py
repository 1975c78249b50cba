"""Company names reduced to a comparable key, and the fuzzy test of two keys naming one party.

``cleanco`` strips legal suffixes in many languages ("Ltd", "Limited", "GmbH", "S.A."...);
accents and punctuation go, and generic words that companies add or drop between articles
("Group", "Holdings", "Technology") are not part of the key. ``rapidfuzz`` compares what remains.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cleanco import basename
from rapidfuzz import fuzz

# Words one article writes and another drops for the same company. Generic, never a name.
GENERIC = frozenset(
    "group groups holding holdings company companies co corp corporation inc incorporated ltd limited "
    "plc llc sa ag nv bv the international global technologies technology tech industries "
    "enterprises partners capital investments investment fund".split()
)
SAME_PARTY_RATIO = 90.0


@lru_cache(maxsize=65536)
def name_key(name: str | None) -> str:
    """'Zen Trix Group Holding Limited' -> 'zen trix'; '' when nothing specific is left."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for _ in range(2):  # "X Holding Limited": suffixes can be stacked
        text = basename(text)
    text = re.sub(r"[’'`]s\b", "", text.lower())
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in GENERIC]
    return " ".join(words)


def same_party(a: str | None, b: str | None) -> bool:
    """True when two names are one company: equal keys, equal without spaces ("Zen Trix" /
    "Zentrix"), one key's words inside the other's ("Mellow" / "Mellow Foods"), or a close spelling."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb or ka.replace(" ", "") == kb.replace(" ", ""):
        return True
    wa, wb = set(ka.split()), set(kb.split())
    if wa <= wb or wb <= wa:
        return True
    return fuzz.ratio(ka, kb) >= SAME_PARTY_RATIO

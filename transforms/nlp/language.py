"""The language of an article from its own text (py3langid); the HTML ``lang`` attribute is a hint.

py3langid is a maintained, numpy-based fork of langid.py (97 languages, ISO 639-1 codes, model
shipped inside the wheel). Below ``MIN_WORDS`` words a guess is noise, so only the hint is used.
"""

from __future__ import annotations

import functools
import re

MIN_WORDS = 20
# Below this normalised probability the classifier is unsure; a declared language it also ranks
# near the top wins then (short pages in related languages: no/da, id/ms, hr/sr/bs).
_SURE = 0.9
_HINT_MIN = 0.05
# Scripts written without spaces: each character counts as a word for the length floor.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def word_count(text: str) -> int:
    """Words for the length floor: letter runs, plus one per character of an unspaced script."""
    unspaced = len(_UNSPACED.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + unspaced


def normalise_hint(hint: str | None) -> str | None:
    """"en-GB", "en_US", "EN" -> "en"; anything that is not a 2-letter code -> None."""
    if not hint:
        return None
    code = hint.strip().replace("_", "-").split("-")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``; for fewer than 20 words the normalised hint (or None)."""
    hint_code = normalise_hint(hint)
    if word_count(text) < MIN_WORDS:
        return hint_code
    ranked = _identifier().rank(text[:20_000])
    best, prob = ranked[0]
    if prob < _SURE and hint_code and hint_code != best:
        for lang, p in ranked[:5]:
            if lang == hint_code and p >= _HINT_MIN:
                return hint_code
    return best


def english_only(language: str | None):
    """A negative verdict for a text identified as non-English, else None.

    The deal rules and models read English; a German or Zulu article is not run through them
    (``is_investment = false``, score 0, reason ``language:<code>``). Unknown language (fewer
    than 20 words, no hint) still goes through the English rules.
    """
    from transforms.records import Classification

    if language is None or language == "en":
        return None
    return Classification(False, 0.0, (f"language:{language}",))

"""Language identification accuracy on the fundus news pages (``make eval-language``).

fundus ships no language labels, only a country folder per publisher. Two references:

* the page's declared ``<html lang>`` / content-language (scored without passing it as a hint,
  so the classifier is checked against an independent signal), and
* the country's languages (``COUNTRY_LANGUAGES``; a page in any of them counts as right, e.g.
  ``ch`` -> de/fr/it). Pages whose detection agrees with neither are listed for reading.

The text is what the pipeline itself extracts from the page (``extract_html``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from transforms.nlp.language import detect_language, normalise_hint
from transforms.records import RawDocument
from transforms.text.decode import InputRejected
from transforms.text.extract import extract_html, make_settings

FUNDUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "html-extraction" / "fundus"

# Folder -> languages a national outlet there publishes in (official/majority languages).
COUNTRY_LANGUAGES: dict[str, set[str]] = {
    "at": {"de"}, "au": {"en"}, "be": {"nl", "fr", "de"}, "ca": {"en", "fr"}, "ch": {"de", "fr", "it"},
    "cn": {"zh", "en"}, "cz": {"cs"}, "de": {"de"}, "dk": {"da"}, "es": {"es", "ca"}, "fr": {"fr"},
    "gl": {"kl", "da"}, "id": {"id"}, "il": {"he", "en"}, "ind": {"en", "hi"}, "isl": {"is"},
    "it": {"it"}, "jp": {"ja"}, "kr": {"ko"}, "lb": {"ar", "fr", "en"}, "li": {"de"}, "ls": {"en", "st"},
    "lt": {"lt"}, "lu": {"lb", "fr", "de"}, "mx": {"es"}, "my": {"ms", "en"}, "na": {"en", "af", "de"},
    "no": {"no", "nb", "nn"}, "pl": {"pl"}, "pt": {"pt"}, "py": {"es"}, "ru": {"ru"}, "se": {"sv"},
    "tr": {"tr"}, "tw": {"zh"}, "tz": {"sw", "en"}, "ua": {"uk"}, "uk": {"en"}, "us": {"en"},
    "vn": {"vi"}, "za": {"en", "af"},
}


def _pages(root: Path):
    for path in sorted(root.glob("test_data/*/*.html.gz")):
        yield path.parent.name, path


def run(root: Path, verbose: bool) -> dict:
    settings = make_settings()
    by_lang = Counter()
    declared_total = declared_right = country_total = country_right = 0
    no_text = 0
    misses: list[str] = []
    for country, path in _pages(root):
        html = gzip.decompress(path.read_bytes())
        doc = RawDocument(doc_id=path.name, source_kind="seed_file", source=str(path), url=None,
                          fetched_at=None, content=html, content_type="text/html")
        try:
            item = extract_html(doc, settings)
        except InputRejected:
            no_text += 1
            continue
        text = f"{item.title or ''}\n{item.text}"
        got = detect_language(text)
        by_lang[got] += 1
        declared = normalise_hint(item.language)
        if declared:
            declared_total += 1
            declared_right += got == declared or (declared in {"nb", "nn"} and got == "no")
        country_total += 1
        ok = got in COUNTRY_LANGUAGES.get(country, set())
        country_right += ok
        if not ok or (declared and got != declared):
            misses.append(f"{country}/{path.name}: detected={got} declared={declared} words={len(text.split())}")
    report = {
        "pages": country_total + no_text,
        "no_text": no_text,
        "vs_declared_lang": {"n": declared_total, "accuracy": round(declared_right / max(declared_total, 1), 4)},
        "vs_country_languages": {"n": country_total, "accuracy": round(country_right / max(country_total, 1), 4)},
        "detected": dict(by_lang.most_common()),
        "disagreements": misses,
    }
    print(json.dumps({k: v for k, v in report.items() if verbose or k != "disagreements"}, indent=2))
    if not verbose:
        print(f"{len(misses)} disagreements (--verbose lists them)")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=FUNDUS)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.root.exists():
        print(f"skipped: {args.root} not found (needs ../shared)")
        return 0
    run(args.root, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())

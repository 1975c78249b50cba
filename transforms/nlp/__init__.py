"""Entity-aware NLP layer: a cached spaCy English pipeline, typed entity spans, masking, language."""

"""Page and file text: decoding, extraction, metadata, dates, boilerplate, feed parsing, sentences (the pre-filter reads deal cues, so it lives in deals/)."""

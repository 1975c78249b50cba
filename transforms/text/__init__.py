"""Page and file text: decoding, extraction, metadata, dates, boilerplate, feed parsing, pre-filter."""

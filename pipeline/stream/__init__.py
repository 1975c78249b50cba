"""Streaming mode (docs/streaming.md): options, the unbounded graph, dedup state, recovery, `dealstream stream`."""

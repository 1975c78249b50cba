"""Archive mode (docs/backfill.md): WARC scan and read, the side index, options, backfill batches."""

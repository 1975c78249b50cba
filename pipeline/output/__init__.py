"""Writing DIR: partitioned Parquet writers, known documents, the writer lock, compaction, schema export."""

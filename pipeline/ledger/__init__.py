"""The deal ledger under DIR: read committed investment rows, match them into deals, write the snapshot."""

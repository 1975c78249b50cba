"""The deal ledger's rules: one real-world deal from many investment rows (names, matching, status)."""

"""The hash-chained ledger: sealing, storage, signed checkpoints and their verification."""

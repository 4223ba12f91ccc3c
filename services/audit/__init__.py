"""Audit service: the hash-chained ledger of every event, lineage, flows and disclosures."""

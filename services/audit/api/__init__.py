"""HTTP routers of the audit service: ledger, lineage and reports, with who may read what."""

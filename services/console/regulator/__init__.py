"""The regulator's pages: financing flows, the Hunan map, the ledger, disclosures, rankings,
lineage and pipeline health, each rendered on the server so it reads without JavaScript."""

"""Matching's SQL, one module per table family: lenders and mandates, scored projects, deals
and loans, and the lenders' deal feeds."""

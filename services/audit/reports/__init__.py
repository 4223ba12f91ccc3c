"""Regulator reports from the read model: financing flows, CERF disclosures, scorecards. Pure."""

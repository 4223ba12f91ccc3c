"""Matching: lenders, mandates, deals, responses, capacity and allocation plans."""

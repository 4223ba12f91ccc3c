"""Scoring a batch: the 0-100 formula, data quality and ranks."""

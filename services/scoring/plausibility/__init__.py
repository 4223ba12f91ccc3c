"""Plausibility: hard physical and norm checks, then the learned peer model."""

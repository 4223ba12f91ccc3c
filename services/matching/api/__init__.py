"""Matching's HTTP routers."""

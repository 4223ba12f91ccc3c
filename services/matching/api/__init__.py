"""Matching's HTTP API, one router per resource; `access` holds the checks they share."""

"""Plumbing written once for every GreenLink service: settings, database, outbox, inbox, HTTP."""

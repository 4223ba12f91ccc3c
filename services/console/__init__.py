"""The web console: server-rendered pages for enterprises, lenders and regulators."""

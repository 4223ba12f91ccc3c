"""Emission-reduction estimates: methodologies, their worksheet, factor sets, crediting."""

"""The deal ranker: a model of lenders' answers, evaluated against the fixed-weight fit."""

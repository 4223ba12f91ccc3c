"""Hunan demo data, emission-factor sets and the synthetic-data generator (`seeds.synthetic`)."""

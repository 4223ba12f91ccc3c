"""Green taxonomy tags and the Hunan carbon-peak plan targets a project's data can meet."""

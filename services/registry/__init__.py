"""Registry service: enterprises and their low-carbon projects, with version history."""

"""Which mandates a scored project meets, how well it fits them, and which deals that opens or
withdraws: pure, vectorized over the whole mandate book."""

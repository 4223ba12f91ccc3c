"""Tables kept from ledgered events for reports and lineage: their writes, queries and replay."""

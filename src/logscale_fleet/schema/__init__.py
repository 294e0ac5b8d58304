"""Schema tools: prune a full LogScale schema to the fleet slice, check operations against it."""

"""Schema tools: prune a full LogScale schema to the fleet slice (pull), update it and regenerate
the client (update, diff), and check operations against it and other versions (check, report,
annotations, github, sarif)."""

"""Per-resource services of the sandbox: each a state module (rules over SQLite) and resolvers."""

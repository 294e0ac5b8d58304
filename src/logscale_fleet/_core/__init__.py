"""Policy every resource shares: settings, HTTP, the operation registry, execution, errors.

Nothing here imports a resource module, the reconcile engine or the CLI (import contracts in
pyproject.toml keep it so).
"""

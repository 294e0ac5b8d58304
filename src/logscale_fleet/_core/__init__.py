"""Policy every resource shares: HTTP, the operation registry, execution, paging, errors.

Nothing here imports a resource module, the reconcile engine or the CLI (import contracts in
pyproject.toml keep it so).
"""

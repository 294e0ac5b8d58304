"""The package version, declared here only: pyproject.toml reads it (hatch dynamic version) and
`logscale_fleet.__version__` re-exports it. Its own module so the HTTP layer can read it without
importing the package's public surface."""

__version__ = "0.1.0"

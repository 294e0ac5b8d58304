"""Benchmarks, run by hand (not in CI). `python -m bench --help` lists the parts.

uv run --group bench python -m bench              everything, one Markdown report
uv run --group bench python -m bench.percall      per-call cost vs raw httpx/aiohttp and gql
uv run python -m bench.profile_calls              where FleetClient's per-call time goes
uv run python -m bench.startup                    CLI and import start-up
uv run python -m bench.tooling                    codegen, schema check, schema pull
uv run python -m bench.sandbox_throughput         sandbox creates per second
uv run python -m bench.chaos                      the long reliability run (not timing)
"""

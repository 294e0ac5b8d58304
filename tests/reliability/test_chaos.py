"""The chaos run, sized for CI: 500 creates and ensures at concurrency 20, ~20% of requests
faulted. bench/chaos.py runs the long form."""

from __future__ import annotations

import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.reliability.chaos import run_chaos


async def test_chaos_loses_nothing_and_duplicates_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ThreadedSandbox() as sandbox:
        report = await run_chaos(sandbox, ensure_names=50, ensures_per_name=5, creates=250)
    with capsys.disabled():
        print("\n" + report.format())
    assert report.calls == 500
    assert report.undocumented == []
    assert report.succeeded + sum(report.failures.values()) == report.calls
    # The run must really be chaotic for its verdicts to mean anything.
    assert sum(report.faults_injected.values()) >= 0.1 * report.requests
    assert sum(report.retries.values()) > 0
    assert report.ensure_duplicates == {}
    assert report.unexplained_orphans == []

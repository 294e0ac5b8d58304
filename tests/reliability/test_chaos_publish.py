"""Chaos run of publish: writers publish new versions of a few configurations through ~20% faulted
requests (lost answers included), two writers per configuration racing.

Afterwards each configuration's version history in the sandbox is compared with what the
writers were told. No lost version: every publish reported as done is in the history, at the
version the caller was given. No doubled version: no text was published twice (a blind resend
after a publish that landed would do exactly that). Every version nobody was told about is
explained by a failure after which the caller could not read the version back.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from logscale_fleet import ConflictError, FleetClient, LogScaleError
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.reliability.chaos import FAULTS, READ_TIMEOUT

CONFIGURATIONS = 3
WRITERS_PER_CONFIGURATION = 2
PUBLISHES_PER_WRITER = 20


@dataclass
class Report:
    calls: int = 0
    published: int = 0
    conflicts: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    undocumented: list[str] = field(default_factory=list)
    requests: int = 0
    faults: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    orphans: int = 0
    seconds: float = 0.0

    def format(self) -> str:
        return "\n".join(
            [
                f"publish chaos: {self.calls} publishes in {self.seconds:.1f} s, "
                f"{self.requests} requests, {self.faults} faults injected",
                f"  published: {self.published}, conflicts (a rival won): {self.conflicts}, "
                f"failed: {sum(self.failures.values())} {dict(sorted(self.failures.items()))}",
                f"  undocumented: {len(self.undocumented)}, lost: {len(self.lost)}, "
                f"doubled: {len(self.doubled)}, versions nobody was told about: {self.orphans} "
                f"(unexplained: {len(self.unexplained)})",
            ]
        )


async def run(sandbox: ThreadedSandbox, seed: int) -> Report:
    report = Report()
    sandbox.reset()
    told: dict[str, int] = {}  # text -> the version its publisher was told
    failed: set[str] = set()  # texts whose publish raised something other than a conflict
    started = time.perf_counter()
    async with FleetClient(sandbox.url, sandbox.token, timeout=READ_TIMEOUT) as fleet:
        ids = [
            (await fleet.configurations.create(f"chaos-{n}", "a: 0\n")).id
            for n in range(CONFIGURATIONS)
        ]
        sandbox.set_faults(FAULTS, seed=seed)

        async def writer(config_id: str, who: str) -> None:
            for i in range(PUBLISHES_PER_WRITER):
                text = f"writer: {who}\nn: {i}\n"
                report.calls += 1
                try:
                    current = await fleet.configurations.get(config_id)
                    done = await fleet.configurations.publish(
                        config_id, text, expected_version=current.version
                    )
                except ConflictError:
                    report.conflicts += 1
                except LogScaleError as error:
                    report.failures[type(error).__name__] += 1
                    failed.add(text)
                except Exception as error:  # a bug: reported, not hidden
                    report.undocumented.append(f"{who} {i}: {error!r}")
                else:
                    report.published += 1
                    told[text] = done.version

        await asyncio.gather(
            *(
                writer(config_id, f"{n}-{w}")
                for n, config_id in enumerate(ids)
                for w in range(WRITERS_PER_CONFIGURATION)
            )
        )
    report.seconds = time.perf_counter() - started
    counts = sandbox.fault_counts()
    injected = counts.get("injected", {})
    report.faults = sum(injected.values()) if isinstance(injected, dict) else 0
    requests = counts.get("requests", 0)
    report.requests = requests if isinstance(requests, int) else 0
    sandbox.clear_faults()
    sandbox.wait_idle()

    history: dict[str, int] = {}
    for config_id in ids:
        versions = sandbox.store.configurations.versions(config_id)
        assert [v for v, _ in versions] == list(range(1, len(versions) + 1))
        for version, text in versions:
            assert text is not None
            if text in history:
                report.doubled.append(text)
            history[text] = version
    report.lost = [t for t, v in told.items() if history.get(t) != v]
    orphans = [t for t in history if t not in told]
    report.orphans = len(orphans)
    report.unexplained = [t for t in orphans if t not in failed]
    return report


@pytest.mark.parametrize("seed", [1])
async def test_publish_through_faults_loses_and_doubles_no_version(
    capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    with ThreadedSandbox() as sandbox:
        report = await run(sandbox, seed)
    with capsys.disabled():
        print("\n" + report.format())
    assert report.calls == CONFIGURATIONS * WRITERS_PER_CONFIGURATION * PUBLISHES_PER_WRITER
    assert report.undocumented == []
    assert report.published + report.conflicts + sum(report.failures.values()) == report.calls
    assert report.faults >= 0.1 * report.requests  # chaotic enough to mean something
    assert report.published > 0
    assert report.lost == []
    assert report.doubled == []
    assert report.unexplained == []

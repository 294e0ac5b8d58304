"""What a new or reset sandbox holds: three configurations and one default token.

LogScale's own documentation examples for createFleetInstallToken pass configId "123456"; the
seeded configuration with that id (DOCS_EXAMPLE_CONFIG_ID) lets them run unchanged.
"""

from __future__ import annotations

from logscale_fleet.sandbox.services.configurations.state import Configuration

__all__ = ["DEFAULT_TOKEN_NAME", "DOCS_EXAMPLE_CONFIG_ID", "SEED_CONFIGURATIONS"]

DOCS_EXAMPLE_CONFIG_ID = "123456"

_LINUX_YAML = """\
dataDirectory: /var/lib/humio-log-collector
sources:
  var_log:
    type: file
    include: /var/log/*.log
    exclude: /var/log/*.gz
    sink: logscale
  journal:
    type: journald
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
    maxBatchSize: 16MB
"""

_WINDOWS_YAML = """\
dataDirectory: C:\\ProgramData\\LogScale Collector
sources:
  windows_events:
    type: wineventlog
    channels:
      - name: Application
      - name: Security
      - name: System
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""

_DOCS_YAML = """\
sources:
  var_log:
    type: file
    include: /var/log/syslog
    sink: logscale
sinks:
  logscale:
    type: humio
    token: ${LOGSCALE_INGEST_TOKEN}
    url: https://logscale.example.com
"""

SEED_CONFIGURATIONS: tuple[Configuration, ...] = (
    Configuration(
        id="xK3mQ9vLpR2sT7wYbN4cF8hJ1dG6zA0e",
        name="linux-syslog",
        yaml=_LINUX_YAML,
        draft=None,
        version=3,
        modified_at="2025-09-18T08:12:44.512Z",
        draft_modified_at=None,
        modified_by="platform-team@example.com",
        instances=12,
        description="Collect /var/log and journald from Linux servers",
        is_test_running=False,
    ),
    Configuration(
        id="Hj7Kp2Qw9Er4Ty6Ui1Op3As5Df8Gh0Jk",
        name="windows-events",
        yaml=_WINDOWS_YAML,
        draft=_WINDOWS_YAML.replace("      - name: System\n", ""),
        version=1,
        modified_at="2025-08-02T14:03:10.000Z",
        draft_modified_at="2025-10-06T09:41:27.250Z",
        modified_by="secops@example.com",
        instances=4,
        description="Application, Security and System event logs from Windows hosts",
        is_test_running=False,
    ),
    Configuration(
        id=DOCS_EXAMPLE_CONFIG_ID,
        name="docs-example",
        yaml=_DOCS_YAML,
        draft=None,
        version=1,
        modified_at="2025-07-24T00:00:00.000Z",
        draft_modified_at=None,
        modified_by="sandbox",
        instances=0,
        description="The configId LogScale's documentation examples use, so they run unchanged",
        is_test_running=False,
    ),
)

DEFAULT_TOKEN_NAME = "default"  # noqa: S105 - a name, not a secret

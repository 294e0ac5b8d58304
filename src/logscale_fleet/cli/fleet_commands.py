"""`logscale-fleet plan FILE` and `logscale-fleet apply FILE`: fleet as code."""

from __future__ import annotations

import argparse
from typing import Any

from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.session import api_command

FILE_FORMAT = """\
The file (YAML or TOML, chosen by extension, else by content) declares collector configurations
(name, a YAML file relative to the declaration, optional description) and install tokens by
name, each token with at most one of config_id or config_name (neither: no configuration); a
config_name may name a configuration the same file declares:

  # fleet.yaml                       # fleet.toml
  configurations:                    [[configurations]]
    - name: linux-syslog             name = "linux-syslog"
      file: configs/linux.yaml       file = "configs/linux.yaml"
  tokens:                            [[tokens]]
    - name: web-servers              name = "web-servers"
      config_name: linux-syslog      config_name = "linux-syslog"
    - name: windows-hosts
      config_id: "Hj7Kp2Qw..."       [[tokens]]
    - name: spare                    name = "windows-hosts"
                                     config_id = "Hj7Kp2Qw..."

Collector groups (applied after the configurations they name; an omitted key means none):

  groups:                            [[groups]]
    - name: prod-web                 name = "prod-web"
      filter: 'hostname = "web*"'    filter = 'hostname = "web*"'
      configurations: [linux-syslog] configurations = ["linux-syslog"]
      wanted_version: "1.9.1"        wanted_version = "1.9.1"

(A YAML file may also be the bare list of tokens.) Configurations are created or published
(guarded by the version read at plan time) before the tokens and groups that reference them.
The whole file is checked first, configuration files included, and every problem is reported
with its place; nothing changes unless it is all valid.
"""

PLAN_DESCRIPTION = (
    "Show what `apply` would change to make the server match the declaration, and change "
    "nothing: `+` create, `~` update (with the difference), `-` delete (with --prune), then "
    "`Plan: 3 to create, 1 to update, 0 to delete`. With --detailed-exitcode: exit 0 when the "
    "server matches the file, 7 when changes are pending (for drift checks in CI).\n\n"
    + FILE_FORMAT
)

APPLY_DESCRIPTION = (
    "Make the server match the declaration: shows the plan, then applies it in dependency "
    "order, up to --concurrency changes at a time, with progress on a terminal. Deleting "
    "(--prune) asks on a terminal and needs --yes otherwise, and a plan deleting more than "
    "--max-deletes is refused. Running it again changes nothing.\n\n" + FILE_FORMAT
)


def register(commands: Any) -> None:
    from logscale_fleet.cli import apply

    common = leaf_options()
    plan = commands.add_parser(
        "plan",
        help="show what apply would change (fleet as code)",
        description=PLAN_DESCRIPTION,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_file_argument(plan)
    plan.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 7 when changes are pending, 0 when the server matches the file",
    )
    plan.set_defaults(handler=api_command(apply.run_plan, check=apply.load_declaration))

    run = commands.add_parser(
        "apply",
        help="make the server match a declaration file (fleet as code)",
        description=APPLY_DESCRIPTION,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_file_argument(run)
    apply.add_apply_arguments(run)
    run.set_defaults(handler=api_command(apply.run_apply, check=apply.load_declaration, bulk=True))

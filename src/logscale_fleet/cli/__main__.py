"""`python -m logscale_fleet.cli`: the same as the `logscale-fleet` console script."""

import sys

from logscale_fleet.cli.main import main

sys.exit(main())

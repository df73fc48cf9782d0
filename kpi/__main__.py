"""Entry point for `python -m kpi`."""

import sys

from kpi.cli.main import main

sys.exit(main())

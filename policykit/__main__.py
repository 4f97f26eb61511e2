"""`python -m policykit`: the same as the `policykit` command."""

import sys

from policykit.cli import main

sys.exit(main())

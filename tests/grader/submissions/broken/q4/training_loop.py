"""A q4 that exits while it is being imported."""

import sys

sys.exit(0)

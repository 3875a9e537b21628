"""`python -m qlint` is the `qlint` console script."""

import sys

from qlint.cli import main

sys.exit(main())

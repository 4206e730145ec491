"""`python -m hdoc.cli`: the same as `hdoc`."""

import sys

from hdoc.cli import main

sys.exit(main())

"""Entry point for ``python -m kilocli``."""

import sys

from kilocli.cli import main

sys.exit(main())

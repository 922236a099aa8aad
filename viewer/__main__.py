"""`python -m viewer`: the same entry point as the `trialviewer` command."""

import sys

from viewer.main import main

sys.exit(main())

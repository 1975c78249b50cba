"""``python -m pipeline`` is the same as the ``dealstream`` console script."""

import sys

from pipeline.entry import main

sys.exit(main())

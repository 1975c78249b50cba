"""Flex Template launcher entry (FLEX_TEMPLATE_PYTHON_PY_FILE): submit the batch graph, don't wait."""

import sys

from pipeline.dataflow.flex_template import main

if __name__ == "__main__":
    sys.exit(main())

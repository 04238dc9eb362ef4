import sys

from tools.houselint.cli import main

sys.exit(main())

"""``python -m appliance`` does what the ``hinge-mirror`` console script does."""

import sys

from appliance.cli import main

sys.exit(main())

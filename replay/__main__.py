"""``python -m zonewatch.replay`` serves the replay sites in the foreground."""

import sys

from zonewatch.replay.runner import main

sys.exit(main())

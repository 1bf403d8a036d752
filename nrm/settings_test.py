"""Settings for pytest: the ordinary settings in the ``test`` environment (fast hashing)."""

import os

os.environ.setdefault("NRM_ENVIRONMENT", "test")

from nrm.settings import *  # noqa: F403

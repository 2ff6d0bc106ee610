"""Where the real third-party test data lies: ``../shared/realdata`` beside the checkout, or
the folder named by ``MMSYNTH_REALDATA`` (where the checkout travels without it, as to a
lent GPU machine). Tests that need it skip when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

REALDATA = Path(os.environ.get("MMSYNTH_REALDATA") or Path(__file__).resolve().parents[2] / "shared" / "realdata")
TEXT_PHOTOS = REALDATA / "text_photos"
BASEBALL = REALDATA / "provision_baseball"

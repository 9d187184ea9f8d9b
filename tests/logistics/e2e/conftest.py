# The suite's headless Chromium (Debian's /usr/bin/chromium), shared with tests/e2e.
from tests.e2e.conftest import browser, page

__all__ = ["browser", "page"]

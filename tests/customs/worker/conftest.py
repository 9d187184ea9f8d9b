# The real worker of tests/worker, for the customs jobs' own worker tests.
from tests.worker.conftest import (  # noqa: F401
    celery_worker_process,
    dump_worker_log_on_failure,
    pytest_runtest_makereport,
)

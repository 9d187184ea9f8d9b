# The suite's real Celery worker (tests/worker), for the import job tests.
from tests.worker.conftest import (
    celery_worker_process,
    dump_worker_log_on_failure,
    pytest_runtest_makereport,
)

__all__ = ["celery_worker_process", "dump_worker_log_on_failure", "pytest_runtest_makereport"]

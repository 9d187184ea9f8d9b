from __future__ import annotations

import json
import logging

from ewtp.core.logs import JsonFormatter
from ewtp.core.request_id import RequestIdLogFilter, current_request_id


def test_log_lines_are_json_with_the_request_id_and_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "ewtp.test",
            "levelname": "INFO",
            "msg": "declaration %s released",
            "args": ("D-1",),
            "declaration_id": "D-1",
        }
    )
    token = current_request_id.set("req-77")
    try:
        RequestIdLogFilter().filter(record)
    finally:
        current_request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "declaration D-1 released"
    assert line["request_id"] == "req-77"
    assert line["declaration_id"] == "D-1"
    assert line["level"] == "INFO"
    assert line["ts"].endswith("+00:00")


def test_a_job_queued_by_a_request_logs_with_that_requests_id():
    from types import SimpleNamespace

    from ewtp.core.request_id import adopt_from_task, carry_into_task

    headers: dict[str, object] = {}
    token = current_request_id.set("req-queued-it")
    try:
        carry_into_task(headers)
    finally:
        current_request_id.reset(token)
    assert headers == {"request_id": "req-queued-it"}

    token = adopt_from_task(SimpleNamespace(request_id="req-queued-it", id="task-1"))
    try:
        assert current_request_id.get() == "req-queued-it"
    finally:
        current_request_id.reset(token)
    token = adopt_from_task(SimpleNamespace(id="task-2"))
    try:
        assert current_request_id.get() == "task-2"
    finally:
        current_request_id.reset(token)

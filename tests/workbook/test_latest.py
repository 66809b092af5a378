"""Work for the newest request only (what keeps the explorer's charts at the speed of a drag)."""

import threading

import pytest

from outsourcing_risk.workbook.latest import Latest


def test_requests_made_during_work_collapse_into_the_newest():
    started, release = threading.Event(), threading.Event()
    seen = []

    def work(item, stale):
        started.set()
        release.wait(10)
        seen.append((item, stale()))

    latest = Latest(work)
    latest.submit(1)
    assert started.wait(10)
    for item in (2, 3, 4, 5):  # arrive while 1 is being worked on
        latest.submit(item)
    release.set()
    assert latest.wait(10)
    # 1 ran and learnt that it was overtaken; 2-4 never ran; 5 ran and was current.
    assert seen == [(1, True), (5, False)]


def test_a_failing_run_does_not_stop_later_ones(monkeypatch):
    reported = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_type))
    seen = []

    def work(item, _stale):
        if item == "bad":
            raise RuntimeError("boom")
        seen.append(item)

    latest = Latest(work)
    latest.submit("bad")
    assert latest.wait(10)
    latest.submit("good")
    assert latest.wait(10)
    assert seen == ["good"]
    assert reported == [RuntimeError]


@pytest.mark.parametrize("n", [1, 50])
def test_wait_returns_once_everything_submitted_was_dealt_with(n):
    seen = []
    latest = Latest(lambda item, _stale: seen.append(item))
    for i in range(n):
        latest.submit(i)
    assert latest.wait(10)
    assert seen[-1] == n - 1

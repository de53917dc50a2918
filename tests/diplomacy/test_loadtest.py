"""The load test's readers share a quota of requests, so memory is measured after enough."""

import threading

from diplomacy.loadtest.readers import Quota


def test_a_quota_hands_out_exactly_its_requests_across_threads():
    quota = Quota(10_000)
    granted = []

    def take():
        count = 0
        while quota.wanted():
            count += 1
        granted.append(count)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 10_000
    assert not quota.wanted()

"""The live views' rebuild budget: a quiet server updates every few seconds, a busy one less often."""

import pytest

from server.live_budget import BuildBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cheap_views_are_rebuilt_at_the_minimum_interval():
    budget = BuildBudget(Clock())
    for run in range(5):
        budget.record(run, 0.002)
    assert budget.interval(5, 0.02) == 5


def test_thirty_expensive_views_stretch_the_interval_to_keep_within_the_share():
    budget = BuildBudget(Clock())
    for run in range(30):
        budget.record(run, 0.05)
    # 30 views x 50 ms = 1.5 s of building per round; at 2 % of the time that is a round every 75 s
    assert budget.interval(5, 0.02) == pytest.approx(75.0)


def test_views_nobody_rebuilt_for_longer_than_the_window_stop_counting():
    clock = Clock()
    budget = BuildBudget(clock)
    for run in range(30):
        budget.record(run, 0.05)
    assert budget.interval(5, 0.02) == pytest.approx(75.0)
    clock.now += 151  # more than twice the last interval: those teachers closed their pages
    budget.record("only one left", 0.05)
    assert budget.interval(5, 0.02) == 5


def test_a_view_counts_once_however_often_it_is_rebuilt():
    budget = BuildBudget(Clock())
    for _ in range(10):
        budget.record("run 1", 0.2)
    assert budget.interval(5, 0.02) == pytest.approx(10.0)

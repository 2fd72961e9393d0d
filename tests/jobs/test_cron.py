"""Standard cron semantics on top of APScheduler 3 (jobs/cron.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from jobs.cron import CronError, cron_trigger, translate_weekdays
from jobs.settings import desired_jobs, service_settings
from newsspider.config import Config, ConfigError

# A Wednesday.
START = datetime(2026, 11, 25, tzinfo=UTC)


def fires(expression: str, count: int = 4, jitter: float = 0) -> list[datetime]:
    trigger = cron_trigger(expression, "UTC", jitter)
    times: list[datetime] = []
    previous = None
    moment = START
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, moment)
        times.append(fire)
        previous = fire
        moment = fire + timedelta(microseconds=1)
    return times


@pytest.mark.parametrize("expression", ["0 9 * * 0", "0 9 * * 7", "0 9 * * sun"])
def test_weekday_zero_and_seven_mean_sunday(expression):
    assert {f.strftime("%a") for f in fires(expression)} == {"Sun"}


def test_weekday_range_one_to_five_means_monday_to_friday():
    days = [f.strftime("%a") for f in fires("0 9 * * 1-5", count=5)]
    assert sorted(days) == sorted(["Mon", "Tue", "Wed", "Thu", "Fri"])


@pytest.mark.parametrize(
    ("field", "translated"),
    [
        ("*", "*"),
        ("0", "6"),
        ("7", "6"),
        ("1", "0"),
        ("0-6", "0,1,2,3,4,5,6"),
        ("5-7", "4,5,6"),
        ("*/2", "1,3,5,6"),
        ("1-5/2", "0,2,4"),
        ("0,3", "2,6"),
        ("mon-fri", "mon-fri"),
        ("6,sun", "5,sun"),
    ],
)
def test_translate_weekdays_from_standard_cron_to_apscheduler(field, translated):
    assert translate_weekdays(field) == translated


@pytest.mark.parametrize("field", ["8", "3-1", "1/0"])
def test_out_of_range_weekdays_are_refused(field):
    with pytest.raises(CronError, match="day of week"):
        cron_trigger(f"0 9 * * {field}", "UTC")


def test_restricted_day_of_month_and_weekday_fire_on_either_like_cron():
    # The 1st of the month OR any Monday, as in Vixie cron (APScheduler alone would AND them).
    assert fires("0 0 1 * 1", count=3) == [
        datetime(2026, 11, 30, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2026, 12, 7, tzinfo=UTC),
    ]


def test_six_fields_start_with_seconds():
    assert fires("*/15 * * * * *", count=3) == [
        START,
        START + timedelta(seconds=15),
        START + timedelta(seconds=30),
    ]


def test_jitter_delays_each_fire_by_at_most_the_jitter():
    for exact, jittered in zip(fires("*/5 * * * *"), fires("*/5 * * * *", jitter=30), strict=True):
        assert timedelta(0) <= jittered - exact <= timedelta(seconds=30)


@pytest.mark.parametrize("expression", ["* * * *", "61 * * * *", "0 9 * * 1 2 3"])
def test_bad_expressions_name_the_expression(expression):
    with pytest.raises(CronError, match=re.escape(f"cron {expression!r}")):
        cron_trigger(expression, "UTC")


def test_a_bad_schedule_is_a_config_error_naming_the_key():
    config = Config.model_validate({"schedule": {"groups": {"korea": "*/20 * * *"}}})
    with pytest.raises(ConfigError, match=r"^schedule\.groups\.korea: cron '\*/20 \* \* \*': "):
        desired_jobs(config, service_settings(config))

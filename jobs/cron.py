"""Standard cron expressions as APScheduler 3 triggers.

APScheduler's `CronTrigger.from_crontab` numbers weekdays from Monday = 0, rejects 7 and ANDs a
restricted day-of-month with a restricted day-of-week. Users write standard (Vixie) cron, where
0 and 7 are Sunday and such a pair means "either day", so expressions are translated here.
"""

from __future__ import annotations

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class CronError(ValueError):
    """A cron expression that cannot be used; the message names the expression."""


def translate_weekdays(field: str) -> str:
    """Rewrite a standard cron day-of-week field (0/7 = Sunday) for APScheduler (0 = Monday).

    Numbers, ranges and steps become an explicit list of APScheduler weekday numbers, because
    a range such as Sunday-Saturday cannot be written as an APScheduler range. Names pass
    through: they mean the same in both.
    """
    if field == "*":
        return field
    days: set[int] = set()
    kept: list[str] = []
    for part in field.split(","):
        spec, _, step_text = part.partition("/")
        if spec != "*" and not spec.replace("-", "").isdigit():
            kept.append(part)
            continue
        step = int(step_text) if step_text else 1
        if spec == "*":
            first, last = 0, 6
        elif "-" in spec:
            first, last = (int(value) for value in spec.split("-", 1))
        else:
            first = last = int(spec)
            if step_text:
                last = 7
        if not (0 <= first <= last <= 7) or step < 1:
            raise CronError(f"day of week {part!r}: use 0-7 (0 and 7 are Sunday) or names")
        days.update((day - 1) % 7 for day in range(first, last + 1, step))
    return ",".join([*(str(day) for day in sorted(days)), *kept])


def cron_trigger(expression: str, timezone: str, jitter: float = 0) -> BaseTrigger:
    """A trigger for `expression`: "min hour dom mon dow", or "sec min hour dom mon dow".

    The six-field form (seconds first) is an extension for tests and fine-grained schedules.
    """
    fields = expression.split()
    if len(fields) == 5:
        fields.insert(0, "0")
    if len(fields) != 6:
        raise CronError(
            f"cron {expression!r}: expected 5 fields (min hour dom mon dow) "
            f"or 6 (sec min hour dom mon dow), got {len(fields)}"
        )
    second, minute, hour, day, month, weekday_field = fields
    common = {
        "second": second,
        "minute": minute,
        "hour": hour,
        "month": month,
        "timezone": timezone,
    }
    try:
        weekday = translate_weekdays(weekday_field)
        if day.startswith("*") or weekday_field.startswith("*"):
            return CronTrigger(day=day, day_of_week=weekday, jitter=jitter or None, **common)
        by_day = CronTrigger(day=day, **common)
        by_weekday = CronTrigger(day_of_week=weekday, **common)
        return OrTrigger([by_day, by_weekday], jitter=jitter or None)
    except ValueError as exc:
        raise CronError(f"cron {expression!r}: {exc}") from None

"""Golden pages: each tests/data/pages/NAME.html has NAME.expected.json beside it.

The expected file gives the page URL and time zone, the exact record fields to compare,
sentences the body must contain or start/end with, boilerplate it must not contain, or
``not_article`` with the reason.
"""

from __future__ import annotations

import difflib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsspider.extraction.errors import NotAnArticle
from newsspider.extraction.extract import extract_article

PAGES = Path(__file__).parent.parent / "data" / "pages"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
CASES = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def _diff(expected: dict, actual: dict) -> str:
    want = json.dumps(expected, indent=2, ensure_ascii=False, sort_keys=True).splitlines()
    got = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(want, got, "expected", "extracted", lineterm=""))


@pytest.mark.parametrize("name", CASES)
def test_golden_page(name: str) -> None:
    spec = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    html = (PAGES / f"{name}.html").read_bytes()
    kwargs = {"timezone": spec.get("timezone", "UTC"), "encoding": spec.get("encoding"), "now": NOW}

    if spec.get("not_article"):
        with pytest.raises(NotAnArticle) as raised:
            extract_article(html, spec["url"], **kwargs)
        assert spec["reason"] in raised.value.reason
        return

    record = extract_article(html, spec["url"], **kwargs)
    expected = spec["fields"]
    actual = {key: record.get(key) for key in expected}
    assert actual == expected, f"{name}: fields differ\n{_diff(expected, actual)}"

    methods = {key: record["extraction"].get(key) for key in spec.get("extraction", {})}
    assert methods == spec.get("extraction", {}), _diff(spec.get("extraction", {}), methods)

    body = record["body"]
    problems = [f"missing: {s!r}" for s in spec.get("body_contains", []) if s not in body]
    problems += [f"boilerplate: {s!r}" for s in spec.get("body_not_contains", []) if s in body]
    if "body_starts_with" in spec and not body.startswith(spec["body_starts_with"]):
        problems.append(f"starts with {body[:80]!r}, expected {spec['body_starts_with']!r}")
    if "body_ends_with" in spec and not body.endswith(spec["body_ends_with"]):
        problems.append(f"ends with {body[-80:]!r}, expected {spec['body_ends_with']!r}")
    assert not problems, (
        f"{name}: body problems\n" + "\n".join(problems) + f"\n--- body ---\n{body}"
    )

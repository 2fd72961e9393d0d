from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.dedup.revisions import compare_revision, due_rechecks

BODY = "First paragraph of the story.\n\nSecond paragraph.\n\nThird paragraph with a quote."


def test_whitespace_and_case_only_edits_are_not_a_revision():
    result = compare_revision("Fire grows", BODY, 1, "FIRE  grows", BODY.replace(" ", "  "))
    assert not result.changed
    assert result.revision == 1
    assert result.summary == "unchanged"
    assert result.diff == ""


def test_added_and_removed_paragraphs_are_counted_and_diffed():
    body = BODY.replace("\n\nSecond paragraph.", "") + "\n\nUpdate: a new fact.\n\nAnd another."
    result = compare_revision("Fire grows", BODY, 2, "Fire grows", body)
    assert result.changed and result.body_changed and not result.title_changed
    assert result.revision == 3
    assert (result.paragraphs_added, result.paragraphs_removed) == (2, 1)
    assert result.summary == "+2 \u22121 paragraphs"
    assert "-Second paragraph." in result.diff and "+Update: a new fact." in result.diff


def test_title_change_alone_is_a_revision():
    result = compare_revision("Fire grows", BODY, 1, "Fire grows to 5,000 acres", BODY)
    assert result.changed and result.title_changed and not result.body_changed
    assert result.summary == "title changed"
    assert result.diff.splitlines()[:2] == [
        "-title: Fire grows",
        "+title: Fire grows to 5,000 acres",
    ]


def test_diff_of_a_rewritten_story_is_truncated():
    old = "\n\n".join(f"Old paragraph {n}." for n in range(100))
    new = "\n\n".join(f"New paragraph {n}." for n in range(100))
    result = compare_revision("T", old, 1, "T", new, max_diff_lines=10)
    assert result.summary == "+100 \u2212100 paragraphs"
    lines = result.diff.splitlines()
    assert len(lines) == 11 and lines[-1].endswith("more lines)")


def test_rechecks_fall_due_at_each_offset_once():
    first = datetime(2026, 11, 5, 8, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert not due_rechecks(first, first, first + 30 * timedelta(minutes=1))
    assert due_rechecks(first, first, first + hour)
    assert not due_rechecks(first, first + hour, first + 5 * hour)
    assert due_rechecks(first, first + hour, first + 6 * hour)
    # missed milestones collapse into one re-check
    assert due_rechecks(first, first, first + 30 * hour)
    assert not due_rechecks(first, first + 30 * hour, first + 300 * hour)


def test_recheck_offsets_are_configurable():
    first = datetime(2026, 11, 5, tzinfo=UTC)
    offsets = (timedelta(days=3),)
    assert not due_rechecks(first, first, first + timedelta(days=2), offsets)
    assert due_rechecks(first, first, first + timedelta(days=3), offsets)

"""Highlights, diffs and the chart: escaped first, marked second."""

from __future__ import annotations

from newsspider.relevance import parse_query
from newsspider.web.chart import bar_chart
from newsspider.web.diffs import sentence_changes, word_diff
from newsspider.web.highlight import hit_words, mark, snippet


def test_marks_query_words_as_the_query_matches_them_but_not_negated_ones():
    words = hit_words(parse_query('"north korean" troop* NOT missile 북한'))
    text = "North Korean troops, not missiles; 북한군은 <b>"
    assert str(mark(text, words)) == (
        "<mark>North</mark> <mark>Korean</mark> <mark>troops</mark>, not missiles; "
        "<mark>북한군은</mark> &lt;b&gt;"
    )


def test_marking_never_lets_markup_through():
    words = hit_words(parse_query("script"))
    assert str(mark('<script>x</script>"', words)) == (
        "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;&#34;"
    )


def test_snippet_is_cut_around_the_first_hit():
    body = " ".join(f"w{n}" for n in range(100)) + " Kursk " + "tail " * 50
    shown = str(snippet({"body": body}, hit_words(parse_query("kursk"))))
    assert shown.startswith("… w") and "<mark>Kursk</mark>" in shown and shown.endswith(" …")


def test_sentence_changes_show_what_a_copy_added_and_dropped():
    changes = sentence_changes("One. Two. Three.", "One. Three! Four?")
    assert [(c.kind, c.text) for c in changes] == [
        ("same", "One."),
        ("removed", "Two."),
        ("removed", "Three."),
        ("added", "Three!"),
        ("added", "Four?"),
    ]


def test_word_diff_wraps_changed_words_after_escaping():
    diff = str(word_diff("sent 1,000 <troops>", "sent 3,000 <troops>"))
    assert diff == "sent <del>1,000</del><ins>3,000</ins> &lt;troops&gt;"


def test_chart_escapes_labels_and_flags_zero_bars():
    svg = str(bar_chart({"<evil>": 0, "yonhap": 5}, "yield"))
    assert "&lt;evil&gt;" in svg and "<evil>" not in svg
    assert 'class="bar zero"' in svg and svg.startswith("<svg")

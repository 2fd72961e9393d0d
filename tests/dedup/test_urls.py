from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.dedup.urls import (
    TRACKING_PARAMETERS,
    TRACKING_PREFIXES,
    canonicalize_url,
    url_key,
)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # scheme, host, default ports, fragments
        ("HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a\n", "https://example.com/a"),
        # tracking parameters go, the rest is sorted
        (
            "https://example.com/a?utm_source=tw&utm_medium=social&id=7&fbclid=IwAR0x",
            "https://example.com/a?id=7",
        ),
        (
            "https://www.theguardian.com/world/2026/nov/05/x?CMP=share_btn_tw",
            "https://www.theguardian.com/world/2026/nov/05/x",
        ),
        (
            "https://www.bbc.co.uk/news/world-123?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.co.uk/news/world-123",
        ),
        ("https://example.com/a?b=2&a=1&UTM_Campaign=x", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?gclid=1&msclkid=2&mc_cid=3&mc_eid=4", "https://example.com/a"),
        ("https://example.com/a?ref=hp&ocid=msn&igshid=x&_ga=2.1", "https://example.com/a"),
        ("https://example.com/a?utm%5Fsource=x", "https://example.com/a"),
        ("https://example.com/search?q=ref", "https://example.com/search?q=ref"),
        # percent-encoding
        ("https://example.com/%7Eeditor/caf%c3%a9", "https://example.com/~editor/caf%C3%A9"),
        ("https://example.com/café?q=ü", "https://example.com/caf%C3%A9?q=%C3%BC"),
        ("https://Bücher.example/x", "https://xn--bcher-kva.example/x"),
        # trailing slash on non-root paths only
        ("https://example.com/world/story/", "https://example.com/world/story"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/?utm_source=x", "https://example.com/"),
        # AMP variants
        ("https://example.com/news/123/amp", "https://example.com/news/123"),
        ("https://example.com/news/123/amp/", "https://example.com/news/123"),
        ("https://example.com/amp/news/123", "https://example.com/news/123"),
        ("https://example.com/news/123?amp=1", "https://example.com/news/123"),
        ("https://example.com/news/123?amp", "https://example.com/news/123"),
        ("https://example.com/news/123?outputType=amp", "https://example.com/news/123"),
        (
            "https://amp.theguardian.com/uk/2026/nov/05/x",
            "https://theguardian.com/uk/2026/nov/05/x",
        ),
        ("https://example.com/news/amplifier-review", "https://example.com/news/amplifier-review"),
        ("https://example.com/news/123?amp=0", "https://example.com/news/123?amp=0"),
        # mobile hosts
        ("https://m.bbc.co.uk/news/world-123", "https://bbc.co.uk/news/world-123"),
        ("https://mobile.example.com/a", "https://example.com/a"),
        ("https://m.amp.example.com/a", "https://example.com/a"),
        ("https://m.me/somebody", "https://m.me/somebody"),
        ("https://mobile.de/auto", "https://mobile.de/auto"),
        ("https://m.co.uk/a", "https://m.co.uk/a"),
        ("https://admin.example.com/a", "https://admin.example.com/a"),
        # what stays
        ("http://user:pw@Example.com/a", "http://user:pw@example.com/a"),
        ("http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonicalize_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "javascript:void(0)",
        "mailto:desk@example.com",
        "/world/story",
        "",
        "http://example.com:99999/",
    ],
)
def test_anything_but_an_absolute_http_url_is_refused(url):
    with pytest.raises(ValueError):
        canonicalize_url(url)


def test_url_key_is_a_short_hash_shared_by_variants_of_one_story():
    key = url_key("https://www.example.com/world/2026/11/05/story")

    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert url_key("https://www.example.com/world/2026/11/05/story/?utm_source=rss#top") == key
    assert url_key("https://www.example.com/world/2026/11/05/story/amp") == key
    assert url_key("https://www.example.com/world/2026/11/05/other") != key


# --- properties -----------------------------------------------------------------------------

TRACKING_SAMPLE = sorted(TRACKING_PARAMETERS) + [p + "x" for p in TRACKING_PREFIXES]
label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
hosts = st.builds(
    lambda prefix, labels, tld: prefix + ".".join([*labels, tld]),
    st.sampled_from(["", "www.", "m.", "mobile.", "amp.", "m.amp.", "AMP."]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["com", "co.uk", "kr", "example"]),
)
# Path and query text with the characters that stress percent-encoding normalisation.
url_text = st.lists(
    st.sampled_from(list("abcXYZ019-._~%+/:@!$'()*,;= é한") + ["%2F", "%7e", "%20", "%41", "amp"]),
    max_size=8,
).map("".join)
param_names = st.one_of(
    st.sampled_from(TRACKING_SAMPLE + ["amp", "outputType", "id", "q"]), url_text
)
queries = st.lists(st.tuples(param_names, url_text), max_size=5).map(
    lambda pairs: "&".join(f"{name}={value}" for name, value in pairs)
)
urls = st.builds(
    lambda scheme, host, port, segments, query, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(segments)}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    hosts,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(st.one_of(url_text, st.just("amp"), st.just("")), max_size=4),
    queries,
    url_text,
)


@settings(max_examples=200, deadline=None)
@given(urls)
def test_canonicalization_is_idempotent(url):
    canonical = canonicalize_url(url)

    assert canonicalize_url(canonical) == canonical


@settings(max_examples=200, deadline=None)
@given(urls)
def test_tracking_parameters_never_survive(url):
    query = urlsplit(canonicalize_url(url)).query

    names = [name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)]
    assert not [n for n in names if n in TRACKING_PARAMETERS or n.startswith(TRACKING_PREFIXES)]


@settings(max_examples=200, deadline=None)
@given(urls)
def test_canonical_urls_have_lower_case_scheme_and_bare_host_and_no_noise(url):
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)

    assert canonical.startswith(("http://", "https://"))
    assert parts.fragment == ""
    assert parts.hostname == parts.hostname.lower()
    # A variant prefix survives only where dropping it would leave a bare suffix (m.com).
    for prefix in ("m.", "mobile.", "amp."):
        if parts.hostname.startswith(prefix):
            assert "." not in parts.hostname.removeprefix(prefix) or parts.hostname.count(".") == 2
    assert parts.port != {"http": 80, "https": 443}[parts.scheme]
    assert parts.path == "/" or not parts.path.endswith("/")

from __future__ import annotations

import subprocess
import sys

import pytest

from newsspider.config import ConfigError, bundled_config_text, load_config, parse_config

MINIMAL = """
[[sources]]
name = "yonhap"
home = "https://en.yna.co.kr/"
feeds = ["https://en.yna.co.kr/RSS/news.xml"]

[[topics]]
name = "nk"
include = ["north korea"]
"""


def test_minimal_config_gets_working_defaults():
    config = parse_config(MINIMAL)
    source = config.sources[0]
    assert source.allowed_domains == ["en.yna.co.kr"]
    assert source.timezone == "UTC"
    assert config.archive.uri == "file://./archive"
    assert config.state.uri.startswith("sqlite:///")
    assert config.crawl.obey_robots is True
    assert config.crawl.recency_days == 3


@pytest.mark.parametrize(
    ("snippet", "key", "problem"),
    [
        ("[crawl]\nrecency_days = -2", "crawl.recency_days", "greater than 0"),
        ("[crawl]\nrecency_dayz = 2", "crawl.recency_dayz", "unknown key"),
        ('[archive]\nuri = "ftp://x"', "archive.uri", "file:// or s3://"),
        (
            '[[sources]]\nname = "Bad Name"\nhome = "https://a.example/"',
            "sources[0].name",
            "slug",
        ),
        (
            '[[sources]]\nname = "a"\nhome = "https://a.example/"\ntimezone = "Mars/Base"',
            "sources[0].timezone",
            "unknown time zone",
        ),
        (
            '[[sources]]\nname = "a"\nhome = "https://a.example/"\narticle_url_pattern = "(("',
            "sources[0].article_url_pattern",
            "regular expression",
        ),
        ('[[topics]]\nname = "t"', "topics[0]", "needs a `query`"),
        ('[dedup]\npolicy = "keep_first"', "dedup.policy", "'keep_all' or 'first_only'"),
        ("[dedup]\nneardup_ttl_days = 0", "dedup.neardup_ttl_days", "greater than 0"),
    ],
)
def test_invalid_config_names_file_key_and_problem(tmp_path, snippet, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(snippet)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"  {key}: " in message
    assert problem in message


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[crawl\nrecency_days = 1")
    with pytest.raises(ConfigError, match="broken.toml: not valid TOML"):
        load_config(path)


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_duplicate_source_names_are_rejected():
    text = MINIMAL + '\n[[sources]]\nname = "yonhap"\nhome = "https://b.example/"\n'
    with pytest.raises(ConfigError, match="duplicate name 'yonhap'"):
        parse_config(text)


def test_bundled_default_config_lists_the_real_sources():
    config = parse_config(bundled_config_text(), "default.toml")
    names = {source.name for source in config.sources}
    assert {
        "yonhap",
        "koreatimes",
        "koreaherald",
        "joongang-daily",
        "kyiv-independent",
        "ukrainska-pravda",
        "tass",
    } <= names
    assert len(names) >= 9
    assert [topic.name for topic in config.topics] == ["nk-troops-russia"]


def test_cli_reports_config_errors_in_one_line_without_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[crawl]\nconcurrency = "many"\n')
    result = subprocess.run(
        [sys.executable, "-m", "newsspider", "sources", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}: invalid configuration" in result.stderr
    assert "crawl.concurrency" in result.stderr


def test_bad_uri_error_does_not_echo_its_password():
    with pytest.raises(ConfigError) as caught:
        parse_config('[state]\nuri = "postgres://user:s3cr3t-pw@db.example/news"\n', "c.toml")
    assert "s3cr3t-pw" not in str(caught.value)
    assert "state.uri" in str(caught.value)

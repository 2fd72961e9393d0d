from __future__ import annotations

import logging
import re

import pytest

from newsspider.config import ConfigError
from newsspider.query.api import Archive
from newsspider.web.browse import ArchiveBrowser, NotFound
from newsspider.web.security import CAPTURE_CSP, SESSION_COOKIE
from newsspider.web.settings import WebSettings, check_binding, web_settings
from tests.web.conftest import HOSTILE_URL, NOW, PAYLOAD, client_for, seal_test_archive

TOKEN = "correct-horse-battery-staple"


def _pages(sealed) -> list[str]:
    hostile = sealed.ids["hostile"]
    return [
        "/search?q=kursk",
        f"/articles/{hostile}",
        f"/articles/{hostile}/capture",
        f"/revisions?url={HOSTILE_URL.replace('/', '%2F')}",
        "/dashboard",
    ]


def test_every_field_of_a_hostile_record_is_escaped_on_every_page(client, sealed):
    for path in _pages(sealed):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "onerror=alert(2)>" not in html.replace("&gt;", ">").split("&lt;img")[0], path
    article = client.get(f"/articles/{sealed.ids['hostile']}").text
    assert article.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10  # every field shown


def test_search_marks_matches_only_after_escaping(client):
    html = client.get("/search", params={"q": "kursk script"}).text
    assert "<mark>Kursk</mark>" in html
    assert "&lt;<mark>script</mark>&gt;" in html


def test_only_http_urls_become_links(client, sealed):
    for path in _pages(sealed):
        hrefs = re.findall(r'href="([^"]*)"', client.get(path).text)
        assert not [h for h in hrefs if h.lower().lstrip().startswith(("javascript", "data"))]
    article = client.get(f"/articles/{sealed.ids['wire']}").text
    assert 'href="http://yonhap.example/view/2"' in article


def test_raw_capture_is_served_apart_under_a_policy_that_runs_nothing(client, sealed):
    hostile = sealed.ids["hostile"]
    page = client.get(f"/articles/{hostile}/capture").text
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert " sandbox " in frame and "allow-scripts" not in frame
    assert f'src="/captures/{hostile}"' in frame
    document = client.get(f"/captures/{hostile}")
    assert document.headers["content-security-policy"] == CAPTURE_CSP
    assert document.headers["x-content-type-options"] == "nosniff"
    assert document.headers["content-disposition"] == (f'inline; filename="capture-{hostile}.html"')
    assert document.content.startswith(b"<html><head><title>captured")
    assert "&lt;script&gt;alert(1)" in page  # the captured X-Evil header, escaped


def test_capture_keys_come_from_records_never_from_the_url(tmp_path):
    sealed = seal_test_archive(tmp_path)
    client = client_for(sealed.config)
    for path in ("/captures/..%2F..%2Fetc%2Fpasswd", "/captures/raw%2Fdate=x", "/captures/x-1"):
        assert client.get(path).status_code in (400, 404), path
    browser = ArchiveBrowser(Archive.open(sealed.uri))
    record = browser.article(sealed.ids["hostile"])
    for key in ("../secret", "manifests/x.json", "/etc/passwd"):
        with pytest.raises(NotFound):
            browser.capture({**record, "warc_file": key})


def test_binding_beyond_loopback_needs_a_token(monkeypatch, sealed):
    check_binding("127.0.0.1", WebSettings())
    check_binding("::1", WebSettings())
    with pytest.raises(ConfigError, match="token"):
        check_binding("0.0.0.0", WebSettings())
    check_binding("0.0.0.0", WebSettings(token=TOKEN))
    monkeypatch.setenv("NEWSSPIDER_WEB_TOKEN", TOKEN)
    check_binding("192.0.2.10", web_settings(sealed.config))


def test_with_a_token_every_route_needs_it(sealed):
    client = client_for(sealed.config, WebSettings(token=TOKEN))
    wire = sealed.ids["wire"]
    for path in ("/api/search", f"/api/articles/{wire}", "/dashboard", f"/captures/{wire}"):
        assert client.get(path).status_code == 401, path
        wrong = client.get(path, headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401, path
    assert client.get("/search", follow_redirects=False).headers["location"] == "/login"
    bearer = client.get("/api/search", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_login_sets_a_cookie_that_is_not_the_token(sealed, caplog):
    client = client_for(sealed.config, WebSettings(token=TOKEN))
    caplog.set_level(logging.DEBUG)
    wrong = client.get("/login", params={"token": "wrong"}, follow_redirects=False)
    assert wrong.status_code == 401
    signed_in = client.get("/login", params={"token": TOKEN}, follow_redirects=False)
    assert signed_in.status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    assert cookie and TOKEN not in cookie
    assert client.get("/dashboard").status_code == 200
    server_lines = [r.getMessage() for r in caplog.records if r.name.startswith("newsspider")]
    assert server_lines and not [line for line in server_lines if TOKEN in line]
    assert TOKEN not in client.get("/dashboard").text
    form = client_for(sealed.config, WebSettings(token=TOKEN))
    posted = form.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert posted.status_code == 303 and form.get("/api/dashboard").status_code == 200


def test_without_a_token_only_loopback_host_names_are_answered(client):
    assert client.get("/search", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/search", headers={"Host": "localhost:8080"}).status_code == 200


def test_pages_load_nothing_from_elsewhere_and_run_no_script(client):
    page = client.get("/search")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "<script" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


def test_dashboard_clock_is_injectable(client):
    assert client.get("/api/dashboard").json()["now"].startswith(NOW.date().isoformat())


def test_payload_is_really_hostile():
    assert "<script>" in PAYLOAD  # guards the escaping tests against a harmless payload

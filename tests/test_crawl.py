"""Every page a demo account can reach by clicking answers without a server error.

For each persona, a breadth-first walk from the home page follows the links of every page it gets (same site,
GET only, no downloads or log-out), up to ``LIMIT`` pages, and fails on any 5xx, listing where the link was
found. Links differing only by their query string count once per path pattern (``/bao-cao/don-vi/12/`` and
``/bao-cao/don-vi/13/`` are both visited; ``?trang=2``, ``?trang=3``… only the first of each path), so the walk
spreads over the apps instead of paging through one list.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.django_db

LIMIT = 220
SKIP = re.compile(r"^/(dang-xuat|ngon-ngu|api/|static/|media/)|/(tep|tai|pdf|xlsx|docx|csv)/?$|\.(pdf|xlsx|docx|csv)$")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver"):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _shape(url: str) -> str:
    """The path with numbers replaced, plus the query's keys: one visit per shape and query-key set is enough
    for the query variants; distinct paths are all visited."""
    path, _, query = url.partition("?")
    keys = sorted(k.split("=")[0] for k in query.split("&") if k)
    return path + "?" + "&".join(keys) if query else path


@pytest.mark.parametrize("username", ["demo-tinh", "demo-xa", "demo-xa2", "demo-chibo"])
def test_no_reachable_page_fails(demo, client, username):
    client.force_login(demo.user(username))
    seen_paths: set[str] = set()
    seen_query_shapes: set[str] = set()
    queue = deque([("/", "(start)")])
    failures: list[str] = []
    visited = 0
    while queue and visited < LIMIT:
        url, found_on = queue.popleft()
        path = url.partition("?")[0]
        if SKIP.search(path):
            continue
        if "?" in url:
            shape = _shape(url)
            if shape in seen_query_shapes:
                continue
            seen_query_shapes.add(shape)
        elif path in seen_paths:
            continue
        seen_paths.add(path)
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            failures.append(f"{url} ({response.status_code}), linked from {found_on}")
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            for link in _links(url, response.content.decode()):
                queue.append((link, url))
    assert not failures, "\n".join(failures)
    assert visited >= 40, f"only {visited} pages reached as {username}"

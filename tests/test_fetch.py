"""The network seam against a real HTTP server on 127.0.0.1: guard, deadlines, caps, redirects."""

from __future__ import annotations

import time

import pytest
from httpserver import LoopbackServer, drip, gzip_bomb, huge, page, redirect, send, stall

from tracker.config import FetchSettings
from tracker.errors import FetchError
from tracker.fetch import Fetcher, check_address


def fetcher(allow: tuple[str, ...] = ("127.0.0.1",), timeout: float = 2.0, max_bytes: int = 200_000) -> Fetcher:
    return Fetcher(FetchSettings(timeout_seconds=timeout, max_bytes=max_bytes, max_redirects=3,
                                 user_agent="stance-tracker-test", allow_hosts=allow, per_host_concurrency=4,
                                 per_host_delay_seconds=0.0, concurrency=4))


@pytest.fixture(scope="module")
def server():
    with LoopbackServer() as s:
        s.routes["/ok.html"] = lambda h: send(h, 200, page("Title", ["Some text."]), "text/html; charset=utf-8")
        s.routes["/ua"] = lambda h: send(h, 200, h.headers.get("User-Agent", "").encode(), "text/html")
        s.routes["/stall"] = stall(10)
        s.routes["/drip"] = drip(total=100, every=0.1)
        s.routes["/loop-a"] = redirect("/loop-b")
        s.routes["/loop-b"] = redirect("/loop-a")
        s.routes["/hop"] = redirect("/ok.html", 301)
        s.routes["/bomb"] = gzip_bomb(50_000_000)
        s.routes["/huge"] = huge(3_000_000)
        s.routes["/e500"] = lambda h: send(h, 500, b"boom", "text/plain")
        s.routes["/feed-as-html"] = lambda h: send(h, 200, page("Not a feed", ["x"]), "text/html")
        yield s


def test_fetches_a_page_and_follows_a_redirect(server: LoopbackServer) -> None:
    f = fetcher()
    resp = f.get(server.url("/hop"))
    assert resp.status == 200 and resp.url.endswith("/ok.html") and b"Some text." in resp.body
    assert f.get(server.url("/ua")).body == b"stance-tracker-test"


def test_the_ssrf_guard_is_on_by_default(server: LoopbackServer) -> None:
    with pytest.raises(FetchError) as err:
        fetcher(allow=()).get(server.url("/ok.html"))
    assert err.value.reason == "blocked_address" and "allow_hosts" in err.value.hint


def test_a_redirect_to_another_loopback_address_is_refused(server: LoopbackServer) -> None:
    server.routes["/to-other"] = redirect(f"http://127.0.0.2:{server.port}/ok.html")
    with pytest.raises(FetchError) as err:
        fetcher().get(server.url("/to-other"))
    assert err.value.reason == "blocked_address"
    assert server.hits.get("/ok.html", 0) >= 0   # (127.0.0.2 is never contacted: the guard refuses first)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError) as err:
        fetcher().get(url)
    assert err.value.reason == "bad_scheme"


def test_private_and_special_addresses_are_not_global() -> None:
    for ip in ("10.0.0.1", "192.168.1.1", "172.16.0.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
               "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "224.0.0.1"):
        assert not check_address(ip), ip
    for ip in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"):
        assert check_address(ip), ip


def test_a_redirect_loop_stops(server: LoopbackServer) -> None:
    with pytest.raises(FetchError) as err:
        fetcher().get(server.url("/loop-a"))
    assert err.value.reason in ("redirect_loop", "too_many_redirects")


def test_a_stalling_server_times_out_at_the_deadline(server: LoopbackServer) -> None:
    t = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetcher(timeout=1.0).get(server.url("/stall"))
    assert err.value.reason == "timeout" and time.monotonic() - t < 3


def test_a_slow_drip_is_cut_at_the_total_deadline(server: LoopbackServer) -> None:
    t = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetcher(timeout=1.0).get(server.url("/drip"))
    assert err.value.reason == "timeout" and time.monotonic() - t < 3


def test_an_oversized_body_and_a_gzip_bomb_stop_at_the_cap(server: LoopbackServer) -> None:
    for path in ("/huge", "/bomb"):
        with pytest.raises(FetchError) as err:
            fetcher(max_bytes=100_000).get(server.url(path))
        assert err.value.reason == "too_large", path


def test_http_errors_and_html_served_as_a_feed(server: LoopbackServer) -> None:
    with pytest.raises(FetchError) as err:
        fetcher().get(server.url("/e500"))
    assert err.value.reason == "http_500"
    with pytest.raises(FetchError) as err:
        fetcher().get(server.url("/feed-as-html"), accept="feed")
    assert err.value.reason == "not_a_feed"

"""A real HTTP server on 127.0.0.1 for tests: feeds, article pages and every kind of bad response.

Routes are plain functions registered on the server; each gets the request handler and writes the
response itself, so a test can stall, drip, redirect or send a gzip bomb exactly as a bad server
would. Nothing here ever talks to an address other than loopback.
"""

from __future__ import annotations

import gzip
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from xml.sax.saxutils import escape

Handler = Callable[[BaseHTTPRequestHandler], None]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.not_modified = 0
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                if route is None:
                    send(self, 404, b"not found", "text/plain")
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def page(title: str, paragraphs: list[str], lang: str = "en") -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<meta property=\"article:published_time\" content=\"2025-03-15T10:00:00Z\"></head><body>"
            f"<nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav><article><h1>{escape(title)}</h1>"
            f"{body}</article><footer>Cookie settings | Privacy policy</footer></body></html>").encode()


def rss(items: list[dict[str, str]], title: str = "Test wire") -> bytes:
    out = [f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{escape(title)}</title>"
           "<link>http://127.0.0.1/</link><description>test</description>"]
    for it in items:
        out.append(f"<item><title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
                   f"<guid>{escape(it['link'])}</guid><pubDate>{it.get('date', 'Sat, 15 Mar 2025 10:00:00 GMT')}"
                   f"</pubDate><description>{escape(it.get('summary', 'Summary.'))}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


def atom(items: list[dict[str, str]]) -> bytes:
    out = ["<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
           "<title>Test dispatch</title><id>urn:test:atom</id><updated>2025-03-15T10:00:00Z</updated>"]
    for it in items:
        out.append(f"<entry><title>{escape(it['title'])}</title><link rel=\"alternate\" href=\"{escape(it['link'])}\"/>"
                   f"<id>{escape(it['link'])}</id><updated>2025-03-15T11:00:00Z</updated>"
                   f"<published>2025-03-15T11:00:00Z</published><summary>Summary.</summary></entry>")
    out.append("</feed>")
    return "".join(out).encode()


def json_feed(items: list[dict[str, str]]) -> bytes:
    import json

    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Test observer",
                       "items": [{"id": it["link"], "url": it["link"], "title": it["title"],
                                  "date_published": "2025-03-15T12:00:00Z", "summary": "Summary."}
                                 for it in items]}).encode()


def etag_route(get_body: Callable[[], bytes], ctype: str, counter: LoopbackServer) -> Handler:
    """A feed route honouring If-None-Match: 304 when the content has not changed."""

    def route(h: BaseHTTPRequestHandler) -> None:
        body = get_body()
        tag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if h.headers.get("If-None-Match") == tag:
            counter.not_modified += 1
            h.send_response(304)
            h.send_header("ETag", tag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        send(h, 200, body, ctype, {"ETag": tag, "Last-Modified": format_datetime(datetime(2025, 3, 15, tzinfo=timezone.utc), usegmt=True)})

    return route


def stall(seconds: float) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return route


def drip(total: int = 200, every: float = 0.2) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(every)

    return route


def redirect(to: str, status: int = 302) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def gzip_bomb(inflated: int) -> Handler:
    blob = gzip.compress(b"\0" * inflated, compresslevel=9)

    def route(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, blob, "text/html", {"Content-Encoding": "gzip"})

    return route


def huge(size: int) -> Handler:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        sent = 0
        while sent < size:
            h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        h.wfile.write(b"0\r\n\r\n")

    return route

"""The one network seam: bounded, SSRF-guarded HTTP GET.

Every request the tool makes goes through Fetcher.get, which:

- accepts only http and https URLs;
- resolves the host itself, refuses any address that is not globally routable (private, loopback,
  link-local, CGNAT, multicast, reserved) unless the host is on the allow-list, and then connects to
  exactly the address it checked, so a DNS answer cannot change between check and use;
- follows redirects by hand, re-checking every hop, up to a limit;
- enforces one total deadline for connect, headers and body, so a server that stalls or drips one
  byte a second cannot hold a job;
- caps the body after decompression (it asks only for gzip/deflate and inflates incrementally with a
  bound, so a gzip bomb stops at the cap);
- checks the content type against what the caller expects (a feed, or an HTML page);
- sends a clear User-Agent, conditional headers (ETag, Last-Modified), and is polite: a per-host
  limit on requests in flight and a minimum gap between requests to one host;
- bounds the wait for a slot (on the host, and among all requests) by `slot_wait_seconds`, apart
  from the request's own deadline, which starts once the request has its slot: a slow host delays
  the pages queued behind it but does not make them fail ("slot_wait" means "try again later");
- pauses a host whose requests time out `host_pause_after` times in a row for `host_pause_seconds`
  (logged once); requests to a paused host fail at once with "host_paused", which is not a failure
  of the page either.

Failures raise FetchError with a short reason code that the caller records ("timeout", "too_large",
"blocked_address", "redirect_loop", "http_500", ...). Nothing here knows about feeds or articles.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urljoin, urlsplit

from tracker.config import FetchSettings
from tracker.errors import FetchError

FEED_TYPES = ("xml", "rss", "atom", "json", "text/plain", "octet-stream")
HTML_TYPES = ("text/html", "application/xhtml")
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 16384
_CONNECT = 10.0   # at most this long for the TCP/TLS handshake (within the total deadline)
# Reasons that say "not now" rather than anything about the page: the caller tries again later and
# does not count them as failures.
DEFERRED = ("slot_wait", "host_paused")

log = logging.getLogger("tracker.fetch")


@dataclass
class Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_address(ip: str) -> bool:
    """True when an address is globally routable (the only kind the guard lets through)."""
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return bool(addr.is_global and not addr.is_multicast and not addr.is_reserved)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a pre-checked address; the Host header still names the host."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a pre-checked address, verifying the certificate for the host name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip
        self._ctx = context

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


@dataclass
class _Host:
    gate: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0
    timeouts: int = 0             # timeouts in a row
    paused_until: float = 0.0


@dataclass
class _Budget:
    """The request's total deadline; it starts once the first hop has its slot."""

    deadline: float | None = None


class Fetcher:
    """Bounded, guarded HTTP GET with politeness. Thread-safe; share one per process."""

    def __init__(self, settings: FetchSettings, should_stop: Callable[[], bool] | None = None,
                 resolver: Callable[..., list[Any]] = socket.getaddrinfo) -> None:
        self.settings = settings
        self.should_stop = should_stop or (lambda: False)
        self._resolve = resolver
        self._allow = {h.lower().strip("[]") for h in settings.allow_hosts}
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._tls = ssl.create_default_context()
        self._all = threading.Semaphore(settings.concurrency)

    # public ---------------------------------------------------------------------------------------
    def get(self, url: str, accept: str = "html", etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET a URL within the policy; raises FetchError with a reason code when it cannot."""
        budget = _Budget()
        seen: set[str] = set()
        current = url
        for hop in range(self.settings.max_redirects + 1):
            if current in seen:
                raise FetchError("Redirect loop", f"{url} came back to {current}", reason="redirect_loop")
            seen.add(current)
            resp = self._one(current, accept, etag if hop == 0 else None, last_modified if hop == 0 else None,
                             budget)
            if resp.status in _REDIRECTS:
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(f"Redirect without a location from {current}", reason="bad_redirect")
                current = urljoin(current, location.strip())
                continue
            return resp
        raise FetchError("Too many redirects", f"more than {self.settings.max_redirects} starting at {url}",
                         reason="too_many_redirects")

    # one hop ----------------------------------------------------------------------------------------
    def _target(self, url: str) -> tuple[str, str, int, str, str]:
        parts = urlsplit(url)
        scheme = (parts.scheme or "").lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"Refused {scheme or 'a schemeless'} URL", f"{url}: only http and https are fetched",
                             reason="bad_scheme")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(f"No host in {url}", reason="bad_url")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"Bad port in {url}", reason="bad_url") from None
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        ip = self._checked_ip(host, port)
        return scheme, host, port, path, ip

    def _checked_ip(self, host: str, port: int) -> str:
        allowed = host in self._allow
        try:
            literal = ipaddress.ip_address(host)
            candidates = [str(literal)]
        except ValueError:
            try:
                infos = self._resolve(host, port, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError, OSError) as exc:
                raise FetchError(f"Cannot resolve {host}", str(exc), reason="dns_error") from None
            candidates = list(dict.fromkeys(info[4][0] for info in infos))
        for ip in candidates:
            if allowed or check_address(ip):
                return ip
        raise FetchError(
            f"Refused {host}: it resolves to a non-public address ({', '.join(candidates)})",
            "The SSRF guard lets through only globally routable addresses.",
            f"if this host is yours, add it to [fetch] allow_hosts (or --allow-host {host})",
            reason="blocked_address",
        )

    def _host(self, host: str) -> _Host:
        with self._hosts_lock:
            h = self._hosts.get(host)
            if h is None:
                h = _Host(gate=threading.Semaphore(self.settings.per_host_concurrency))
                self._hosts[host] = h
            return h

    def host_paused(self, host: str) -> float:
        """Seconds left of a host's pause (0 when it is not paused)."""
        h = self._hosts.get(host.lower())
        return max(0.0, h.paused_until - time.monotonic()) if h else 0.0

    def _wait_turn(self, h: _Host, until: float, host: str) -> None:
        with h.lock:
            gap = h.last + self.settings.per_host_delay_seconds - time.monotonic()
            if gap > 0:
                if time.monotonic() + gap > until:
                    raise FetchError(f"Waited too long for a turn on {host}",
                                     f"slot_wait_seconds is {self.settings.slot_wait_seconds}",
                                     "nothing to do: the page is fetched again in a later cycle", reason="slot_wait")
                time.sleep(gap)
            h.last = time.monotonic()

    def _note(self, h: _Host, host: str, timed_out: bool) -> None:
        """Count timeouts in a row; pause the host when there are too many."""
        with h.lock:
            if not timed_out:
                h.timeouts = 0
                return
            h.timeouts += 1
            if h.timeouts >= self.settings.host_pause_after and h.paused_until <= time.monotonic():
                h.paused_until = time.monotonic() + self.settings.host_pause_seconds
                log.warning("host=%s status=paused seconds=%.0f detail=%d requests in a row timed out; its pages "
                            "wait for a later cycle", host, self.settings.host_pause_seconds, h.timeouts)
                h.timeouts = 0

    def _remaining(self, deadline: float, url: str) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"Timed out fetching {url}", f"the total deadline is {self.settings.timeout_seconds}s",
                             reason="timeout")
        if self.should_stop():
            raise FetchError("Stopped", "the process is shutting down", reason="stopped")
        return left

    def _one(self, url: str, accept: str, etag: str | None, last_modified: str | None, budget: _Budget) -> Response:
        scheme, host, port, path, ip = self._target(url)
        h = self._host(host)
        if self.should_stop():
            raise FetchError("Stopped", "the process is shutting down", reason="stopped")
        paused = h.paused_until - time.monotonic()
        if paused > 0:
            raise FetchError(f"{host} is paused", f"its requests kept timing out; {paused:.0f}s of the pause left",
                             "nothing to do: the page is fetched again in a later cycle", reason="host_paused")
        waited_from = time.monotonic()
        until = waited_from + self.settings.slot_wait_seconds
        if not h.gate.acquire(timeout=self.settings.slot_wait_seconds):
            raise FetchError(f"Waited too long for a slot on {host}",
                             f"{self.settings.per_host_concurrency} requests to it were in flight for "
                             f"slot_wait_seconds ({self.settings.slot_wait_seconds}s)",
                             "nothing to do: the page is fetched again in a later cycle", reason="slot_wait")
        try:
            if not self._all.acquire(timeout=max(0.0, until - time.monotonic())):
                raise FetchError("Waited too long for a free request slot",
                                 f"{self.settings.concurrency} requests were in flight for slot_wait_seconds",
                                 "nothing to do: the page is fetched again in a later cycle", reason="slot_wait")
            try:
                self._wait_turn(h, until, host)
                # The deadline covers the request, not the wait for its turn.
                if budget.deadline is None:
                    budget.deadline = time.monotonic() + self.settings.timeout_seconds
                else:
                    budget.deadline += time.monotonic() - waited_from
                deadline = budget.deadline
                timeout = min(_CONNECT, self._remaining(deadline, url))
                conn: http.client.HTTPConnection
                if scheme == "https":
                    conn = _PinnedHTTPS(host, port, ip, timeout, self._tls)
                else:
                    conn = _PinnedHTTP(host, port, ip, timeout)
                try:
                    resp = self._exchange(conn, url, path, host, port, scheme, accept, etag, last_modified, deadline)
                except FetchError as exc:
                    self._note(h, host, exc.reason == "timeout")
                    raise
                finally:
                    conn.close()
                self._note(h, host, False)
                return resp
            finally:
                self._all.release()
        finally:
            h.gate.release()

    def _exchange(self, conn: http.client.HTTPConnection, url: str, path: str, host: str, port: int, scheme: str,
                  accept: str, etag: str | None, last_modified: str | None, deadline: float) -> Response:
        headers = {
            "User-Agent": self.settings.user_agent,
            "Accept": ("application/rss+xml, application/atom+xml, application/feed+json, application/json, "
                       "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1") if accept == "feed"
            else "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            conn.connect()
            # After a socket timeout http.client cannot resume a read, so each wait is bounded by
            # what is left of the total deadline; a slow drip still ends at the deadline because
            # the body loop re-checks it after every chunk.
            conn.sock.settimeout(self._remaining(deadline, url))
            conn.request("GET", path, headers=headers)
            conn.sock.settimeout(self._remaining(deadline, url))
            resp = conn.getresponse()
        except FetchError:
            raise
        except (socket.timeout, TimeoutError):
            raise FetchError(f"Timed out fetching {url}", reason="timeout") from None
        except ssl.SSLError as exc:
            raise FetchError(f"TLS failed for {url}", str(exc), reason="tls_error") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"Connection to {host}:{port} failed", f"{type(exc).__name__}: {exc}",
                             reason="connection_error") from None
        status = resp.status
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        if status in _REDIRECTS or status == 304:
            return Response(url, status, hdrs)
        if status >= 400:
            raise FetchError(f"HTTP {status} from {url}", resp.reason or "", reason=f"http_{status}")
        if status != 200:
            raise FetchError(f"Unexpected HTTP {status} from {url}", reason=f"http_{status}")
        ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
        if accept == "feed" and ctype and any(t in ctype for t in HTML_TYPES):
            raise FetchError(f"{url} is an HTML page, not a feed", f"content-type {ctype}",
                             "check the feed URL (the site's page is not its feed)", reason="not_a_feed")
        if accept == "feed" and ctype and not any(t in ctype for t in FEED_TYPES):
            raise FetchError(f"{url} has an unexpected content type for a feed", ctype, reason="bad_content_type")
        if accept == "html" and ctype and not any(t in ctype for t in HTML_TYPES):
            raise FetchError(f"{url} is not an HTML page", f"content-type {ctype}", reason="bad_content_type")
        length = hdrs.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_bytes:
            raise FetchError(f"{url} is too large", f"{length} bytes; the cap is {self.settings.max_bytes}",
                             reason="too_large")
        body = self._body(conn, resp, url, hdrs.get("content-encoding", "").lower().strip(), deadline)
        return Response(url, status, hdrs, body)

    def _body(self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse, url: str, encoding: str,
              deadline: float) -> bytes:
        cap = self.settings.max_bytes
        if encoding in ("gzip", "x-gzip"):
            inflater: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            inflater = zlib.decompressobj()
        elif encoding in ("", "identity"):
            inflater = None
        else:
            raise FetchError(f"{url} uses an unsupported content encoding", encoding, reason="bad_encoding")
        out = bytearray()
        raw_total = 0
        while True:
            left = self._remaining(deadline, url)
            if conn.sock is not None:
                conn.sock.settimeout(left)
            try:
                chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
            except (socket.timeout, TimeoutError):
                raise FetchError(f"Timed out reading {url}", f"the total deadline is {self.settings.timeout_seconds}s",
                                 reason="timeout") from None
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"Reading {url} failed", f"{type(exc).__name__}: {exc}",
                                 reason="connection_error") from None
            if not chunk:
                break
            raw_total += len(chunk)
            if raw_total > cap:
                raise FetchError(f"{url} is too large", f"more than {cap} bytes", reason="too_large")
            if inflater is None:
                out += chunk
            else:
                try:
                    out += inflater.decompress(chunk, cap + 1 - len(out))
                    while inflater.unconsumed_tail and len(out) <= cap:
                        out += inflater.decompress(inflater.unconsumed_tail, cap + 1 - len(out))
                except zlib.error as exc:
                    raise FetchError(f"{url} sent a broken compressed body", str(exc), reason="bad_encoding") from None
            if len(out) > cap:
                raise FetchError(f"{url} is too large once decompressed", f"more than {cap} bytes (a gzip bomb?)",
                                 reason="too_large")
        if inflater is not None:
            try:
                out += inflater.flush()
            except zlib.error:
                pass
            if len(out) > cap:
                raise FetchError(f"{url} is too large once decompressed", reason="too_large")
        return bytes(out)

"""A tiny static HTTP server on 127.0.0.1 for pages and feeds, started and stopped by the test."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    location: str | None = None  # for redirects


@dataclass
class StaticSite:
    """Routes by path; records every request path and its headers."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    def url(self, path: str) -> str:
        return self.base_url + path


def _handler(site: StaticSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers.items())))
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.etag is not None:
                self.send_header("ETag", route.etag)
            if route.location is not None:
                self.send_header("Location", route.location)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *_args: object) -> None:
            return

    return Handler


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler], *, poll_interval: float = 0.5) -> Iterator[str]:
    """Run a stdlib HTTP handler on a free loopback port in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_site(site: StaticSite) -> Iterator[StaticSite]:
    """Serve the site on a free loopback port for the duration of the block."""
    with http_server(_handler(site)) as base_url:
        site.base_url = base_url
        yield site


def rss(items: Iterable[tuple[str, str, str]], pub_date: str | None = None) -> bytes:
    """An RSS 2.0 feed of (title, link, HTML body) items, each identified by its link."""
    stamp = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>{stamp}"
        f"<description><![CDATA[{body}]]></description></item>"
        for title, link, body in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()
    )

"""The playground's local web server: the standard library's ThreadingHTTPServer, on loopback only.

Why the standard library: a plain ``pip install .`` must be enough, the page
needs only a handful of JSON endpoints, and every request is short (the engine
computes one view in milliseconds).  Safety, as a local server should have it:

- it listens on 127.0.0.1 only, on a free port (or the one asked for);
- a random token (``secrets.token_urlsafe``) made at start is in the URL it
  prints; every request without it is refused (403): GETs carry it in the
  query, POSTs in the ``X-Tinygraph-Token`` header;
- the Host header must be 127.0.0.1:PORT or localhost:PORT (no DNS rebinding),
  and a POST's Origin, when sent, must be this server;
- changes are POSTs of JSON (``Content-Type: application/json``), at most
  MAX_BODY bytes; a bad one gets a clear message and changes nothing;
- every response is ``Cache-Control: no-store`` with a strict
  Content-Security-Policy (the page's one script runs by its nonce), no referrer;
- a request must arrive whole (headers and body) within REQUEST_SECONDS of its first byte being
  awaited, however slowly it trickles in: the deadline is for the whole request, not for each read;
- a connection reads its request in a thread of its own (at most MAX_CONNECTIONS at once; more are
  closed at once), and only a request that has arrived whole takes one of the MAX_THREADS places
  where work is done: clients that send slowly cannot hold up the requests that have arrived;
- a request's work is bounded (state.MAX_WORK for training), so each answers in a few seconds;
- a JSON body nested deeper than MAX_DEPTH is refused before it is parsed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import secrets
import socket
import threading
import time
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from ..engine.checks import json_nesting
from ..errors import TinygraphError
from .errors import PlayError
from .page import page_html
from .state import Sessions, Start

__all__ = ["PlaygroundServer", "HOST", "MAX_BODY", "MAX_THREADS", "MAX_CONNECTIONS", "REQUEST_SECONDS", "MAX_DEPTH"]

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024
#: requests worked on at once (the others that have arrived wait for a place)
MAX_THREADS = 16
#: connections open at once (each reading its request); one more is closed at once
MAX_CONNECTIONS = 128
#: a request (its headers and body) must arrive whole within this many seconds
REQUEST_SECONDS = 10.0
#: a JSON body nested deeper than this is refused (the page's own requests are 3 deep)
MAX_DEPTH = 32
TOKEN_HEADER = "X-Tinygraph-Token"
#: the notebook that shows the playground inline is served from the same machine
FRAME_ANCESTORS = "'self' http://localhost:* http://127.0.0.1:* https://localhost:* https://127.0.0.1:*"


def _csp(script: str) -> str:
    return ("default-src 'none'; " + f"script-src {script}; style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
            f"frame-ancestors {FRAME_ANCESTORS}")


class _Scripts(HTMLParser):
    """The text of each inline script that runs (not JSON data blocks) in a page, to allow it by hash."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.runs: List[str] = []
        self._inside: Optional[List[str]] = None

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").lower()
            self._inside = [] if kind in ("", "text/javascript", "module") else None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside is not None:
            self.runs.append("".join(self._inside))
            self._inside = None


def script_hashes(page: str) -> str:
    """The CSP script sources that let exactly the inline scripts of ``page`` run."""
    p = _Scripts()
    p.feed(page)
    p.close()
    out = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in p.runs]
    return " ".join(out) or "'none'"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], handler: type, app: "PlaygroundServer") -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(MAX_THREADS)          # work on requests that have arrived
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)  # connections reading their request
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.connections.acquire(blocking=False):   # full: close this one now, never wait in accept
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or ran out of time is no news; anything else is printed as usual."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read given only the time left until ``deadline`` (time.monotonic()):
    a client that sends one byte every few seconds still runs out of time for its whole request."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock
        self.deadline = time.monotonic() + REQUEST_SECONDS

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive whole in time")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30                      # a client that stalls mid-request gives its thread back
    server_version = "tinygraph-play"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:     # quiet: the terminal shows the address only
        pass

    def setup(self) -> None:
        super().setup()
        self.rfile.close()                      # the plain reader: replaced by one that keeps the deadline
        self.reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        """One request: it must arrive whole within REQUEST_SECONDS; then it waits for a place to be worked on."""
        self.reader.deadline = time.monotonic() + REQUEST_SECONDS
        super().handle_one_request()

    def _working(self) -> "threading.BoundedSemaphore":
        """The place this request is worked in (the request has arrived whole); answers get the usual timeout."""
        self.connection.settimeout(self.timeout)
        return self.server.slots

    # -- answers ---------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, kind: str, csp: Optional[str] = None,
              extra: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", csp or _csp("'none'"))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, doc: Dict[str, Any]) -> None:
        self._send(status, json.dumps(doc, allow_nan=False).encode(), "application/json; charset=utf-8")

    def _refuse(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _allowed(self) -> bool:
        """Host and token checks common to every request; False once refused."""
        app = self.server.app
        host = self.headers.get("Host", "")
        if host not in app.hosts:
            self._refuse(HTTPStatus.FORBIDDEN, f"this playground answers only at http://{HOST}:{app.port}/")
            return False
        token = self.headers.get(TOKEN_HEADER)
        if token is None:
            token = (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]
        if not secrets.compare_digest(token.encode(), app.token.encode()):
            self._refuse(HTTPStatus.FORBIDDEN, "no valid token: open the address the playground printed "
                                               "(it ends in ?token=...)")
            return False
        return True

    # -- GET: the page, the step player, downloads -------------------------------------------------
    def do_GET(self) -> None:
        with self._working():
            self._get()

    def _get(self) -> None:
        try:
            if not self._allowed():
                return
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            app = self.server.app
            if url.path == "/":
                nonce = secrets.token_urlsafe(16)
                body = page_html(app.token, nonce, app.start.title).encode()
                self._send(200, body, "text/html; charset=utf-8", _csp(f"'nonce-{nonce}'"))
                return
            if url.path in ("/steps", "/download/network.json", "/download/explanation.html"):
                session, _ = app.sessions.get((query.get("session") or [""])[0])
                with session.lock:
                    if url.path == "/steps":
                        page = session.steps_page()
                        self._send(200, page.encode(), "text/html; charset=utf-8", _csp(script_hashes(page)))
                    elif url.path == "/download/network.json":
                        body = session.network_json().encode()
                        self._send(200, body, "application/json; charset=utf-8",
                                   extra={"Content-Disposition": f'attachment; filename="{session.file_stem()}.json"'})
                    else:
                        body = session.explanation_html().encode()
                        self._send(200, body, "text/html; charset=utf-8", _csp("'none'"),
                                   extra={"Content-Disposition":
                                          f'attachment; filename="{session.file_stem()}-explained.html"'})
                return
            self._refuse(HTTPStatus.NOT_FOUND, f"nothing at {url.path[:80]}")
        except TinygraphError as e:
            self._refuse(HTTPStatus.BAD_REQUEST, str(e))
        except Exception as e:                      # the server keeps running whatever one request does
            self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, f"the playground could not do that: {type(e).__name__}: {e}")

    do_HEAD = do_GET

    # -- POST: every change ---------------------------------------------------------------------
    def do_POST(self) -> None:
        try:
            self._post()
        except Exception as e:
            self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, f"the playground could not do that: {type(e).__name__}: {e}")

    def _post(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "a change must be sent with its length (Content-Length)")
            return
        n = int(length)
        if n > MAX_BODY:
            self.close_connection = True        # do not read it: the rest of the body is dropped with the connection
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                         f"the request is too large ({n} bytes; at most {MAX_BODY})")
            return
        try:
            raw = self.rfile.read(n)
        except TimeoutError:
            self.close_connection = True
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, f"the request did not arrive whole within {REQUEST_SECONDS:g} s")
            return
        if len(raw) < n:
            self.close_connection = True
            return                                  # the client went away mid-body: nobody to answer
        with self._working():
            self._posted(raw)

    def _posted(self, raw: bytes) -> None:
        """A POST that has arrived whole: check it, then apply it."""
        app = self.server.app
        if not self._allowed():
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin not in app.origins:
            self._refuse(HTTPStatus.FORBIDDEN, "changes are taken only from the playground's own page")
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "a change must be sent as JSON (application/json)")
            return
        path = urlsplit(self.path).path
        if not path.startswith("/api/"):
            self._refuse(HTTPStatus.NOT_FOUND, f"nothing to change at {path[:80]}")
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._refuse(HTTPStatus.BAD_REQUEST, "the request is not valid JSON (it is not UTF-8 text)")
            return
        depth = _depth(text)
        if depth > MAX_DEPTH:
            self._refuse(HTTPStatus.BAD_REQUEST, f"the request is nested {depth} levels deep; a change is at most "
                                                 f"{MAX_DEPTH} deep")
            return
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):
            self._refuse(HTTPStatus.BAD_REQUEST, "the request is not valid JSON")
            return
        if not isinstance(body, dict):
            self._refuse(HTTPStatus.BAD_REQUEST, "the request must be a JSON object")
            return
        try:
            session, fresh = app.sessions.get(body.get("session"))
            with session.lock:
                view = session.apply(path[len("/api/"):], body)
        except TinygraphError as e:
            self._refuse(HTTPStatus.BAD_REQUEST, str(e))
            return
        view["fresh"] = fresh
        self._json(200, view)


def _depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest, found without parsing it (checks.json_nesting)."""
    return json_nesting(text)[1]


class PlaygroundServer:
    """The server and its thread: ``.url`` (with the token), ``.stop()``; ``.wait()`` blocks until Ctrl-C."""

    def __init__(self, start: Start, port: int = 0, max_sessions: int = 32) -> None:
        self.start = start
        self.token = secrets.token_urlsafe(24)
        self.sessions = Sessions(start, most=max_sessions)
        try:
            self.httpd = _Server((HOST, port), _Handler, self)
        except OSError as e:
            raise PlayError(f"cannot listen on {HOST}:{port}: {e.strerror or e}; "
                            "give another --port, or none to take a free one") from None
        self.port = self.httpd.server_address[1]
        self.hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.url = f"http://{HOST}:{self.port}/?token={self.token}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="tinygraph-play", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket (safe to call twice)."""
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()

    def wait(self) -> None:
        """Serve until Ctrl-C (then stop cleanly)."""
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _repr_html_(self) -> str:
        return (f'<iframe class="tinygraph-play" src="{html.escape(self.url, quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ccc;border-radius:6px" '
                'title="tinygraph playground"></iframe>')

    def __repr__(self) -> str:
        return f"<tinygraph playground at {self.url}; .stop() ends it>"

"""A tiny threaded HTTP server on 127.0.0.1 that fakes one external API.

A fake subclasses `FakeServer`, declares its routes and answers like the real service; tests
start it with `with SomeFake() as server:`, point the client at `server.url` and read back
`server.requests`. Nothing leaves the machine.
"""

import json
import re
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    """One request the fake received, as it arrived."""

    method: str
    path: str
    query: dict
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict:
        """The body as a flat form: {"metadata[payment_id]": "12", …}."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list → JSON; bytes/str as they are; None → empty
    headers: dict = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, dict]:
        headers = dict(self.headers)
        if self.body is None:
            return b"", headers
        if isinstance(self.body, bytes):
            return self.body, headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return self.body.encode(), headers
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode(), headers


Handler = Callable[..., Response]


def route(method: str, pattern: str):
    """Mark a FakeServer method as the answer to `method` on paths matching `pattern` (a regex)."""

    def mark(function):
        function.route = (method.upper(), re.compile(pattern + r"\Z"))
        return function

    return mark


def unused_url() -> str:
    """An address where nothing listens: a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FakeServer:
    """Base class of the fakes. Set `delay` to answer late (timeouts) or call `fail_next()` to
    make the next call answer an error whatever it asks."""

    def __init__(self):
        self.requests: list[Request] = []
        self.delay = 0.0
        self._forced: list[Response] = []
        self._lock = threading.RLock()  # handlers and test-side helpers change the same state
        self._stopping = threading.Event()
        self._routes = [getattr(self, name) for name in dir(type(self))
                        if hasattr(getattr(type(self), name), "route")]
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, status: int = 500, body: object = None):
        """The next call, whatever it is, gets this answer (e.g. a 503 outage)."""
        self._forced.append(Response(status, body if body is not None else {"error": "unavailable"}))

    def start(self) -> "FakeServer":
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format, *args):  # keep test output quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=type(self).__name__, daemon=True)  # a short poll: quick shutdown
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()  # wake delayed answers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _serve(self, handler: BaseHTTPRequestHandler):
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=split.path,
            query=dict(parse_qsl(split.query)),
            headers={key.lower(): value for key, value in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(request)
            forced = self._forced.pop(0) if self._forced else None
        if self.delay:
            self._stopping.wait(self.delay)
        response = forced or self._dispatch(request)
        body, headers = response.encoded()
        try:
            handler.send_response(response.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:  # the client gave up (timeout): nothing to answer
            handler.close_connection = True

    def _dispatch(self, request: Request) -> Response:
        for handler in self._routes:
            method, pattern = handler.route
            match = pattern.match(request.path)
            if match and method == request.method:
                with self._lock:
                    return handler(request, **match.groupdict())
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"error": f"no route for {request.method} {request.path}"})

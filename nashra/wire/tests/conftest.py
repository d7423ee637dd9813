"""Agency feeds served from this machine (port 8106) or dropped into a folder; no network."""

import hashlib
import io
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PORT = 8106


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 60)).save(out, "PNG")
    return out.getvalue()


class FeedServer:
    """Serves `files` (path → bytes) with an ETag and Last-Modified and answers 304 to a
    request that sends them back; `hang` paths never answer before the client gives up."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.hang: set[str] = set()
        self.log: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                server.log.append((path, dict(self.headers)))
                if path in server.hang:
                    time.sleep(3)
                    return
                data = server.files.get(path)
                if data is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(data).hexdigest() + '"'
                modified = "Sun, 07 Dec 2026 05:00:00 GMT"
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(data)

        try:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
        except OSError:  # another test process (pytest -n) holds it: any free port will do
            self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[dict]:
        return [headers for p, headers in self.log if p == path]


@pytest.fixture(scope="session")
def _feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def feeds(_feed_server):
    _feed_server.files = {"/quake.png": png_bytes()}
    _feed_server.hang = set()
    _feed_server.log = []
    return _feed_server


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def drop(tmp_path):
    """drop(name) copies a fixture into the agency's folder, as the agency would."""
    folder = tmp_path / "incoming"
    folder.mkdir()

    def _drop(name: str, as_name: str | None = None) -> Path:
        target = folder / (as_name or name)
        shutil.copy(FIXTURES / name, target)
        return target

    _drop.folder = folder
    (folder / "quake.png").write_bytes(png_bytes())
    return _drop

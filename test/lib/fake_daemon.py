"""fake_daemon.py: a stand-in for a node's daemon (Wings), the only mock of
the project: the real daemon runs game servers in containers, which cannot
run here. It listens on 127.0.0.1 (plain HTTP or TLS with a certificate made
for the test), records every request (method, path, Authorization header,
JSON body) and answers what the test scripted, by default 200/202 {}.

    d = FakeDaemon(tls=True, tmpdir=...)   # d.ca_file: the CA to trust
    d.start(); d.url -> "https://127.0.0.1:PORT"
    d.script("POST", "/api/servers", 409, {"error": "already exists"})
    d.requests -> [Request(method, path, authorization, body), ...]
    d.stop()
"""

import http.server
import json
import os
import socket
import ssl
import subprocess
import threading
import time
from collections import namedtuple

Request = namedtuple("Request", "method path authorization content_type body")


def make_certificate(tmpdir, host="127.0.0.1"):
    """A self-signed certificate for host (as IP SAN); returns (cert, key)."""
    cert, key = os.path.join(tmpdir, "daemon.crt"), os.path.join(tmpdir, "daemon.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=fake-daemon", "-addext", f"subjectAltName=IP:{host}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class FakeDaemon:
    def __init__(self, tls=False, tmpdir=None):
        self.tls = tls
        self.tmpdir = tmpdir
        self.requests = []
        self.scripts = {}  # (method, path) -> (status, body, delay)
        self.lock = threading.Lock()
        self.server = None
        self.thread = None
        self.ca_file = None

    def script(self, method, path, status, body=None, delay=0.0):
        with self.lock:
            self.scripts[(method, path)] = (status, body if body is not None else {}, delay)

    def clear(self):
        with self.lock:
            self.requests.clear()
            self.scripts.clear()

    def start(self):
        daemon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                with daemon.lock:
                    daemon.requests.append(Request(self.command, self.path,
                                                   self.headers.get("Authorization"),
                                                   self.headers.get("Content-Type"), body))
                    status, answer, delay = daemon.scripts.get(
                        (self.command, self.path),
                        (202 if self.path.endswith("/power") else 200, {}, 0.0))
                if delay:
                    time.sleep(delay)
                out = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if self.tls:
            cert, key = make_certificate(self.tmpdir)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.ca_file = cert
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def closed_port():
    """A 127.0.0.1 port nothing listens on (for 'daemon down')."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

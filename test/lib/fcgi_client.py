"""fcgi_client.py: a minimal FastCGI client (responder role) for tests that
talk to panel-fcgi without a web server in between, e.g. to send a body
shorter than its CONTENT_LENGTH. Python standard library only."""

import socket
import struct

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, \
    FCGI_STDERR = 1, 3, 4, 5, 6, 7


def _record(rtype, content, req_id=1):
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        pad = (-len(chunk)) % 8
        out += struct.pack(">BBHHBB", 1, rtype, req_id, len(chunk), pad, 0) + chunk + b"\0" * pad
        if not content:
            break
    return out


def _nv(name, value):
    def ln(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return ln(len(name)) + ln(len(value)) + name + value


def request(sock_path, method, path, headers=None, body=b"", content_length=None,
            remote_addr="127.0.0.1", query="", timeout=30):
    """Sends one request; returns (status, headers dict lowercased, body)."""
    params = {
        "REQUEST_METHOD": method, "REQUEST_URI": path + ("?" + query if query else ""),
        "QUERY_STRING": query, "SCRIPT_NAME": path, "REMOTE_ADDR": remote_addr,
        "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
    }
    if content_length is None and body:
        content_length = len(body)
    if content_length is not None:
        params["CONTENT_LENGTH"] = str(content_length)
    for k, v in (headers or {}).items():
        if k.lower() == "content-type":
            params["CONTENT_TYPE"] = v
        else:
            params["HTTP_" + k.upper().replace("-", "_")] = v
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    msg = _record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 0))
    msg += _record(FCGI_PARAMS, b"".join(_nv(k, v) for k, v in params.items()))
    msg += _record(FCGI_PARAMS, b"")
    if body:
        msg += _record(FCGI_STDIN, body)
    msg += _record(FCGI_STDIN, b"")
    s.sendall(msg)
    out = b""
    buf = b""
    while True:
        data = s.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 8:
            _, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_END_REQUEST:
                s.close()
                return _parse(out)
    s.close()
    return _parse(out)


def _parse(out):
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    status = 200
    for line in head.decode("latin-1").split("\r\n"):
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return status, headers, body

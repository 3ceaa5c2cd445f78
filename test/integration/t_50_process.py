"""Process model: `panel-fcgi serve` started with the systemd unit's
ExecStart arguments, a worker killed under lighttpd and under serve, and a
graceful stop that finishes the requests in flight."""

import os
import re
import shlex
import signal
import threading
import time

from harness import test, eq, http_request
import fcgi_client
import stack


def unit_exec_args(sock):
    """The arguments of ExecStart in conf/panel-fcgi.service, with our socket."""
    with open(os.path.join(stack.REPO, "conf", "panel-fcgi.service")) as f:
        line = next(l for l in f if l.startswith("ExecStart="))
    argv = shlex.split(line[len("ExecStart="):])
    assert argv[1] == "serve", argv
    tail = argv[2:]
    i = tail.index("--listen")
    assert tail[i + 1].startswith("unix:"), tail
    tail[i + 1] = "unix:" + sock
    return tail


def start_serve(ctx, name):
    cfg = ctx.panel_config(name)
    cfg.setup_database()
    sock = os.path.join(cfg.root, "panel.sock")
    sv = stack.Serve(cfg.root, cfg, unit_exec_args(sock), env=stack.sanitizer_env(ctx.sanlogs))
    sv.start(sock)
    ctx.cleanups.append(sv.stop)
    assert stack.wait_until(lambda: len(sv.workers()) == 2, 10), "both workers up"
    return sv, sock


@test
def serve_mode_as_the_systemd_unit_runs_it(ctx):
    sv, sock = start_serve(ctx, "serve-unit")
    eq(len(sv.workers()), 2, "--processes 2")
    st, h, body = fcgi_client.request(sock, "GET", "/api/settings")
    eq(st, 200, "settings")
    st, h, body = fcgi_client.request(sock, "POST", "/api/test/echo",
                                      {"Content-Type": "application/json"},
                                      b'{"name":"abc"}', content_length=100)
    eq((st, body), (400, b'{"errors":["invalid payload: failed to read body"]}'),
       "a body shorter than its Content-Length")
    st, h, body = fcgi_client.request(sock, "POST", "/api/test/echo",
                                      {"Content-Type": "application/json"},
                                      b'{"name":"abc"}', content_length="12x")
    eq(st, 400, "malformed Content-Length")
    for cl in ["+14", " 14", "-0", "0x0e", "99999999999999999999999"]:
        st, h, body = fcgi_client.request(sock, "POST", "/api/test/echo",
                                          {"Content-Type": "application/json"},
                                          b'{"name":"abc"}', content_length=cl)
        eq(st, 400, f"Content-Length {cl!r}")
    for bad in ["%00", "a%0", "%zz", "%", "a%00b"]:
        st, h, body = fcgi_client.request(sock, "GET", "/api/test/echo", query="q=" + bad)
        eq((st, body), (400, b'{"errors":["Failed to deserialize query string: invalid '
                             b'encoding in q"]}'), f"q={bad}")


@test
def serve_restarts_a_killed_worker(ctx):
    sv, sock = start_serve(ctx, "serve-kill")
    before = sv.workers()
    os.kill(before[0], signal.SIGKILL)
    ok = stack.wait_until(lambda: len(sv.workers()) == 2 and before[0] not in sv.workers(), 10)
    assert ok, f"worker replaced: {before} -> {sv.workers()}"
    for _ in range(20):
        eq(fcgi_client.request(sock, "GET", "/api/languages")[0], 200, "served after restart")


@test
def serve_one_worker_stopped_alone_does_not_stop_the_pool(ctx):
    # SIGTERM to a single worker: it leaves gracefully, the master replaces
    # it, and the shared listening socket keeps serving throughout.
    sv, sock = start_serve(ctx, "serve-term-one")
    before = sv.workers()
    os.kill(before[0], signal.SIGTERM)
    ok = stack.wait_until(lambda: len(sv.workers()) == 2 and before[0] not in sv.workers(), 10)
    assert ok, f"worker replaced: {before} -> {sv.workers()}"
    assert before[1] in sv.workers(), "the other worker kept running"
    for _ in range(20):
        eq(fcgi_client.request(sock, "GET", "/api/languages")[0], 200, "served")
    with open(os.path.join(sv.root, "serve.log")) as f:
        assert "accept failed" not in f.read(), "no worker lost its socket"


@test
def serve_master_ignores_worker_signals_and_hup(ctx):
    sv, sock = start_serve(ctx, "serve-signals")
    before = sv.workers()
    for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
        os.kill(sv.proc.pid, sig)
    time.sleep(0.3)
    assert sv.proc.alive(), "master still running"
    eq(sv.workers(), before, "workers untouched")
    eq(fcgi_client.request(sock, "GET", "/api/languages")[0], 200, "served")
    for w in before:  # SIGHUP and SIGUSR2 do not stop a worker either
        os.kill(w, signal.SIGHUP)
        os.kill(w, signal.SIGUSR2)
    time.sleep(0.3)
    eq(sv.workers(), before, "workers survive SIGHUP and SIGUSR2")
    eq(fcgi_client.request(sock, "GET", "/api/languages")[0], 200, "served")


@test
def serve_graceful_stop_finishes_requests_in_flight(ctx):
    sv, sock = start_serve(ctx, "serve-stop")
    result = {}

    def slow():
        result["r"] = fcgi_client.request(sock, "GET", "/api/test/sleep", query="ms=1500")
    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)  # the request is inside the handler now
    rc = sv.stop()
    t.join(30)
    eq(rc, 0, "master exit status")
    eq(result.get("r", (None,))[0], 200, "the request in flight got its answer")
    assert not os.path.exists(sock), "socket removed"


@test
def lighttpd_worker_killed_next_requests_succeed(ctx):
    lt = ctx.lighttpd
    pids = lt.backends()
    assert len(pids) == 2, f"two backends: {pids}"
    os.kill(pids[0], signal.SIGKILL)
    # lighttpd notices and respawns; after that every request succeeds.
    assert stack.wait_until(lambda: len(lt.backends()) == 2 and pids[0] not in lt.backends(), 15), \
        f"respawned: {lt.backends()}"
    statuses = [ctx.get("/api/languages").status for _ in range(30)]
    eq(statuses, [200] * 30, "all served")

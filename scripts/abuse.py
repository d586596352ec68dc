#!/usr/bin/env python3
"""Slow, broken and hostile clients against a running injection-safety server.

Each scenario starts its own server (the binary given with --binary) on a free
loopback port with the limits it needs, attacks it, checks what must hold, and
stops it. Every wait is bounded. Exit status 0 only if every check held.

  scripts/abuse.py --binary .build/release/injection-safety-server [--scale short|full] [SCENARIO...]

Scenarios: slowloris, slow-reader, churn, over-limit (default: all).
"""

import argparse
import os
import random
import selectors
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import server as server_process  # noqa: E402  (scripts/lib/server.py)

SCALES = {
    # slowloris connections, churn connections, slow readers
    "short": {"slowloris": 300, "churn": 10_000, "slow_readers": 20},
    "full": {"slowloris": 1_000, "churn": 100_000, "slow_readers": 100},
}

FAILURES = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


class Server:
    """The server binary on a free port, with its log in a temporary file."""

    def __init__(self, binary, *arguments):
        self.log_path = f"/tmp/abuse-server-{os.getpid()}-{random.randrange(1 << 30)}.log"
        self.log = open(self.log_path, "w+")
        self.process, self.port = server_process.start(binary, "--log-level", "notice", *arguments, log=self.log)

    @property
    def pid(self):
        return self.process.pid

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log_path)


def get(port, path="/healthz", timeout=5.0):
    """One GET on a new connection; returns (status, seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, time.monotonic() - started


class KeepAliveClient:
    """GET /healthz over one kept-alive connection, timing each answer."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buffer = b""

    def get(self, path="/healthz"):
        started = time.monotonic()
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: abuse\r\n\r\n".encode())
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buffer[:end].decode("latin-1")
                length = next(int(l.split(":")[1]) for l in head.split("\r\n") if l.lower().startswith("content-length:"))
                if len(self.buffer) >= end + 4 + length:
                    self.buffer = self.buffer[end + 4 + length:]
                    return int(head.split(" ", 2)[1]), time.monotonic() - started
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk

    def close(self):
        self.sock.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def slowloris(binary, scale):
    """Connections that send a header byte every 2 s never complete a head; the
    header timeout closes each, and a normal client is not slowed down."""
    count = SCALES[scale]["slowloris"]
    timeout = 4
    server = Server(binary, "--header-read-timeout", str(timeout))
    try:
        baseline_fds = server.fd_count()
        selector = selectors.DefaultSelector()
        slow = []
        for index in range(count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.setblocking(False)
            sock.send(b"GET /healthz HTTP/1.1\r\n")
            selector.register(sock, selectors.EVENT_READ, index)
            slow.append(sock)
        opened = time.monotonic()
        closed_at = {}
        answered_408 = 0
        client = KeepAliveClient(server.port)
        latencies = []
        next_drip = opened + 2
        deadline = opened + timeout + 6
        while time.monotonic() < deadline and len(closed_at) < count:
            status, seconds = client.get()
            if status == 200:
                latencies.append(seconds)
            for key, _ in selector.select(timeout=0.01):
                sock = key.fileobj
                try:
                    data = sock.recv(4096)
                except (ConnectionResetError, BlockingIOError):
                    data = b""
                if data.startswith(b"HTTP/1.1 408"):
                    answered_408 += 1
                    try:
                        while sock.recv(4096):
                            pass
                    except (BlockingIOError, ConnectionResetError):
                        pass
                selector.unregister(sock)
                closed_at[key.data] = time.monotonic() - opened
            if time.monotonic() >= next_drip:
                next_drip += 2
                for index, sock in enumerate(slow):
                    if index not in closed_at:
                        try:
                            sock.send(b"X")
                        except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                            pass
        client.close()
        for sock in slow:
            sock.close()
        check(len(closed_at) == count, f"slowloris: all {count} slow connections closed by the server ({len(closed_at)} closed)")
        if closed_at:
            latest = max(closed_at.values())
            check(latest < timeout + 2, f"slowloris: the last one closed {latest:.1f} s after opening (header timeout {timeout} s)")
        check(answered_408 == count, f"slowloris: each got 408 Request Timeout ({answered_408})")
        p99 = percentile(latencies, 0.99) * 1000 if latencies else float("inf")
        check(len(latencies) > 50 and p99 < 50,
              f"slowloris: GET /healthz alongside: {len(latencies)} answers, p50 "
              f"{statistics.median(latencies) * 1000:.2f} ms, p99 {p99:.2f} ms (< 50 ms)")
        time.sleep(0.5)
        check(server.fd_count() == baseline_fds, f"slowloris: fds back to {baseline_fds} ({server.fd_count()})")
        check(server.alive(), "slowloris: server still running")
    finally:
        server.stop()


def slow_reader(binary, scale):
    """Clients that pipeline requests for a large page and never read are closed
    by the write timeout; others are served meanwhile and memory stays bounded."""
    readers = SCALES[scale]["slow_readers"]
    write_timeout = 3
    server = Server(binary, "--write-timeout", str(write_timeout))
    try:
        baseline_fds = server.fd_count()
        status, _ = get(server.port, "/v1/side-effects?limit=100")
        check(status == 200, "slow reader: the large page answers 200 to a normal client")
        rss_before = server.rss_kib()
        request = b"GET /v1/side-effects?limit=100 HTTP/1.1\r\nHost: abuse\r\n\r\n" * 64
        sockets = []
        for _ in range(readers):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", server.port))
            sock.setblocking(False)
            try:
                sock.send(request)
            except BlockingIOError:
                pass
            sockets.append(sock)
        time.sleep(1)
        rss_peak = server.rss_kib()
        client = KeepAliveClient(server.port)
        latencies = [client.get()[1] for _ in range(200)]
        client.close()
        p99 = percentile(latencies, 0.99) * 1000
        check(p99 < 50, f"slow reader: GET /healthz p99 {p99:.2f} ms while {readers} clients do not read")
        # Each connection holds at most 64 KiB of answers and one more (35 KB here)
        # before the server stops answering it (ServerLimits.maxQueuedOutputBytes).
        bound = readers * 128 + 16 * 1024
        check(rss_peak - rss_before < bound,
              f"slow reader: RSS {rss_before} KiB -> {rss_peak} KiB (< {bound // 1024} MiB more)")
        deadline = time.monotonic() + write_timeout + 5
        while time.monotonic() < deadline and server.fd_count() > baseline_fds:
            time.sleep(0.2)
        check(server.fd_count() == baseline_fds,
              f"slow reader: every non-reading connection closed within {write_timeout + 5} s ({server.fd_count() - baseline_fds} left)")
        for sock in sockets:
            sock.close()
        check(server.alive() and get(server.port)[0] == 200, "slow reader: server healthy afterwards")
    finally:
        server.stop()


def churn(binary, scale):
    """Many short connections, one in ten reset (SO_LINGER 0) mid-request: no fd leaks."""
    total = SCALES[scale]["churn"]
    server = Server(binary)
    try:
        baseline_fds = server.fd_count()
        counts = {"ok": 0, "reset": 0, "errors": 0}
        lock = threading.Lock()
        linger = struct.pack("ii", 1, 0)

        def worker(n, seed):
            rng = random.Random(seed)
            local = {"ok": 0, "reset": 0, "errors": 0}
            for _ in range(n):
                try:
                    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                    if rng.random() < 0.1:
                        sock.send(b"POST /v1/triage HTTP/1.1\r\nHost: abuse\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: 100\r\n\r\n{\"injection\":")
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                        sock.close()
                        local["reset"] += 1
                        continue
                    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n")
                    data = b""
                    while True:
                        chunk = sock.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    sock.close()
                    local["ok" if data.startswith(b"HTTP/1.1 200") else "errors"] += 1
                except OSError:
                    local["errors"] += 1
            with lock:
                for key in counts:
                    counts[key] += local[key]

        threads = [threading.Thread(target=worker, args=(total // 8, seed)) for seed in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        print(f"     churn: {sum(counts.values())} connections in {elapsed:.1f} s: {counts}")
        check(counts["errors"] == 0, f"churn: every complete request answered 200 ({counts['errors']} errors)")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and server.fd_count() != baseline_fds:
            time.sleep(0.1)
        check(server.fd_count() == baseline_fds, f"churn: fds back to {baseline_fds} ({server.fd_count()})")
        check(server.alive() and get(server.port)[0] == 200, "churn: server healthy afterwards")
    finally:
        server.stop()


def over_limit(binary, scale):
    """Past --max-connections a client gets 503 and a close; service resumes when load drops."""
    limit = 50
    server = Server(binary, "--max-connections", str(limit))
    try:
        held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(limit)]
        time.sleep(0.3)
        statuses = []
        for _ in range(5):
            try:
                statuses.append(get(server.port)[0])
            except OSError:
                statuses.append(0)
        check(all(status == 503 for status in statuses), f"over limit: extra clients get 503 ({statuses})")
        for sock in held:
            sock.close()
        deadline = time.monotonic() + 5
        status = 0
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.1)
            status = get(server.port)[0]
        check(status == 200, "over limit: service resumes once connections close")
        check(server.alive(), "over limit: server still running")
    finally:
        server.stop()


SCENARIOS = {"slowloris": slowloris, "slow-reader": slow_reader, "churn": churn, "over-limit": over_limit}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="short")
    parser.add_argument("scenarios", nargs="*", choices=[[]] + sorted(SCENARIOS), default=[])
    args = parser.parse_args()
    for name in args.scenarios or list(SCENARIOS):
        print(f"== {name} ({args.scale})", flush=True)
        SCENARIOS[name](args.binary, args.scale)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())

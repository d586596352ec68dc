"""For the Python checkers: start the built server on a free loopback port and
wait until it is ready, by the one way the server says so (--ready-file); the
shell scripts do the same with scripts/lib/server.sh."""

import os
import subprocess
import tempfile
import time


def start(binary, *arguments, log, timeout=30):
    """Starts BINARY --host 127.0.0.1 --port 0 --log-format json --ready-file F ARGUMENTS...
    with its output in the open file LOG; returns (process, port) or raises
    SystemExit with the output when it does not get ready within TIMEOUT s."""
    ready = os.path.join(tempfile.gettempdir(), f"injection-safety-ready-{os.getpid()}-{time.monotonic_ns()}")
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0", "--log-format", "json", "--ready-file", ready, *arguments],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                with open(ready) as handle:
                    text = handle.read()
                if text.endswith("\n"):
                    return process, int(text.split()[-1])
            except FileNotFoundError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.02)
    finally:
        if os.path.exists(ready):
            os.unlink(ready)
    process.kill()
    log.flush()
    with open(log.name) as handle:
        raise SystemExit("server did not start:\n" + handle.read())

#!/usr/bin/env python3
"""Checks deploy/systemd: systemd's own verifier accepts both units (with
ExecStart pointed at the built binary), and they agree with the server:

- the service is started by the socket unit and gives no --host or --port
  (the server refuses them when it is given a socket);
- TimeoutStopSec is longer than the drain deadline (DRAIN_TIMEOUT as set,
  else the server's default), so systemd never kills a draining server;
- the socket's port is the server's default port and its Backlog the server's own.

    scripts/check-systemd.py BINARY
"""
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy/systemd"


def settings(text):
    """Each `Key=value` of a unit file (the last one wins, as in systemd)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def main():
    binary = Path(sys.argv[1]).resolve()
    problems = []
    socket_text = (UNITS / "injection-safety.socket").read_text()
    service_text = (UNITS / "injection-safety.service").read_text()
    socket, service = settings(socket_text), settings(service_text)

    # systemd's verifier, on copies whose ExecStart is the built binary.
    with tempfile.TemporaryDirectory() as work:
        for name, text in [("injection-safety.socket", socket_text), ("injection-safety.service", service_text)]:
            text = re.sub(r"^ExecStart=\S+", f"ExecStart={binary}", text, flags=re.M)
            Path(work, name).write_text(text)
        verify = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(Path(work, "injection-safety.socket")),
             str(Path(work, "injection-safety.service"))],
            capture_output=True, text=True)
        # Lines about units outside this folder (the host's own) are not these units' problems.
        output = [line for line in (verify.stdout + verify.stderr).splitlines() if work in line or "injection-safety" in line]
        if verify.returncode != 0 or output:
            problems.append("systemd-analyze verify: " + "\n".join(output or [verify.stderr.strip()]))

    limits = subprocess.run([binary, "limits"], capture_output=True, text=True, check=True).stdout
    drain_default = float(re.search(r"`DRAIN_TIMEOUT` \| ([\d.]+) s", limits).group(1))
    help_text = " ".join(subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout.split())
    port_default = int(re.search(r"env: PORT; default: (\d+)", help_text).group(1))
    listener_source = (ROOT / "Sources/HTTPServer/Server/Listener.swift").read_text()
    backlog_default = int(re.search(r"backlog: Int32 = (\d+)", listener_source).group(1))

    if "injection-safety.socket" not in service.get("Requires", ""):
        problems.append("the service does not require injection-safety.socket")
    if re.search(r"--host|--port", service.get("ExecStart", "")):
        problems.append("ExecStart gives --host or --port: the socket says where to listen")
    environment = dict(re.findall(r"^Environment=(\w+)=(\S+)", service_text, flags=re.M))
    drain = float(environment.get("DRAIN_TIMEOUT", drain_default))
    stop = service.get("TimeoutStopSec", "90")
    stop_seconds = float(stop.rstrip("s"))
    if stop_seconds <= drain:
        problems.append(f"TimeoutStopSec {stop} is not longer than the drain deadline ({drain:g} s)")
    if socket.get("ListenStream") != str(port_default):
        problems.append(f"ListenStream {socket.get('ListenStream')} is not the server's port {port_default}")
    if socket.get("Backlog") != str(backlog_default):
        problems.append(f"Backlog {socket.get('Backlog')} is not the server's own ({backlog_default})")

    if problems:
        print("deploy/systemd:\n- " + "\n- ".join(problems))
        sys.exit(1)
    print(f"deploy/systemd: both units verified by systemd-analyze; stop timeout {stop} > drain {drain:g} s, "
          f"port {port_default}, backlog {backlog_default}")


if __name__ == "__main__":
    if not shutil.which("systemd-analyze"):
        sys.exit("check-systemd: needs systemd-analyze (Debian: apt-get install systemd)")
    main()

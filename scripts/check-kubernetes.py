#!/usr/bin/env python3
"""Checks deploy/kubernetes: every manifest is valid against the Kubernetes
schemas of a pinned version (kubernetes-validate, strict: no unknown fields),
the Kustomize files name files that exist, and the Deployment and Ingress
agree with the server's own defaults, read from the built binary:

- the container port is the server's default port, and the probes' paths
  answer 200 on a running server (--server);
- terminationGracePeriodSeconds is longer than the preStop wait plus the drain
  deadline (DRAIN_TIMEOUT as set, else the server's default);
- the Ingress's body limit is the server's MAX_BODY_BYTES default, and its
  send and read timeouts are those of deploy/nginx.conf.

    scripts/check-kubernetes.py BINARY [--server URL]
"""
import argparse
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
KUBERNETES = ROOT / "deploy/kubernetes"
KUBERNETES_VERSION = "1.31.0"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--server", help="base URL of a running server, to check the probe paths")
    args = parser.parse_args()
    problems = []
    documents = {}
    count = 0
    for path in sorted(KUBERNETES.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if not document:
                continue
            relative = path.relative_to(ROOT)
            if document.get("kind") == "Kustomization":
                for entry in document.get("resources", []) + [p["path"] for p in document.get("patches", [])]:
                    if not (path.parent / entry).exists():
                        problems.append(f"{relative}: names {entry}, which does not exist")
                continue
            try:
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{relative}: {document.get('kind')} {error.message} at {list(error.path)}")
            count += 1
            if "overlays" not in path.parts:
                documents.setdefault(document["kind"], []).append(document)

    # The server's own defaults.
    limits = subprocess.run([args.binary, "limits"], capture_output=True, text=True, check=True).stdout
    def default(variable):
        match = re.search(r"`%s` \| ([^|]+) \|" % variable, limits)
        return match.group(1).strip() if match else None
    drain_default = float(default("DRAIN_TIMEOUT").split()[0])
    body_default = int(default("MAX_BODY_BYTES"))
    help_text = subprocess.run([args.binary, "--help"], capture_output=True, text=True, check=True).stdout
    port_default = int(re.search(r"env: PORT; default: (\d+)", " ".join(help_text.split())).group(1))

    deployment = documents["Deployment"][0]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {item["name"]: item.get("value") for item in container.get("env", [])}
    port = container["ports"][0]["containerPort"]
    if port != int(env.get("PORT", port_default)) or (env.get("PORT") is None and port != port_default):
        problems.append(f"containerPort {port} is not the server's port ({env.get('PORT', port_default)})")
    drain = float(env.get("DRAIN_TIMEOUT", drain_default))
    wait = float(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    grace = pod["terminationGracePeriodSeconds"]
    if grace <= wait + drain:
        problems.append(f"terminationGracePeriodSeconds {grace} is not longer than preStop {wait} s + drain {drain} s")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append("the service-account token is mounted")
    security = container["securityContext"]
    if not (security.get("readOnlyRootFilesystem") and security.get("capabilities", {}).get("drop") == ["ALL"]
            and security.get("allowPrivilegeEscalation") is False and pod["securityContext"].get("runAsNonRoot")):
        problems.append("the container is not non-root, read-only, without capabilities")
    probes = {"readinessProbe": "/readyz", "livenessProbe": "/healthz"}
    for probe, path in probes.items():
        if container[probe]["httpGet"]["path"] != path:
            problems.append(f"{probe} is not {path}")
        if args.server:
            with urllib.request.urlopen(args.server.rstrip("/") + container[probe]["httpGet"]["path"]) as answer:
                if answer.status != 200:
                    problems.append(f"{probe} path answers {answer.status}")

    ingress = documents["Ingress"][0]
    annotations = ingress["metadata"]["annotations"]
    size = annotations["nginx.ingress.kubernetes.io/proxy-body-size"]
    if size != f"{body_default // (1024 * 1024)}m":
        problems.append(f"the Ingress body limit {size} is not the server's {body_default} bytes")
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    for name, directive in (("proxy-read-timeout", "proxy_read_timeout"), ("proxy-send-timeout", "proxy_send_timeout"),
                            ("proxy-connect-timeout", "proxy_connect_timeout")):
        expected = re.search(r"%s (\d+)s;" % directive, nginx).group(1)
        if annotations[f"nginx.ingress.kubernetes.io/{name}"] != expected:
            problems.append(f"the Ingress {name} is not deploy/nginx.conf's {expected} s")
    closed = [i for i in documents["Ingress"] if "/metrics" in str(i["spec"])]
    if not closed or closed[0]["metadata"]["annotations"].get(
            "nginx.ingress.kubernetes.io/allowlist-source-range") != "127.0.0.1/32":
        problems.append("no Ingress closes /metrics")

    for line in problems:
        print(line)
    print(f"check-kubernetes: {count} manifests valid against Kubernetes {KUBERNETES_VERSION}; "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

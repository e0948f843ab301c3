"""A Hugo site as the new platform: ``migrator export --format hugo`` built by Debian's ``hugo`` and its ``public/``
served by a real nginx (Debian's ``nginx-light``), as a static host serves it.

``build(site)`` runs ``hugo`` in an export's directory; ``serve_public(public, port)`` serves a built site on a
loopback port, optionally with an nginx include (the redirect map of ``migrator redirects --format nginx``) applied
to the old URLs with a query string, which no Hugo alias can hold. ``missing()`` names what is not installed, the
reason a test skips with (``.ci/run`` installs both).

``python -m tests.sites.hugo SITE_DIR --port 8003 [--map redirects.conf]`` builds and serves one by hand.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

#: MIME types the served site needs: nginx answers text/plain for an extension it does not know.
TYPES = {"text/html": "html htm", "text/xml": "xml", "text/css": "css", "application/javascript": "js",
         "image/jpeg": "jpeg jpg", "image/png": "png", "image/gif": "gif", "image/svg+xml": "svg",
         "image/webp": "webp", "application/pdf": "pdf", "application/zip": "zip",
         "application/msword": "doc", "application/rss+xml": "rss"}


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/usr/local/bin")


def missing() -> str | None:
    """Why this site cannot run here (the reason a test skips with), or None when hugo and nginx are installed."""
    lacking = [f"{name} is not installed (.ci/run installs Debian's {package})"
               for name, package in (("hugo", "hugo"), ("nginx", "nginx-light")) if _which(name) is None]
    return "; ".join(lacking) or None


def _binary(name: str) -> str:
    binary = _which(name)
    if binary is None:
        raise FileNotFoundError(missing())
    return binary


def build(site: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``hugo`` in ``site`` (writes ``site/public``); its output is returned for the test to judge."""
    return subprocess.run([_binary("hugo"), "--source", str(site), "--destination", str(site / "public")],
                          capture_output=True, text=True, timeout=timeout)


def nginx_conf(public: Path, port: int, root: Path, query_map: Path | None = None) -> str:
    """A static host's configuration: ``public`` as the document root, index.html for directories; with a map,
    an old URL that has a query string answers its 301 (the map's keys are ``$request_uri``s)."""
    temp = "".join(f"{kind}_temp_path {root / 'tmp' / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    types = "".join(f"{mime} {exts};\n" for mime, exts in TYPES.items())
    redirect = ""
    if query_map is not None:
        redirect = ('set $query_redirect "";\nif ($args) { set $query_redirect $migrator_new_url; }\n'
                    "if ($query_redirect) { return 301 $query_redirect; }\n")
    # run as root (CI), nginx's workers would read files as nobody, and pytest's temporary directories are 0700
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
            "events { worker_connections 256; }\n"
            f"http {{\naccess_log off;\n{temp}types {{\n{types}}}\ndefault_type application/octet-stream;\n"
            + (f"include {query_map};\n" if query_map is not None else "")
            + f"server {{\nlisten 127.0.0.1:{port};\nroot {public};\nindex index.html;\n{redirect}"
            "}\n}\n")


@dataclass
class Served:
    url: str
    check: subprocess.CompletedProcess[str]
    process: subprocess.Popen[bytes]
    log: Path


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)


@contextmanager
def serve_public(public: Path, port: int, root: Path, query_map: Path | None = None) -> Iterator[Served]:
    """nginx serving ``public`` on ``127.0.0.1:port``; its configuration, pid, logs and temp files in ``root``."""
    binary = _binary("nginx")
    root.mkdir(parents=True, exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    conf = root / "nginx.conf"
    conf.write_text(nginx_conf(public.resolve(), port, root.resolve(), query_map), encoding="utf-8")
    args = [binary, "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, process)
        yield Served(f"http://127.0.0.1:{port}", check, process, root / "error.log")
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description="Build a `migrator export --format hugo` site and serve it.")
    parser.add_argument("site", type=Path)
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument("--map", type=Path, help="nginx redirect map for the old URLs with a query string")
    args = parser.parse_args()
    done = build(args.site)
    print(done.stdout + done.stderr)
    with serve_public(args.site / "public", args.port, args.site / ".nginx", args.map) as served:
        print(f"serving {args.site / 'public'} on {served.url} (Ctrl-C stops)", flush=True)
        try:
            served.process.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/pg_throwaway.py -- pytest -q

The cluster lives in a temporary directory, listens on 127.0.0.1 only, and is started as the
``postgres`` user when run as root (initdb refuses root). The command gets
``TEST_DATABASE_URL`` and ``REQUIRE_POSTGRES=1``; its exit code is returned.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        sys.exit(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return candidates[-1]


def free_port() -> int:
    # Below the ephemeral range, which load tests can fill with TIME_WAIT sockets.
    for port in range(25432, 26432):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit("no free port for PostgreSQL")


def as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def main(command: list[str]) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pg-throwaway-"))
    data, sockets = workdir / "data", workdir / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    run = lambda args: subprocess.run(as_postgres(args), check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    try:
        run(
            [
                find_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        )
        run(
            [
                find_bin("pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(workdir / "log"),
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start",
            ]
        )
        run(
            [find_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "app_test"]
        )
        env = {
            **os.environ,
            "TEST_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/app_test",
            "REQUIRE_POSTGRES": "1",
        }
        return subprocess.run(command, env=env).returncode
    finally:
        subprocess.run(
            as_postgres([find_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    sys.exit(main(args))

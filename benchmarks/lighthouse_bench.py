"""Lighthouse (mobile) on the home page, the finder and a snapshot, served by gunicorn.

    .venv/bin/python benchmarks/lighthouse_bench.py [--json PATH]

Installs lighthouse@12 from npm into benchmarks/.node on first use (13 needs a newer Node)
and runs it with the system Chromium. Targets (issue 9): performance >= 0.95,
accessibility 1.0, best practices >= 0.95. Gunicorn does not compress responses (a load
balancer does in production), so the "text compression" audit counts against performance
here; the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from web_bench import (  # noqa: E402
    BenchFailed,
    free_port,
    prepare_database,
    start_gunicorn,
    stop,
    wait_until_up,
)

DATA = HERE.parent.parent / "shared" / "data" / "lausd"
NODE = HERE / ".node"
LIGHTHOUSE = NODE / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95}


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    if shutil.which("npm") is None:
        raise BenchFailed("npm is needed to install lighthouse@12")
    subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(NODE),
            "lighthouse@12",
        ],
        check=True,
    )


def audit(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={FLAGS}",
            "--only-categories=performance,accessibility,best-practices",
            "--form-factor=mobile",
            "--max-wait-for-load=30000",
        ],
        check=True,
        env=env,
        timeout=180,
    )
    report = json.loads(out.read_text())
    scores = {name: report["categories"][name]["score"] for name in TARGETS}
    failing = [
        audit_id
        for audit_id, result in report["audits"].items()
        if result.get("score") is not None
        and result["score"] < 0.9
        and result.get("scoreDisplayMode") == "binary"
    ]
    return {"url": url, **scores, "failing_audits": failing[:8]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        database_url, note = prepare_database(workdir, DATA)
        port = free_port()
        server = start_gunicorn(database_url, port, workdir / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server, workdir / "gunicorn.log")
            snapshot = note["snapshots"][0]["cds"]
            pages = {
                "home": "/en/",
                "finder": "/en/schools?q=elementary",
                "snapshot": f"/en/schools/{snapshot}",
            }
            results = {
                name: audit(base + path, workdir / f"{name}.json") for name, path in pages.items()
            }
        finally:
            stop(server)
    summary = [
        {
            "metric": f"{name} {category}",
            "value": result[category],
            "target": f">= {limit}",
            "met": result[category] is not None and result[category] >= limit,
        }
        for name, result in results.items()
        for category, limit in TARGETS.items()
    ]
    print("| page | performance | accessibility | best practices | audits below 0.9 |")
    print("|---|--:|--:|--:|---|")
    for name, result in results.items():
        print(
            f"| {name} | {result['performance']} | {result['accessibility']} | "
            f"{result['best-practices']} | {', '.join(result['failing_audits']) or '-'} |"
        )
    print(f"\nData: {note['data']}. Gunicorn serves uncompressed responses.")
    if args.json:
        args.json.write_text(
            json.dumps({"name": "lighthouse", "pages": results, "summary": summary}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

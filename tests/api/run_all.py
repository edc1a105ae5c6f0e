#!/usr/bin/env python3
"""Runs duban's black-box API test suites against a built binary.

usage: run_all.py --duban PATH --backend sqlite|postgres|both [--only NAME[::TEST]] [--crash-rounds N]
                  [--keep]

Each suite starts its own server(s) on 127.0.0.1 (free ports) with the demo data, on a SQLite
file or a database in a throwaway PostgreSQL 15 cluster (pgcluster.py).  Prints one line per test
and closes with "N passed, N failed" alone on a line; exits 1 on any failure.
"""
import argparse
import importlib
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

import dubantest as dt  # noqa: E402

ORDER = ["auth", "totp", "static", "connections", "badinput", "access", "org", "plan", "indicators", "geo", "attachments", "cases", "calendar", "open311",
         "case_kpis", "projects", "project_sheet", "disclosure", "audit", "crash", "backup"]
for _name in ORDER:  # each suite_NAME.py registers its suite class
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "suite_%s.py" % _name)):
        importlib.import_module("suite_" + _name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duban", required=True)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--only", action="append", default=[],
                    help="suite name (%s), or suite::test; may repeat" % ", ".join(ORDER))
    ap.add_argument("--crash-rounds", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    args = ap.parse_args()

    duban = os.path.abspath(args.duban)
    if not os.access(duban, os.X_OK):
        print("no executable at " + duban, file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    os.environ.setdefault("DUBAN_PASSWORD_LIST", "/usr/share/john/password.lst")

    selected = []
    for spec in args.only or [n for n in ORDER if n in dt.SUITES]:
        name, _, test = spec.partition("::")
        if name not in dt.SUITES:
            print("unknown suite %r; suites: %s" % (name, ", ".join(ORDER)), file=sys.stderr)
            return 2
        selected.append((name, test or None))

    # SIGTERM/SIGINT: unwind normally so children are killed and the cluster is removed.
    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = dt.Results()
    t_start = time.time()
    root = tempfile.mkdtemp(prefix="duban-api-")
    interrupted = False
    try:
        for bname in backends:
            workdir = os.path.join(root, bname)
            os.makedirs(workdir)
            try:
                backend = dt.SqliteBackend(workdir) if bname == "sqlite" else dt.PostgresBackend(workdir)
            except Exception:
                results.record(bname, "backend-setup", "FAIL", 0, traceback.format_exc())
                continue
            try:
                ctx = dt.Context(duban, backend, workdir, args)
                for name, test in selected:
                    dt.run_suite(dt.SUITES[name], ctx, results, only_test=test)
            finally:
                dt._kill_children()
                backend.close()
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted", file=sys.stderr)
    finally:
        dt._kill_children()
        if args.keep:
            print("work directory kept: " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)

    wall = time.time() - t_start
    print("")
    for b, c in results.per_backend.items():
        print("backend %s: passed=%d failed=%d expected-failures=%d" % (b, c["passed"], c["failed"], c["xfailed"]))
    if results.failures:
        print("failures:")
        for f in results.failures:
            print("  " + f)
    print("wall time %.1fs" % wall)
    failed = results.failed + (1 if interrupted else 0)
    print("%d passed, %d failed" % (results.passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs a command with a throwaway PostgreSQL 15 cluster on a free loopback port.

Sets DUBAN_TEST_PG_URL to the cluster's maintenance database URL (…/postgres) for the command,
and stops and removes the cluster afterwards, whatever happens. Exit status: the command's.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "api"))
from pgcluster import PgCluster  # noqa: E402


def main():
    if len(sys.argv) < 2:
        print("usage: with_pg.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with PgCluster() as c:
        env = dict(os.environ, DUBAN_TEST_PG_URL=c.url("postgres"))
        return subprocess.call(sys.argv[1:], env=env)


if __name__ == "__main__":
    sys.exit(main())

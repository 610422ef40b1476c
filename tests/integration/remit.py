"""Helpers for the integration tests: run the real `remit` binary, start it as a server on
port 0, talk HTTP/JSON to it. Standard library only."""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/remit"
POSTGRES = os.environ.get("REMIT_TEST_BACKEND") == "postgres"


def new_db(tmpdir, name):
    """A fresh database: a SQLite file in tmpdir, or with REMIT_TEST_BACKEND=postgres a new
    schema in the cluster at REMIT_TEST_PG_URL (scripts/with-postgres.sh)."""
    if not POSTGRES:
        return os.path.join(tmpdir, name + ".db")
    base = os.environ.get("REMIT_TEST_PG_URL")
    if not base:
        raise AssertionError("REMIT_TEST_BACKEND=postgres needs REMIT_TEST_PG_URL "
                             "(run through scripts/with-postgres.sh; make test does)")
    schema = f"it_{name}_{os.getpid()}"
    subprocess.run(["psql", base, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"],
                   check=True, capture_output=True)
    return base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema


def sql(db, query):
    """Rows of a query, as tuples of ints (or strings where not numeric); a change commits."""
    if not POSTGRES:
        import sqlite3
        con = sqlite3.connect(db, timeout=30)
        try:
            rows = [tuple(r) for r in con.execute(query).fetchall()]
            con.commit()
            return rows
        finally:
            con.close()
    out = subprocess.run(["psql", db, "-AtF", "\t", "-c", query], check=True, capture_output=True,
                         text=True).stdout
    conv = lambda v: int(v) if v.lstrip("-").isdigit() else v
    return [tuple(conv(v) for v in line.split("\t")) for line in out.splitlines() if line]


def run(*args, db, check=True, timeout=600):
    p = subprocess.run([BIN, "--db", db, *map(str, args)], capture_output=True, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"remit {' '.join(map(str, args))} failed ({p.returncode}):\n"
                             f"{p.stdout}\n{p.stderr}")
    return p


def wait_for(what, fn, timeout=30, interval=0.1):
    """fn()'s first truthy value, polled; AssertionError naming `what` after `timeout` s."""
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="remit-it-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Server:
    """`remit serve` on 127.0.0.1:0; the bound port is read from its first line."""

    def __init__(self, db, *extra):
        self.proc = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        line = ""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
        raise AssertionError(f"server did not start: {line!r} {self.proc.stderr.read()}")

    def request(self, method, path, body=None, key=None, headers=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        c.close()
        ctype = r.getheader("Content-Type", "")
        return r.status, (json.loads(payload) if "json" in ctype and payload else payload), r

    def output(self):
        """What the server wrote (stdout and its logs on stderr), once it has exited. Keep its
        logs small (no --log-level debug) or they fill the pipe and stall it."""
        return self.proc.stdout.read() + self.proc.stderr.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("server did not stop on SIGTERM")


class Checks:
    """Counts assertions and prints the plain 'N passed, N failed' line at the end."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}: got {got!r}, want {want!r}", flush=True)

    def true(self, what, cond):
        self.eq(what, bool(cond), True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)

"""Shared machinery for duban's black-box API tests (Python 3 standard library only).

- Backend: SQLite (a file per server) or PostgreSQL (a database per server in a throwaway
  cluster); gives the `--db`/`--postgres` arguments and direct SQL access for the checks that
  must look under the API (tampering, expiring a token, dumping tables).
- Server: one `duban serve` child on 127.0.0.1 and a free port; start, stop, kill -9, restart.
  Every child is registered and killed at exit.
- Client / Session: HTTP over http.client with keep-alive; a Session logs in and sends the
  cookie and the CSRF token.
- A tiny test registry: suites are classes with test_* methods, run in source order.
"""
import atexit
import http.client
import inspect
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback

DEMO_PASSWORD = "Duban-Demo-2026!"
DEMO_USERS = ["admin", "secadmin", "auditor", "leader", "ducha.staff", "chunliu.staff", "malan.staff", "grid.inspector",
              "tongji.staff"]
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

_children = []
_children_mu = threading.Lock()


def _kill_children():
    with _children_mu:
        procs = list(_children)
    for p in procs:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=10)
            except Exception:
                pass


atexit.register(_kill_children)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------- assertions
class TestFailure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def eq(got, want, msg=""):
    if got != want:
        raise TestFailure("%s: expected %r, got %r" % (msg, want, got))


def expect_status(resp, status, msg=""):
    """Asserts the status (an int or a tuple of ints) and returns the response."""
    ok = resp.status in status if isinstance(status, (tuple, list, set)) else resp.status == status
    if not ok:
        raise TestFailure("%s%s %s: expected %s, got %d %s" % (
            msg + ": " if msg else "", resp.method, resp.path, status, resp.status, resp.text()[:400]))
    return resp


def expect_error(resp, status, code=None, field=None, msg=""):
    """Asserts an error response: status, the shape {"error":{"code","message"[,"field"]}}, code, field."""
    expect_status(resp, status, msg)
    j = resp.json()
    where = "%s%s %s" % (msg + ": " if msg else "", resp.method, resp.path)
    check(isinstance(j, dict) and list(j.keys()) == ["error"], "%s: error body must be {\"error\":{...}}, got %r" % (where, j))
    e = j["error"]
    check(isinstance(e, dict), "%s: error must be an object: %r" % (where, j))
    check(isinstance(e.get("code"), str) and e["code"], "%s: error.code missing: %r" % (where, j))
    check(isinstance(e.get("message"), str) and e["message"], "%s: error.message missing: %r" % (where, j))
    allowed = {"code", "message", "field", "rows", "errors", "details"}
    check(set(e.keys()) <= allowed, "%s: unexpected keys in error: %r" % (where, e))
    if "field" in e:
        check(isinstance(e["field"], str), "%s: error.field must be a string: %r" % (where, e))
    if code is not None:
        eq(e["code"], code, where + " error.code")
    if field is not None:
        eq(e.get("field"), field, where + " error.field")
    return e


# ---------------------------------------------------------------------------- HTTP
class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path, self.status, self.headers, self.body = method, path, status, headers, body
        self._json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except Exception:
                raise TestFailure("%s %s: response is not JSON (status %d): %r" % (
                    self.method, self.path, self.status, self.body[:300]))
        return self._json

    def __repr__(self):
        return "<%s %s -> %d %s>" % (self.method, self.path, self.status, self.text()[:200])


class Client:
    """Keep-alive HTTP client for one server; not thread-safe (one per thread)."""

    def __init__(self, port, host="127.0.0.1", timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None
        self.headers = {}

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, json_body=None, body=None, ctype=None, headers=None, retry=True):
        hdrs = dict(self.headers)
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            ctype = ctype or "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if ctype:
            hdrs["Content-Type"] = ctype
        if headers:
            hdrs.update(headers)
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                resp = Resp(method, path, r.status, r.getheaders(), data)
                if r.getheader("Connection", "").lower() == "close" or r.will_close:
                    self.close()
                return resp
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                # a kept-alive connection the server closed: reconnect once (only when safe)
                self.close()
                if attempt == 1 or not retry:
                    raise
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def patch(self, path, json_body=None, **kw):
        return self.request("PATCH", path, json_body=json_body, **kw)

    def put(self, path, json_body=None, **kw):
        return self.request("PUT", path, json_body=json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class Session(Client):
    """A logged-in browser-like client: session cookie plus X-CSRF-Token on writes."""

    def __init__(self, port, username=None, password=DEMO_PASSWORD, **kw):
        super().__init__(port, **kw)
        self.cookie = None
        self.csrf = None
        self.user = None
        self.send_csrf = True
        if username:
            self.login(username, password)

    def login(self, username, password=DEMO_PASSWORD, expect=201):
        r = Client.request(self, "POST", "/api/v1/session", json_body={"username": username, "password": password})
        if expect is not None:
            expect_status(r, expect, "login " + username)
        if r.status == 201:
            sc = r.header("Set-Cookie") or ""
            check(sc.startswith("duban_session="), "login did not set the session cookie: %r" % sc)
            self.cookie = sc.split(";", 1)[0]
            j = r.json()
            self.csrf = j["csrf_token"]
            self.user = j["user"]
            self.login_response = r
        return r

    def request(self, method, path, json_body=None, body=None, ctype=None, headers=None, csrf=True, retry=True):
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD") and self.send_csrf:
            h["X-CSRF-Token"] = self.csrf
        if headers:
            h.update(headers)
        return Client.request(self, method, path, json_body=json_body, body=body, ctype=ctype, headers=h, retry=retry)


class Bearer(Client):
    def __init__(self, port, token, **kw):
        super().__init__(port, **kw)
        self.headers = {"Authorization": "Bearer " + token}


# ---------------------------------------------------------------------------- backends
class DbRef:
    """One database: the server arguments for it and direct SQL access."""

    def __init__(self, backend, name, args, path=None, url=None):
        self.backend, self.name, self.args, self.path, self.url = backend, name, args, path, url

    def query(self, sql, params=()):
        return self.backend.query(self, sql, params)

    def execute(self, sql, params=()):
        return self.backend.execute(self, sql, params)

    def dump_tables(self, tables):
        out = {}
        for t in tables:
            out[t] = self.query("SELECT * FROM %s ORDER BY 1, 2" % t)
        return out


class SqliteBackend:
    name = "sqlite"

    def __init__(self, workdir):
        self.workdir = workdir

    def new_db(self, name):
        path = os.path.join(self.workdir, name + ".db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return DbRef(self, name, ["--db", path], path=path)

    def _connect(self, ref):
        c = sqlite3.connect(ref.path, timeout=30)
        return c

    def query(self, ref, sql, params=()):
        c = self._connect(ref)
        try:
            return [tuple(r) for r in c.execute(sql, params).fetchall()]
        finally:
            c.close()

    def execute(self, ref, sql, params=()):
        c = self._connect(ref)
        try:
            cur = c.execute(sql, params)
            c.commit()
            return cur.rowcount
        finally:
            c.close()

    def close(self):
        pass


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


class PostgresBackend:
    name = "postgres"

    def __init__(self, workdir):
        from pgcluster import PgCluster
        self.workdir = workdir
        self.cluster = PgCluster().start()
        self.counter = 0

    def new_db(self, name):
        self.counter += 1
        dbname = "t%d_%s" % (self.counter, name.replace("-", "_"))[:60]
        url = self.cluster.create_database(dbname)
        return DbRef(self, dbname, ["--postgres", url], url=url)

    @staticmethod
    def _bind(sql, params):
        parts = sql.split("?")
        if len(parts) - 1 != len(params):
            raise ValueError("parameter count mismatch in " + sql)
        out = parts[0]
        for p, rest in zip(params, parts[1:]):
            out += _pg_literal(p) + rest
        return out

    def _psql(self, ref, sql):
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-P", "null=\\N",
                            "-F", "\x1f", "-R", "\x1e", "-d", ref.url, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("psql failed (%s): %s" % (sql[:200], r.stderr))
        return r.stdout

    def query(self, ref, sql, params=()):
        out = self._psql(ref, self._bind(sql, params))
        if out.endswith("\n"):
            out = out[:-1]
        rows = []
        for rec in out.split("\x1e"):
            if rec == "":
                continue
            rows.append(tuple(None if f == "\\N" else f for f in rec.split("\x1f")))
        return rows

    def execute(self, ref, sql, params=()):
        self._psql(ref, self._bind(sql, params))

    def close(self):
        self.cluster.stop()


# ---------------------------------------------------------------------------- server
class Server:
    def __init__(self, duban, db, workdir, name, demo=True, extra=None, totp=False):
        self.duban, self.db, self.workdir, self.name = duban, db, workdir, name
        self.demo = demo
        self.totp = totp  # False: --totp-optional (admins are not forced to enrol a second factor)
        self.extra = list(extra or [])
        self.proc = None
        self.port = None
        self.starts = 0

    def argv(self):
        a = [self.duban, "serve"] + self.db.args + ["--listen", "127.0.0.1:%d" % self.port, "--no-access-log"]
        if self.demo:
            a.append("--demo")
        if not any(x == "--login-rate" for x in self.extra):
            a += ["--login-rate", "100000"]
        if not self.totp:
            a.append("--totp-optional")
        return a + self.extra

    def start(self, timeout=30):
        check(self.proc is None or self.proc.poll() is not None, "server already running")
        last_err = None
        for _ in range(3):
            self.port = free_port()
            self.starts += 1
            log = os.path.join(self.workdir, "%s.%d.log" % (self.name, self.starts))
            self.logfile = log
            with open(log, "wb") as f:
                self.proc = subprocess.Popen(self.argv(), stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             cwd=self.workdir)
            with _children_mu:
                _children.append(self.proc)
            deadline = time.time() + timeout
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                    c.request("GET", "/healthz")
                    r = c.getresponse()
                    r.read()
                    c.close()
                    if r.status == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.03)
            last_err = "server did not become healthy (exit %r): %s" % (self.proc.poll(), self.log_tail())
            self.kill()
            if "cannot listen" not in last_err:
                break
        raise TestFailure(last_err)

    def log_tail(self, n=3000):
        try:
            with open(self.logfile, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout=20):
        """Graceful stop (SIGTERM); falls back to SIGKILL."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def kill(self):
        """kill -9."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.kill()
        self.proc.wait(timeout=10)

    def restart(self, hard=False):
        self.kill() if hard else self.stop()
        return self.start()

    def client(self):
        return Client(self.port)

    def session(self, username, password=DEMO_PASSWORD):
        return Session(self.port, username, password)

    def url(self):
        return "http://127.0.0.1:%d" % self.port


def new_account(srv, admin, username, body, new_password="Scope-Check-2026"):
    """Creates an account through the admin's session (role staff unless body says otherwise), signs
    it in and sets its own password (an account made by someone else must change it first)."""
    b = dict({"username": username, "password": "Qx7-tundra-Lamp", "roles": ["staff"]}, **body)
    expect_status(admin.post("/api/v1/users", b), 201, "create " + username)
    s = Session(srv.port)
    s.login(username, "Qx7-tundra-Lamp")
    expect_status(s.post("/api/v1/me/password", {"old_password": "Qx7-tundra-Lamp", "new_password": new_password}), 200)
    return s


def run_cli(duban, args, stdin=None, timeout=60):
    r = subprocess.run([duban] + args, input=stdin, capture_output=True, text=True, timeout=timeout)
    return r


# ---------------------------------------------------------------------------- registry / runner
SUITES = {}


def suite(name):
    def deco(cls):
        cls.suite_name = name
        SUITES[name] = cls
        return cls
    return deco


def xfail(reason):
    """Marks a test as an expected failure (a known server bug); it is reported, not counted failed."""
    def deco(fn):
        fn.xfail_reason = reason
        return fn
    return deco


class Suite:
    """Base class. setup()/teardown() run once per suite per backend; tests in source order."""
    suite_name = "?"

    def __init__(self, ctx):
        self.ctx = ctx
        self.duban = ctx.duban
        self.backend = ctx.backend
        self.workdir = ctx.workdir
        self._servers = []

    def new_server(self, name, demo=True, extra=None, db=None, start=True, totp=False):
        db = db or self.backend.new_db("%s_%s" % (self.suite_name, name))
        s = Server(self.duban, db, self.workdir, "%s-%s" % (self.suite_name, name), demo=demo, extra=extra,
                   totp=totp)
        self._servers.append(s)
        if start:
            s.start()
        return s

    def setup(self):
        pass

    def teardown(self):
        for s in self._servers:
            s.kill()

    @classmethod
    def tests(cls):
        fns = [(n, f) for n, f in inspect.getmembers(cls, inspect.isfunction) if n.startswith("test_")]
        fns.sort(key=lambda nf: inspect.getsourcelines(nf[1])[1])
        return fns


class Context:
    def __init__(self, duban, backend, workdir, args):
        self.duban, self.backend, self.workdir, self.args = duban, backend, workdir, args


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.xfailed = 0
        self.failures = []
        self.per_backend = {}
        self.mu = threading.Lock()

    def record(self, backend, name, outcome, secs, detail=""):
        with self.mu:
            b = self.per_backend.setdefault(backend, {"passed": 0, "failed": 0, "xfailed": 0})
            if outcome == "PASS":
                self.passed += 1
                b["passed"] += 1
            elif outcome == "XFAIL":
                self.xfailed += 1
                b["xfailed"] += 1
            else:
                self.failed += 1
                b["failed"] += 1
                lines = detail.strip().splitlines() or [""]
                self.failures.append("%s %s: %s" % (backend, name, (lines[-1] if lines[0].startswith("Traceback") or
                                                                   lines[0].startswith("setup failed") else lines[0])[:300]))
            line = "%-5s %-8s %-50s %6.2fs" % (outcome, backend, name, secs)
            print(line, flush=True)
            if detail and outcome != "PASS":
                for l in detail.rstrip().splitlines():
                    print("      " + l, flush=True)


def run_suite(cls, ctx, results, only_test=None):
    bname = ctx.backend.name
    inst = cls(ctx)
    t0 = time.time()
    try:
        inst.setup()
    except Exception:
        detail = traceback.format_exc()
        for n, _ in cls.tests():
            results.record(bname, "%s::%s" % (cls.suite_name, n), "FAIL", 0, "setup failed:\n" + detail)
        inst.teardown()
        return
    try:
        for n, fn in cls.tests():
            if only_test and n != only_test:
                continue
            full = "%s::%s" % (cls.suite_name, n)
            t1 = time.time()
            reason = getattr(fn, "xfail_reason", None)
            try:
                fn(inst)
            except Exception as e:
                detail = traceback.format_exc() if not isinstance(e, TestFailure) else "%s\n  at %s" % (
                    e, _where(e))
                if reason:
                    results.record(bname, full, "XFAIL", time.time() - t1, "expected failure (%s): %s" % (reason, e))
                else:
                    results.record(bname, full, "FAIL", time.time() - t1, detail)
                continue
            if reason:
                results.record(bname, full, "XPASS", time.time() - t1,
                               "marked expected-failure (%s) but passed: remove the mark" % reason)
            else:
                results.record(bname, full, "PASS", time.time() - t1)
    finally:
        try:
            inst.teardown()
        except Exception:
            traceback.print_exc()
    print("      (%s on %s: %.1fs)" % (cls.suite_name, bname, time.time() - t0), flush=True)


def _where(e):
    tb = e.__traceback__
    frames = traceback.extract_tb(tb)
    for fr in reversed(frames):
        if os.path.basename(fr.filename) != "dubantest.py":
            return "%s:%d %s" % (os.path.basename(fr.filename), fr.lineno, fr.line)
    return "?"


# ---------------------------------------------------------------------------- API helpers
def org_by_code(client, code):
    """The org unit with exactly this code, seen through client's scope (None if not visible)."""
    r = expect_status(client.get("/api/v1/org-units?per_page=500&q=" + urlquote(code)), 200)
    for u in r.json()["items"]:
        if u["code"] == code:
            return u
    return None


def urlquote(s):
    import urllib.parse
    return urllib.parse.quote(s, safe="")


def list_all(client, path, per_page=500):
    """Pages through a list route; returns (items, total)."""
    items, page, total = [], 1, None
    sep = "&" if "?" in path else "?"
    while True:
        r = expect_status(client.get("%s%spage=%d&per_page=%d" % (path, sep, page, per_page)), 200)
        j = r.json()
        total = j["total"]
        items += j["items"]
        if len(j["items"]) < per_page or len(items) >= total or page > 1000:
            return items, total
        page += 1


def user_by_name(client, username):
    r = expect_status(client.get("/api/v1/users?per_page=500&q=" + urlquote(username)), 200)
    for u in r.json()["items"]:
        if u["username"] == username:
            return u
    return None


_uniq = [0]
_uniq_mu = threading.Lock()


def uniq(prefix="u"):
    with _uniq_mu:
        _uniq[0] += 1
        return "%s%d%d" % (prefix, os.getpid() % 1000, _uniq[0])


def raw_request(port, head, body=b"", chunked=False, timeout=10):
    """Sends a request over a raw socket, streaming the body while watching for an early answer
    (a server refusing a too-large body answers before reading it).  Returns (status, headers
    dict with lower-case names, body bytes); status 0 when nothing could be read."""
    import select
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    data = b""
    try:
        s.sendall(head)
        piece = 64 * 1024
        pos = 0
        while pos < len(body):
            r, _, _ = select.select([s], [], [], 0)
            if r:
                break
            chunk = body[pos:pos + piece]
            if chunked:
                chunk = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
            try:
                s.sendall(chunk)
            except OSError:
                break
            pos += piece
        else:
            if chunked:
                try:
                    s.sendall(b"0\r\n\r\n")
                except OSError:
                    pass
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not b:
                break
            data += b
            if b"\r\n\r\n" in data:
                hdr, _, rest = data.partition(b"\r\n\r\n")
                cl = [l for l in hdr.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if cl and len(rest) >= int(cl[0].split(b":")[1]):
                    break
    finally:
        s.close()
    if not data.startswith(b"HTTP/1."):
        return 0, {}, data
    hdr, _, rest = data.partition(b"\r\n\r\n")
    lines = hdr.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for l in lines[1:]:
        k, _, v = l.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest

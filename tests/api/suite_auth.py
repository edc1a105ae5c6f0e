"""auth: login, lockout and unlock, CSRF, logout, forced password change, password policy,
bearer tokens (CLI-made, garbage, expired), the per-address login limiter, three-admin separation."""
import hashlib
import time

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

GOOD_PW = "Qx7-tundra-Lamp"  # 15 chars, 4 classes, not common


@dt.suite("auth")
class AuthSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self._sessions = {}
        self.district = dt.org_by_code(self.s("admin"), "210204")
        check(self.district is not None, "demo district 210204 missing")

    def s(self, username):
        """A cached logged-in session for a demo user on the server's current port."""
        key = (username, self.srv.port)
        if key not in self._sessions:
            self._sessions[key] = self.srv.session(username)
        return self._sessions[key]

    def create_user(self, username, roles=("leader",), password=GOOD_PW, units=None):
        body = {"username": username, "password": password, "roles": list(roles)}
        if not any(r in ("sysadmin", "secadmin", "auditor") for r in roles):
            body["units"] = units or [self.district["id"]]
        r = expect_status(self.s("admin").post("/api/v1/users", body), 201, "create user " + username)
        return r.json()

    # ------------------------------------------------------------------ login
    def test_login_ok(self):
        c = self.srv.client()
        r = expect_status(c.post("/api/v1/session", {"username": "leader", "password": dt.DEMO_PASSWORD}), 201)
        cookies = r.header_all("Set-Cookie")
        eq(len(cookies), 1, "one Set-Cookie")
        attrs = [a.strip() for a in cookies[0].split(";")]
        check(attrs[0].startswith("duban_session=") and len(attrs[0]) > len("duban_session=") + 20,
              "session cookie value: %r" % cookies[0])
        check("HttpOnly" in attrs, "cookie must be HttpOnly: %r" % cookies[0])
        check("SameSite=Strict" in attrs, "cookie must be SameSite=Strict: %r" % cookies[0])
        check("Path=/" in attrs, "cookie Path=/: %r" % cookies[0])
        j = r.json()
        check(isinstance(j.get("csrf_token"), str) and len(j["csrf_token"]) >= 16, "csrf_token: %r" % j)
        check(attrs[0].split("=", 1)[1] != j["csrf_token"], "CSRF token must differ from the session token")
        eq(j["must_change_password"], False, "demo account must_change_password")
        eq(j["user"]["username"], "leader", "user.username")
        eq(j["user"]["roles"], ["leader"], "user.roles")
        me = expect_status(c.get("/api/v1/me", headers={"Cookie": attrs[0]}), 200).json()
        eq(me["username"], "leader", "me.username")
        eq(me["csrf_token"], j["csrf_token"], "me.csrf_token")
        check("org.read" in me["permissions"] and "org.write" not in me["permissions"], "leader permissions %r" % me)
        # without the cookie: 401
        expect_error(c.get("/api/v1/me"), 401)

    def test_wrong_password_same_as_unknown_user(self):
        c = self.srv.client()
        bad = c.post("/api/v1/session", {"username": "leader", "password": "Wrong-Password-1"})
        unknown = c.post("/api/v1/session", {"username": "no.such.user", "password": "Wrong-Password-1"})
        e1 = expect_error(bad, 401)
        e2 = expect_error(unknown, 401)
        eq(e1, e2, "wrong password and unknown user must answer the same error")
        check(bad.header("Set-Cookie") is None and unknown.header("Set-Cookie") is None, "no cookie on failure")
        # and the failed attempt of leader does not break leader's next login
        expect_status(c.post("/api/v1/session", {"username": "leader", "password": dt.DEMO_PASSWORD}), 201)

    def test_login_bad_bodies(self):
        c = self.srv.client()
        expect_error(c.post("/api/v1/session", {"username": "leader"}), 422, field="password")
        expect_error(c.post("/api/v1/session", {"password": "x"}), 422, field="username")
        expect_error(c.post("/api/v1/session", {"username": "leader", "password": "x", "otp": 1}), 422, field="otp")
        expect_error(c.post("/api/v1/session", {"username": 5, "password": "x"}), 422, field="username")
        expect_error(c.request("POST", "/api/v1/session", body="{", ctype="application/json"), 400)
        expect_error(c.request("POST", "/api/v1/session", body="username=leader", ctype="application/x-www-form-urlencoded"), 415)

    def test_login_username_is_exact(self):
        c = self.srv.client()
        for u in ("ADMIN", "admin ", " admin"):
            r = c.post("/api/v1/session", {"username": u, "password": dt.DEMO_PASSWORD})
            expect_error(r, 401, code="bad_credentials", msg="login as %r must not log in as admin" % u)
        # control characters are refused outright, on both backends alike
        for u in ("admin\u0000", "\u0000admin", "adm\u0000in"):
            r = c.post("/api/v1/session", {"username": u, "password": dt.DEMO_PASSWORD})
            expect_error(r, 422, field="username", msg="login as %r must not log in as admin" % u)

    # ------------------------------------------------------------------ lockout
    def test_lockout_and_secadmin_unlock(self):
        name = dt.uniq("lock.me")
        u = self.create_user(name)
        c = self.srv.client()
        for i in range(4):
            expect_error(c.post("/api/v1/session", {"username": name, "password": "Wrong-pw-%d-xx" % i}), 401,
                         msg="failure %d" % (i + 1))
        r = c.post("/api/v1/session", {"username": name, "password": "Wrong-pw-5-xx"})
        expect_error(r, 423, code="account_locked", msg="5th failure locks")
        ra = r.header("Retry-After")
        check(ra is not None and ra.isdigit() and int(ra) > 0, "423 needs Retry-After seconds, got %r" % ra)
        # now even the right password is refused
        r = c.post("/api/v1/session", {"username": name, "password": GOOD_PW})
        expect_error(r, 423, code="account_locked", msg="right password while locked")
        check(r.header("Retry-After") is not None, "Retry-After on the locked answer")
        check(r.header("Set-Cookie") is None, "no session while locked")
        seen = expect_status(self.s("secadmin").get("/api/v1/users/%d" % u["id"]), 200).json()
        eq(seen["locked"], True, "secadmin sees the account locked")
        # sysadmin may not unlock (separation of duties); secadmin may
        expect_error(self.s("admin").post("/api/v1/users/%d/unlock" % u["id"]), 403)
        expect_error(self.s("secadmin").post("/api/v1/users/999999/unlock"), 404)
        r = expect_status(self.s("secadmin").post("/api/v1/users/%d/unlock" % u["id"]), 200)
        eq(r.json()["locked"], False, "unlock answer shows unlocked")
        r = expect_status(c.post("/api/v1/session", {"username": name, "password": GOOD_PW}), 201, "login after unlock")
        eq(r.json()["must_change_password"], True, "new account must change its password")
        # the events record it
        evs = expect_status(self.s("auditor").get("/api/v1/events?object_type=user&object_id=%d&per_page=100" % u["id"]), 200).json()
        actions = [e["action"] for e in evs["items"]]
        for a in ("auth.lockout", "user.unlock", "auth.login", "auth.login_failed"):
            check(a in actions, "event %s for the account missing: %r" % (a, actions))

    # ------------------------------------------------------------------ CSRF
    def test_csrf_on_cookie_writes(self):
        s = self.srv.session("leader")
        r = s.request("POST", "/api/v1/me/tokens", json_body={"name": "csrf-none"}, csrf=False)
        expect_error(r, 403, code="csrf_failed", msg="no X-CSRF-Token")
        r = s.request("POST", "/api/v1/me/tokens", json_body={"name": "csrf-wrong"}, csrf=False,
                      headers={"X-CSRF-Token": "x" * len(s.csrf)})
        expect_error(r, 403, code="csrf_failed", msg="wrong X-CSRF-Token")
        r = s.request("POST", "/api/v1/me/tokens", json_body={"name": "csrf-empty"}, csrf=False,
                      headers={"X-CSRF-Token": ""})
        expect_error(r, 403, code="csrf_failed", msg="empty X-CSRF-Token")
        # another session's CSRF token does not work either
        other = self.srv.session("leader")
        r = s.request("POST", "/api/v1/me/tokens", json_body={"name": "csrf-other"}, csrf=False,
                      headers={"X-CSRF-Token": other.csrf})
        expect_error(r, 403, code="csrf_failed", msg="another session's X-CSRF-Token")
        r = expect_status(s.post("/api/v1/me/tokens", {"name": "csrf-ok"}), 201, "with the right token")
        check(r.json()["token"].startswith("dbn_"), "token %r" % r.json())
        # admin write (org unit) also needs it
        a = self.srv.session("admin")
        body = {"parent_id": self.district["id"], "kind": "department", "name": dt.uniq("csrf部门")}
        expect_error(a.request("POST", "/api/v1/org-units", json_body=body, csrf=False), 403, code="csrf_failed")
        expect_status(a.post("/api/v1/org-units", body), 201)
        # a GET needs none
        expect_status(s.request("GET", "/api/v1/me", csrf=False), 200)

    # ------------------------------------------------------------------ logout
    def test_logout_ends_session(self):
        s = self.srv.session("leader")
        keep = self.srv.session("leader")
        expect_error(s.request("DELETE", "/api/v1/session", csrf=False), 403, code="csrf_failed")
        r = expect_status(s.delete("/api/v1/session"), 204)
        sc = r.header("Set-Cookie") or ""
        check("Max-Age=0" in sc, "logout clears the cookie: %r" % sc)
        expect_error(s.get("/api/v1/me"), 401, msg="after logout")
        expect_error(s.get("/api/v1/org-units"), 401, msg="after logout")
        expect_status(keep.get("/api/v1/me"), 200, "another session of the same user survives")
        # a bearer token has no session to end
        tok = expect_status(keep.post("/api/v1/me/tokens", {"name": "logout-test"}), 201).json()["token"]
        expect_error(dt.Bearer(self.srv.port, tok).delete("/api/v1/session"), 422)

    # ------------------------------------------------------------------ forced change
    def test_forced_password_change(self):
        name = dt.uniq("fresh.user")
        u = self.create_user(name)
        eq(u["must_change_password"], True, "created account must change its password")
        s = dt.Session(self.srv.port)
        r = s.login(name, GOOD_PW)
        eq(r.json()["must_change_password"], True, "login says must_change_password")
        expect_error(s.get("/api/v1/org-units"), 403, code="password_change_required")
        expect_error(s.get("/api/v1/org-units/%d" % self.district["id"]), 403, code="password_change_required")
        expect_error(s.post("/api/v1/me/tokens", {"name": "x"}), 403, code="password_change_required")
        me = expect_status(s.get("/api/v1/me"), 200).json()
        eq(me["must_change_password"], True, "me.must_change_password")
        expect_error(s.post("/api/v1/me/password", {"old_password": "Not-The-Old-9", "new_password": "Fresh-Pass-2026x"}),
                     422, field="old_password")
        expect_error(s.post("/api/v1/me/password", {"old_password": GOOD_PW, "new_password": "short1A!"}),
                     422, field="new_password")
        expect_error(s.post("/api/v1/me/password", {"old_password": GOOD_PW, "new_password": GOOD_PW}),
                     422, field="new_password")
        expect_error(s.post("/api/v1/me/password", {"old_password": GOOD_PW}), 422, field="new_password")
        new_pw = "Fresh-Pass-2026x"
        r = expect_status(s.post("/api/v1/me/password", {"old_password": GOOD_PW, "new_password": new_pw}), 200)
        eq(r.json().get("changed"), True, "changed")
        expect_status(s.get("/api/v1/org-units"), 200, "after the change")
        me = expect_status(s.get("/api/v1/me"), 200).json()
        eq(me["must_change_password"], False, "me.must_change_password after change")
        c = self.srv.client()
        expect_error(c.post("/api/v1/session", {"username": name, "password": GOOD_PW}), 401, msg="old password")
        r = expect_status(c.post("/api/v1/session", {"username": name, "password": new_pw}), 201)
        eq(r.json()["must_change_password"], False, "next login")

    def test_password_reset_forces_change(self):
        name = dt.uniq("reset.user")
        u = self.create_user(name)
        s = dt.Session(self.srv.port)
        s.login(name, GOOD_PW)
        expect_status(s.post("/api/v1/me/password", {"old_password": GOOD_PW, "new_password": "Moved-On-2026x"}), 200)
        expect_error(self.s("admin").post("/api/v1/users/%d/reset-password" % u["id"], {"password": "short"}), 422,
                     field="password")
        expect_status(self.s("admin").post("/api/v1/users/%d/reset-password" % u["id"], {"password": "Reset-Pass-2026y"}), 200)
        expect_error(s.get("/api/v1/me"), 401, msg="reset ends the user's sessions")
        s2 = dt.Session(self.srv.port)
        eq(s2.login(name, "Reset-Pass-2026y").json()["must_change_password"], True, "reset forces a change")

    # ------------------------------------------------------------------ policy
    def test_password_policy(self):
        admin = self.s("admin")
        base = {"roles": ["leader"], "units": [self.district["id"]]}
        cases = [
            ("too short", "pol.short", "Ab1!xyz"),
            ("too short (11 chars)", "pol.short2", "Ab1!xyzwvut"),
            ("too few classes", "pol.classes", "abcdefghijklmnop"),
            ("two classes", "pol.classes2", "abcdefgh12345678"),
            ("contains the username", "zhangwei", "Zhangwei-2026!x"),
            ("contains the username (case)", "li.ming", "xxLI.MING-2026!"),
            ("common password", "pol.common", "Password123!"),
            ("common word dressed up", "pol.common2", "Dragon2026!!"),
        ]
        for what, username, pw in cases:
            r = admin.post("/api/v1/users", dict(base, username=username, password=pw))
            expect_error(r, 422, field="password", msg=what)
            check(dt.user_by_name(admin, username) is None, "%s: the account must not exist" % what)
        # the same policy on the own-password route
        r = expect_status(admin.post("/api/v1/users", dict(base, username="pol.good", password="Sturdy-Harbor-81")),
                          201, "a good password")
        eq(r.json()["username"], "pol.good", "created")

    # ------------------------------------------------------------------ bearer tokens
    def test_bearer_tokens_and_expiry(self):
        def mk(days=None):
            args = ["token", "create", "--username", "leader"] + self.srv.db.args
            if days:
                args += ["--days", str(days)]
            r = dt.run_cli(self.duban, args)
            eq(r.returncode, 0, "duban token create exit (stderr %s)" % r.stderr)
            tok = r.stdout.strip()
            check(tok.startswith("dbn_") and "\n" not in tok and len(tok) > 30, "token create prints only the token: %r" % r.stdout)
            return tok
        t_ok = mk()
        t_exp = mk(days=1)
        b = dt.Bearer(self.srv.port, t_ok)
        me = expect_status(b.get("/api/v1/me"), 200, "bearer token").json()
        eq(me["username"], "leader", "bearer identity")
        eq(me["csrf_token"], None, "no CSRF token for bearer")
        expect_status(b.post("/api/v1/me/tokens", {"name": "no-csrf-needed"}), 201, "bearer write needs no CSRF")
        expect_error(dt.Bearer(self.srv.port, "dbn_" + "A" * 43).get("/api/v1/me"), 401, msg="garbage token")
        expect_error(dt.Bearer(self.srv.port, "garbage").get("/api/v1/me"), 401, msg="garbage token")
        expect_error(self.srv.client().get("/api/v1/me", headers={"Authorization": "Basic bGVhZGVyOng="}), 401,
                     msg="Basic auth")
        expect_error(self.srv.client().get("/api/v1/me", headers={"Authorization": "Bearer " + t_ok[:-2]}), 401,
                     msg="truncated token")
        expect_status(dt.Bearer(self.srv.port, t_exp).get("/api/v1/me"), 200, "1-day token works now")
        # expire t_exp directly in the database
        h = hashlib.sha256(t_exp.encode()).hexdigest()
        rows = self.srv.db.query("SELECT id, expires_at FROM api_tokens WHERE token_hash = ?", (h,))
        eq(len(rows), 1, "the token's row (token_hash = sha256 hex)")
        self.srv.stop()
        self.srv.db.execute("UPDATE api_tokens SET expires_at = ? WHERE token_hash = ?", ("2020-01-01T00:00:00Z", h))
        eq(self.srv.db.query("SELECT expires_at FROM api_tokens WHERE token_hash = ?", (h,))[0][0],
           "2020-01-01T00:00:00Z", "expires_at updated")
        self.srv.start()
        expect_error(dt.Bearer(self.srv.port, t_exp).get("/api/v1/me"), 401, code="token_expired", msg="expired token")
        expect_status(dt.Bearer(self.srv.port, t_ok).get("/api/v1/me"), 200, "the other token still works")
        # an existing session survives a restart (sessions are in the database)

    def test_own_tokens_listed_and_revoked(self):
        leader, other = self.s("leader"), self.s("chunliu.staff")
        a = expect_status(leader.post("/api/v1/me/tokens", {"name": "集成 A", "days": 30}), 201).json()
        b = expect_status(leader.post("/api/v1/me/tokens", {"name": "集成 B", "days": 30}), 201).json()
        expect_error(leader.post("/api/v1/me/tokens", {"name": "   "}), 422, field="name", msg="a blank name")
        listed = expect_status(leader.get("/api/v1/me/tokens?per_page=500"), 200).json()
        ids = [t["id"] for t in listed["items"]]
        check(ids.index(b["id"]) < ids.index(a["id"]), "newest first: %r" % ids)
        eq(ids, sorted(ids, reverse=True), "newest first throughout")
        mine = {t["id"]: t for t in listed["items"]}
        eq((mine[a["id"]]["name"], mine[a["id"]]["status"], mine[a["id"]]["revoked_at"]), ("集成 A", "active", None),
           "a listed token")
        for t in listed["items"]:
            check(not {"token", "token_hash"} & set(t), "a list never shows a secret or its hash: %r" % t)
            eq(t["user_id"], mine[a["id"]]["user_id"], "only the account's own tokens")
        check(b["id"] not in [t["id"] for t in dt.list_all(other, "/api/v1/me/tokens")[0]], "not in another's list")
        ta, tb = dt.Bearer(self.srv.port, a["token"]), dt.Bearer(self.srv.port, b["token"])
        expect_status(ta.get("/api/v1/me"), 200, "token A works")  # and is now in the server's cache
        # its use is recorded (a write queued after the answer: wait for it, bounded); B is unused
        def last_used(tid):
            return {t["id"]: t for t in dt.list_all(leader, "/api/v1/me/tokens")[0]}[tid]["last_used_at"]
        deadline = time.time() + 5
        while last_used(a["id"]) is None and time.time() < deadline:
            time.sleep(0.05)
        check(last_used(a["id"]), "token A's use is recorded")
        eq(last_used(b["id"]), None, "token B was never used")
        # another account cannot revoke it (nor learn it exists)
        expect_error(other.delete("/api/v1/me/tokens/%d" % b["id"]), 404, msg="another account's token")
        expect_status(tb.get("/api/v1/me"), 200, "B still works after another's attempt")
        # revoke A: refused at once, though the server had it cached
        r = expect_status(leader.delete("/api/v1/me/tokens/%d" % a["id"]), 200).json()
        eq(r["status"], "revoked", "the answer says revoked")
        check(r["revoked_at"], "revoked_at set")
        e = expect_error(ta.get("/api/v1/me"), 401, code="bad_token", msg="a revoked token")
        check("revoked" in e["message"], "the message says revoked: %r" % e["message"])
        expect_status(tb.get("/api/v1/me"), 200, "B is untouched")
        expect_error(leader.delete("/api/v1/me/tokens/%d" % a["id"]), 409, code="already_revoked", msg="twice")
        expect_error(leader.delete("/api/v1/me/tokens/99999999"), 404, msg="missing")
        # filters
        by = lambda q: [t["id"] for t in dt.list_all(leader, "/api/v1/me/tokens?status=" + q)[0]]
        check(a["id"] in by("revoked") and b["id"] not in by("revoked"), "status=revoked")
        check(b["id"] in by("active") and a["id"] not in by("active"), "status=active")
        check(a["id"] not in by("expired") and b["id"] not in by("expired"), "status=expired")
        expect_error(leader.get("/api/v1/me/tokens?status=old"), 400, field="status", msg="an unknown status")
        # a token may revoke itself (a script retiring its key)
        expect_status(tb.delete("/api/v1/me/tokens/%d" % b["id"]), 200, "B revokes itself")
        expect_error(tb.get("/api/v1/me"), 401, code="bad_token", msg="B after revoking itself")
        # attributed events
        evs = dt.list_all(self.s("auditor"), "/api/v1/events?action=token.revoke")[0]
        revoked = {e["payload"]["token_id"]: e for e in evs}
        check(a["id"] in revoked and b["id"] in revoked, "a token.revoke event for each")
        eq((revoked[a["id"]]["actor"], revoked[a["id"]]["object_id"], revoked[a["id"]]["payload"]["name"]),
           ("leader", mine[a["id"]]["user_id"], "集成 A"), "the event names who, whose and which")

    def test_secadmin_revokes_any_token(self):
        tongji, sec = self.s("tongji.staff"), self.s("secadmin")
        t = expect_status(tongji.post("/api/v1/me/tokens", {"name": "报表脚本"}), 201).json()
        uid = expect_status(tongji.get("/api/v1/me"), 200).json()["id"]
        listed = {x["id"]: x for x in dt.list_all(sec, "/api/v1/api-tokens?status=active")[0]}
        check(t["id"] in listed, "secadmin lists every account's active tokens")
        eq((listed[t["id"]]["username"], listed[t["id"]]["name"]), ("tongji.staff", "报表脚本"), "with the account's name")
        check("token" not in listed[t["id"]] and "token_hash" not in listed[t["id"]], "no secret")
        only = dt.list_all(sec, "/api/v1/api-tokens?user_id=%d" % uid)[0]
        check(only and all(x["user_id"] == uid for x in only), "user_id filters")
        expect_error(sec.get("/api/v1/api-tokens?user_id=abc"), 400, field="user_id")
        expect_error(sec.get("/api/v1/api-tokens?status=all"), 400, field="status")
        for who in ("leader", "admin", "auditor", "tongji.staff"):
            expect_error(self.s(who).get("/api/v1/api-tokens"), 403, msg=who + " lists all tokens")
            expect_error(self.s(who).delete("/api/v1/api-tokens/%d" % t["id"]), 403, msg=who + " revokes another's")
        bt = dt.Bearer(self.srv.port, t["token"])
        expect_status(bt.get("/api/v1/me"), 200)
        expect_status(sec.delete("/api/v1/api-tokens/%d" % t["id"]), 200, "secadmin revokes it")
        expect_error(bt.get("/api/v1/me"), 401, code="bad_token", msg="after the secadmin's revoke")
        expect_error(sec.delete("/api/v1/api-tokens/%d" % t["id"]), 409, code="already_revoked")
        expect_error(sec.delete("/api/v1/api-tokens/99999999"), 404)
        ev = [e for e in dt.list_all(self.s("auditor"), "/api/v1/events?action=token.revoke")[0]
              if e["payload"]["token_id"] == t["id"]]
        eq((len(ev), ev[0]["actor"], ev[0]["payload"]["by_owner"]), (1, "secadmin", False), "the secadmin's revoke event")

    def test_cli_lists_and_revokes_tokens(self):
        srv = self.new_server("tokens", extra=["--test-clock"])
        leader = srv.session("leader")  # logged in first: a login clears the server's token cache
        args = srv.db.args
        r = dt.run_cli(self.duban, ["token", "create", "--username", "leader", "--name", "对接脚本"] + args)
        eq(r.returncode, 0, "create (stderr %s)" % r.stderr)
        raw = r.stdout.strip()
        b = dt.Bearer(srv.port, raw)
        expect_status(b.get("/api/v1/me"), 200, "the CLI's token works")  # cached by the server now
        r = dt.run_cli(self.duban, ["token", "list", "--username", "leader"] + args)
        eq(r.returncode, 0, "list (stderr %s)" % r.stderr)
        eq(r.stdout.splitlines()[0].split()[:6], ["ID", "USER", "NAME", "STATUS", "CREATED", "LAST"], "the header")
        line = [ln for ln in r.stdout.splitlines() if "对接脚本" in ln]
        eq(len(line), 1, "one line for the token: %r" % r.stdout)
        check(raw not in r.stdout, "the list never prints a secret")
        tid = int(line[0].split()[0])
        check(" active " in line[0] and "leader" in line[0], "the line: %r" % line[0])
        eq(dt.run_cli(self.duban, ["token", "list", "--status", "gone"] + args).returncode, 2, "a bad --status")
        eq(dt.run_cli(self.duban, ["token", "list", "--username", "nobody.here"] + args).returncode, 1, "no such user")
        eq(dt.run_cli(self.duban, ["token", "revoke"] + args).returncode, 2, "revoke without --id")
        eq(dt.run_cli(self.duban, ["token", "rotate"] + args).returncode, 2, "an unknown subcommand")
        r = dt.run_cli(self.duban, ["token", "revoke", "--id", str(tid)] + args)
        eq(r.returncode, 0, "revoke (stderr %s)" % r.stderr)
        check("revoked token %d" % tid in r.stdout, "revoke says so: %r" % r.stdout)
        # Another process revoked it: the server, whose test clock stands still, still has it cached ...
        expect_status(b.get("/api/v1/me"), 200, "cached within kTokenCacheSeconds")
        # ... and rereads it once the cached copy is older than kTokenCacheSeconds (10 s).
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 12))
        expect_status(leader.put("/api/v1/_test/clock", {"now": later}), 200)
        e = expect_error(b.get("/api/v1/me"), 401, code="bad_token", msg="refused once the cache is stale")
        check("revoked" in e["message"], e["message"])
        r = dt.run_cli(self.duban, ["token", "revoke", "--id", str(tid)] + args)
        eq(r.returncode, 1, "a second revoke fails")
        check("already revoked" in r.stderr, r.stderr)
        eq(dt.run_cli(self.duban, ["token", "revoke", "--id", "99999999"] + args).returncode, 1, "a missing token")
        r = dt.run_cli(self.duban, ["token", "list", "--status", "revoked"] + args)
        check(any(ln.split()[0] == str(tid) for ln in r.stdout.splitlines()[1:]), "listed as revoked: %r" % r.stdout)
        ev = [e for e in dt.list_all(srv.session("auditor"), "/api/v1/events?action=token.revoke")[0]
              if e["payload"]["token_id"] == tid]
        eq((len(ev), ev[0]["actor"]), (1, "cli"), "the CLI's revoke is an event")

    # ------------------------------------------------------------------ separation of duties
    def test_three_admin_separation(self):
        name = dt.uniq("sep.user")
        u = self.create_user(name)
        sec = self.s("secadmin")
        for roles in (["sysadmin", "auditor"], ["sysadmin", "secadmin"], ["secadmin", "auditor"], ["sysadmin", "leader"]):
            expect_error(sec.put("/api/v1/users/%d/roles" % u["id"], {"roles": roles}), 422, field="roles",
                         msg="roles %r" % roles)
        expect_error(sec.put("/api/v1/users/%d/roles" % u["id"], {"roles": ["wizard"]}), 422, field="roles")
        expect_error(sec.put("/api/v1/users/%d/roles" % u["id"], {"roles": []}), 422, field="roles")
        eq(expect_status(sec.get("/api/v1/users/%d" % u["id"]), 200).json()["roles"], ["leader"], "roles unchanged")
        # sysadmin cannot grant roles at all, nor create admins
        expect_error(self.s("admin").put("/api/v1/users/%d/roles" % u["id"], {"roles": ["staff"]}), 403)
        expect_error(self.s("admin").post("/api/v1/users", {"username": dt.uniq("new.admin"), "password": GOOD_PW,
                                                           "roles": ["auditor"]}), 422, field="roles")
        # secadmin cannot change its own roles
        me = expect_status(sec.get("/api/v1/me"), 200).json()
        expect_error(sec.put("/api/v1/users/%d/roles" % me["id"], {"roles": ["auditor"]}), 403)
        # one admin role alone is fine
        r = expect_status(sec.put("/api/v1/users/%d/roles" % u["id"], {"roles": ["auditor"]}), 200)
        eq(r.json()["roles"], ["auditor"], "roles after grant")

    # ------------------------------------------------------------------ account state changes
    def login_changed(self, name, password=GOOD_PW, new_pw="Settled-Pass-2026z"):
        """Logs a new account in and does its forced password change; returns the session."""
        s = dt.Session(self.srv.port)
        s.login(name, password)
        expect_status(s.post("/api/v1/me/password", {"old_password": password, "new_password": new_pw}), 200)
        return s

    def test_failure_counter_resets_on_success(self):
        name = dt.uniq("count.reset")
        self.create_user(name)
        self.login_changed(name)
        c = self.srv.client()
        for rnd in range(2):
            for i in range(4):
                expect_error(c.post("/api/v1/session", {"username": name, "password": "Wrong-pw-%d-xx" % i}), 401,
                             msg="round %d failure %d" % (rnd, i + 1))
            expect_status(c.post("/api/v1/session", {"username": name, "password": "Settled-Pass-2026z"}), 201,
                          "a success before the 5th failure resets the count (round %d)" % rnd)

    def test_disabled_account(self):
        name = dt.uniq("disable.me")
        u = self.create_user(name)
        s = self.login_changed(name)
        tok = expect_status(s.post("/api/v1/me/tokens", {"name": "before-disable"}), 201).json()["token"]
        expect_status(dt.Bearer(self.srv.port, tok).get("/api/v1/me"), 200)
        expect_error(self.s("admin").patch("/api/v1/users/%d" % u["id"], {"disabled": "yes"}), 422, field="disabled")
        r = expect_status(self.s("admin").patch("/api/v1/users/%d" % u["id"], {"disabled": True}), 200).json()
        eq(r["disabled"], True, "disabled")
        expect_error(s.get("/api/v1/me"), 401, msg="session of a disabled account")
        expect_error(dt.Bearer(self.srv.port, tok).get("/api/v1/me"), 401, msg="token of a disabled account")
        c = self.srv.client()
        e_disabled = expect_error(c.post("/api/v1/session", {"username": name, "password": "Settled-Pass-2026z"}), 401,
                                  msg="login of a disabled account")
        e_wrong = expect_error(c.post("/api/v1/session", {"username": "leader", "password": "Not-Right-2026"}), 401)
        eq(e_disabled, e_wrong, "a disabled account answers like a wrong password")
        me = expect_status(self.s("admin").get("/api/v1/me"), 200).json()
        expect_error(self.s("admin").patch("/api/v1/users/%d" % me["id"], {"disabled": True}), 422, field="disabled",
                     msg="disable yourself")
        expect_status(self.s("admin").patch("/api/v1/users/%d" % u["id"], {"disabled": False}), 200)
        expect_status(c.post("/api/v1/session", {"username": name, "password": "Settled-Pass-2026z"}), 201, "re-enabled")
        expect_status(dt.Bearer(self.srv.port, tok).get("/api/v1/me"), 200, "the token works again")

    def test_password_change_ends_other_sessions(self):
        name = dt.uniq("two.sessions")
        self.create_user(name)
        a = self.login_changed(name)
        b = dt.Session(self.srv.port)
        b.login(name, "Settled-Pass-2026z")
        expect_status(b.get("/api/v1/me"), 200)
        expect_status(a.post("/api/v1/me/password", {"old_password": "Settled-Pass-2026z",
                                                     "new_password": "Second-Pass-2026w"}), 200)
        expect_status(a.get("/api/v1/me"), 200, "the session that changed the password stays")
        expect_error(b.get("/api/v1/me"), 401, msg="the other session ends")

    def test_role_change_takes_effect(self):
        name = dt.uniq("role.change")
        u = self.create_user(name, roles=("leader",))
        s = self.login_changed(name)
        tok = expect_status(s.post("/api/v1/me/tokens", {"name": "roles"}), 201).json()["token"]
        b = dt.Bearer(self.srv.port, tok)
        expect_status(b.get("/api/v1/org-units"), 200, "leader reads org units")
        expect_status(self.s("secadmin").put("/api/v1/users/%d/roles" % u["id"], {"roles": ["auditor"]}), 200)
        expect_error(s.get("/api/v1/me"), 401, msg="a role change ends the sessions")
        expect_error(b.get("/api/v1/org-units"), 403, msg="the token now carries the auditor role")
        expect_status(b.get("/api/v1/events?per_page=1"), 200, "auditor reads events")
        me = expect_status(b.get("/api/v1/me"), 200).json()
        eq((me["roles"], me["permissions"]), (["auditor"], ["audit.read"]), "me after the change")

    def test_security_policy_applies(self):
        sec = self.s("secadmin")
        pol = expect_status(sec.get("/api/v1/security-policy"), 200).json()
        eq((pol["min_length"], pol["lockout_threshold"]), (12, 5), "default policy")
        for bad in ({"min_length": 8}, {"min_classes": 2}, {"lockout_threshold": 100}, {"min_length": "16"},
                    {"colour": 1}):
            expect_error(sec.put("/api/v1/security-policy", bad), 422, field=list(bad)[0], msg="policy %r" % bad)
        expect_error(self.s("admin").put("/api/v1/security-policy", {"min_length": 16}), 403)
        try:
            r = expect_status(sec.put("/api/v1/security-policy", {"min_length": 16, "lockout_threshold": 3}), 200).json()
            eq((r["min_length"], r["lockout_threshold"], r["min_classes"]), (16, 3, pol["min_classes"]),
               "only the given fields change")
            expect_error(self.s("admin").post("/api/v1/users", {"username": dt.uniq("pol.len"), "password": GOOD_PW,
                                                               "roles": ["leader"], "units": [self.district["id"]]}),
                         422, field="password", msg="15 characters under min_length 16")
            name = dt.uniq("pol.lock")
            self.create_user(name, password="Sixteen-Chars-26")
            c = self.srv.client()
            for i in range(2):
                expect_error(c.post("/api/v1/session", {"username": name, "password": "Wrong-pw-%d-xxxxxx" % i}), 401)
            expect_error(c.post("/api/v1/session", {"username": name, "password": "Wrong-pw-3-xxxxxx"}), 423,
                         code="account_locked", msg="3rd failure locks under lockout_threshold 3")
        finally:
            expect_status(sec.put("/api/v1/security-policy", {"min_length": pol["min_length"],
                                                              "lockout_threshold": pol["lockout_threshold"]}), 200)
        eq(expect_status(sec.get("/api/v1/security-policy"), 200).json(), pol, "policy restored")

    # ------------------------------------------------------------------ limiter (own server)
    def test_login_rate_limit(self):
        srv = self.new_server("ratelimit", extra=["--login-rate", "3"])
        c = srv.client()
        for i in range(3):
            expect_status(c.post("/api/v1/session", {"username": "leader", "password": dt.DEMO_PASSWORD}), 201,
                          "attempt %d within the limit" % (i + 1))
        r = c.post("/api/v1/session", {"username": "leader", "password": dt.DEMO_PASSWORD})
        expect_error(r, 429, code="rate_limited", msg="4th attempt in a minute")
        ra = r.header("Retry-After")
        check(ra is not None and ra.isdigit() and 0 < int(ra) <= 61, "Retry-After %r" % ra)
        expect_error(c.post("/api/v1/session", {"username": "no.body", "password": "x"}), 429, msg="any user")
        # the limiter counts logins only: an API call is not limited
        expect_status(c.get("/healthz"), 200)
        srv.kill()

    def test_password_change_ends_the_other_sessions_only(self):
        name = dt.uniq("two.sessions")
        self.create_user(name)
        s1 = self.srv.session(name, GOOD_PW)
        s2 = self.srv.session(name, GOOD_PW)
        expect_status(s1.post("/api/v1/me/password", {"old_password": GOOD_PW, "new_password": "Fjord-Lantern-2026q"}),
                      200)
        expect_status(s1.get("/api/v1/me"), 200, "the session that changed the password stays")
        expect_error(s2.get("/api/v1/me"), 401, msg="the account's other session ended")

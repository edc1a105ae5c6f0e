"""static: the server serves the built web app from --web-root: index.html revalidated, hashed
assets cached for a year, precompressed gzip when the client accepts it, client-side routes
answered with the app, a missing asset a real 404, no dotfiles, API paths never shadowed, and
the security headers on everything."""
import gzip
import os

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

INDEX = b"<!doctype html><html><head><title>duban</title></head><body><div id=app></div></body></html>"
JS = b"console.log('duban');\n" * 200


@dt.suite("static")
class StaticSuite(dt.Suite):
    def setup(self):
        root = os.path.join(self.workdir, "webroot")
        os.makedirs(os.path.join(root, "assets"), exist_ok=True)
        with open(os.path.join(root, "index.html"), "wb") as f:
            f.write(INDEX)
        with open(os.path.join(root, "assets", "app-1a2b3c.js"), "wb") as f:
            f.write(JS)
        with open(os.path.join(root, "assets", "app-1a2b3c.js.gz"), "wb") as f:
            f.write(gzip.compress(JS))
        with open(os.path.join(root, ".secret"), "wb") as f:
            f.write(b"not for the web")
        self.srv = self.new_server("main", extra=["--web-root", root])
        self.c = self.srv.client()

    def test_index_and_client_routes(self):
        r = expect_status(self.c.get("/"), 200)
        eq(r.body, INDEX, "index.html")
        check(r.header("Content-Type").startswith("text/html"), r.header("Content-Type"))
        eq(r.header("Cache-Control"), "no-cache", "index.html is revalidated")
        check("default-src 'self'" in (r.header("Content-Security-Policy") or ""), "CSP on the page")
        eq(r.header("X-Frame-Options"), "DENY", "no framing")
        eq(r.header("X-Content-Type-Options"), "nosniff", "nosniff")
        r = expect_status(self.c.get("/system/dept"), 200)
        eq(r.body, INDEX, "a client-side route gets the app")

    def test_assets_cache_and_gzip(self):
        r = expect_status(self.c.get("/assets/app-1a2b3c.js"), 200)
        eq(r.body, JS, "plain asset without Accept-Encoding")
        check(r.header("Content-Encoding") is None, "not compressed unless asked")
        eq(r.header("Cache-Control"), "public, max-age=31536000, immutable", "hashed assets are immutable")
        check(r.header("Content-Type").startswith("text/javascript"), r.header("Content-Type"))
        r = expect_status(self.c.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip, br"}), 200)
        eq(r.header("Content-Encoding"), "gzip", "precompressed variant sent")
        eq(gzip.decompress(r.body), JS, "the gzip variant is the same asset")
        check(len(r.body) < len(JS) / 5, "and much smaller")

    def test_missing_dotfiles_and_api_not_shadowed(self):
        expect_status(self.c.get("/assets/missing-000.js"), 404)
        r = self.c.get("/.secret")
        check(b"not for the web" not in r.body, "dotfiles are never served")
        expect_error(self.c.get("/api/v1/no-such-route"), 404, code="not_found")
        expect_status(self.c.get("/healthz"), 200)
        expect_error(self.c.post("/index.html", {}), 404)

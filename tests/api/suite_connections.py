"""connections: the HTTP server's handling of connections that stop talking. With --read-timeout 1,
a client that sends half a request, or sends nothing, or goes idle after an answer, is cut off after
about a second, and the server keeps serving. Rounds of hundreds of such connections timing out
together, while other clients keep both I/O threads busy, once crashed the server (two threads
closing one socket: the timeout's handler and the session it woke); each connection now runs on
its own strand."""
import http.client
import socket
import threading
import time

import dubantest as dt
from dubantest import check, eq


@dt.suite("connections")
class ConnectionsSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", demo=False, extra=["--read-timeout", "1"])

    def healthz(self):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        c.close()
        return r.status

    def test_a_silent_client_is_cut_off(self):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the header never ends
        t0 = time.time()
        try:
            got = s.recv(1024)
        except ConnectionResetError:
            got = b""
        waited = time.time() - t0
        s.close()
        eq(got, b"", "the server closes the connection without an answer")
        check(0.8 <= waited <= 5, "cut off after about the 1 s read timeout, not %.2f s" % waited)
        eq(self.healthz(), 200, "and serves the next client")

    def test_many_timeouts_at_once_under_load(self):
        stop = threading.Event()
        served = [0]

        def busy():
            while not stop.is_set():
                try:
                    c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
                    for _ in range(100):
                        c.request("GET", "/healthz")
                        c.getresponse().read()
                        served[0] += 1
                    c.close()
                except OSError:
                    time.sleep(0.05)

        workers = [threading.Thread(target=busy, daemon=True) for _ in range(4)]
        for w in workers:
            w.start()
        try:
            for rnd in range(12):  # the crash came within 9 rounds in each of 3 tries
                socks = []
                for i in range(600):
                    s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
                    if i % 3 == 0:
                        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")  # answered, then idle
                    elif i % 3 == 1:
                        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
                    socks.append(s)
                time.sleep(1.3)
                for s in socks:
                    s.close()
                check(self.srv.proc.poll() is None, "the server is still running after round %d" % rnd)
                eq(self.healthz(), 200, "serves after round %d" % rnd)
        finally:
            stop.set()
            for w in workers:
                w.join(10)
        check(served[0] > 0, "the busy clients were served meanwhile")

"""Reliability matrix N1-N14: TLS, timeouts, size caps, redirects, pagination links, proxies.

TLS material (a throwaway CA and two server certificates) is generated with `openssl` at test
time; small python servers play the misbehaving peers.
"""
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from harness import Sandbox, ToolTestCase, writes

MANIFEST = "version: 1\naccounts:\n  - username: svc-net@example\n    groups: [annotator]\n"
TIMEOUT = ["--timeout", "1"]


class Recorder(http.server.ThreadingHTTPServer):
    """A loopback HTTP(S) server that records every request and answers with `respond`.

    `respond(handler)` returns (status, headers, body) or None to forward to `upstream`."""

    daemon_threads = True

    def __init__(self, respond=None, upstream=None, context=None):
        self.seen, self.respond, self.upstream = [], respond, upstream
        super().__init__(("127.0.0.1", 0), _Handler)
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server_address[1]

    def close(self):
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers)))
        answer = self.server.respond(self) if self.server.respond else None
        if answer is None and self.server.upstream:
            answer = self._forward(body)
        if answer is None:
            answer = (404, {}, b'{"detail": "Not found."}')
        if answer == "handled":
            return
        status, headers, payload = answer
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _forward(self, body):
        host, port = self.server.upstream
        conn = http.client.HTTPConnection(host, port, timeout=10)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("authorization", "content-type", "accept")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        return resp.status, {"Content-Type": resp.getheader("Content-Type", "")}, payload

    do_GET = do_POST = do_PATCH = do_DELETE = _serve


class Pki:
    """A CA and server certificates made with openssl for one test class."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ra-pki-")
        self.ca = self._path("ca.pem")
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                      "-nodes", "-keyout", self._path("ca.key"), "-out", self.ca, "-days", "1",
                      "-subj", "/CN=rossum-accounts test CA")
        self.good = self._leaf("good", "DNS:localhost,IP:127.0.0.1")
        self.wrong = self._leaf("wrong", "DNS:wrong.test")

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _openssl(self, *args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)

    def _leaf(self, name, san):
        key, csr, cert, ext = (self._path(name + s) for s in (".key", ".csr", ".pem", ".ext"))
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\n" % san)
        self._openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                      "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + name)
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self._path("ca.key"),
                      "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", ext)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        return context

    def cleanup(self):
        shutil.rmtree(self.dir, True)


class PkiTestCase(ToolTestCase):
    """A test case with one Pki for the class (self.pki)."""

    @classmethod
    def setUpClass(cls):
        cls.pki = Pki()

    @classmethod
    def tearDownClass(cls):
        cls.pki.cleanup()


class NetworkTest(PkiTestCase):

    def setUp(self):
        super().setUp()
        self.manifest = self.write("accounts.yaml", MANIFEST)

    def server(self, respond=None, upstream=None, context=None):
        server = Recorder(respond, upstream, context)
        self.addCleanup(server.close)
        return server

    def tool(self, *args, url, sandbox=None, **env):
        base = self.env(sandbox, ROSSUM_API_URL=url, **env)
        if sandbox is None:
            base.update(ROSSUM_TOKEN="tok-" + os.urandom(8).hex())
            self.secrets.add(base["ROSSUM_TOKEN"])
        started = time.monotonic()
        run = self.run_tool(*args, env=base, timeout=90)
        run.elapsed = time.monotonic() - started
        return run

    # ---- N5 / N6 / N7 TLS verification --------------------------------------------------------
    def test_n5_self_signed_without_ca_bundle_fails_with_1_and_sends_nothing(self):
        tls = self.server(context=self.pki.good)
        url = "https://127.0.0.1:%d/api" % tls.port
        run = self.tool("plan", self.manifest, url=url)
        self.assertExit(run, 1)
        self.assertIn("the server's TLS certificate was not accepted", run.stderr)
        # The admin login (a POST carrying the password) is refused the same way, never retried.
        password = self.password("admin")
        run = self.run_tool("plan", self.manifest, env=self.env(
            ROSSUM_API_URL=url, ROSSUM_USERNAME="admin@example", ROSSUM_PASSWORD=password))
        self.assertExit(run, 1)
        self.assertIn("POST %s/v1/auth/login: the server's TLS certificate was not accepted"
                      % url, run.stderr)
        self.assertEqual(tls.seen, [])
        self.assertNoSecrets()

    def test_n6_certificate_for_another_host_fails_with_1_and_sends_nothing(self):
        tls = self.server(context=self.pki.wrong)
        run = self.tool("plan", self.manifest, "--ca-bundle", self.pki.ca,
                        url="https://127.0.0.1:%d/api" % tls.port)
        self.assertExit(run, 1)
        self.assertIn("the server's TLS certificate was not accepted", run.stderr)
        self.assertEqual(tls.seen, [])
        self.assertNoSecrets()

    def test_n7_correct_ca_bundle_works_through_a_tls_front(self):
        with Sandbox() as sb:
            port = int(sb.url.split(":")[2].split("/")[0])
            tls = self.server(upstream=("127.0.0.1", port), context=self.pki.good)
            env = self.env(sb, ROSSUM_API_URL="https://localhost:%d/api" % tls.port)
            run = self.run_tool("plan", self.manifest, "--ca-bundle", self.pki.ca,
                                "--detailed-exitcode", env=env)
            self.assertExit(run, 2)
            self.assertIn("+ create svc-net@example", run.stdout)
            self.assertTrue(any(h.get("Authorization") for _, _, h in tls.seen))
        self.assertNoSecrets()

    def test_missing_ca_bundle_is_a_usage_error_before_any_request(self):
        tls = self.server(context=self.pki.good)
        run = self.tool("plan", self.manifest, "--ca-bundle", os.path.join(self.tmp, "nope.pem"),
                        url="https://127.0.0.1:%d/api" % tls.port)
        self.assertExit(run, 64)
        self.assertIn("--ca-bundle %s: cannot read it" % os.path.join(self.tmp, "nope.pem"),
                      run.stderr)
        self.assertEqual(tls.seen, [])

    # ---- N1 / N2 / N3 timeouts ----------------------------------------------------------------
    def test_n1_tls_port_that_never_handshakes_times_out_and_exits_75(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        self.addCleanup(listener.close)
        run = self.tool("plan", self.manifest, *TIMEOUT,
                        url="https://127.0.0.1:%d/api" % listener.getsockname()[1])
        self.assertExit(run, 75)
        self.assertIn("giving up after 4 retries", run.stderr)
        self.assertLess(run.elapsed, 30)
        self.assertNoSecrets()

    def test_n2_hanging_get_times_out_retries_and_exits_75(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/users", prefix=True, action="hang", ms=2500,
                     times=-1)
            run = self.tool("plan", self.manifest, *TIMEOUT, url=sb.url, sandbox=sb)
            self.assertExit(run, 75)
            self.assertIn("timed out waiting for the answer", run.stderr)
            self.assertIn("giving up after 4 retries", run.stderr)
            gets = [r for r in sb.api_requests() if r["path"] == "/api/v1/users"]
            self.assertLessEqual(len(gets), 5)
            self.assertLess(run.elapsed, 30)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    def test_n2_verbose_names_a_timed_out_request_once_per_line(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", action="hang", ms=2500)
            run = self.tool("plan", self.manifest, "-v", *TIMEOUT, url=sb.url, sandbox=sb)
            self.assertExit(run, 0)
            url = re.escape("%s/v1/groups?page_size=100" % sb.url)
            lines = run.stderr.splitlines()
            failed = [l for l in lines if re.fullmatch(
                r"GET %s -> failed: timed out waiting for the answer \(.+\) \(\d+ ms\)" % url,
                l)]
            retry = [l for l in lines if re.fullmatch(
                r"GET %s: timed out waiting for the answer \(.+\); retrying in \d+ ms" % url, l)]
            self.assertEqual(len(failed), 1, run.stderr)
            self.assertEqual(len(retry), 1, run.stderr)
            for line in lines:
                self.assertLessEqual(line.count("GET "), 1, line)
        self.assertNoSecrets()

    def test_n3_trickling_answer_is_aborted_and_exits_75(self):
        def trickle(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            try:
                for _ in range(20):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            handler.close_connection = True
            return "handled"

        slow = self.server(respond=trickle)
        run = self.tool("plan", self.manifest, *TIMEOUT, url="http://127.0.0.1:%d/api" % slow.port)
        self.assertExit(run, 75)
        self.assertIn("giving up after 4 retries", run.stderr)
        self.assertLessEqual(len(slow.seen), 5)
        self.assertLess(run.elapsed, 30)

    # ---- N4 size cap --------------------------------------------------------------------------
    def test_n4_huge_body_is_refused_with_1_without_retry(self):
        def huge(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(64 * 1024 * 1024))
            handler.end_headers()
            chunk = b"[" + b"0," * 32767 + b"0"
            try:
                for _ in range(1024):
                    handler.wfile.write(chunk)
            except OSError:
                pass
            handler.close_connection = True
            return "handled"

        big = self.server(respond=huge)
        run = self.tool("plan", self.manifest, url="http://127.0.0.1:%d/api" % big.port)
        self.assertExit(run, 1)
        self.assertIn("the answer is larger than 16777216 bytes", run.stderr)
        self.assertEqual(len(big.seen), 1)

    # ---- N8 plain http ------------------------------------------------------------------------
    def test_n8_http_to_a_non_loopback_host_is_a_usage_error(self):
        for url in ("http://example.com/api", "http://10.1.2.3/api", "ftp://127.0.0.1/api"):
            run = self.tool("plan", self.manifest, url=url)
            self.assertExit(run, 64)
            self.assertIn(url, run.stderr)

    def test_credentials_in_the_api_url_are_refused_without_echoing_them(self):
        self.secrets.add("Url-Secr3t-pw")
        for url in ("https://admin:Url-Secr3t-pw@example.com/api",
                    "http://admin:Url-Secr3t-pw@127.0.0.1:9/api"):
            run = self.run_tool("plan", self.manifest, "--api-url", url, env=self.env(
                ROSSUM_TOKEN="tok-" + os.urandom(8).hex()))
            self.assertExit(run, 64)
            self.assertIn("invalid api url: credentials in the URL are not allowed", run.stderr)
        self.assertNoSecrets()

    # ---- N9 / N10 redirects -------------------------------------------------------------------
    def test_n9_redirect_to_another_listener_is_not_followed(self):
        other = self.server()
        with Sandbox() as sb:
            target = "http://127.0.0.1:%d/api/v1/groups" % other.port
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="redirect",
                     location=target, times=-1)
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("the API answered with a redirect (302) to %s; redirects are not "
                          "followed" % target, run.stderr)
            self.assertEqual(len([r for r in sb.api_requests() if "groups" in r["path"]]), 1)
        self.assertEqual(other.seen, [])
        self.assertNoSecrets()

    def test_n10_redirect_loop_stops_at_the_first_3xx(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="redirect",
                     location=sb.url + "/v1/groups?page_size=100", times=-1)
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("redirects are not followed", run.stderr)
            self.assertEqual(len([r for r in sb.api_requests() if "groups" in r["path"]]), 1)
        self.assertNoSecrets()

    # ---- N11 / N12 pagination -----------------------------------------------------------------
    def groups_page(self, next_url, total_pages):
        return {"pagination": {"total": 1, "total_pages": total_pages, "next": next_url,
                               "previous": None},
                "results": []}

    def test_n11_next_link_to_another_origin_is_refused(self):
        other = self.server()
        with Sandbox() as sb:
            target = "http://127.0.0.1:%d/api/v1/groups?page=2" % other.port
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=200, body=self.groups_page(target, 2))
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("refusing to follow a groups page link outside the API", run.stderr)
            self.assertIn(target, run.stderr)
        self.assertEqual(other.seen, [])
        self.assertNoSecrets()

    def test_n12_next_link_loop_is_refused(self):
        with Sandbox() as sb:
            same = sb.url + "/v1/groups?page_size=100"
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=200, body=self.groups_page(same, 2), times=-1)
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("refusing a groups page link that was already fetched (a pagination "
                          "loop)", run.stderr)
            self.assertEqual(len([r for r in sb.api_requests() if "groups" in r["path"]]), 1)

    def test_n12_a_million_pages_are_refused(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=200, body=self.groups_page(sb.url + "/v1/groups?page=2", 1000000))
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("the API reports 1000000 pages of groups", run.stderr)

    # ---- N13 proxies --------------------------------------------------------------------------
    def test_n13_proxy_variables_are_ignored_for_a_loopback_api(self):
        proxy = self.server()
        proxy_url = "http://127.0.0.1:%d" % proxy.port
        with Sandbox() as sb:
            env = self.env(sb, http_proxy=proxy_url, https_proxy=proxy_url, HTTPS_PROXY=proxy_url,
                           ALL_PROXY=proxy_url, all_proxy=proxy_url, NO_PROXY=None, no_proxy=None)
            run = self.run_tool("plan", self.manifest, "--detailed-exitcode", env=env)
            self.assertExit(run, 2)
        self.assertEqual(proxy.seen, [])
        self.assertNoSecrets()

    # ---- N14 broken bodies --------------------------------------------------------------------
    def test_n14_non_json_200_is_a_clear_error(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=200, body="<html>maintenance</html>",
                     headers={"Content-Type": "text/html"})
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("/v1/groups?page_size=100: the API answered 200 with a body that is not "
                          "JSON", run.stderr)
        self.assertNoSecrets()

    def test_n14_json_nesting_bomb_is_a_clear_error_without_a_crash(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=200, body="[" * 200000 + "]" * 200000)
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertIn("groups", run.stderr)
            self.assertNotIn("internal error", run.stderr)

    def test_n14_control_characters_in_server_text_are_escaped_not_sent_to_the_terminal(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="respond",
                     status=403, body={"detail": "\u001b]0;title\u0007no\nforged: line"})
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 77)
            self.assertIn("permission denied (403): \\u001b]0;title\\u0007no\\u000aforged: line",
                          run.stderr)
            self.assertNotIn("\x1b", run.output)
            self.assertEqual(len(run.stderr.splitlines()), 1, run.stderr)
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="redirect",
                     location="https://x.example/\u001b[2J")
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 1)
            self.assertNotIn("\x1b", run.output)
            self.assertIn("to https://x.example/\\u001b[2J", run.stderr)

    def test_n14_truncated_body_once_is_retried_and_succeeds(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="truncate")
            run = self.tool("plan", self.manifest, "--detailed-exitcode", url=sb.url, sandbox=sb)
            self.assertExit(run, 2)
            self.assertEqual(len([r for r in sb.api_requests() if "groups" in r["path"]]), 2)

    def test_n14_truncated_body_always_gives_up_with_75(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", prefix=True, action="truncate",
                     times=-1)
            run = self.tool("plan", self.manifest, url=sb.url, sandbox=sb)
            self.assertExit(run, 75)
            self.assertIn("the answer was cut short", run.stderr)
            self.assertEqual(len([r for r in sb.api_requests() if "groups" in r["path"]]), 5)


if __name__ == "__main__":
    unittest.main()

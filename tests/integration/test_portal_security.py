"""Issue 10's security checks on the portal, against a real server: no answer or timing tells
whether an email has a login (password sign-in and "email me a code", compared over several
tries), and sqlmap finds nothing to inject in the sign-in and guest forms, the query
parameters, or an invoice page's path."""
import re
import shutil
import statistics
import subprocess
import time
import urllib.parse

from remit import Checks, Server, TempDir, new_db, run

c = Checks()
with TempDir() as d:
    db = new_db(d, "portal_security")
    run("demo", "--accounts", "20", db=db)
    srv = Server(db, "--print-demo-key")
    try:
        out = ""
        while "Customer portal:" not in out:
            out += srv.proc.stdout.readline()
        login = re.search(r"sign in as (\S+) with password (\S+)\)", out)
        email, password = login.group(1), login.group(2)
        base = "/p/demo"

        def form_cookie():
            st, body, r = srv.request("GET", base + "/sign-in")
            token = re.search(r'name="form_token" value="([^"]+)"', body.decode()).group(1)
            return token, f"__Host-remit_form={token}"

        token, cookie = form_cookie()

        def post(path, fields):
            data = urllib.parse.urlencode({"form_token": token, **fields})
            t0 = time.perf_counter()
            st, body, r = srv.request("POST", path, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, raw=data)
            return st, body.decode(), time.perf_counter() - t0

        def scrub(text, *values):
            for v in values:
                text = text.replace(v, "")
            return text

        # --- enumeration: password sign-in ------------------------------------------------
        unknown = "nobody.here@example.org"
        known_t, unknown_t, answers = [], [], set()
        for i in range(8):
            st1, b1, t1 = post(base + "/sign-in", {"email": email, "password": f"wrong-{i}"})
            st2, b2, t2 = post(base + "/sign-in", {"email": unknown, "password": f"wrong-{i}"})
            known_t.append(t1)
            unknown_t.append(t2)
            answers.add((st1, scrub(b1, email)))
            answers.add((st2, scrub(b2, unknown)))
        c.eq("a wrong password and an unknown email get one answer", len(answers), 1)
        ratio = statistics.median(known_t) / statistics.median(unknown_t)
        print(f"password sign-in: median {statistics.median(known_t)*1000:.1f} ms with a login, "
              f"{statistics.median(unknown_t)*1000:.1f} ms without (ratio {ratio:.2f})", flush=True)
        c.true("the same time with or without a login (argon2id either way)", 0.67 < ratio < 1.5)

        # --- enumeration: emailed code ----------------------------------------------------
        known_t, unknown_t, answers = [], [], set()
        for i in range(4):
            st1, b1, t1 = post(base + "/sign-in/code", {"email": email})
            st2, b2, t2 = post(base + "/sign-in/code", {"email": unknown})
            known_t.append(t1)
            unknown_t.append(t2)
            answers.add((st1, scrub(b1, email)))
            answers.add((st2, scrub(b2, unknown)))
        c.eq("a code request gets one answer with or without a login", len(answers), 1)
        print(f"code request: median {statistics.median(known_t)*1000:.2f} ms with a login, "
              f"{statistics.median(unknown_t)*1000:.2f} ms without", flush=True)
        c.true("no timing to tell them apart beyond noise (within 5 ms)",
               abs(statistics.median(known_t) - statistics.median(unknown_t)) < 0.005)

        # A session for the signed-in pages (before sqlmap's tries stop this address's sign-ins).
        st, body, r = srv.request("POST", base + "/sign-in", headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            raw=urllib.parse.urlencode({"form_token": token, "email": email, "password": password}))
        c.eq("the demo customer signs in", st, 303)
        session = re.search(r"(__Host-remit_session=[^;]+)", r.getheader("Set-Cookie") or "")
        session = session.group(1) if session else ""

        # --- sqlmap ----------------------------------------------------------------------
        sqlmap = shutil.which("sqlmap")
        c.true("sqlmap is installed (scripts/install-deps.sh)", sqlmap is not None)
        url = f"http://127.0.0.1:{srv.port}"

        def scan(what, *args):
            p = subprocess.run([sqlmap, "--batch", "--level=1", "--risk=1", "--flush-session",
                                "--output-dir", f"{d}/sqlmap", "--timeout", "10", "--retries", "0",
                                *args], capture_output=True, text=True, timeout=600)
            found = "sqlmap identified the following injection point" in p.stdout
            tested = "do not appear to be injectable" in p.stdout or "does not seem to be injectable" in p.stdout
            c.true(f"sqlmap tested and found nothing to inject: {what}",
                   tested and not found and p.returncode == 0)
            if found or not tested:
                print(p.stdout[-3000:], flush=True)

        scan("sign-in form", "-u", f"{url}{base}/sign-in", "--cookie", cookie,
             "--data", urllib.parse.urlencode({"form_token": token, "email": "x@example.org",
                                               "password": "pw", "next": "/p/demo/"}),
             "-p", "email,password,next")
        scan("sign-in page query", "-u", f"{url}{base}/sign-in?next=%2Fp%2Fdemo%2F&lang=en",
             "-p", "next,lang")
        scan("an invoice page's path", "-u", f"{url}{base}/invoices/1*", "--cookie", session)
        scan("the pay page's card token", "-u", f"{url}{base}/pay?token=tok_x", "--cookie", session,
             "-p", "token")
        scan("guest form", "-u", f"{url}{base}/guest", "--cookie", cookie,
             "--data", urllib.parse.urlencode({"form_token": token, "account_number": "100001",
                                               "last_name": "Smith", "email": "g@example.org"}),
             "-p", "account_number,last_name,email")
        v = run("verify", db=db, check=False)
        c.eq("remit verify after the scans", v.returncode, 0)
    finally:
        srv.stop()
c.finish()

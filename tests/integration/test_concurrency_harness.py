"""A seeded concurrency harness: several `remit serve` processes on one database (3 on
PostgreSQL, 1 on SQLite: one writer), at least 16 client threads sending a random mix of
money-moving requests (payments to an invoice and to an account, credit notes, voids, seat
changes, usage, charges, applied credit, write-offs, clock moves that start bill runs), each
POST with its own Idempotency-Key and retried with that same key on 503 or a connection error.
Midway one server is killed with SIGKILL and a new one started on the same database.

Afterwards: no 500 was answered, `remit verify` passes, every payment acknowledged with 201
is stored exactly once with its amount, no payment exists that was not acknowledged unless its
key's outcome was unknown (and then replaying the key returns that payment), cash in the
ledger equals the succeeded payments, every invoice's figures add up, and the tenant's test
clock, read over and over by one watcher, never goes back.

Environment: REMIT_SOAK seconds of load (default 20), REMIT_SEED (default fixed),
REMIT_CLIENTS (default 16, at least 16), REMIT_SERVERS (default 3 on PostgreSQL, 1 on SQLite)."""
import collections
import http.client
import json
import os
import random
import threading
import time

from remit import POSTGRES, Checks, Server, TempDir, new_db, run, sql

SEED = int(os.environ.get("REMIT_SEED", "20270101"))
SOAK = float(os.environ.get("REMIT_SOAK", "20"))
CLIENTS = max(16, int(os.environ.get("REMIT_CLIENTS", "16")))
N_SERVERS = max(1, int(os.environ.get("REMIT_SERVERS", "3" if POSTGRES else "1")))
N_ACCOUNTS = 6
HTTP_TIMEOUT = 30  # every HTTP exchange
RETRY_FOR = 40     # seconds a client keeps retrying one request (503, connection errors)
API_KEY = None     # set once the tenant exists

print(f"seed {SEED}, {SOAK:g} s of load, {CLIENTS} clients, {N_SERVERS} server(s), "
      f"backend {'postgres' if POSTGRES else 'sqlite'}", flush=True)


class Pool:
    """The live servers. The main thread swaps one out midway; clients pick from a snapshot."""

    def __init__(self):
        self.lock = threading.Lock()
        self.servers = []
        self.retired = []  # killed ones, kept for their logs

    def pick(self, rng, avoid=None):
        with self.lock:
            live = [s for s in self.servers if s is not avoid] or list(self.servers)
        return rng.choice(live) if live else None

    def all(self):
        with self.lock:
            return list(self.servers)


pool = Pool()


def start_server(db):
    """`remit serve` with one bill-run worker; its output is drained by threads (a full pipe
    would stall it) and kept for the report. A daily job held by the server that is killed is
    taken over after the job lease: 10 s here (the default, 300 s, would stall every clock
    advance of the surviving servers for five minutes)."""
    s = Server(db, "--workers", "1", "--job-lease", "10")
    s.log = []

    def drain(f):
        for line in f:
            s.log.append(line)

    for f in (s.proc.stdout, s.proc.stderr):
        threading.Thread(target=drain, args=(f,), daemon=True).start()
    return s


def send(server, method, path, data, idem=None):
    """One HTTP exchange on a new connection; raises OSError or http.client.HTTPException when
    the connection breaks (refused, reset, timed out)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT)
    try:
        h = {"Authorization": "Bearer " + API_KEY}
        if data is not None:
            h["Content-Type"] = "application/json"
        if idem:
            h["Idempotency-Key"] = idem
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        ctype = r.getheader("Content-Type", "")
        body = json.loads(payload) if "json" in ctype and payload else payload
        return r.status, body, r
    finally:
        conn.close()


class Record:
    """What the harness saw, shared by the clients (under lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ops = collections.Counter()  # (op, status) -> count
        self.acked = {}                   # payment id -> (amount, account_id, key)
        self.acked_keys = {}              # key -> payment id
        self.unknown = set()              # keys of which some try ended without an answer
        self.sent = {}                    # key -> (path, body bytes), payments only
        self.gave_up = []                 # (op, key, last error): never answered
        self.failures = []                # (op, request, status, body, server port)
        self.samples = {}                 # (op, status) -> the first error message
        self.clock_back = []              # (read, later read) where the clock went back
        self.clock_reads = 0
        self.clock_acked = []             # "now" of each clock advance answered 200
        self.conn_errors = 0
        self.retries_503 = 0


rec = Record()


def post(rng, key, op, path, body, data=None):
    """POST with an Idempotency-Key; on 503 or a broken connection the same request (the same
    bytes) with the same key again, on another server when there is one. Returns
    (status, body, response, key), or None when no server answered within RETRY_FOR."""
    if data is None and body is not None:
        data = json.dumps(body)
    if path == "/v1/payments":
        with rec.lock:
            rec.sent[key] = (path, data)
    start = time.time()
    server = None
    while True:
        server = pool.pick(rng, avoid=server)
        if server is None:
            time.sleep(0.2)
            continue
        try:
            st, b, r = send(server, "POST", path, data, key)
        except (OSError, http.client.HTTPException) as e:
            with rec.lock:
                rec.conn_errors += 1
                rec.unknown.add(key)
            if time.time() - start > RETRY_FOR:
                with rec.lock:
                    rec.gave_up.append((op, key, repr(e)))
                return None
            time.sleep(0.05 + 0.2 * rng.random())
            continue
        if st == 503:
            with rec.lock:
                rec.retries_503 += 1
            if time.time() - start > RETRY_FOR:
                with rec.lock:
                    rec.gave_up.append((op, key, "503"))
                return None
            time.sleep(0.05 + 0.2 * rng.random())
            continue
        with rec.lock:
            rec.ops[(op, st)] += 1
            if st >= 400 and (op, st) not in rec.samples:
                err = b.get("error", {}) if isinstance(b, dict) else {}
                rec.samples[(op, st)] = (f"{err.get('code')} {err.get('field')}: "
                                         f"{err.get('message')}")
            if st not in (200, 201, 400, 404, 409):
                rec.failures.append((op, f"POST {path} {data} (Idempotency-Key: {key})", st, b,
                                     server.port))
        return st, b, r, key


def get(rng, path):
    """A GET, retried on connection errors and 503; the parsed body, or None."""
    start = time.time()
    server = None
    while time.time() - start < RETRY_FOR:
        server = pool.pick(rng, avoid=server)
        if server is None:
            time.sleep(0.2)
            continue
        try:
            st, b, _ = send(server, "GET", path, None)
        except (OSError, http.client.HTTPException):
            time.sleep(0.05 + 0.2 * rng.random())
            continue
        if st == 503:
            time.sleep(0.05 + 0.2 * rng.random())
            continue
        if st != 200:
            with rec.lock:
                rec.failures.append(("GET", f"GET {path}", st, b, server.port))
            return None
        return b
    return None


def watch_clock(deadline):
    """Reads GET /v1/clock over and over, each read after the last one answered: the committed
    clock of a tenant must never be seen to go back."""
    rng = random.Random(SEED - 1)
    last = None
    while time.time() < deadline:
        b = get(rng, "/v1/clock")
        if b is None:
            continue
        now = b["now"]  # "YYYY-MM-DDTHH:MM:SSZ" sorts as time does
        if last is not None and now < last:
            with rec.lock:
                if (last, now) not in rec.clock_back:
                    rec.clock_back.append((last, now))
        last = now if last is None else max(last, now)
        with rec.lock:
            rec.clock_reads += 1
        time.sleep(0.02)


def setup(srv):
    """Accounts, prices (monthly in arrears, monthly in advance, metered), subscriptions,
    usage, charges and a first bill run (clock to Feb 2): open invoices to work on."""
    n = [0]

    def call(path, body):
        n[0] += 1
        st, b, _ = srv.request("POST", path, body, key=API_KEY,
                               headers={"Idempotency-Key": f"setup-{SEED}-{n[0]}"})
        if st not in (200, 201):
            raise AssertionError(f"setup: POST {path} {body}: {st} {b}")
        return b

    rng = random.Random(SEED)
    accounts = [call("/v1/accounts", {"name": f"Customer {i}",
                                      "emails": [f"ap{i}@example.com"],
                                      "invoice_terms": True})["id"]
                for i in range(N_ACCOUNTS)]
    seats = call("/v1/products", {"name": "Managed seats"})["id"]
    storage = call("/v1/products", {"name": "Backup storage"})["id"]
    arrears = call("/v1/prices", {"product_id": seats, "kind": "recurring", "timing": "arrears",
                                  "interval": "month", "unit_amount": 4500,
                                  "stream": "recurring"})["id"]
    advance = call("/v1/prices", {"product_id": seats, "kind": "recurring", "timing": "advance",
                                  "interval": "month", "unit_amount": 2999,
                                  "stream": "recurring"})["id"]
    metered = call("/v1/prices", {"product_id": storage, "kind": "metered", "unit_amount": 125,
                                  "stream": "recurring"})["id"]
    seat_subs, meter_subs = [], []
    for a in accounts:
        for price in (arrears, advance):
            seat_subs.append(call("/v1/subscriptions", {"account_id": a, "price_id": price,
                                                        "quantity": rng.randint(1, 12),
                                                        "start_date": "2027-01-01"})["id"])
        meter_subs.append(call("/v1/subscriptions", {"account_id": a, "price_id": metered,
                                                     "start_date": "2027-01-01"})["id"])
        call("/v1/usage", {"subscription_id": meter_subs[-1], "quantity": rng.randint(1, 50)})
        call("/v1/charges", {"account_id": a, "description": "Onboarding",
                             "unit_amount": rng.randint(1000, 20000)})
    call("/v1/clock/advance", {"to": "2027-02-02"})
    st, page, _ = srv.request("GET", "/v1/invoices?status=open&limit=200", key=API_KEY)
    if st != 200 or not page["data"]:
        raise AssertionError(f"setup: no open invoices after the first bill run ({st} {page})")
    print(f"setup: {len(accounts)} accounts, {len(seat_subs) + len(meter_subs)} subscriptions, "
          f"{len(page['data'])} open invoices", flush=True)
    return accounts, seat_subs, meter_subs


OPS = ["pay_invoice", "pay_account", "credit_note", "void", "quantity", "usage", "charge",
       "apply_credit", "clock", "bad_invoice", "write_off", "replay"]
WEIGHTS = [24, 12, 10, 4, 10, 10, 8, 8, 1, 2, 1]


def client(i, deadline, accounts, seat_subs, meter_subs):
    rng = random.Random(SEED + i)
    n = 0

    def invoices(account, status=None):
        q = f"/v1/invoices?account_id={account}&limit=200" + (f"&status={status}" if status else "")
        page = get(rng, q)
        return page["data"] if page else []

    while time.time() < deadline:
        n += 1
        key = f"h{SEED}-c{i}-{n}"
        acct = rng.choice(accounts)
        op = rng.choices(OPS[:len(WEIGHTS)], weights=WEIGHTS)[0]
        method = rng.choice(["cheque", "bank_transfer"])
        if op == "pay_invoice":  # in full or in part
            open_ = invoices(acct, "open")
            if not open_:
                continue
            inv = rng.choice(open_)
            due = inv["amount_due"]
            amount = due if rng.random() < 0.5 else rng.randint(1, max(due, 1))
            path, body = "/v1/payments", {"account_id": acct, "invoice_id": inv["id"],
                                          "amount": amount, "method": method}
        elif op == "pay_account":  # oldest open invoices first, the rest becomes credit
            path, body = "/v1/payments", {"account_id": acct, "amount": rng.randint(100, 60000),
                                          "method": method}
        elif op == "bad_invoice":  # a payment to an invoice that does not exist: 400
            path, body = "/v1/payments", {"account_id": acct, "invoice_id": 10_000_000 + n,
                                          "amount": 100, "method": method}
        elif op == "credit_note":  # on an open or paid invoice; sometimes too much (400)
            invs = [v for v in invoices(acct) if v["status"] in ("open", "paid")]
            if not invs:
                continue
            inv = rng.choice(invs)
            room = max(inv["subtotal"], 0) - inv["amount_credited"] - inv.get("written_off", 0)
            amount = (rng.randint(1, max(room, 1)) if rng.random() < 0.85
                      else room + rng.randint(1, 500))
            path, body = "/v1/credit-notes", {"invoice_id": inv["id"], "amount": amount,
                                              "reason": f"harness {key}"}
        elif op in ("void", "apply_credit", "write_off"):
            open_ = invoices(acct, "open")
            if not open_:
                continue
            inv = rng.choice(open_)
            if op == "void":  # mostly 409: paid or credited in part
                path, body = f"/v1/invoices/{inv['id']}/void", None
            elif op == "write_off":  # what is due goes to bad debt: written_off
                path, body = f"/v1/invoices/{inv['id']}/mark-uncollectible", None
            else:
                path = f"/v1/invoices/{inv['id']}/apply-credit"
                body = ({"amount": rng.randint(1, max(inv["amount_due"], 1))}
                        if rng.random() < 0.5 else None)
        elif op == "quantity":  # seats, prorated from today
            q = rng.randint(1, 20) if rng.random() < 0.8 else f"{rng.randint(1, 20)}.50"
            path, body = f"/v1/subscriptions/{rng.choice(seat_subs)}/quantity", {"quantity": q}
        elif op == "usage":
            path, body = "/v1/usage", {"subscription_id": rng.choice(meter_subs),
                                       "quantity": rng.randint(1, 100)}
        elif op == "charge":
            path, body = "/v1/charges", {"account_id": acct, "description": f"Hardware {key}",
                                         "unit_amount": rng.randint(500, 90000),
                                         "quantity": rng.randint(1, 3),
                                         "invoice_now": rng.random() < 0.3}
        else:  # clock: runs the bill runs due on the way
            path, body = "/v1/clock/advance", {"days": rng.randint(1, 5)}
        if path == "/v1/payments":
            body["reference"] = key  # so a stored row names the request that made it
        res = post(rng, key, op, path, body)
        if res is not None and op == "clock" and res[0] == 200:
            with rec.lock:
                rec.clock_acked.append(res[1]["now"])
        if res is None or path != "/v1/payments" or res[0] != 201:
            continue
        st, b, _, _ = res
        with rec.lock:
            pid = b.get("id")
            if pid in rec.acked and rec.acked[pid][2] != key:
                rec.failures.append((op, f"payment {pid} acknowledged for two keys", st,
                                     f"{rec.acked[pid][2]} and {key}", 0))
            rec.acked_keys[key] = pid
            rec.acked[pid] = (body["amount"], body["account_id"], key)
            if b.get("amount") != body["amount"] or b.get("account_id") != body["account_id"]:
                rec.failures.append((op, f"payment {pid} answered with another amount or account",
                                     st, b, 0))
        if rng.random() < 0.05:  # a client that lost the answer sends it again, same key
            again = post(rng, key, "replay", path, body)
            if again is not None and (again[0], again[1].get("id") if isinstance(again[1], dict)
                                      else again[1], again[2].getheader("Idempotent-Replayed")) \
                    != (201, pid, "true"):
                with rec.lock:
                    rec.failures.append(("replay", f"POST {path} {json.dumps(body)} (key {key}), "
                                         f"first answered payment {pid}", again[0], again[1], 0))


c = Checks()
with TempDir() as d:
    db = new_db(d, "harness")
    run("migrate", db=db)
    tenant = run("tenant", "create", "--name", "Harness Networks", "--preset", "westcentral",
                 "--test-mode", "--clock-start", "2027-01-01", db=db).stdout.strip()
    API_KEY = run("apikey", "create", "--tenant", tenant, "--role", "admin", db=db).stdout.strip()
    t0 = time.time()
    try:
        for _ in range(N_SERVERS):
            pool.servers.append(start_server(db))
        accounts, seat_subs, meter_subs = setup(pool.servers[0])

        deadline = time.time() + SOAK
        threads = [threading.Thread(target=client, daemon=True,
                                    args=(i, deadline, accounts, seat_subs, meter_subs))
                   for i in range(CLIENTS)]
        threads.append(threading.Thread(target=watch_clock, args=(deadline,), daemon=True))
        for t in threads:
            t.start()
        # Midway: SIGKILL one server, start a new one on the same database (a new port).
        time.sleep(SOAK / 2)
        # It stays in the pool for a moment: clients meet refused connections and move on.
        victim = random.Random(SEED).choice(pool.all())
        victim.proc.kill()
        victim.proc.wait()
        print(f"killed the server on port {victim.port} at {time.time() - t0:.1f} s", flush=True)
        time.sleep(0.5)
        fresh = start_server(db)
        with pool.lock:
            pool.servers.remove(victim)
            pool.retired.append(victim)
            pool.servers.append(fresh)
        print(f"started a new server on port {fresh.port} at {time.time() - t0:.1f} s", flush=True)
        for t in threads:
            t.join(timeout=max(1.0, deadline + 2 * RETRY_FOR + HTTP_TIMEOUT - time.time()))
        c.eq("every client finished", sum(t.is_alive() for t in threads), 0)
        print(f"load done at {time.time() - t0:.1f} s", flush=True)

        # What was done.
        print("operations (status x count):")
        for op in OPS:
            detail = " ".join(f"{st}x{n}" for (o, st), n in sorted(rec.ops.items()) if o == op)
            print(f"  {op:13s} {detail or '-'}")
        for (op, st), msg in sorted(rec.samples.items()):
            print(f"  e.g. {op} {st}: {msg}")
        print(f"connection errors {rec.conn_errors}, 503 retries {rec.retries_503}, "
              f"keys of an unknown outcome {len(rec.unknown)}, gave up {len(rec.gave_up)}",
              flush=True)
        done = lambda op, st: rec.ops[(op, st)]
        for op, st, what in [("pay_invoice", 201, "payments to an invoice"),
                             ("pay_account", 201, "payments to an account"),
                             ("credit_note", 201, "credit notes"),
                             ("clock", 200, "clock advances"),
                             ("quantity", 200, "seat changes"),
                             ("usage", 201, "usage records"),
                             ("charge", 201, "charges")]:
            c.true(f"some {what} succeeded ({done(op, st)})", done(op, st) > 0)
        c.eq("a payment to a missing invoice is never accepted", done("bad_invoice", 201), 0)
        for f in rec.failures[:20]:
            print(f"FAILURE {f[0]}: {f[1]}\n  -> {f[2]} {f[3]!r} (server port {f[4]})", flush=True)
        c.eq("no 500 or other unexpected answer, no payment acknowledged twice",
             len(rec.failures), 0)
        c.eq("every request was answered in the end", rec.gave_up, [])
        # The test clock only moves forward, and ends no earlier than any move it acknowledged.
        final = (get(random.Random(SEED), "/v1/clock") or {}).get("now", "")
        print(f"clock: {rec.clock_reads} sequential reads, {len(rec.clock_back)} went back; "
              f"final {final}, latest acknowledged {max(rec.clock_acked, default='-')}", flush=True)
        c.eq("the test clock never went back between two sequential GET /v1/clock",
             rec.clock_back[:5], [])
        c.true("the clock ends no earlier than every acknowledged advance",
               final >= max(rec.clock_acked, default=""))

        # Payments as stored, against what was acknowledged.
        rows = sql(db, f"SELECT id, amount, account_id, reference, status FROM payments "
                       f"WHERE tenant_id = {tenant} ORDER BY id")
        by_id = {r[0]: r for r in rows}
        by_ref = collections.Counter(r[3] for r in rows)
        c.eq("every acknowledged payment is stored",
             [(pid, a) for pid, a in rec.acked.items() if pid not in by_id], [])
        c.eq("every acknowledged payment has its amount, account and key",
             [(pid, a, by_id[pid]) for pid, a in rec.acked.items() if pid in by_id and
              (by_id[pid][1], by_id[pid][2], by_id[pid][3]) != a], [])
        c.eq("no key made two payments", sorted(k for k, n in by_ref.items() if n > 1), [])
        unacked = [r for r in rows if r[0] not in rec.acked]
        c.eq("no payment stored that was neither acknowledged nor of an unknown outcome",
             [r for r in unacked if r[3] not in rec.unknown], [])
        print(f"payments: {len(rows)} stored, {len(rec.acked)} acknowledged, "
              f"{len(unacked)} stored but unacknowledged (unknown outcome)", flush=True)
        # Replays: a key of an unknown outcome that made a payment answers that payment again,
        # and so does an acknowledged one.
        rng = random.Random(SEED)
        unknown_pay = sorted(k for k in rec.unknown if k in by_ref)
        acked_keys = sorted(rec.acked_keys)
        stored_id = {r[3]: r[0] for r in rows}
        replays = (rng.sample(unknown_pay, min(5, len(unknown_pay))) +
                   rng.sample(acked_keys, min(3, len(acked_keys))))
        for k in replays:
            path, data = rec.sent[k]
            res = post(rng, k, "final_replay", path, None, data)
            got = res and (res[0], res[1].get("id") if isinstance(res[1], dict) else res[1],
                           res[2].getheader("Idempotent-Replayed"))
            c.eq(f"replaying {k} answers its payment again", got, (201, stored_id[k], "true"))
        print(f"replayed {len(replays)} keys, {min(5, len(unknown_pay))} of an unknown outcome",
              flush=True)
    finally:
        for s in pool.all():
            if s.proc.poll() is None:
                try:
                    s.stop()
                except AssertionError as e:
                    c.true(str(e), False)
        time.sleep(0.2)  # let the drains read the last lines
        for s in pool.all() + pool.retired:
            noisy = [l for l in s.log if any(w in l.lower() for w in
                                             ("error", "warn", "internal", "terminate", "abort"))]
            if noisy:
                print(f"--- server :{s.port}: {len(noisy)} warning/error lines, the last ones:")
                print("".join(noisy[-30:]), end="", flush=True)

    # The database at rest.
    paid = sql(db, f"SELECT COALESCE(SUM(amount), 0) FROM payments WHERE tenant_id = {tenant} "
                   f"AND status = 'succeeded'")[0][0]
    cash = sql(db, f"SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entries l JOIN payments p "
                   f"ON p.tenant_id = l.tenant_id AND p.id = l.payment_id WHERE l.tenant_id = "
                   f"{tenant} AND l.book = 'cash' AND p.status = 'succeeded'")[0][0]
    c.eq("succeeded payments = their cash in the ledger", cash, paid)
    cash_all = sql(db, f"SELECT COALESCE(SUM(amount), 0) FROM ledger_entries "
                       f"WHERE tenant_id = {tenant} AND book = 'cash'")[0][0]
    c.eq("all cash in the ledger comes from succeeded payments", cash_all, paid)
    invs = sql(db, f"SELECT id, status, subtotal, credit_applied, amount_paid, amount_credited, "
                   f"written_off, amount_due FROM invoices WHERE tenant_id = {tenant} ORDER BY id")
    c.eq("no invoice paid beyond max(subtotal, 0) or with amount_due < 0",
         [i for i in invs if i[4] > max(i[2], 0) or i[7] < 0], [])
    # A void invoice keeps its subtotal but owes and shows nothing (verify's rule), so the
    # formula holds for the others; drafts do not occur (auto_finalize).
    c.eq("amount_due = max(subtotal,0) - credit_applied - amount_paid - amount_credited - "
         "written_off", [i for i in invs if i[1] != "void" and
                         i[7] != max(i[2], 0) - i[3] - i[4] - i[5] - i[6]], [])
    c.eq("void invoices carry no money",
         [i for i in invs if i[1] == "void" and (i[3], i[4], i[5], i[6], i[7]) != (0,) * 5], [])
    c.eq("no account has negative credit",
         sql(db, f"SELECT id, credit_balance FROM accounts WHERE tenant_id = {tenant} "
                 f"AND credit_balance < 0"), [])
    print(f"invoices: {dict(collections.Counter(i[1] for i in invs))}; "
          f"succeeded payments total {paid}", flush=True)
    v = run("verify", db=db, check=False)
    if v.returncode != 0:
        print(f"remit verify failed ({v.returncode}):\n{v.stdout}\n{v.stderr}", flush=True)
    c.eq("remit verify exit code", v.returncode, 0)
    print(f"total {time.time() - t0:.1f} s", flush=True)
c.finish()

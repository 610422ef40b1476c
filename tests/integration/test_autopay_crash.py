"""Issue 9: `remit serve` killed with SIGKILL in the middle of an autopay run, then started
again on the same database. The processor (the sandbox) keeps its own books: afterwards every
charge it made belongs to exactly one Remit payment that succeeded, every succeeded payment
has exactly one charge, no invoice was paid twice, declined cards were charged nothing, and
`remit verify` passes. Card numbers never appear in the server's logs."""
import signal
import threading

from remit import Checks, Server, TempDir, new_db, run, sql, wait_for

ACCOUNTS = 120
DECLINED = {7, 50, 93}  # these accounts' cards save but every charge is declined
UNIT = 4500

with TempDir() as d:
    db = new_db(d, "apcrash")
    tenant = run("tenant", "create", "--name", "Crashy Fiber", "--test-mode",
                 "--clock-start", "2026-01-01", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    c = Checks()
    opts = ["--job-lease", "5"]
    srv = Server(db, *opts)
    srv2 = None
    try:
        def call(method, path, body=None, s=None):
            return (s or srv).request(method, path, body, key=key)

        st, prod, _ = call("POST", "/v1/products", {"name": "Fiber 1G"})
        st, price, _ = call("POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                  "timing": "advance", "interval": "month",
                                                  "unit_amount": UNIT, "stream": "main"})
        for i in range(ACCOUNTS):
            st, a, _ = call("POST", "/v1/accounts", {"number": f"F-{i:03d}", "name": f"Home {i}",
                                                    "emails": [f"home{i}@fiber.example"]})
            assert st == 201, a
            number = "4000000000000341" if i in DECLINED else "4242424242424242"
            st, tok, _ = call("POST", "/sandbox/v1/tokens",
                              {"card": {"number": number, "cvc": "123", "exp_month": 12, "exp_year": 2031}})
            assert st == 201, tok
            st, m, _ = call("POST", f"/v1/accounts/{a['id']}/payment-methods",
                            {"token": tok["token"], "preferred": True})
            assert st == 201, m
            st, e, _ = call("POST", f"/v1/accounts/{a['id']}/autopay", {"stream": "main"})
            assert st == 201, e
            st, s, _ = call("POST", "/v1/subscriptions", {"account_id": a["id"], "price_id": price["id"],
                                                         "quantity": 1, "start_date": "2026-01-01"})
            assert st == 201, s  # A7: the card makes the account billable

        # The February 1 run bills January and February (the subscriptions began after January's
        # run); then move to the due date in a thread and kill the server while the day's
        # autopay charges are being made.
        st, clock, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-02"})
        c.eq("billed", (st, len(sql(db, "SELECT id FROM invoices WHERE status = 'open'"))),
             (200, ACCOUNTS))
        due = sql(db, "SELECT DISTINCT due_date FROM invoices")
        c.eq("one due date", len(due), 1)
        def move():  # the server dies under this request
            try:
                call("POST", "/v1/clock/advance", {"to": due[0][0]})
            except OSError:
                pass
        t = threading.Thread(target=move)
        t.start()
        wait_for("the first autopay charges",
                 lambda: sql(db, "SELECT COUNT(*) FROM sandbox_transactions WHERE kind = 'charge'")[0][0] >= 15,
                 timeout=120, interval=0.005)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        t.join(timeout=60)
        at_kill = sql(db, "SELECT COUNT(*) FROM sandbox_transactions WHERE kind = 'charge'")[0][0]
        print(f"at the kill: {at_kill} charges made; payments "
              f"{dict(sql(db, 'SELECT status, COUNT(*) FROM payments GROUP BY status'))}", flush=True)
        c.true("killed mid-run", at_kill < ACCOUNTS)

        srv2 = Server(db, *opts)
        st, clock, _ = call("POST", "/v1/clock/advance", {"to": due[0][0]}, s=srv2)
        c.eq("clock at the due date after the restart", (st, clock.get("today")), (200, due[0][0]))
        wait_for("the day's job to finish",
                 lambda: sql(db, "SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')")[0][0] == 0
                 and sql(db, "SELECT COUNT(*) FROM payments WHERE status = 'processing'")[0][0] == 0,
                 timeout=120, interval=0.5)

        # --- the processor's books against Remit's ----------------------------------------------
        charges = sql(db, "SELECT idem_key, amount, state FROM sandbox_transactions WHERE kind = 'charge'")
        payments = sql(db, "SELECT id, status, amount + fee, account_id FROM payments")
        by_key = {}
        for k, amount, state in charges:
            by_key.setdefault(k, []).append((amount, state))
        c.eq("one processor transaction per key", [k for k, v in by_key.items() if len(v) > 1], [])
        taken = {k: v[0][0] for k, v in by_key.items() if v[0][1] in ("succeeded", "pending")}
        succeeded = {f"remit-{tenant}-pay-{pid}": total for pid, st, total, _ in payments
                     if st in ("succeeded", "settled")}
        c.eq("every charge taken is a succeeded payment, and every succeeded payment a charge",
             taken, succeeded)
        c.eq("every billable account paid once",
             sorted(a for _, st, _, a in payments if st == "succeeded"),
             sorted(a for (a,) in sql(db, "SELECT account_id FROM invoices WHERE status = 'paid'")))
        c.eq("paid invoices", sql(db, "SELECT COUNT(*) FROM invoices WHERE status = 'paid'")[0][0],
             ACCOUNTS - len(DECLINED))
        c.eq("declined cards charged nothing",
             [s for s in sql(db, "SELECT state FROM sandbox_transactions t JOIN payment_methods m ON "
                                 "m.token = t.token JOIN accounts a ON a.id = m.account_id WHERE "
                                 f"t.kind = 'charge' AND a.number IN ({','.join(repr(f'F-{i:03d}') for i in DECLINED)})")
              if s[0] != "failed"], [])
        c.eq("each charge is the invoice and the fee", {v for v in taken.values()},
             {s + 175 for (s,) in sql(db, "SELECT DISTINCT subtotal FROM invoices WHERE status = 'paid'")})
        v = run("verify", db=db, check=False)
        c.eq("remit verify", (v.returncode, v.stdout.strip()[-200:]), (0, v.stdout.strip()[-200:]))
        srv2.stop()
        logs = srv.output() + srv2.output()
        c.true("the servers logged", "autopay_not_paid" in logs)
        c.eq("no card number in the logs", "4242424242424242" in logs or "4000000000000341" in logs, False)
    finally:
        for s in (srv, srv2):
            if s and s.proc.poll() is None:
                s.stop()
    c.finish()

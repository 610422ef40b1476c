"""The real binary end to end: a tenant in test mode billed through the API over a quarter,
a PDF, a payment with an idempotency key, bad input, and a graceful stop on SIGTERM."""
from remit import Checks, Server, TempDir, new_db, run

with TempDir() as d:
    db = new_db(d, "api")
    tenant = run("tenant", "create", "--name", "Prairie Net", "--preset", "procirrus",
                 "--test-mode", "--clock-start", "2026-01-10", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    ro_key = run("apikey", "create", "--tenant", tenant, "--role", "read_only", db=db).stdout.strip()
    srv = Server(db)
    c = Checks()
    try:
        def call(method, path, body=None, **kw):
            return srv.request(method, path, body, key=kw.pop("k", key), **kw)

        st, acct, _ = call("POST", "/v1/accounts", {"name": "Lakeside Dental", "last_name": "Olsen",
                                                   "emails": ["ap@lakeside.example"],
                                                   "invoice_terms": True})
        c.eq("create account", st, 201)
        st, prod, _ = call("POST", "/v1/products", {"name": "Managed desktop"})
        st, price, _ = call("POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                  "timing": "arrears", "interval": "month",
                                                  "unit_amount": 4500, "stream": "main"})
        c.eq("create price", price.get("unit_amount"), 4500)
        st, sub, _ = call("POST", "/v1/subscriptions", {"account_id": acct["id"], "price_id": price["id"],
                                                       "quantity": 10, "start_date": "2026-01-16"})
        c.eq("subscription quantity", sub.get("quantity"), 10)

        # Move the tenant's clock to Feb 2: the Feb 1 run bills Jan 16-31 in arrears, prorated.
        st, clock, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-02"})
        c.eq("clock advanced", st, 200)
        st, page, _ = call("GET", f"/v1/invoices?account_id={acct['id']}")
        c.eq("one invoice after February 1", len(page["data"]), 1)
        inv = page["data"][0]
        want = (4500 * 1000 * 16 * 2 + 31 * 100) // (31 * 100 * 2)  # 10 seats, 16 of 31 days, half up
        c.eq("prorated subtotal", inv["subtotal"], want)
        c.eq("issued on the 1st", inv["issue_date"], "2026-02-01")
        c.eq("Net 15", inv["due_date"], "2026-02-16")
        c.eq("numbered", inv["number"], "INV-000001")

        st, pdf, r = call("GET", f"/v1/invoices/{inv['id']}/pdf")
        c.eq("pdf status", st, 200)
        c.true("a real PDF", isinstance(pdf, bytes) and pdf.startswith(b"%PDF"))

        pay = {"account_id": acct["id"], "method": "cheque", "amount": inv["amount_due"], "reference": "CHK 1001"}
        st1, p1, _ = call("POST", "/v1/payments", pay, headers={"Idempotency-Key": "pay-1"})
        st2, p2, r2 = call("POST", "/v1/payments", pay, headers={"Idempotency-Key": "pay-1"})
        c.eq("payment created", st1, 201)
        c.eq("replay returns the same payment", p2.get("id"), p1.get("id"))
        st3, e3, _ = call("POST", "/v1/payments", dict(pay, amount=5), headers={"Idempotency-Key": "pay-1"})
        c.eq("same key, other body: 409", st3, 409)
        st, got, _ = call("GET", f"/v1/invoices/{inv['id']}")
        c.eq("invoice paid once", (got["status"], got["amount_paid"]), ("paid", inv["amount_due"]))

        # The same key sent eight times at once: one payment, every answer the same.
        from concurrent.futures import ThreadPoolExecutor
        burst = {"account_id": acct["id"], "method": "bank_transfer", "amount": 100, "reference": "TR 9"}
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: call("POST", "/v1/payments", burst,
                                                   headers={"Idempotency-Key": "burst-1"}), range(8)))
        c.eq("concurrent retries all succeed", [a[0] for a in answers], [201] * 8)
        c.eq("concurrent retries name one payment", len({a[1].get("id") for a in answers}), 1)
        st, pays, _ = call("GET", f"/v1/payments?account_id={acct['id']}")
        c.eq("one payment stored for the burst",
             len([p for p in pays["data"] if p["reference"] == "TR 9"]), 1)

        # A quarter later: every month billed once, in full.
        call("POST", "/v1/clock/advance", {"to": "2026-04-01"})
        st, page, _ = call("GET", f"/v1/invoices?account_id={acct['id']}")
        c.eq("three invoices by April 1", [i["subtotal"] for i in page["data"]],
             [want, 45000, 45000])

        # Bad input: the field is named, nothing is written.
        st, err, _ = call("POST", "/v1/subscriptions", {"account_id": acct["id"], "price_id": price["id"],
                                                       "quantity": -1})
        c.eq("negative quantity", (st, err["error"]["field"]), (400, "quantity"))
        st, err, _ = call("POST", "/v1/accounts", raw="{not json")
        c.eq("malformed JSON", (st, err["error"]["code"]), (400, "invalid_argument"))
        st, err, _ = call("POST", "/v1/accounts", raw="x" * (1024 * 1024 + 1))
        c.eq("body over 1 MiB", st, 413)
        st, _, _ = call("GET", "/v1/nothing-here")
        c.eq("unknown route", st, 404)
        st, _, _ = srv.request("GET", "/v1/invoices")
        c.eq("no key", st, 401)
        st, _, _ = call("POST", "/v1/products", {"name": "x"}, k=ro_key)
        c.eq("read-only key cannot write", st, 403)
        st, _, _ = srv.request("GET", "/healthz")
        c.eq("healthz", st, 200)
    finally:
        code = srv.stop()
    c.eq("graceful stop exit code", code, 0)
    v = run("verify", db=db, check=False)
    c.eq("ledger verifies", v.returncode, 0)
    c.finish()

"""A date given for an instant means the start of that day in the tenant's time zone, on the
CLI as in the API (`tenant create --clock-start`, `clock set --to`); `remit bench api` runs
against the database --db names (PostgreSQL: a fresh schema there, with --servers N)."""
import json
import os

from remit import POSTGRES, Checks, TempDir, new_db, run

with TempDir() as d:
    db = new_db(d, "cli_dates")
    c = Checks()
    run("migrate", db=db)
    tid = run("tenant", "create", "--name", "Prairie ISP", "--time-zone", "America/Chicago",
              "--test-mode", "--clock-start", "2027-01-01", db=db).stdout.strip()
    shown = run("clock", "show", "--tenant", tid, db=db).stdout.strip()
    c.eq("--clock-start DATE is local midnight (Chicago is UTC-6 in January)", shown,
         "2027-01-01T06:00:00Z")
    moved = run("clock", "set", "--tenant", tid, "--to", "2027-07-01", db=db).stdout.strip()
    c.eq("clock set --to DATE is local midnight too (UTC-5 in July)", moved, "2027-07-01T05:00:00Z")
    back = run("clock", "set", "--tenant", tid, "--to", "2027-02-01", db=db, check=False)
    c.true("the clock cannot move back", back.returncode != 0 and "to" in back.stderr)

    if POSTGRES:  # the bench on that server, two HTTP servers sharing it
        out = run("bench", "api", "--connections", "4", "--seconds", "0.2", "--servers", "2",
                  db=os.environ["REMIT_TEST_PG_URL"], timeout=600).stdout.strip().splitlines()
        figures = json.loads(out[-1])
        c.eq("bench api ran on PostgreSQL", figures.get("backend"), "postgres")
        c.eq("with two servers", figures.get("servers"), 2)
        c.eq("post_payment without errors", figures.get("post_payment_errors"), 0)
        c.true("post_payment measured", figures.get("post_payment_rps", 0) > 0)
    else:
        out = run("bench", "api", "--connections", "4", "--seconds", "0.2", "--dir", d,
                  db=db, timeout=600).stdout.strip().splitlines()
        figures = json.loads(out[-1])
        c.eq("bench api ran on SQLite", figures.get("backend"), "sqlite")
        c.eq("post_payment without errors", figures.get("post_payment_errors"), 0)
    c.finish()

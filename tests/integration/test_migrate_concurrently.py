"""Issue 3: `remit migrate` is safe to run twice and from two processes at once."""
import subprocess

from remit import BIN, Checks, TempDir, new_db, run, sql

with TempDir() as d:
    db = new_db(d, "migrate")
    c = Checks()
    procs = [subprocess.Popen([BIN, "--db", db, "migrate"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    c.eq("both migrators succeed", [p.returncode for p in procs], [0, 0])
    c.eq("both report the same version", outs[0][0], outs[1][0])
    again = run("migrate", db=db)
    c.eq("a third run changes nothing", again.stdout, outs[0][0])
    versions = sql(db, "SELECT version FROM schema_migrations ORDER BY version")
    c.eq("each migration applied once", [v[0] for v in versions], list(range(1, len(versions) + 1)))
    c.true("the schema is there", sql(db, "SELECT COUNT(*) FROM invoices")[0][0] == 0)
    c.finish()

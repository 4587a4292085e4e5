"""A one-shot 'migration': creates the example's SQLite database and its table, then exits 0.

tend starts the web server and the worker only once this has exited 0 (depends_on = ["migrate"]).
"""
import os
import sqlite3
import time

os.makedirs(os.environ.get("DATA_DIR", "data"), exist_ok=True)
path = os.path.join(os.environ.get("DATA_DIR", "data"), "app.db")
print(f"migrating {path}", flush=True)
time.sleep(1)  # a real migration takes a moment; the dependants visibly wait for it
with sqlite3.connect(path) as db:
    db.execute("CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, done_by TEXT, done_at REAL)")
print("migrated", flush=True)

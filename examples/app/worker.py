"""The example's background worker: does a 'job' every second. SIGINT (its stop_signal) lets it finish the
job in hand before it exits, which is why tend.toml gives it a long kill_timeout."""
import os
import signal
import sqlite3
import time

DB = os.path.join(os.environ.get("DATA_DIR", "data"), "app.db")
stopping = False


def stop(signum, frame):
    global stopping
    stopping = True
    print("SIGINT: finishing the job in hand", flush=True)


signal.signal(signal.SIGINT, stop)
n = 0
with sqlite3.connect(DB) as db:
    while not stopping:
        n += 1
        print(f"picked job {n}", flush=True)
        time.sleep(1)
        db.execute("INSERT INTO jobs (done_by, done_at) VALUES (?, ?)", (f"worker pid {os.getpid()}", time.time()))
        db.commit()
        print(f"done job {n}", flush=True)
print(f"stopped after {n} jobs", flush=True)

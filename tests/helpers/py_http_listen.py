# py_http_listen.py [--notify] [--delay-ms N]: an HTTP server on the socket tend passes at fd 3 (systemd's
# LISTEN_FDS protocol; LISTEN_PID must be this process). Every GET is answered with this process's pid.
# Stops gracefully: on SIGTERM it finishes the request in hand and exits, so a rolling reload loses none.
# --notify: READY=1 on NOTIFY_SOCKET once serving. --delay-ms: each request takes that long.
import http.server
import os
import select
import signal
import socket
import sys
import time

assert os.environ.get("LISTEN_PID") == str(os.getpid()), "LISTEN_PID is not this process"
assert int(os.environ["LISTEN_FDS"]) >= 1
delay = 0.0
if "--delay-ms" in sys.argv:
    delay = int(sys.argv[sys.argv.index("--delay-ms") + 1]) / 1000.0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if delay:
            time.sleep(delay)
        body = f"{os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


listener = socket.socket(fileno=3)
listener.setblocking(False)  # shared with the other instances: another may take a connection first
server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
wake_read, wake_write = os.pipe()
os.set_blocking(wake_write, False)
signal.set_wakeup_fd(wake_write)
stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)
if "--notify" in sys.argv:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
print("serving", flush=True)
while not stopping:
    readable, _, _ = select.select([listener, wake_read], [], [])
    if listener not in readable:
        continue
    try:
        conn, addr = listener.accept()
    except BlockingIOError:
        continue
    conn.setblocking(True)
    server.finish_request(conn, addr)
    server.shutdown_request(conn)
print("stopped", flush=True)

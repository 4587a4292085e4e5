"""The example's HTTP server. Every instance binds the same port with SO_REUSEPORT, so the kernel spreads
connections over them; each answer says which process served it and how many jobs the worker has done."""
import http.server
import os
import socket
import sqlite3

PORT = int(os.environ.get("PORT", "8765"))
DB = os.path.join(os.environ.get("DATA_DIR", "data"), "app.db")


class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with sqlite3.connect(DB) as db:
            (done,) = db.execute("SELECT COUNT(*) FROM jobs").fetchone()
        body = f"<h1>{os.environ.get('GREETING', 'hello')}</h1><p>pid {os.getpid()}, {done} jobs done</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


print(f"listening on 127.0.0.1:{PORT} (pid {os.getpid()})", flush=True)
Server(("127.0.0.1", PORT), Handler).serve_forever()

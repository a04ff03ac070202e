#!/usr/bin/env python3
"""The webhook receiver of bench/automations.py: an HTTP server on 127.0.0.1 that answers every request 200 at once
and appends one JSON line per request to a file: its arrival time (time.time(), the same clock as the driver's send
times: one machine), method, path and body. Standard library only, and a process of its own, so that neither the
driver's event loop nor its garbage collector delays what it records.

    webhook_receiver.py LOG_FILE          prints the port it listens on (one line), then serves until terminated
"""
from __future__ import annotations

import http.server
import json
import signal
import sys
import threading
import time


def main() -> int:
    path = sys.argv[1]
    out = open(path, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, for a caller that reuses its connection

        def _record(self) -> None:
            # arrival: when the request's head has been read, before its body
            arrived = time.time()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            line = json.dumps({"t": arrived, "method": self.command, "path": self.path,
                               "body": body.decode("utf-8", "replace")})
            with lock:
                out.write(line + "\n")

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _record

        def log_message(self, *args) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address) -> None:
            # a caller that closes its kept-alive connection: nothing to record
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

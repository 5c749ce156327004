#!/usr/bin/env python3
"""A tiny local webhook receiver: prints every POST the gateway sends (headers and JSON body) and answers 200.

    python3 tools/webhook-echo.py 9000

then start the gateway with a push service whose webhook-url is http://localhost:9000/webhook (see README).
"""
import http.server
import json
import sys


class Echo(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print(f"\n--- {self.command} {self.path}")
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature", "Content-Type"):
            print(f"{name}: {self.headers.get(name)}")
        try:
            print(json.dumps(json.loads(body), indent=2))
        except ValueError:
            print(body.decode("utf-8", "replace"))
        sys.stdout.flush()
        self.send_response(200)
        self.end_headers()

    do_PUT = do_POST

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    print(f"listening on http://localhost:{port}/ (Ctrl-C to stop)")
    http.server.HTTPServer(("127.0.0.1", port), Echo).serve_forever()

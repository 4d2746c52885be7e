#!/usr/bin/env python3
"""A reference core for packd: the two endpoints an ERP implements (docs/integration.md).

    scripts/reference-core.py --port 7790 --data /tmp/core [--token-file F] [--orders orders.json]
                              [--tls-cert cert.pem --tls-key key.pem]

- POST /v1/outbound-events  takes a batch, all or nothing, deduplicating on each
  event's id (a resent id is counted, not stored twice); answers 200 with
  {"accepted": n, "duplicates": d}, or 422 naming the first event it refuses.
- GET /v1/orders?updatedSince=CURSOR&limit=N  pages the orders it holds in the order
  they last changed; the cursor is the last change number of the page.

Everything it takes is appended to DATA/events.jsonl and DATA/orders.jsonl, so it
can be stopped and started again without forgetting. It prints each request on
stderr, so an integrator sees the traffic.

For tests, /control/* changes its behaviour while it runs (no token needed):
  POST /control/fault   {"mode": "ok"|"error"|"hang"|"drop", "status": 500, "seconds": 5,
                         "retryAfter": 2,      (error: a Retry-After header)
                         "count": 1,           (only the next N requests, then ok)
                         "pageSeconds": 0.1}   (each feed page takes that long)
  POST /control/refuse  {"orderIds": ["SO-1"]}   events of these orders get 422
  POST /control/orders  {"orders": [...]}        upserts orders (the feed shows them)
  GET  /control/state                            what it holds and counted
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Core:
    def __init__(self, data_dir, token):
        self.lock = threading.Lock()
        self.token = token
        self.data_dir = data_dir
        os.makedirs(data_dir, exist_ok=True)
        self.events = {}  # id -> event, in arrival order
        self.received_ms = {}  # id -> when it first arrived
        self.duplicates = 0
        self.requests = 0
        self.fault = {"mode": "ok"}
        self.faults_answered_ms = []
        self.refused_orders = set()
        self.orders = {}  # id -> (change number, order)
        self.change = 0
        self._load()
        self.events_file = open(os.path.join(data_dir, "events.jsonl"), "a", encoding="utf-8")
        self.orders_file = open(os.path.join(data_dir, "orders.jsonl"), "a", encoding="utf-8")

    def _load(self):
        path = os.path.join(self.data_dir, "events.jsonl")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        record = json.loads(line)
                        self.events[record["event"]["id"]] = record["event"]
                        self.received_ms[record["event"]["id"]] = record["receivedMs"]
        path = os.path.join(self.data_dir, "orders.jsonl")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        self._upsert(json.loads(line))

    def _upsert(self, order):
        self.change += 1
        self.orders[order["id"]] = (self.change, order)

    def upsert_orders(self, orders):
        with self.lock:
            for order in orders:
                self._upsert(order)
                self.orders_file.write(json.dumps(order, ensure_ascii=False) + "\n")
            self.orders_file.flush()

    def take_events(self, events):
        """All or nothing: (status, answer)."""
        with self.lock:
            for i, event in enumerate(events):
                if not isinstance(event, dict) or not isinstance(event.get("id"), str):
                    return 422, {"error": "events[%d] has no id" % i}
                if event.get("orderId") in self.refused_orders:
                    return 422, {"error": "events[%d]: order %s is refused" % (i, event.get("orderId")), "id": event["id"]}
            accepted = duplicates = 0
            now = int(time.time() * 1000)
            for event in events:
                if event["id"] in self.events:
                    duplicates += 1
                    continue
                self.events[event["id"]] = event
                self.received_ms[event["id"]] = now
                self.events_file.write(json.dumps({"event": event, "receivedMs": now}, ensure_ascii=False) + "\n")
                accepted += 1
            self.events_file.flush()
            os.fsync(self.events_file.fileno())
            self.duplicates += duplicates
            return 200, {"accepted": accepted, "duplicates": duplicates}

    def page(self, since, limit):
        with self.lock:
            changed = sorted((c, o) for c, o in self.orders.values() if c > since)[:limit]
            cursor = changed[-1][0] if changed else since
            return {"orders": [o for _, o in changed], "cursor": str(cursor)}

    def state(self):
        with self.lock:
            return {
                "events": list(self.events.values()),
                "receivedMs": self.received_ms,
                "duplicates": self.duplicates,
                "requests": self.requests,
                "orders": len(self.orders),
                "fault": self.fault,
                "faultsAnsweredMs": self.faults_answered_ms,
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    core = None
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("core: " + (fmt % args) + "\n")

    def _answer(self, status, body, headers=None):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorized(self):
        if self.core.token is None:
            return True
        return self.headers.get("Authorization") == "Bearer " + self.core.token

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/control/state":
            return self._answer(200, self.core.state())
        if url.path != "/v1/orders":
            return self._answer(404, {"error": "no such route"})
        if not self._authorized():
            return self._answer(401, {"error": "bad token"})
        # A slow core (tests): each page takes this long.
        time.sleep(float(self.core.fault.get("pageSeconds", 0)))
        query = parse_qs(url.query)
        try:
            since = int(query.get("updatedSince", ["0"])[0])
            limit = max(1, min(10000, int(query.get("limit", ["500"])[0])))
        except ValueError:
            return self._answer(400, {"error": "bad updatedSince or limit"})
        self._answer(200, self.core.page(since, limit))

    def do_POST(self):
        url = urlparse(self.path)
        if url.path.startswith("/control/"):
            body = json.loads(self._body() or b"{}")
            if url.path == "/control/fault":
                self.core.fault = body
            elif url.path == "/control/refuse":
                self.core.refused_orders = set(body.get("orderIds", []))
            elif url.path == "/control/orders":
                self.core.upsert_orders(body.get("orders", []))
            else:
                return self._answer(404, {"error": "no such control"})
            return self._answer(200, {"ok": True})
        if url.path != "/v1/outbound-events":
            return self._answer(404, {"error": "no such route"})
        with self.core.lock:
            self.core.requests += 1
        with self.core.lock:
            fault = self.core.fault
            if fault.get("count") is not None:
                # A fault for the next N requests only, then the core answers normally.
                if fault["count"] <= 0:
                    fault = self.core.fault = {"mode": "ok"}
                else:
                    fault["count"] -= 1
        mode = fault.get("mode", "ok")
        if mode == "drop":
            # Half the request read, then the connection goes: the sender cannot know.
            self.rfile.read(min(int(self.headers.get("Content-Length") or 0) // 2, 1 << 20))
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        raw = self._body()
        if mode == "error":
            with self.core.lock:
                self.core.faults_answered_ms.append(int(time.time() * 1000))
            headers = {"Retry-After": str(fault["retryAfter"])} if "retryAfter" in fault else {}
            return self._answer(int(fault.get("status", 500)), {"error": "injected failure"}, headers)
        if not self._authorized():
            return self._answer(401, {"error": "bad token"})
        try:
            events = json.loads(raw)["events"]
            assert isinstance(events, list)
        except Exception:
            return self._answer(400, {"error": "the body must be {\"events\": [...]}"})
        status, answer = self.core.take_events(events)
        if mode == "hang":
            # Taken, but the answer comes too late: the sender retries, the id dedupes.
            time.sleep(float(fault.get("seconds", 30)))
        self._answer(status, answer)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7790)
    parser.add_argument("--data", required=True, help="directory for what the core takes")
    parser.add_argument("--token-file", help="first line: the bearer token packd must send")
    parser.add_argument("--orders", help="a JSON file of orders ({\"orders\": [...]} or a list) to serve on the feed")
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    parser.add_argument("--tls-cert", help="serve https with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = parser.parse_args()
    token = None
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.readline().strip()
    core = Core(args.data, token)
    if args.orders:
        with open(args.orders, encoding="utf-8") as f:
            loaded = json.load(f)
        core.upsert_orders(loaded["orders"] if isinstance(loaded, dict) else loaded)
    Handler.core = core
    Handler.quiet = args.quiet
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    if args.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on %s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

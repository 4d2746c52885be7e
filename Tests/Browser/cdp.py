#!/usr/bin/env python3
"""A small Chrome DevTools Protocol client for the tests (Python 3 standard library only).

    cdp.py PORT navigate URL          load URL in the browser's page
    cdp.py PORT eval EXPRESSION       print the JSON value of a JavaScript expression
    cdp.py PORT screenshot FILE       save the page as PNG

PORT is chromium's --remote-debugging-port. Each call opens the page's websocket,
sends its command (navigate waits for the load event) and closes it. With
CDP_VIEWPORT=WIDTHxHEIGHT the page is that size (CSS pixels) for the command:
DevTools overrides end with the connection that made them.
"""
import base64
import json
import os
import socket
import struct
import sys
import urllib.request
from urllib.parse import urlparse


class WebSocket:
    def __init__(self, url, timeout=30):
        u = urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (u.path, u.hostname, u.port, key)
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("websocket handshake failed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: %r" % head[:200])

    def send(self, text):
        data = text.encode()
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise RuntimeError("websocket closed")
            out += chunk
        return out

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise RuntimeError("websocket closed by the browser")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


def page_socket(port):
    targets = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json" % port, timeout=10))
    pages = [t for t in targets if t.get("type") == "page"]
    if not pages:
        raise RuntimeError("no page in the browser")
    return WebSocket(pages[0]["webSocketDebuggerUrl"])


def call(ws, ident, method, params, wait_event=None):
    ws.send(json.dumps({"id": ident, "method": method, "params": params}))
    result = None
    seen_event = wait_event is None
    while result is None or not seen_event:
        message = json.loads(ws.receive())
        if message.get("id") == ident:
            if "error" in message:
                raise RuntimeError("%s: %s" % (method, message["error"]))
            result = message.get("result", {})
        elif wait_event and message.get("method") == wait_event:
            seen_event = True
    return result


def main():
    port, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    ws = page_socket(port)
    viewport = os.environ.get("CDP_VIEWPORT")
    if viewport:
        width, height = (int(v) for v in viewport.split("x"))
        call(ws, 100, "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    if command == "navigate":
        call(ws, 1, "Page.enable", {})
        call(ws, 2, "Page.navigate", {"url": args[0]}, wait_event="Page.loadEventFired")
    elif command == "eval":
        result = call(ws, 1, "Runtime.evaluate", {"expression": args[0], "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("eval: %s" % result["exceptionDetails"])
        print(json.dumps(result["result"].get("value"), ensure_ascii=False))
    elif command == "screenshot":
        result = call(ws, 1, "Page.captureScreenshot", {"format": "png"})
        with open(args[0], "wb") as f:
            f.write(base64.b64decode(result["data"]))
    else:
        raise SystemExit("unknown command %s" % command)


if __name__ == "__main__":
    main()

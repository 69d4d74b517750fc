#!/usr/bin/env python3
"""events-helper.py - the scripted changes that tests/events.sh watches.

Usage: events-helper.py MODE DIR
Each step waits for a file in DIR that the test creates, so the test
decides when each change happens; the helper writes DIR/port once its
socket is open.
  handoff  a TCP listener; on DIR/fork a child shares it; on DIR/handoff
           the parent closes it and exits (the child alone holds it); on
           DIR/stop the child exits (the listener is gone)
  queue    a TCP listener with a backlog of 2; on DIR/fill 2 clients
           connect and wait in its accept queue; on DIR/end it exits
  udp      a UDP socket with the smallest receive buffer; on DIR/drop 20
           datagrams of 1000 bytes are sent to it (most are dropped); on
           DIR/end it exits
"""
import os
import socket
import sys
import time


def wait(d, name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.02)


def put(d, name, text):
    tmp = os.path.join(d, name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(d, name))


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    if mode != "udp":
        s.listen(2)
    port = s.getsockname()[1]
    put(d, "pid", str(os.getpid()))
    put(d, "port", str(port))
    if mode == "handoff":
        wait(d, "fork")
        if os.fork() == 0:
            put(d, "child", str(os.getpid()))
            wait(d, "stop")
            os._exit(0)
        wait(d, "handoff")
        s.close()
        os._exit(0)
    elif mode == "queue":
        wait(d, "fill")
        clients = []
        for _ in range(2):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.connect(("127.0.0.1", port))
            clients.append(c)
        put(d, "filled", "2")
        wait(d, "end")
    elif mode == "udp":
        wait(d, "drop")
        # connected: not a bound UDP socket that porttop would list
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.connect(("127.0.0.1", port))
        for _ in range(20):
            c.send(b"x" * 1000)
        put(d, "dropped", "20")
        wait(d, "end")


main()

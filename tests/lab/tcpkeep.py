#!/usr/bin/python3
"""One TCP connection kept open across moves (tests/lab/home.bats).

  tcpkeep.py serve PORT            echo server on [::]:PORT, one connection
  tcpkeep.py client ADDR PORT LOG  connects to ADDR, sends a numbered line
                                   every 0.1 s and logs each echo as
                                   "USEC SEQ" (microseconds since the epoch)

The client logs "connected LOCAL" once, "error WHAT" and exits 1 when the
connection breaks; it never reconnects, so echoes after a move prove the
same socket survived it.  Standard library only (scapy starts too slowly).
"""
import socket
import sys
import time


def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(1)
    print("listening", flush=True)
    c, _ = s.accept()
    while True:
        data = c.recv(4096)
        if not data:
            return 0
        c.sendall(data)


def client(addr, port, log):
    out = open(log, "a", buffering=1)
    try:
        c = socket.create_connection((addr, port), timeout=10)
    except OSError as e:
        out.write("error connect %s\n" % e)
        return 1
    out.write("connected %s\n" % c.getsockname()[0])
    # Long outages are the point: let TCP retransmit, never time out here.
    c.settimeout(None)
    seq = 0
    buf = b""
    try:
        while True:
            seq += 1
            c.sendall(b"%d\n" % seq)
            while b"\n" not in buf:
                data = c.recv(4096)
                if not data:
                    out.write("error closed\n")
                    return 1
                buf += data
            line, buf = buf.split(b"\n", 1)
            out.write("%d %s\n" % (time.time_ns() // 1000, line.decode()))
            time.sleep(0.1)
    except OSError as e:
        out.write("error %s\n" % e)
        return 1


def main(argv):
    if len(argv) == 3 and argv[1] == "serve":
        return serve(int(argv[2]))
    if len(argv) == 5 and argv[1] == "client":
        return client(argv[2], int(argv[3]), argv[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

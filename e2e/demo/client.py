#!/usr/bin/python3
"""The demo's client: numbered, checksummed 4 KiB writes with FUA through the virtual IP.

Every write is recorded as invoked, then ok (acknowledged) or unknown (the connection broke).
libnbd does not reconnect by itself: on an error this client reconnects, as an application would.
At the end it reads back every acknowledged block and checks that none was lost or is stale.
Runs until the file named by --stop exists or --seconds pass (bounded).
"""
import argparse
import hashlib
import os
import struct
import sys
import time

import nbd

parser = argparse.ArgumentParser()
parser.add_argument("--uri", required=True)
parser.add_argument("--blocks", type=int, default=4096)
parser.add_argument("--stop", required=True)
parser.add_argument("--seconds", type=float, default=120)
parser.add_argument("--request-timeout", type=float, default=2.0,
                    help="a write unanswered this long counts as failed (a frozen or partitioned "
                         "server never closes the connection itself)")
args = parser.parse_args()

BLOCK = 4096


def block(seq):
    head = struct.pack(">QQ", 0x4841504149520000, seq)
    body = head + bytes(BLOCK - len(head) - 32)
    return body + hashlib.sha256(body).digest()


def connect():
    """Connects within --request-timeout or raises TimeoutError, so that a connection attempt
    sent to the old primary's address is abandoned quickly instead of waiting out TCP's SYN
    retransmission (1 s, then 3 s): the client contract in docs/how-to/nbd-clients.md."""
    h = nbd.NBD()
    h.set_uri_allow_local_file(True)  # the URI names the TLS certificate directory
    h.aio_connect_uri(args.uri)
    deadline = time.monotonic() + args.request_timeout
    while not h.aio_is_ready():
        if h.aio_is_dead():
            raise nbd.Error("connection failed", 0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            del h  # libnbd closes the handle when it is released
            raise TimeoutError("no connection in %.1f s" % args.request_timeout)
        h.poll(max(1, int(remaining * 1000)))
    return h


def write_fua(h, data, offset):
    """A FUA write that fails if unanswered within --request-timeout (libnbd has no timeout)."""
    cookie = h.aio_pwrite(nbd.Buffer.from_bytearray(bytearray(data)), offset, flags=nbd.CMD_FLAG_FUA)
    deadline = time.monotonic() + args.request_timeout
    while not h.aio_command_completed(cookie):  # raises nbd.Error if the server said no
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer in %.1f s" % args.request_timeout)
        h.poll(max(1, int(remaining * 1000)))


def log(message):
    print(time.strftime("%H:%M:%S"), "client:", message, flush=True)


acknowledged = {}  # slot -> seq of the last acknowledged write there
unknown = 0
seq = 0
started = time.monotonic()
outage_started = None
last_ack = time.monotonic()
handle = None
while handle is None and time.monotonic() - started < args.seconds:
    try:
        handle = connect()
    except (nbd.Error, TimeoutError):
        time.sleep(0.1)
log("connected to " + args.uri.split("?")[0])
last_report = time.monotonic()
while not os.path.exists(args.stop) and time.monotonic() - started < args.seconds:
    seq += 1
    slot = seq % args.blocks
    try:
        write_fua(handle, block(seq), slot * BLOCK)
        acknowledged[slot] = seq
        now = time.monotonic()
        if outage_started is not None:
            log("writes flowing again after %.0f ms without an acknowledged write; last ack gap %.0f ms"
                % ((now - outage_started) * 1000, (now - last_ack) * 1000))
            outage_started = None
        last_ack = now
    except (nbd.Error, TimeoutError) as e:
        unknown += 1
        if outage_started is None:
            outage_started = time.monotonic()
            reason = e.string if isinstance(e, nbd.Error) else str(e)
            log("write %d failed (%s): outcome unknown; reconnecting" % (seq, reason))
        try:
            handle.close()
        except Exception:
            pass
        handle = None
        while handle is None and time.monotonic() - started < args.seconds:
            try:
                handle = connect()
            except (nbd.Error, TimeoutError):
                time.sleep(0.02)
        if handle is None:
            break
    if time.monotonic() - last_report >= 1:
        log("write %d acknowledged" % seq)
        last_report = time.monotonic()

log("stopping after %d writes (%d with unknown outcome); checking every acknowledged block" % (seq, unknown))
lost = 0
for slot, expected in acknowledged.items():
    data = handle.pread(BLOCK, slot * BLOCK)
    body, digest = data[:-32], data[-32:]
    magic, found = struct.unpack(">QQ", body[:16])
    # A newer write than the acknowledged one is allowed (its outcome was unknown); older is not.
    if hashlib.sha256(body).digest() != digest or magic != 0x4841504149520000 or found < expected:
        lost += 1
log("history check: %d acknowledged blocks, %d lost or stale" % (len(acknowledged), lost))
sys.exit(1 if lost else 0)

#!/usr/bin/python3
"""The demo's client: numbered, checksummed 4 KiB writes with FUA through the virtual IP.

Every write is recorded as invoked, then ok (acknowledged) or unknown (the connection broke).
libnbd does not reconnect by itself: on an error this client reconnects, as an application would.
At the end it reads back every acknowledged block and checks that none was lost or is stale.
Runs until the file named by --stop exists or --seconds pass (bounded).

With --history it also writes what was acknowledged (JSON) to that file; if no server answers at
the end it exits 3 and leaves the check to --check-image, which reads the blocks from a disk
image directly (a scenario where, rightly, nobody serves).
"""
import argparse
import hashlib
import json
import os
import struct
import sys
import time


parser = argparse.ArgumentParser()
parser.add_argument("--uri")
parser.add_argument("--blocks", type=int, default=4096)
parser.add_argument("--stop")
parser.add_argument("--history", help="JSON file of the acknowledged writes, written at the end")
parser.add_argument("--check-image", help="check the history in --history against this image")
parser.add_argument("--seconds", type=float, default=120)
parser.add_argument("--request-timeout", type=float, default=2.0,
                    help="a write unanswered this long counts as failed (a frozen or partitioned "
                         "server never closes the connection itself)")
args = parser.parse_args()

BLOCK = 4096
MAGIC = 0x4841504149520000


def block(seq):
    head = struct.pack(">QQ", MAGIC, seq)
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


def stale_or_lost(acknowledged, read):
    """Slots whose acknowledged write is missing: a newer write is allowed (its outcome was
    unknown), older data, a torn block or something else is not."""
    lost = 0
    for slot, expected in acknowledged.items():
        data = read(slot * BLOCK)
        body, digest = data[:-32], data[-32:]
        magic, found = struct.unpack(">QQ", body[:16])
        if hashlib.sha256(body).digest() != digest or magic != MAGIC or found < expected:
            lost += 1
    return lost


if args.check_image:
    with open(args.history) as f:
        acknowledged = {int(k): v for k, v in json.load(f).items()}
    with open(args.check_image, "rb") as image:
        def read_image(offset):
            image.seek(offset)
            return image.read(BLOCK)
        lost = stale_or_lost(acknowledged, read_image)
    log("history check on %s: %d acknowledged blocks, %d lost or stale"
        % (os.path.basename(args.check_image), len(acknowledged), lost))
    sys.exit(1 if lost else 0)

import nbd  # noqa: E402  (only the client needs libnbd; --check-image runs without it)


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
        while (handle is None and time.monotonic() - started < args.seconds
               and not os.path.exists(args.stop)):
            try:
                handle = connect()
            except (nbd.Error, TimeoutError):
                time.sleep(0.02)
        if handle is None:
            break
    if time.monotonic() - last_report >= 1:
        log("write %d acknowledged" % seq)
        last_report = time.monotonic()

if args.history:
    with open(args.history, "w") as f:
        json.dump(acknowledged, f)
if handle is None:
    log("stopping after %d writes (%d with unknown outcome); no server answers, so the history"
        " is checked on a disk image" % (seq, unknown))
    sys.exit(3)
log("stopping after %d writes (%d with unknown outcome); checking every acknowledged block" % (seq, unknown))
lost = stale_or_lost(acknowledged, lambda offset: handle.pread(BLOCK, offset))
log("history check: %d acknowledged blocks, %d lost or stale" % (len(acknowledged), lost))
sys.exit(1 if lost else 0)

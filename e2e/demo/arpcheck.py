#!/usr/bin/python3
"""Checks the ARP log of arpwatch.py against what a scenario allows:

- the node announcing the virtual IP (gratuitous ARP) changes exactly --moves times: a demoted
  or dead node that announced again would add a change (counted from --initial, the owner when
  the log began);
- after the fault (--fault-at, wall clock), the old owner (the first announcer) sends nothing for
  the VIP (no announcement, no reply from its kernel) later than --bound seconds, until it
  legitimately owns the VIP again (a failback): the address lifetime plus about 1 s.
Prints what it saw; exits 1 if a check fails.
"""
import argparse
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--log", required=True)
parser.add_argument("--moves", type=int, required=True)
parser.add_argument("--initial", required=True, help="the node owning the VIP when the log began")
parser.add_argument("--mac", action="append", default=[], help="node=mac")
parser.add_argument("--fault-at", type=float)
parser.add_argument("--bound", type=float, default=3.0)
args = parser.parse_args()

names = dict(reversed(m.split("=", 1)) for m in args.mac)
packets = []
with open(args.log) as f:
    for line in f:
        t, kind, mac = line.split()
        packets.append((float(t), kind, names.get(mac, mac)))

segments = [[args.initial, float("-inf")]]  # [node, first announce time]
for t, kind, node in packets:
    if kind == "announce" and (not segments or segments[-1][0] != node):
        segments.append([node, t])
announcers = " -> ".join(s[0] for s in segments)
failed = False
print("announcements of the VIP, by node in order: %s (%d changes, %d expected)"
      % (announcers, len(segments) - 1, args.moves))
if len(segments) - 1 != args.moves:
    print("WRONG: the announcing node changed %d times" % (len(segments) - 1))
    failed = True

if args.fault_at is not None:
    old = segments[0][0]
    back = next((s[1] for s in segments[1:] if s[0] == old), float("inf"))
    late = [(t, kind) for t, kind, node in packets
            if node == old and args.fault_at + args.bound < t < back]
    last_old = max((t for t, kind, node in packets if node == old and t < back), default=None)
    if last_old is not None:
        print("last packet for the VIP from %s %.2f s after the fault (bound %.1f s)"
              % (old, last_old - args.fault_at, args.bound))
    if late:
        print("WRONG: %s sent %d packets for the VIP after the bound, first %s at +%.2f s"
              % (old, len(late), late[0][1], late[0][0] - args.fault_at))
        failed = True
sys.exit(1 if failed else 0)

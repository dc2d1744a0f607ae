#!/usr/bin/python3
"""Records the ARP packets that name the virtual IP as their sender, as a host on the LAN sees
them (the demo runs it in the client's namespace): one line per packet, "<kind> <sender MAC>",
kind being "announce" for a gratuitous ARP (sender IP = target IP = the VIP) and "reply" for an
answer to someone's request. Runs until the file named by --stop exists or --seconds pass.
"""
import argparse
import os
import select
import socket
import struct
import time

parser = argparse.ArgumentParser()
parser.add_argument("--vip", required=True)
parser.add_argument("--interface", default="eth0")
parser.add_argument("--out", required=True)
parser.add_argument("--stop", required=True)
parser.add_argument("--seconds", type=float, default=300)
args = parser.parse_args()

ETH_P_ARP = 0x0806
vip = socket.inet_aton(args.vip)
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
sock.bind((args.interface, ETH_P_ARP))
started = time.monotonic()
with open(args.out, "w", buffering=1) as out:
    while not os.path.exists(args.stop) and time.monotonic() - started < args.seconds:
        ready, _, _ = select.select([sock], [], [], 0.2)
        if not ready:
            continue
        frame = sock.recv(2048)
        arp = frame[14:42]
        if len(arp) < 28:
            continue
        _, _, _, _, op = struct.unpack(">HHBBH", arp[:8])
        sender_mac, sender_ip, target_ip = arp[8:14], arp[14:18], arp[24:28]
        if sender_ip != vip:
            continue
        kind = "announce" if target_ip == vip else "reply" if op == 2 else "request"
        out.write("%s %s\n" % (kind, sender_mac.hex(":")))

#!/usr/bin/python3
"""Records the packets that tell the LAN who has the virtual IP, as a host on the LAN sees them
(the demo runs it in the client's namespace): ARP with the VIP as sender (IPv4) or neighbour
advertisements for the VIP (IPv6). One line per packet, "<wall clock seconds> <kind> <sender
MAC>", kind being "announce" (a gratuitous ARP, sender IP = target IP, or an unsolicited NA),
"reply" (an ARP reply or solicited NA) or "request" (an ARP request sent from the VIP).
Runs until the file named by --stop exists or --seconds pass.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import time

parser = argparse.ArgumentParser()
parser.add_argument("--vip", required=True, help="IPv4 or IPv6 address")
parser.add_argument("--interface", default="eth0")
parser.add_argument("--out", required=True)
parser.add_argument("--stop", required=True)
parser.add_argument("--seconds", type=float, default=300)
args = parser.parse_args()

ETH_P_ALL, ETH_P_ARP, ETH_P_IPV6 = 0x0003, 0x0806, 0x86DD
ICMPV6, NEIGHBOR_ADVERTISEMENT = 58, 136
vip = ipaddress.ip_address(args.vip).packed


def classify(frame):
    """(kind, sender MAC) for a packet about the VIP, else None."""
    ethertype = struct.unpack(">H", frame[12:14])[0]
    sender_mac = frame[6:12]
    if ethertype == ETH_P_ARP and len(vip) == 4 and len(frame) >= 42:
        arp = frame[14:42]
        op = struct.unpack(">H", arp[6:8])[0]
        sender_ip, target_ip = arp[14:18], arp[24:28]
        if sender_ip != vip:
            return None
        return ("announce" if target_ip == vip else "reply" if op == 2 else "request", sender_mac)
    if ethertype == ETH_P_IPV6 and len(vip) == 16 and len(frame) >= 14 + 40 + 24:
        ip6 = frame[14:]
        icmp = ip6[40:]
        if ip6[6] != ICMPV6 or icmp[0] != NEIGHBOR_ADVERTISEMENT or icmp[8:24] != vip:
            return None
        solicited = icmp[4] & 0x40
        return ("reply" if solicited else "announce", sender_mac)
    return None


sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sock.bind((args.interface, ETH_P_ALL))
started = time.monotonic()
with open(args.out, "w", buffering=1) as out:
    while not os.path.exists(args.stop) and time.monotonic() - started < args.seconds:
        ready, _, _ = select.select([sock], [], [], 0.2)
        if not ready:
            continue
        seen = classify(sock.recv(2048))
        if seen:
            out.write("%.3f %s %s\n" % (time.time(), seen[0], seen[1].hex(":")))

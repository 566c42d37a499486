#!/usr/bin/env python3
"""Writes packets.pcap: a classic little-endian microsecond pcap of 8 Ethernet frames that
exercise every branch of xdp_filter.c (the same frames PcapFixture in the tests builds):
  1 ICMP echo            -> XDP_TX
  2 UDP to port 53       -> XDP_DROP (a ring buffer event)
  3 UDP to port 53       -> XDP_DROP
  4 UDP to port 123      -> XDP_PASS
  5 TCP to port 80       -> XDP_PASS
  6 ARP                  -> XDP_PASS (not IP)
  7 IPv4 header cut short-> XDP_DROP
  8 6-byte runt frame    -> XDP_ABORTED
"""
import struct, sys

def eth(proto):
    return bytes.fromhex("020000000002" "020000000001") + struct.pack(">H", proto)

def ipv4(proto, payload, src=(10, 0, 0, 1), dst=(10, 0, 0, 2)):
    total = 20 + len(payload)
    return struct.pack(">BBHHHBBH4B4B", 0x45, 0, total, 1, 0, 64, proto, 0, *src, *dst) + payload

def udp(dport, data=b"hello"):
    return struct.pack(">HHHH", 40000, dport, 8 + len(data), 0) + data

def tcp(dport):
    return struct.pack(">HHIIBBHHH", 40000, dport, 1, 0, 0x50, 0x02, 65535, 0, 0)

frames = [
    eth(0x0800) + ipv4(1, bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"ping"),
    eth(0x0800) + ipv4(17, udp(53), src=(192, 168, 1, 7)),
    eth(0x0800) + ipv4(17, udp(53), src=(192, 168, 1, 8)),
    eth(0x0800) + ipv4(17, udp(123)),
    eth(0x0800) + ipv4(6, tcp(80)),
    eth(0x0806) + bytes(28),
    eth(0x0800) + bytes(10),
    bytes(6),
]

out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
for i, f in enumerate(frames):
    out += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
open(sys.argv[1] if len(sys.argv) > 1 else "packets.pcap", "wb").write(out)

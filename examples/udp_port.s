# udp_port.s: the UDP destination port of an Ethernet/IPv4 frame in memory, or -1 (LLVM syntax).
# r1 = frame, r2 = its length (the bpf_conformance convention).
#   ./sharpbpf run examples/udp_port.s --mem "$(cat examples/udp_dns.txt)"  ->  r0 = 0x35
    r0 = -1
    if r2 < 42 goto out               # Ethernet 14 + IPv4 20 + UDP 8
    r3 = *(u16 *)(r1 + 12)            # EtherType, big-endian in memory
    r3 = be16 r3
    if r3 != 0x800 goto out
    r3 = *(u8 *)(r1 + 23)             # IPv4 protocol
    if r3 != 17 goto out
    r4 = *(u8 *)(r1 + 14)             # version/IHL
    r4 &= 15
    r4 <<= 2                          # header length in bytes
    r5 = r4
    r5 += 22                          # 14 + IHL*4 + 8 bytes of UDP header
    if r5 > r2 goto out
    r1 += r4
    r0 = *(u16 *)(r1 + 16)            # 14 + IHL*4 + 2: destination port
    r0 = be16 r0
out:
    exit

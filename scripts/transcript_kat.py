#!/usr/bin/env python3
"""Independent re-implementation of the transcript byte schedule (docs/transcript.md).

Prints the known-answer values that tests/test_transcript.cpp pins: the first
extension challenge "r" of a transcript for protocol "vtensor/kat" v1, field id 2,
after absorbing the statement "kat" under label "statement".
"""
import hashlib
import struct

P = 2**64 - 2**32 + 1
WIRE_VERSION = 1


def lp(s: bytes) -> bytes:
    return struct.pack("<I", len(s)) + s


def init(protocol: bytes, version: int, field_id: int) -> bytes:
    return hashlib.sha256(b"\x00" + b"vtensor/transcript" + lp(protocol) + struct.pack("<I", version)
                          + struct.pack("<I", WIRE_VERSION) + struct.pack("<H", field_id)).digest()


def absorb(h: bytes, label: bytes, data: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + h + lp(label) + struct.pack("<Q", len(data)) + data).digest()


def challenge_words(h: bytes, label: bytes):
    counter = 0
    while True:
        block = hashlib.sha256(b"\x02" + h + lp(label) + struct.pack("<I", counter)).digest()
        counter += 1
        for i in range(4):
            yield struct.unpack("<Q", block[8 * i:8 * i + 8])[0], counter


def challenge_ext(h: bytes, label: bytes):
    out, used = [], 0
    for w, used in challenge_words(h, label):
        if w < P:
            out.append(w)
        if len(out) == 2:
            break
    h2 = hashlib.sha256(b"\x03" + h + lp(label) + struct.pack("<I", used)).digest()
    return out, h2


if __name__ == "__main__":
    h = init(b"vtensor/kat", 1, 2)
    h = absorb(h, b"statement", b"kat")
    (c0, c1), h = challenge_ext(h, b"r")
    print(f"c0 = {c0:#018x}\nc1 = {c1:#018x}")
    (d0, d1), h = challenge_ext(h, b"r")
    print(f"second: c0 = {d0:#018x}\nc1 = {d1:#018x}")

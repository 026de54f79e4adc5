#!/usr/bin/env python3
"""Independent computation of the expected values in obfuscation_test.cpp (key schedule, client prefixes, first
frame). Uses hashlib and the `cryptography` package's AES-CTR; run with python3 and compare the printed hex."""
import hashlib
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
init = bytes(((i * 37 + 11) & 0xff) for i in range(64))
print("init", init.hex())
rev = init[::-1]
ek, ei = init[8:40], init[40:56]
dk, di = rev[8:40], rev[40:56]
print("enc key", ek.hex()); print("enc iv", ei.hex()); print("dec key", dk.hex()); print("dec iv", di.hex())
secret = bytes(0xa0 + i for i in range(16))
print("secret", secret.hex())
print("enc key+secret", hashlib.sha256(ek + secret).hexdigest())
print("dec key+secret", hashlib.sha256(dk + secret).hexdigest())
def ctr(key, iv, data):
    e = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return e.update(data)
# Client prefix: obfuscated intermediate, no secret, no dc: tag at 56
i1 = bytearray(init); i1[56:60] = b'\xee'*4
enc = ctr(ek, ei, bytes(i1))
print("prefix intermediate", (bytes(i1[:56]) + enc[56:]).hex())
# Padded via dd secret, dc -2
i2 = bytearray(init); i2[56:60] = b'\xdd'*4; i2[60:62] = (-2 & 0xffff).to_bytes(2, 'little')
k2 = hashlib.sha256(ek + secret).digest()
enc2 = ctr(k2, ei, bytes(i2))
print("prefix dd dc-2", (bytes(i2[:56]) + enc2[56:]).hex())
# first packet after the prefix: intermediate framing of payload 01..08 (len 8), continuing the stream at offset 64
frame = (8).to_bytes(4,'little') + bytes(range(1,9))
e = Cipher(algorithms.AES(ek), modes.CTR(ei)).encryptor()
e.update(bytes(i1))
print("first frame", e.update(frame).hex())

#!/usr/bin/env python3
"""Writes requests/*.txt: one RADIUS datagram (hex) per malformed-packet rule, with the verdict the edge must reach.

The fixtures are data; this script only documents how each was built (Message-Authenticator needs HMAC-MD5).
Run: python3 make_fixtures.py   (deterministic: fixed authenticators).
"""
import hashlib, hmac, os, struct

SECRET = b"xyzzy5461-fixture-secret"
AUTH = bytes(range(1, 17))
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requests")


def attr(t, v):
    return bytes([t, len(v) + 2]) + v


def hide(pw, secret=SECRET, auth=AUTH):
    pw = pw + b"\0" * ((-len(pw)) % 16 or (16 if not pw else 0))
    out, prev = b"", auth
    for i in range(0, len(pw), 16):
        b = hashlib.md5(secret + prev).digest()
        c = bytes(x ^ y for x, y in zip(pw[i:i + 16], b))
        out += c
        prev = c
    return out


def packet(attrs, code=1, ident=7, auth=AUTH, ma=True, ma_first=True, ma_secret=SECRET, length=None):
    body = b"".join(attrs)
    if ma:
        placeholder = attr(80, b"\0" * 16)
        body = placeholder + body if ma_first else body + placeholder
    n = 20 + len(body) if length is None else length
    raw = bytes([code, ident]) + struct.pack(">H", n) + auth + body
    if ma:
        off = raw.index(placeholder, 20) if not ma_first else 20
        mac = hmac.new(ma_secret, raw, hashlib.md5).digest()
        raw = raw[:off + 2] + mac + raw[off + 18:]
    return raw


USER = attr(1, b"nemo")
PW = attr(2, hide(b"arctangent"))
NAS = attr(4, bytes([192, 168, 1, 16]))
VALID = [USER, PW, NAS]

cases = []


def case(name, comment, raw, expect, require_ma="yes", limit_proxy_state="yes"):
    cases.append((name, comment, raw, expect, require_ma, limit_proxy_state))


valid = packet(VALID)
case("valid_pap", "A well-formed PAP request with Message-Authenticator first.", valid, "ok")
case("valid_ma_last", "RFC 3579 §3.2: the position of Message-Authenticator does not matter.", packet(VALID, ma_first=False), "ok")
case("valid_no_ma_not_required", "Without Message-Authenticator, accepted only from a client that does not require it.",
     packet(VALID, ma=False), "ok", require_ma="no")
case("trailing_bytes_ignored", "RFC 2865 §3: octets beyond Length are padding and ignored.", valid + b"\xde\xad\xbe\xef" * 8, "ok")
case("datagram_19_octets", "RFC 2865 §3: a datagram shorter than 20 octets is dropped.", valid[:19], "drop datagram_too_short")
case("empty_datagram", "An empty datagram is dropped.", b"", "drop datagram_too_short")
case("length_below_20", "RFC 2865 §3: Length below 20 is dropped.", valid[:2] + struct.pack(">H", 19) + valid[4:], "drop length_too_small")
case("length_zero", "RFC 2865 §3: Length 0 is dropped.", valid[:2] + struct.pack(">H", 0) + valid[4:], "drop length_too_small")
big = packet(VALID, length=4097) + b"\0" * (4097 - len(valid))
case("length_above_4096", "RFC 2865 §3: Length above 4096 is dropped, even when the datagram is that long.", big, "drop length_too_large")
case("length_65535", "RFC 2865 §3: Length 65535 in a short datagram is dropped without allocating for it.",
     valid[:2] + b"\xff\xff" + valid[4:], "drop length_too_large")
case("length_beyond_datagram", "RFC 2865 §3: a packet shorter than its Length is dropped.",
     valid[:2] + struct.pack(">H", len(valid) + 1) + valid[4:], "drop length_exceeds_datagram")
case("unknown_code", "RFC 2865 §3: unknown codes are silently discarded.", packet(VALID, code=99), "drop unknown_code")
case("code_zero", "RFC 2865 §3: code 0 is unknown.", packet(VALID, code=0), "drop unknown_code")
case("accounting_request", "This port serves Access-Request and Status-Server only.", packet(VALID, code=4), "drop unexpected_code")
case("access_accept_to_server", "A reply code sent to the server is discarded.", packet(VALID, code=2), "drop unexpected_code")
case("attribute_length_zero", "RFC 2865 §5: attribute length 0 would never advance: dropped.",
     packet([USER, PW, b"\x05\x00\x00\x00\x00\x00"], ma=False), "drop attribute_length_too_small", require_ma="no")
case("attribute_length_one", "RFC 2865 §5: attribute length 1 is dropped.",
     packet([USER, PW, b"\x05\x01\x00\x00\x00\x00"], ma=False), "drop attribute_length_too_small", require_ma="no")
case("attribute_past_end", "RFC 2865 §5: an attribute running past Length is dropped.",
     packet([USER, PW, b"\x20\x10abc"], ma=False), "drop attribute_overflow", require_ma="no")
case("attribute_header_cut", "RFC 2865 §5: a lone type octet at the end is dropped.",
     packet([USER, PW, b"\x20"], ma=False), "drop attribute_header_overflow", require_ma="no")
ma2 = packet(VALID)
ma2 = ma2[:2] + struct.pack(">H", len(ma2) + 18) + ma2[4:] + ma2[20:38]
case("two_message_authenticators", "RFC 3579 §3.2: two Message-Authenticators -> silently discarded.", ma2,
     "drop message_authenticator_duplicate")
case("message_authenticator_17_octets", "RFC 3579 §3.2: Message-Authenticator must be 18 octets.",
     packet([attr(80, b"\0" * 15)] + VALID, ma=False), "drop message_authenticator_bad_length")
case("message_authenticator_2_octets", "RFC 3579 §3.2: an empty Message-Authenticator is dropped.",
     packet([attr(80, b"")] + VALID, ma=False), "drop message_authenticator_bad_length")
bad = bytearray(valid); bad[25] ^= 0x01
case("message_authenticator_wrong", "RFC 3579 §3.2: a wrong value -> silently discarded, no password check.", bytes(bad),
     "drop message_authenticator_invalid")
case("message_authenticator_other_secret", "Wrong shared secret from a known NAS -> silently discarded.",
     packet(VALID, ma_secret=b"not-the-shared-secret-at-all"), "drop message_authenticator_invalid")
tampered = bytearray(valid); tampered[-1] ^= 0x01
case("attribute_tampered", "RFC 3579 §3.2: any change to the packet invalidates Message-Authenticator.", bytes(tampered),
     "drop message_authenticator_invalid")
case("message_authenticator_missing", "BlastRADIUS: a client that requires Message-Authenticator -> request without it dropped.",
     packet(VALID, ma=False), "drop message_authenticator_missing")
case("proxy_state_without_ma", "BlastRADIUS limit Proxy-State: Proxy-State without Message-Authenticator is dropped.",
     packet(VALID + [attr(33, b"proxy")], ma=False), "drop proxy_state_without_message_authenticator", require_ma="no")
case("proxy_state_not_limited", "With limit Proxy-State off, Proxy-State without Message-Authenticator passes.",
     packet(VALID + [attr(33, b"proxy")], ma=False), "ok", require_ma="no", limit_proxy_state="no")
case("two_user_passwords", "RFC 2865 §5: User-Password appears at most once.", packet(VALID + [PW]), "drop user_password_duplicate")
case("user_password_15_octets", "RFC 2865 §5.2: User-Password shorter than 16 is dropped.",
     packet([USER, attr(2, hide(b"arctangent")[:15]), NAS]), "drop user_password_bad_length")
case("user_password_17_octets", "RFC 2865 §5.2: User-Password not a multiple of 16 is dropped.",
     packet([USER, attr(2, hide(b"arctangent") + b"\0"), NAS]), "drop user_password_bad_length")
case("user_password_144_octets", "RFC 2865 §5.2: User-Password longer than 128 is dropped.",
     packet([USER, attr(2, hide(b"x" * 144)), NAS]), "drop user_password_bad_length")
case("user_password_empty", "RFC 2865 §5.2: an empty User-Password is dropped.", packet([USER, attr(2, b""), NAS]),
     "drop user_password_bad_length")
case("user_password_16_octets", "RFC 2865 §5.2: a 16-octet password is exactly one block.",
     packet([USER, attr(2, hide(b"0123456789abcdef")), NAS]), "ok")
case("user_password_128_octets", "RFC 2865 §5.2: 128 octets is the maximum.", packet([USER, attr(2, hide(b"p" * 128)), NAS]), "ok")
case("password_with_nul", "A NUL inside the password never authenticates the prefix.",
     packet([USER, attr(2, hide(b"arc\0tangent")), NAS]), "reject password_contains_nul")
case("chap", "PAP only: CHAP-Password -> Access-Reject.",
     packet([USER, attr(3, b"\x16" + b"\xe9" * 16), NAS]), "reject chap_unsupported")
case("eap", "PAP only: EAP-Message -> Access-Reject.", packet([USER, attr(79, b"\x02\x00\x00\x09\x01nemo"), NAS]),
     "reject eap_unsupported")
mschap2 = struct.pack(">I", 311) + bytes([25, 52]) + b"\x00" * 50
case("mschapv2", "PAP only: MS-CHAP2-Response -> Access-Reject.", packet([USER, attr(26, mschap2), NAS]), "reject mschap_unsupported")
case("no_password", "Neither PAP nor another method -> Access-Reject.", packet([USER, NAS]), "reject no_credentials")
case("status_server", "RFC 5997: Status-Server with a valid Message-Authenticator is answered.", packet([NAS], code=12), "ok",
     require_ma="no")
case("status_server_without_ma", "RFC 5997 §3: Status-Server without Message-Authenticator is dropped.",
     packet([NAS], code=12, ma=False), "drop message_authenticator_missing", require_ma="no")
filler = [attr(26, struct.pack(">I", 9) + bytes([1, 247]) + b"a" * 245)] * 15
fill = 4096 - len(packet(VALID + filler))
case("packet_4096_octets", "RFC 2865 §3: 4096 octets is the maximum length and accepted.",
     packet(VALID + filler + [attr(26, struct.pack(">I", 9) + bytes([1, fill - 6]) + b"b" * (fill - 8))]), "ok")

os.makedirs(HERE, exist_ok=True)
for name, comment, raw, expect, require_ma, limit in cases:
    hexed = raw.hex()
    lines = [hexed[i:i + 64] for i in range(0, len(hexed), 64)] or [""]
    with open(os.path.join(HERE, name + ".txt"), "w") as f:
        f.write(f"# {comment}\n")
        f.write(f"secret: {SECRET.decode()}\n")
        f.write(f"require-message-authenticator: {require_ma}\n")
        f.write(f"limit-proxy-state: {limit}\n")
        f.write(f"expect: {expect}\n")
        for line in lines:
            f.write(f"packet: {line}\n")
print(len(cases), "fixtures")

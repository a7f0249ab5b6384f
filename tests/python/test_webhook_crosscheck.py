"""c2c's /voice webhook against Twilio's own Python helper library: signatures computed by
RequestValidator are accepted and tampered ones refused, and the TwiML equals, as XML, what
VoiceResponse builds for the same call."""
import os
import re
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from conftest import ACCOUNT_SID, API_KEY, API_SECRET, APP_SID

AUTH_TOKEN = "crossCheckAuthToken0123456789abc"
CALLER_ID = "+14155550100"
SIP_DOMAIN = "c2c-crosscheck.sip.twilio.com"


class Server:
    def __init__(self, c2c_bin, public_url):
        self.home = tempfile.TemporaryDirectory()
        env = {
            "PATH": os.environ["PATH"],
            "HOME": self.home.name,
            "XDG_CONFIG_HOME": self.home.name,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_API_KEY": API_KEY,
            "TWILIO_API_SECRET": API_SECRET,
            "TWILIO_TWIML_APP_SID": APP_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_CALLER_ID": CALLER_ID,
            "TWILIO_SIP_DOMAIN": SIP_DOMAIN,
        }
        self.proc = subprocess.Popen(
            [c2c_bin, "serve", "--port", "0", "--public-url", public_url, "--allow-country", "US,GB,FR"],
            env=env, cwd=self.home.name, stderr=subprocess.PIPE, text=True,
        )
        for line in self.proc.stderr:
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                break
        else:
            raise RuntimeError("c2c serve did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def post(self, path, params, signature=None):
        body = urllib.parse.urlencode(params, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "203.0.113.9"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.home.cleanup()


@pytest.fixture
def start(c2c_bin):
    servers = []

    def start(public_url):
        server = Server(c2c_bin, public_url)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def dict_of(pairs):
    """Pairs to the dict-of-lists that RequestValidator reads repeated keys from."""
    class Multi(dict):
        def getlist(self, key):
            return self[key]
    out = Multi()
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


CALL = [("From", "client:alice"), ("To", "+14155552671"), ("CallSid", "CA0123"), ("AccountSid", ACCOUNT_SID)]


@pytest.mark.parametrize(
    "public_url, signed_base",
    [
        ("https://c2c.example.test", "https://c2c.example.test"),
        ("https://c2c.example.test", "https://c2c.example.test:443"),
        ("https://c2c.example.test:443", "https://c2c.example.test"),
        ("https://c2c.example.test:8443", "https://c2c.example.test:8443"),
        ("http://c2c.example.test", "http://c2c.example.test:80"),
    ],
)
def test_signatures_from_twilios_validator_are_accepted_with_and_without_ports(start, public_url, signed_base):
    server = start(public_url)
    validator = RequestValidator(AUTH_TOKEN)
    signature = validator.compute_signature(f"{signed_base}/voice", dict_of(CALL))
    status, body = server.post("/voice", CALL, signature)
    assert status == 200, body
    assert "<Number>+14155552671</Number>" in body


@pytest.mark.parametrize(
    "path, params",
    [
        ("/voice?foo=bar&x=1", CALL),
        ("/voice", CALL + [("Extra", "b"), ("Extra", "a"), ("Extra", "b")]),
        ("/voice", CALL + [("CallerName", "Zoë Ångström 電話 ☎")]),
        ("/status?callback=1", [("CallSid", "CA1"), ("CallStatus", "ringing"), ("Note", "ünïcode & spaces")]),
    ],
)
def test_query_strings_repeated_keys_and_non_ascii_values(start, path, params):
    server = start("https://c2c.example.test")
    validator = RequestValidator(AUTH_TOKEN)
    signature = validator.compute_signature(f"https://c2c.example.test{path}", dict_of(params))
    assert validator.validate(f"https://c2c.example.test{path}", dict_of(params), signature)
    status, body = server.post(path, params, signature)
    assert status in (200, 204), body


def test_tampered_requests_are_refused(start):
    server = start("https://c2c.example.test")
    validator = RequestValidator(AUTH_TOKEN)
    signature = validator.compute_signature("https://c2c.example.test/voice", dict_of(CALL))
    tampered = [(k, "+19005550123" if k == "To" else v) for k, v in CALL]
    assert server.post("/voice", tampered, signature)[0] == 403
    assert server.post("/voice?x=1", CALL, signature)[0] == 403
    other = RequestValidator("anotherAuthToken0123456789abcdef").compute_signature("https://c2c.example.test/voice", dict_of(CALL))
    assert server.post("/voice", CALL, other)[0] == 403
    assert server.post("/voice", CALL)[0] == 403


def canonical(element):
    return (element.tag, dict(element.attrib), (element.text or "").strip(), [canonical(c) for c in element])


def twiml_of(server, params, path="/voice"):
    validator = RequestValidator(AUTH_TOKEN)
    signature = validator.compute_signature(f"https://c2c.example.test{path}", dict_of(params))
    status, body = server.post(path, params, signature)
    assert status == 200, body
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return canonical(ET.fromstring(body.encode()))


def test_twiml_equals_voice_responses(start):
    server = start("https://c2c.example.test")

    expected = VoiceResponse()
    expected.dial(caller_id=CALLER_ID, answer_on_bridge=True, action="/dial-status").number("+33142685300")
    assert twiml_of(server, [("From", "client:alice"), ("To", "+33 1 42 68 53 00")]) == canonical(ET.fromstring(str(expected)))

    expected = VoiceResponse()
    expected.dial(caller_id=CALLER_ID, answer_on_bridge=True, action="/dial-status").client("bob")
    assert twiml_of(server, [("From", "client:alice"), ("To", "client:bob")]) == canonical(ET.fromstring(str(expected)))

    refused = twiml_of(server, [("From", "client:alice"), ("To", "+19005550123")])
    expected = VoiceResponse()
    expected.say(refused[3][0][2])
    expected.hangup()
    assert refused == canonical(ET.fromstring(str(expected)))
    assert "premium" in refused[3][0][2]

    # What follows a dial, whatever its status: the call ends.
    expected = VoiceResponse()
    expected.hangup()
    dialled = [("CallSid", "CA" + "0" * 32), ("DialCallStatus", "busy"), ("From", "client:alice"), ("To", "+14155552671")]
    assert twiml_of(server, dialled, "/dial-status") == canonical(ET.fromstring(str(expected)))


def test_a_call_through_c2cs_sip_domain_is_signed_and_answered_as_twilio_sends_it(start):
    """The parameters Twilio's SIP interface documents for a Domain's webhook, signed by the helper
    library: dialled as a browser's call is; another Domain's call is refused."""
    server = start("https://c2c.example.test")
    sip_call = [
        ("AccountSid", ACCOUNT_SID), ("CallSid", "CA" + "1" * 32), ("ApiVersion", "2010-04-01"),
        ("From", f"sip:c2c@{SIP_DOMAIN}"), ("To", f"sip:+442079460958@{SIP_DOMAIN};transport=udp"),
        ("Direction", "inbound"), ("CallStatus", "ringing"),
        ("SipDomain", SIP_DOMAIN), ("SipDomainSid", "SD" + "2" * 32), ("SipUsername", "c2c"),
        ("SipCallId", "5f1c@192.0.2.10"), ("SipSourceIp", "192.0.2.10"), ("SipHeader_X-Run", "ci-42"),
    ]
    expected = VoiceResponse()
    expected.dial(caller_id=CALLER_ID, answer_on_bridge=True, action="/dial-status").number("+442079460958")
    assert twiml_of(server, sip_call) == canonical(ET.fromstring(str(expected)))

    elsewhere = [(k, v.replace(SIP_DOMAIN, "someone-else.sip.twilio.com")) for k, v in sip_call]
    refused = twiml_of(server, elsewhere)
    assert [child[0] for child in refused[3]] == ["Say", "Hangup"], refused

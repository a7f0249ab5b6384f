"""c2c's Access Tokens against Twilio's own Python helper library: they must verify with it, and
their header and claims must equal the ones AccessToken builds from the same inputs."""
import json
from unittest import mock

import pytest
from twilio.jwt import Jwt, JwtDecodeError
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from conftest import ACCOUNT_SID, API_KEY, API_SECRET, APP_SID


def twilio_token(now, identity, ttl, region=None, incoming=True, params=None):
    """The token Twilio's library mints for the same inputs at the same second."""
    with mock.patch("time.time", return_value=now):
        token = AccessToken(ACCOUNT_SID, API_KEY, API_SECRET, identity=identity, ttl=ttl, region=region)
        token.add_grant(
            VoiceGrant(
                incoming_allow=incoming,
                outgoing_application_sid=APP_SID,
                outgoing_application_params=params,
            )
        )
        return token.to_jwt()


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ([], {}),
        (["--region", "ie1"], {"region": "ie1"}),
        (["--no-incoming"], {"incoming": False}),
        (["--param", "to=+15551234567", "--param", "note=héllo"], {"params": {"to": "+15551234567", "note": "héllo"}}),
    ],
)
def test_header_and_claims_equal_twilios(run_c2c, token_env, args, kwargs):
    out = run_c2c("token", "--json", "--identity", "alice", "--ttl", "600", *args, env=token_env)
    assert out.returncode == 0, out.stderr
    ours = Jwt.from_jwt(json.loads(out.stdout)["token"], API_SECRET)
    now = ours.payload["nbf"]
    theirs = Jwt.from_jwt(twilio_token(now, "alice", 600, **kwargs), API_SECRET)
    assert ours.headers == theirs.headers
    assert ours.payload == theirs.payload


def test_twilio_verifies_the_plain_output(run_c2c, token_env):
    out = run_c2c("token", env=token_env)
    assert out.returncode == 0, out.stderr
    decoded = Jwt.from_jwt(out.stdout.strip(), API_SECRET)
    assert decoded.payload["grants"]["voice"]["outgoing"]["application_sid"] == APP_SID
    assert decoded.headers["cty"] == "twilio-fpa;v=1"


def test_twilio_rejects_a_token_checked_with_another_secret(run_c2c, token_env):
    out = run_c2c("token", env=token_env)
    with pytest.raises(JwtDecodeError):
        Jwt.from_jwt(out.stdout.strip(), "anotherSecret0123456789abcdefghi")


def test_c2c_decodes_twilios_tokens(run_c2c, token_env):
    token = twilio_token(1_900_000_000, "dave", 300, region="au1")
    out = run_c2c("token", "--decode", env=token_env, stdin=token)
    assert out.returncode == 0, out.stderr
    decoded = json.loads(out.stdout)
    assert decoded["header"]["twr"] == "au1"
    assert decoded["claims"]["grants"]["identity"] == "dave"
    assert "signature: valid" in out.stderr

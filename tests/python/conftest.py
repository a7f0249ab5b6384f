"""Shared fixtures: the c2c binary under test, run with a clean environment."""
import os
import subprocess
import tempfile

import pytest

ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
API_KEY = "SK0123456789abcdef0123456789abcdef"
API_SECRET = "crossCheckSecret0123456789abcdef"  # 32 characters, like a real one
APP_SID = "AP0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def c2c_bin():
    path = os.environ.get("C2C_BIN")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("C2C_BIN must name the built c2c binary; run ./scripts/test")
    return path


@pytest.fixture
def run_c2c(c2c_bin):
    """Runs `c2c ARGS` in an empty directory with only the given environment."""

    def run(*args, env=None, stdin=None):
        with tempfile.TemporaryDirectory() as home:
            base = {"PATH": os.environ["PATH"], "HOME": home, "XDG_CONFIG_HOME": home}
            base.update(env or {})
            return subprocess.run(
                [c2c_bin, *args],
                input=stdin,
                capture_output=True,
                text=True,
                cwd=home,
                env=base,
                timeout=30,
            )

    return run


@pytest.fixture
def token_env():
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
        "TWILIO_TWIML_APP_SID": APP_SID,
    }

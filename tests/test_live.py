"""Against the real Kilo Gateway: runs only with KILOCLI_LIVE=1 and a key in KILOCODE_API_KEY.

The key is read when this module is imported, before the isolation fixture hides it.
"""

from __future__ import annotations

import json
import os

import pytest

from kilocli.errors import ExitCode
from tests.conftest import run_kilocli

LIVE_KEY = os.environ.get("KILOCODE_API_KEY", "")
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        os.environ.get("KILOCLI_LIVE") != "1" or not LIVE_KEY,
        reason="set KILOCLI_LIVE=1 and KILOCODE_API_KEY to run against the real gateway",
    ),
]


def test_onboarding_verifies_a_real_key() -> None:
    run = run_kilocli("onboard", "--json", env={"KILOCODE_API_KEY": LIVE_KEY})
    assert run.code == ExitCode.OK, run.stderr
    result = json.loads(run.stdout)
    assert result["verified"] is True
    assert LIVE_KEY not in run.output


def test_a_wrong_key_is_rejected() -> None:
    wrong = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LWEtcmVhbC1zaWduYXR1cmU"
    run = run_kilocli("onboard", "--json", "--kilocode-api-key", wrong)
    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert json.loads(run.stdout)["ok"] is False

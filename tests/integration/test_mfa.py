"""`hdoc aws mfa`: session credentials from STS (moto), written into a credentials file that keeps
every other profile and comment."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from hdoc.cli import main
from hdoc.maintenance.credentials_file import with_profile

SERIAL = "arn:aws:iam::123456789012:mfa/maintainer"
ORIGINAL = """# my AWS profiles
[default]
aws_access_key_id = AKIADEFAULT0000000000
aws_secret_access_key = default-secret

; the long-lived keys MFA starts from
[hdoc-admin]
aws_access_key_id = AKIAADMIN00000000000
aws_secret_access_key = admin-secret

[mfa]
aws_access_key_id = ASIAOLD0000000000000
aws_secret_access_key = old-secret
aws_session_token = old-token

# work account
[work]
aws_access_key_id = AKIAWORK000000000000
aws_secret_access_key = work-secret
"""


@pytest.fixture
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "credentials"
    path.write_text(ORIGINAL, encoding="utf-8")
    path.chmod(0o644)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield path


def mfa(*extra: str) -> int:
    return main(["aws", "mfa", "--source-profile", "hdoc-admin", "--serial", SERIAL, *extra])


def test_the_target_profile_is_replaced_and_everything_else_kept(credentials, capsys):
    assert mfa("--code", "123456") == 0
    text = credentials.read_text(encoding="utf-8")
    before, after = ORIGINAL.split("[mfa]\n", maxsplit=1)[0], ORIGINAL.split("# work account")[1]
    assert text.startswith(before)  # the profiles and comments before [mfa], byte for byte
    assert text.endswith("# work account" + after)  # and the ones after it
    section = text.split("[mfa]\n")[1].split("\n\n")[0]
    assert "old-token" not in text
    assert "aws_session_token = " in section
    assert text.count("[mfa]") == 1
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    out = capsys.readouterr().out
    assert "expires at" in out
    assert "[mfa]" in out


def test_a_new_target_profile_is_added_at_the_end(credentials):
    assert mfa("--code", "654321", "--target-profile", "hdoc-mfa", "--duration", "3600") == 0
    text = credentials.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL)
    assert text[len(ORIGINAL) :].startswith("\n[hdoc-mfa]\naws_access_key_id = ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--code", "12345"], "6 digits"),
        (["--code", "abcdef"], "6 digits"),
        (["--code", "123456", "--duration", "60"], "--duration"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(credentials, capsys, arguments, message):
    assert mfa(*arguments) == 1
    assert message in capsys.readouterr().err
    assert credentials.read_text(encoding="utf-8") == ORIGINAL


def test_a_wrong_serial_gets_a_clear_message(credentials, capsys):
    assert (
        main(["aws", "mfa", "--source-profile", "hdoc-admin", "--serial", "my-phone", "--code", "123456"])
        == 1
    )
    assert "not an MFA device serial" in capsys.readouterr().err
    assert credentials.read_text(encoding="utf-8") == ORIGINAL


def test_an_unknown_source_profile_gets_a_clear_message(credentials, capsys):
    assert main(["aws", "mfa", "--source-profile", "nobody", "--serial", SERIAL, "--code", "123456"]) == 1
    assert "no profile named 'nobody'" in capsys.readouterr().err


def test_an_unreadable_credentials_file_gets_a_clear_message(credentials, capsys):
    credentials.write_bytes(b"\xff\xfe not text")
    assert mfa("--code", "123456") == 1
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredToken", "have expired"),
        ("AccessDenied", "check --serial"),
        ("InvalidClientTokenId", "does not recognise"),
    ],
)
def test_sts_refusals_get_clear_messages(credentials, capsys, monkeypatch, code, message):
    from botocore.exceptions import ClientError

    def refuse(self, **_):
        raise ClientError({"Error": {"Code": code, "Message": "refused"}}, "GetSessionToken")

    monkeypatch.setattr("botocore.client.BaseClient._make_api_call", lambda self, name, params: refuse(self))
    assert mfa("--code", "123456") == 1
    assert message in capsys.readouterr().err
    assert credentials.read_text(encoding="utf-8") == ORIGINAL


def test_editing_a_profile_keeps_a_file_without_a_final_newline_whole():
    text = "[a]\nx = 1"
    assert with_profile(text, "b", {"y": "2"}) == "[a]\nx = 1\n\n[b]\ny = 2\n"
    assert with_profile("[b] ; note\ny = 1\n[c]\nz = 3\n", "b", {"y": "2"}) == "[b]\ny = 2\n[c]\nz = 3\n"

"""The target profile: every assumption overridable, every mistake named with its file and key."""

from pathlib import Path

import pytest

from conformance.errors import ConfigError
from conformance.profile import load_profile


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tenant.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_profile_states_the_documented_values() -> None:
    profile = load_profile()
    assert profile.scroll.ttl_seconds == 120.0  # F9
    assert profile.scroll.cap == 9999  # F10
    assert profile.pagination.max_limit == 1000  # A11
    assert profile.pagination.default_limit == 100  # A16
    assert (profile.auth.missing_status, profile.auth.wrong_status, profile.auth.cross_tenant_status) == (
        401,
        401,
        401,
    )  # A3
    assert (profile.scroll.expired_status, profile.scroll.malformed_status) == (404, 400)  # A8
    assert profile.target.base_url == "https://api.cloud4wi.com/v2"  # F1


def test_a_user_profile_overrides_only_the_keys_it_sets(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "[auth]\nwrong_status = 403\n[scroll]\nttl_seconds = 60\n"))
    assert profile.auth.wrong_status == 403
    assert profile.scroll.ttl_seconds == 60.0
    assert profile.auth.missing_status == 401
    assert profile.source.endswith("tenant.toml")


def test_scroll_ttl_override_replaces_the_profile_value() -> None:
    assert load_profile().with_scroll_ttl(3).scroll.ttl_seconds == 3


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[auth]\nwrong_status = 'x'\n", "[auth] wrong_status"),
        ("[auth]\nwrong_stat = 401\n", "[auth] wrong_stat: unknown key"),
        ("[nonsense]\na = 1\n", "[nonsense]: unknown section"),
        ("[scroll]\ncap = -1\n", "[scroll] cap: must not be negative"),
        ("[scroll]\nsnapshot = 1\n", "[scroll] snapshot: expected bool"),
        ("auth = 3\n", "auth: expected a [auth] table"),
        ("[auth\n", "not valid TOML"),
    ],
)
def test_a_malformed_profile_is_one_line_naming_file_and_key(tmp_path: Path, text: str, names: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert str(path) in message
    assert names in message
    assert "\n" not in message


def test_a_missing_profile_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="profile not found"):
        load_profile(tmp_path / "nope.toml")


def test_as_dict_holds_every_section() -> None:
    data = load_profile().as_dict()
    assert set(data) == {"name", "source", "target", "auth", "envelope", "pagination", "scroll", "errors"}
    assert data["scroll"]["cap"] == 9999

"""Tenants: deterministic demo credentials (F4) and a strict tenants file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.errors import ConfigError
from conformance.mock.tenants import TenantRegistry, demo_tenants, load_tenants

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_F4_demo_credentials_are_32_lowercase_hex_and_stable() -> None:
    first, second = demo_tenants(), demo_tenants()
    assert [t.name for t in first] == ["alpha", "beta"]
    for t in first:
        assert HEX32.fullmatch(t.api_key) and HEX32.fullmatch(t.api_secret)
    assert [(t.api_key, t.api_secret) for t in first] == [(t.api_key, t.api_secret) for t in second]
    assert len({t.api_key for t in first} | {t.api_secret for t in first}) == 4


def test_tenant_repr_hides_the_secret() -> None:
    tenant = demo_tenants()[0]
    assert tenant.api_secret not in repr(tenant)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tenants.toml"
    path.write_text(text)
    return path


GOOD = """
[[tenant]]
name = "one"
api_key = "k1"
api_secret = "s1-very-secret"

[[tenant]]
name = "two"
api_key = "k2"
api_secret = "s2-very-secret"
"""


def test_load_tenants_reads_the_tenant_tables(tmp_path: Path) -> None:
    tenants = load_tenants(write(tmp_path, GOOD))
    assert [(t.name, t.api_key, t.api_secret) for t in tenants] == [
        ("one", "k1", "s1-very-secret"),
        ("two", "k2", "s2-very-secret"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[tenant", "not valid TOML"),
        ("x = 1", "expected [[tenant]] tables"),
        (GOOD.split("[[tenant]]", 2)[0] + "[[tenant]]" + GOOD.split("[[tenant]]", 2)[1], "at least two"),
        (GOOD.replace('"two"', '"one"'), "tenant 'one': name is not unique"),
        (GOOD.replace('"k2"', '"k1"'), "tenant 'one': api_key is not unique"),
        (GOOD.replace('"s2-very-secret"', '""'), "tenant 'two': api_secret must be a non-empty string"),
        (GOOD.replace('api_key = "k1"', "api_key = 7"), "tenant 'one': api_key must be a non-empty string"),
        (GOOD.replace('name = "one"', ""), "tenant #1: name must be a non-empty string"),
        (GOOD + 'colour = "red"\n', "tenant 'two': unknown key 'colour'"),
    ],
)
def test_a_malformed_tenants_file_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_tenants(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message and "very-secret" not in message


def test_a_missing_tenants_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read tenants file"):
        load_tenants(tmp_path / "absent.toml")


def test_A14_renewed_secret_replaces_the_old_one_and_reset_restores_it() -> None:
    registry = TenantRegistry(demo_tenants())
    alpha = registry.get("alpha")
    old = alpha.api_secret
    new = registry.renew_secret("alpha")
    assert HEX32.fullmatch(new) and new != old
    assert registry.authenticate(alpha.api_key, old) is None
    assert registry.authenticate(alpha.api_key, new) is alpha
    registry.reset()
    assert registry.authenticate(alpha.api_key, old) is alpha


def test_A3_key_must_match_its_own_secret_exactly() -> None:
    registry = TenantRegistry(demo_tenants())
    alpha, beta = registry.tenants
    assert registry.authenticate(alpha.api_key, beta.api_secret) is None
    assert registry.authenticate(alpha.api_key + " ", alpha.api_secret) is None
    assert registry.authenticate("", "") is None

"""Where the shipped OpenAPI document and default profile live.

A wheel carries ``specs/`` as ``conformance/_specs``; a source checkout (editable install)
reads the repository's ``specs/`` directly, so there is one copy of each file.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def specs_dir() -> Path:
    bundled = _PACKAGE_DIR / "_specs"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "specs"


def default_spec_path() -> Path:
    return specs_dir() / "cloud4wi-v2.openapi.yaml"


def default_profile_path() -> Path:
    return specs_dir() / "profiles" / "cloud4wi-v2.toml"

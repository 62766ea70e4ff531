"""A run's settings, however they were given (pytest options, CLI flags, environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from conformance.errors import ConfigError

BUDGETS: dict[str, int] = {"quick": 8, "default": 20, "thorough": 100}


@dataclass
class RunOptions:
    target: str | None = None
    profile: str | None = None
    spec: str | None = None
    scroll_ttl: float | None = None
    only: tuple[str, ...] = ()
    max_examples: int | None = None
    budget: str = "default"
    seed: int | None = None
    report_dir: Path = Path("reports")
    api_key: str | None = None
    api_secret: str | None = None
    other_api_key: str | None = None
    other_api_secret: str | None = None
    old_api_secret: str | None = None  # a secret renewed away on the dashboard (A14)
    max_rps: float | None = None
    max_requests: int | None = None
    max_records: int | None = None  # record window of a traversal; None: by target, 0: no window
    rate_share: int = 1  # processes sharing --max-rps and --max-requests (pytest-xdist workers)
    timeout: float = 30.0
    ca_bundle: str | None = None
    allow_http: bool = False
    mock_faults: tuple[str, ...] = ()
    mock_records: int = 25_000
    mock_tenants: str | None = None  # TOML of [[tenant]] for the embedded mock (default: demo)
    baseline: str | None = None  # an earlier results.json to compare with
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def examples(self) -> int:
        if self.max_examples is not None:
            return self.max_examples
        return BUDGETS[self.budget]

    def credentials_from_env(self) -> None:
        """Fill missing credentials from C4W_API_KEY, C4W_API_SECRET, C4W_OTHER_API_KEY/SECRET."""
        env = os.environ
        self.api_key = self.api_key or env.get("C4W_API_KEY") or None
        self.api_secret = self.api_secret or env.get("C4W_API_SECRET") or None
        self.other_api_key = self.other_api_key or env.get("C4W_OTHER_API_KEY") or None
        self.other_api_secret = self.other_api_secret or env.get("C4W_OTHER_API_SECRET") or None
        self.old_api_secret = self.old_api_secret or env.get("C4W_OLD_API_SECRET") or None

    def validate(self) -> None:
        if self.budget not in BUDGETS:
            raise ConfigError(f"unknown budget {self.budget!r} (choose from {', '.join(BUDGETS)})")
        if self.max_examples is not None and self.max_examples < 0:
            raise ConfigError("--max-examples must be 0 or more")
        if self.scroll_ttl is not None and not self.scroll_ttl > 0:
            raise ConfigError("--scroll-ttl must be a positive number of seconds")
        if self.max_rps is not None and not self.max_rps > 0:
            raise ConfigError("--max-rps must be positive")
        if self.max_requests is not None and self.max_requests < 1:
            raise ConfigError("--max-requests must be at least 1")
        if self.max_records is not None and self.max_records < 0:
            raise ConfigError("--max-records must be 0 (no window) or more")
        if not self.timeout > 0:
            raise ConfigError("--timeout must be a positive number of seconds")
        if self.target is None:
            return
        if not self.target.startswith(("http://", "https://")):
            raise ConfigError(f"--target must be an http(s) URL, got {self.target!r}")
        if not (self.api_key and self.api_secret):
            raise ConfigError(
                "--target needs credentials: set C4W_API_KEY and C4W_API_SECRET "
                "(or --api-key/--api-secret-file)"
            )
        if bool(self.other_api_key) != bool(self.other_api_secret):
            raise ConfigError("the second tenant needs both C4W_OTHER_API_KEY and C4W_OTHER_API_SECRET")

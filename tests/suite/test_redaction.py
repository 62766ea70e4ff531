"""Secrets never leave the process in clear: symbolic values, and a safety net over any text."""

from conformance.credentials import mutate
from conformance.exchange import Exchange
from conformance.redaction import Redactor, Sensitive, token_shown

SECRET = "0123456789abcdef0123456789abcdef"
KEY = "fedcba9876543210fedcba9876543210"


def redactor() -> Redactor:
    return Redactor([(SECRET, "$C4W_API_SECRET"), (KEY, "$C4W_API_KEY")])


def test_a_secret_is_replaced_by_its_variable() -> None:
    assert redactor()(f"secret={SECRET}&key={KEY}") == "secret=$C4W_API_SECRET&key=$C4W_API_KEY"


def test_a_near_miss_echo_of_the_secret_is_masked() -> None:
    text = redactor()(f"bad secret {SECRET[:-1]} and {SECRET[3:20]}")
    assert SECRET[:20] not in text and SECRET[3:20] not in text
    assert text.count("<redacted:C4W_API_SECRET>") == 2


def test_unrelated_text_is_kept() -> None:
    assert redactor()("count 25000, id abcabcabcabcabcabc") == "count 25000, id abcabcabcabcabcabc"


def test_an_exchange_renders_credentials_as_shell_variables() -> None:
    exchange = Exchange(
        base_url="http://127.0.0.1:1/v2",
        path="/users",
        params=[("api_key", Sensitive(KEY, "${C4W_API_KEY}")), ("limit", 5), ("q", "a b&c")],
        status=401,
        body=b'{"status":"error"}',
        elapsed=0.0,
    )
    curl = exchange.curl()
    assert curl == 'curl -sS "http://127.0.0.1:1/v2/users?api_key=${C4W_API_KEY}&limit=5&q=a%20b%26c"'
    assert KEY not in curl


def test_mutations_are_shown_as_bash_expressions_over_the_variable() -> None:
    value = Sensitive(SECRET, "${C4W_API_SECRET}")
    truncated = mutate(value, ("truncate", 31, ""))
    assert truncated.actual == SECRET[:31]
    assert truncated.shown == "${C4W_API_SECRET:0:31}"
    replaced = mutate(value, ("replace_char", 5, "x"))
    assert replaced.actual == SECRET[:5] + "x" + SECRET[6:]
    assert replaced.shown == "${C4W_API_SECRET:0:5}x${C4W_API_SECRET:6}"
    assert mutate(value, ("upper", 0, "")).shown == "${C4W_API_SECRET^^}"
    assert SECRET not in repr(value)


def test_scroll_tokens_are_cut_to_a_prefix() -> None:
    assert token_shown("A" * 43) == "AAAAAA..."


def test_a_very_short_value_is_not_scrubbed_from_every_text() -> None:
    assert Redactor([("a", "$C4W_API_KEY")])("a valid json body") == "a valid json body"

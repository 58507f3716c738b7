"""Loading and validating profiles: the default file, clear messages for every kind of mistake."""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.config.config_reader import load_config
from tui.config.default_config import DEFAULT_CONFIG
from tui.config.key_table import record_key
from tui.config.paths import config_dir, config_path
from tui.config.profiles import ConfigError, KeySpec, UnknownProfile

Write = Callable[[str], Path]

ENDPOINTS = """
[profiles.lab.endpoints]
rest = "http://127.0.0.1:8080"
ws_api = "ws://127.0.0.1:8080/ws-api/v3"
streams = "ws://127.0.0.1:8080"
"""


def test_first_run_creates_a_commented_private_config() -> None:
    path = config_path()
    assert not path.exists()
    config = load_config()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir().stat().st_mode) == 0o700
    text = path.read_text()
    assert text.startswith("# binance-tui configuration")
    assert "KEYS NEVER GO IN THIS FILE" in text
    assert set(config.profiles) == {"demo", "testnet", "demo-mode", "live"}
    assert config.default_profile == "demo"
    load_config()  # a second run reads the file it wrote
    assert path.read_text() == text


def test_builtin_profiles_list_every_venue() -> None:
    config = load_config()
    demo = config.profile()
    assert demo.name == "demo" and demo.embedded and demo.key is None and not demo.live
    testnet = config.profile("testnet")
    assert testnet.endpoints is not None
    assert testnet.endpoints.rest == "https://testnet.binance.vision"
    assert testnet.endpoints.ws_api == "wss://ws-api.testnet.binance.vision/ws-api/v3"
    assert testnet.endpoints.streams == "wss://stream.testnet.binance.vision"
    assert not testnet.live
    demo_mode = config.profile("demo-mode")
    assert demo_mode.endpoints is not None
    assert demo_mode.endpoints.ws_api == "wss://demo-ws-api.binance.com/ws-api/v3"
    assert demo_mode.endpoints.rest == "https://demo-api.binance.com"
    assert not demo_mode.live
    live = config.profile("live")
    assert live.live and live.confirm_orders and not live.read_only
    assert live.endpoints is not None and live.endpoints.futures_rest == "https://fapi.binance.com"
    # every venue's URL is listed in the file, even where the venue has none ("")
    doc = tomllib.loads(DEFAULT_CONFIG)
    for name in ("testnet", "demo-mode", "live"):
        assert set(doc["profiles"][name]["endpoints"]) == {
            "rest",
            "ws_api",
            "streams",
            "futures_rest",
            "options_rest",
            "options_streams",
        }


def test_custom_profile_with_flags_and_key(write: Write) -> None:
    path = write(
        'default_profile = "lab"\n[profiles.lab]\nread_only = true\nconfirm_orders = false\n'
        + ENDPOINTS
        + '\n[profiles.lab.key]\ntype = "HMAC"\napi_key_env = "LAB_KEY"\nsecret_env = "LAB_SECRET"\n'
    )
    config = load_config(path)
    lab = config.profile()
    assert lab.name == "lab" and lab.read_only and not lab.confirm_orders and not lab.live
    assert lab.key == KeySpec(type="hmac", api_key_env="LAB_KEY", secret_env="LAB_SECRET")
    assert "demo" in config.profiles  # the embedded exchange is always there


def test_private_key_paths_are_relative_to_the_config_file(write: Write) -> None:
    path = write(
        "[profiles.lab]\n"
        + ENDPOINTS
        + '\n[profiles.lab.key]\ntype = "ed25519"\napi_key = "abc"\nprivate_key_file = "keys/lab.pem"\npassphrase = true\n'
    )
    key = load_config(path).profile("lab").key
    assert key is not None and key.private_key_file == path.parent / "keys" / "lab.pem" and key.passphrase


def test_live_is_inferred_from_production_hosts(write: Write) -> None:
    path = write(
        '[profiles.mine.endpoints]\nrest = "https://api.binance.com"\n'
        'ws_api = "wss://ws-api.binance.com/ws-api/v3"\nstreams = "wss://stream.binance.com:9443"\n'
        '[profiles.demoish.endpoints]\nrest = "https://demo-api.binance.com"\n'
        'ws_api = "wss://demo-ws-api.binance.com/ws-api/v3"\nstreams = "wss://demo-stream.binance.com"\n'
    )
    config = load_config(path)
    assert config.profile("mine").live
    assert not config.profile("demoish").live


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(UnknownProfile) as info:
        load_config().profile("nope")
    message = str(info.value)
    assert "'nope'" in message and str(config_path()) in message and "testnet" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[profiles.lab\nrest = 1\n", ["not valid TOML", "line 1"]),
        ('colour = "red"\n', [":1:", "unknown key 'colour'", "top level"]),
        ("[profiles.lab]\nembeded = true\n", [":2:", "unknown key 'embeded'", "[profiles.lab]", "embedded"]),
        (
            "[profiles.lab]\n" + ENDPOINTS + 'rest_url = "http://x"\n',
            [":7:", "unknown key 'rest_url'", "[profiles.lab.endpoints]"],
        ),
        ("[profiles.lab]\nlive = false\n", [":1:", "needs [profiles.lab.endpoints]"]),
        (
            '[profiles.lab.endpoints]\nrest = "http://127.0.0.1"\nws_api = "ws://127.0.0.1/ws-api/v3"\n',
            [":1:", "missing streams"],
        ),
        (ENDPOINTS.replace('"ws://127.0.0.1:8080/ws-api/v3"', '"http://127.0.0.1:8080"'), [":4:", "ws_api", "ws://"]),
        ("[profiles.lab]\nread_only = 'yes'\n", [":2:", "read_only must be true or false"]),
        ('default_profile = "nope"\n', [":1:", "default_profile 'nope'"]),
        ("[profiles.demo]\nembedded = true\n" + ENDPOINTS.replace("lab", "demo"), ["embedded", "remove its endpoints"]),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "dsa"\napi_key = "a"\n',
            [":7:", "key type must be one of ed25519, rsa, hmac"],
        ),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "hmac"\napi_key = "a"\napi_key_env = "B"\nsecret_env = "S"\n',
            [":6:", "exactly one of api_key or api_key_env"],
        ),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "hmac"\napi_key = "a"\nprivate_key_file = "k.pem"\n',
            [":9:", "an hmac key has a secret"],
        ),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "ed25519"\napi_key = "a"\nsecret_env = "S"\n',
            [":9:", "PEM private key"],
        ),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "ed25519"\napi_key = "a"\nprivate_key_env = "not a name"\n',
            [":9:", "not an environment variable name"],
        ),
        (
            ENDPOINTS + '[profiles.lab.key]\ntype = "rsa"\napi_key = "a"\nsecret = "s3cr3t"\n',
            [":9:", "unknown key 'secret'"],
        ),
        ('[profiles."bad name"]\nembedded = true\n', ["profile name 'bad name'"]),
    ],
)
def test_mistakes_name_the_file_and_line(write: Write, text: str, expected: list[str]) -> None:
    path = write(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message, message


def test_a_missing_config_file_is_named_when_not_created(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml", create=False)


def test_secret_values_in_a_bad_key_table_are_not_quoted(write: Write) -> None:
    path = write(ENDPOINTS + '[profiles.lab.key]\ntype = "rsa"\napi_key = "a"\nsecret = "s3cr3t-value"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "s3cr3t-value" not in str(info.value)


def test_record_key_adds_a_key_table_and_keeps_comments() -> None:
    load_config()
    path = config_path()
    spec = KeySpec(
        type="ed25519", api_key="A" * 64, private_key_file=path.parent / "keys" / "testnet-ed25519.pem", passphrase=True
    )
    config = record_key("testnet", spec, path)
    assert config.profile("testnet").key == spec
    text = path.read_text()
    assert "# binance-tui configuration" in text and "# [profiles.testnet.key]" in text
    assert 'private_key_file = "keys/testnet-ed25519.pem"' in text  # relative to the config file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # recording again replaces the table rather than adding a second one
    again = KeySpec(type="ed25519", api_key="B" * 64, private_key_file=spec.private_key_file, passphrase=True)
    record_key("testnet", again, path)
    reloaded = load_config(path)
    assert reloaded.profile("testnet").key == again
    assert path.read_text().count("\n[profiles.testnet.key]") == 1
    assert reloaded.profile("live").key is None and reloaded.profile("demo-mode").endpoints is not None


def test_record_key_refuses_the_embedded_profile() -> None:
    load_config()
    with pytest.raises(ConfigError, match="not a venue profile"):
        record_key("demo", KeySpec(type="ed25519", api_key="a", private_key_file=Path("/k.pem")))


@pytest.fixture
def write(write_config: Write) -> Write:
    return write_config

"""Recording a profile's key in the config file: writing its `[profiles.NAME.key]` table and keeping
everything else (comments included) as it was.
"""

from __future__ import annotations

from pathlib import Path

from tui.config.config_reader import load_config, parse_config
from tui.config.default_config import write_private_text
from tui.config.paths import config_path
from tui.config.profiles import Config, ConfigError, KeySpec
from tui.config.toml_text import TomlLocator, dotted_name, toml_string


def render_key(spec: KeySpec, base: Path) -> str:
    """The `[profiles.NAME.key]` body lines for `spec` (paths under `base` written relative to it)."""

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(base))
        except ValueError:
            return str(p)

    lines = [f"type = {toml_string(spec.type)}"]
    if spec.api_key:
        lines.append(f"api_key = {toml_string(spec.api_key)}")
    for name in ("api_key_env", "secret_env", "private_key_env"):
        value = getattr(spec, name)
        if value:
            lines.append(f"{name} = {toml_string(value)}")
    for name in ("secret_file", "private_key_file"):
        value = getattr(spec, name)
        if value is not None:
            lines.append(f"{name} = {toml_string(rel(value))}")
    if spec.type != "hmac":
        lines.append(f"passphrase = {'true' if spec.passphrase else 'false'}")
    return "\n".join(lines) + "\n"


def record_key(profile: str, spec: KeySpec, path: Path | None = None) -> Config:
    """Write `spec` as `[profiles.<profile>.key]` into the config file, keeping everything else.

    Replaces an existing key table of that profile, or adds one after the profile's last table.
    The result is parsed before it is written, so a failed edit leaves the file as it was.
    """
    path = Path(path) if path is not None else config_path()
    config = load_config(path)
    if profile not in config.profiles or config.profiles[profile].embedded:
        raise ConfigError(f"{path}: profile {profile!r} is not a venue profile in this file; add [profiles.{profile}]")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    headers = [(i, dotted_name(m.group(1))) for i, line in enumerate(lines) if (m := TomlLocator.HEADER.match(line))]
    body = render_key(spec, path.parent)
    key_table = ("profiles", profile, "key")
    mine = [i for i, table in headers if table[:2] == ("profiles", profile)]
    if not mine:
        raise ConfigError(f"{path}: profile {profile!r} has no [profiles.{profile}] table to add the key to")
    existing = [i for i, table in headers if table == key_table]

    def section_end(start: int) -> int:
        """After the table's last setting: comments and blank lines that follow stay below it."""
        later = [i for i, _ in headers if i > start]
        end = later[0] if later else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return end

    if existing:
        start = existing[0]
        lines[start + 1 : section_end(start)] = [body]
    else:
        end = section_end(mine[-1])
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        follows = end < len(lines) and lines[end].strip() != ""
        lines[end:end] = [f"\n[profiles.{profile}.key]\n", body, *(["\n"] if follows else [])]
    text = "".join(lines)
    try:
        new = parse_config(text, path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: could not record the key automatically ({exc}); edit the file by hand") from None
    write_private_text(path, text)
    return new

"""Line-level help with the config file's TOML text: where a table or key is (for `file:line`
messages), and writing a string value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.config.profiles import ConfigError


class TomlLocator:
    """Finds the line of a table or key in the TOML text, so messages can say `file:line`."""

    HEADER = re.compile(r"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = self.HEADER.match(line)
            if header:
                table = dotted_name(header.group(1))
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*table, *dotted_name(key.group(1))), number)

    def at(self, table: tuple[str, ...], key: str | None = None) -> str:
        """`file:line` of `key` in `table` (or of the table), or `file [table] key` if not found."""
        wanted = (*table, key) if key else table
        line = self.lines.get(wanted)
        if line is not None:
            return f"{self.path}:{line}"
        while table and table not in self.lines:
            table = table[:-1]
        line = self.lines.get(table)
        where = f":{line}" if line else ""
        return f"{self.path}{where} ({'.'.join(wanted)})" if wanted else str(self.path)

    def no_unknown(self, raw: dict[str, Any], table: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        """ConfigError naming the line of the first key of `raw` that is not in `allowed`."""
        for name in raw:
            if name not in allowed:
                section = f"[{'.'.join(table)}]" if table else "the top level"
                raise ConfigError(
                    f"{self.at(table, name)}: unknown key {name!r} in {section}; expected one of {', '.join(allowed)}"
                )

    def boolean(self, raw: dict[str, Any], table: tuple[str, ...], name: str, default: bool) -> bool:
        """`raw[name]` (or `default`), which must be a TOML boolean."""
        value = raw.get(name, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.at(table, name)}: {name} must be true or false, not {value!r}")
        return value


def dotted_name(name: str) -> tuple[str, ...]:
    """The parts of a dotted TOML table or key name, quotes removed."""
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def toml_string(value: str) -> str:
    """`value` as a TOML basic string."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'

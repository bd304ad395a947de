"""Write a pledge mapping as YAML that the strict loader (yamlload) reads back to the same values."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Plain YAML the strict loader accepts: no anchors or aliases, keys in the order given."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML resolves plain scalars by YAML 1.1, the pledge loader by YAML 1.2 core: `1e3` or `0o17` would be
    # written bare and read back as numbers. Quote every string the loader would not read back as that string.
    from tracker.pledges.yamlload import scalar

    resolved = scalar(value, plain=True)
    style = None if isinstance(resolved, str) and resolved == value else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    """Return a pledge mapping as YAML."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


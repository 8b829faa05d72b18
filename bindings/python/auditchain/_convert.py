"""Python values to and from what crosses the C interface.

The checks here are the Python side's own: types (TypeError), and values
that cannot cross a C interface at all (ValueError: embedded NUL characters,
integers outside an unsigned 64-bit range, naive datetimes, non-finite
decimals). Everything else — lengths, formats, the meaning of a value — is
left to the library, which refuses bad input with auditchain.InvalidArgument.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from ._native import MAX_UINT32, MAX_UINT64

Number = Union[Decimal, str, int]
PathLike = Union[str, os.PathLike]

# No circular-reference bookkeeping (a cycle still fails, with RecursionError):
# it costs a third of the encoding time of a batch.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)
_UTC = _dt.timezone.utc


def to_json(value: Any) -> str:
    """Compact JSON text of `value`; TypeError/ValueError for what JSON cannot hold."""
    return _ENCODER.encode(value)


def json_bytes(value: Any) -> bytes:
    """`value` as UTF-8 JSON for a ``const char*`` parameter."""
    return to_json(value).encode("utf-8")


def text(name: str, value: Any) -> str:
    """`value`, which must be a str."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    return value


def optional_text(name: str, value: Any) -> Optional[str]:
    return None if value is None else text(name, value)


def c_text(name: str, value: Any) -> bytes:
    """A str as UTF-8 for a ``const char*`` parameter: no NUL characters."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{name} must not contain NUL characters")
    return value.encode("utf-8")


def c_path(name: str, value: Any) -> bytes:
    """A file system path (str or os.PathLike) for a ``const char*`` parameter."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes):
        raise TypeError(f"{name} must be str or os.PathLike[str], not bytes")
    return c_text(name, value)


def path_text(value: Any) -> str:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def uint(name: str, value: Any, maximum: int = MAX_UINT64) -> int:
    """An int in [0, maximum] (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value < 0 or value > maximum:
        raise ValueError(f"{name} must be between 0 and {maximum}, not {value}")
    return value


def uint32(name: str, value: Any) -> int:
    return uint(name, value, MAX_UINT32)


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be bool, not {type(value).__name__}")
    return value


def decimal_text(name: str, value: Any) -> str:
    """An exact decimal as the library's text: Decimal, str or int — never float."""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite decimal, not {value}")
        return format(value, "f")  # never an exponent
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        raise TypeError(f"{name} must be Decimal or str, not float: money and scores are exact decimals, "
                        f"never binary floating point (use Decimal({str(value)!r}))")
    raise TypeError(f"{name} must be Decimal or str, not {type(value).__name__}")


def time_text(name: str, value: Any) -> str:
    """An aware datetime as RFC 3339 in UTC with six fractional digits."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with tzinfo, e.g. timezone.utc), not a naive one")
    u = value.astimezone(_UTC)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
            f".{u.microsecond:06d}Z")


_last_time: tuple = ("", None)


def parse_time(value: Optional[str]) -> Optional[_dt.datetime]:
    """The library's RFC 3339 UTC text as an aware datetime (None stays None)."""
    global _last_time
    if value is None:
        return None
    last_text, last = _last_time
    if value == last_text:  # the receipts of a batch share their time
        return last
    parsed = _dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    _last_time = (value, parsed)
    return parsed


def seconds(name: str, value: Any) -> float:
    """A duration given as seconds (int or float) or a timedelta."""
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds or a timedelta, not {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite")
    return float(value)


def strings(name: str, value: Any) -> List[str]:
    """A list of str from an iterable of str; a lone str is a list of one."""
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, (bytes, Mapping)):
        raise TypeError(f"{name} must be a list of str, not {type(value).__name__}")
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{name} must be a list of str, not {type(value).__name__}") from None
    for item in items:
        text(name + " item", item)
    return items


def string_map(name: str, value: Any) -> Dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of str to str, not {type(value).__name__}")
    out = {}
    for k, v in value.items():
        out[text(name + " key", k)] = text(f"{name}[{k!r}]", v)
    return out


def key_texts(name: str, keys: Any, kind: type) -> List[str]:
    """Key texts from one key or an iterable of keys (str or `kind` objects)."""
    if keys is None:
        return []
    if isinstance(keys, (str, kind)):
        keys = [keys]
    elif isinstance(keys, (bytes, Mapping)) or not hasattr(keys, "__iter__"):
        raise TypeError(f"{name} must be a {kind.__name__}, its text, or a list of them; "
                        f"not {type(keys).__name__}")
    out = []
    for k in keys:
        if isinstance(k, kind):
            out.append(k.text)
        elif isinstance(k, str):
            out.append(k)
        else:
            raise TypeError(f"{name} must hold {kind.__name__} objects or their texts, not {type(k).__name__}")
    return out


def key_text(name: str, key: Any, kind: type) -> str:
    """The text of one key: a `kind` object or its text."""
    if isinstance(key, kind):
        return key.text
    if isinstance(key, str):
        return key
    raise TypeError(f"{name} must be a {kind.__name__} or its text, not {type(key).__name__}")


def loads(text_value: str) -> Any:
    return json.loads(text_value)


def decimal_or_none(value: Optional[str]) -> Optional[Decimal]:
    return None if value is None else Decimal(value)


def drop_none(items: Iterable[tuple]) -> Dict[str, Any]:
    return {k: v for k, v in items if v is not None}

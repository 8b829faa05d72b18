"""Events, queries and filters: keyword arguments to the JSON the library reads."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from ._convert import decimal_text, flag, optional_text, string_map, strings, text, time_text, uint


def event(*, action: str, actor: str, actor_kind: Optional[str] = None, on_behalf_of: Optional[str] = None,
          ip: Optional[str] = None, session_id: Optional[str] = None, request_id: Optional[str] = None,
          target_type: Optional[str] = None, target_id: Optional[str] = None, before: Any = None,
          after: Any = None, amount: Any = None, currency: Optional[str] = None,
          metadata: Optional[Mapping[str, str]] = None, sensitive: bool = False, high_risk: bool = False,
          ai_model: Optional[str] = None, ai_model_version: Optional[str] = None, confidence: Any = None,
          source_uri: Optional[str] = None, source_sha256: Optional[str] = None, rule_id: Optional[str] = None,
          rule_version: Optional[str] = None, derived_from: Optional[int] = None,
          overrides: Optional[int] = None, occurred_at: Optional[_dt.datetime] = None,
          idempotency_key: Optional[str] = None, encrypt: Optional[Iterable[str]] = None,
          secret: Optional[Iterable[str]] = None, subject: Optional[str] = None) -> Dict[str, Any]:
    """The event JSON object (docs/FORMAT.md member names) for Tenant.append's keywords.

    Only types are checked here; the library validates the values and
    refuses an incomplete pair (a target type without an id, an amount
    without a currency, AI details without a model) naming the field.
    Written for speed: batches run it once per event.
    """
    if not isinstance(action, str):
        _wrong("action", action, "str")
    if not isinstance(actor, str):
        _wrong("actor", actor, "str")
    a: Dict[str, Any] = {"id": actor}
    if actor_kind is not None:
        a["kind"] = actor_kind if type(actor_kind) is str else _str("actor_kind", actor_kind)
    if on_behalf_of is not None:
        a["on_behalf_of"] = on_behalf_of if type(on_behalf_of) is str else _str("on_behalf_of", on_behalf_of)
    if ip is not None:
        a["ip"] = ip if type(ip) is str else _str("ip", ip)
    if session_id is not None:
        a["session_id"] = session_id if type(session_id) is str else _str("session_id", session_id)
    if request_id is not None:
        a["request_id"] = request_id if type(request_id) is str else _str("request_id", request_id)
    e: Dict[str, Any] = {"action": action, "actor": a}
    if target_type is not None or target_id is not None:
        target = {}
        if target_type is not None:
            target["type"] = target_type if type(target_type) is str else _str("target_type", target_type)
        if target_id is not None:
            target["id"] = target_id if type(target_id) is str else _str("target_id", target_id)
        e["target"] = target
    if before is not None:
        e["before"] = before
    if after is not None:
        e["after"] = after
    if amount is not None or currency is not None:
        money = {}
        if amount is not None:
            money["value"] = amount if type(amount) is str else decimal_text("amount", amount)
        if currency is not None:
            money["currency"] = currency if type(currency) is str else _str("currency", currency)
        e["amount"] = money
    if metadata is not None:
        plain = type(metadata) is dict
        if plain:
            for k, v in metadata.items():
                if type(k) is not str or type(v) is not str:
                    plain = False
                    break
        checked = metadata if plain else string_map("metadata", metadata)
        if checked:
            e["metadata"] = checked
    if sensitive is not False or high_risk is not False:
        if flag("sensitive", sensitive) | flag("high_risk", high_risk):
            e["flags"] = [name for name, on in (("sensitive", sensitive), ("high_risk", high_risk)) if on]
    if (ai_model is not None or ai_model_version is not None or confidence is not None or source_uri is not None
            or source_sha256 is not None or rule_id is not None or rule_version is not None):
        e["ai"] = _ai(ai_model, ai_model_version, confidence, source_uri, source_sha256, rule_id, rule_version)
    if derived_from is not None:
        e["derived_from"] = uint("derived_from", derived_from)
    if overrides is not None:
        e["overrides"] = uint("overrides", overrides)
    if occurred_at is not None:
        e["occurred_at"] = time_text("occurred_at", occurred_at)
    if idempotency_key is not None:
        e["idempotency_key"] = _str("idempotency_key", idempotency_key)
    if encrypt is not None or secret is not None or subject is not None:
        e["protect"] = _present(encrypt=None if encrypt is None else strings("encrypt", encrypt),
                                secret=None if secret is None else strings("secret", secret),
                                subject=optional_text("subject", subject))
    return e


def _wrong(name: str, value: Any, expected: str) -> None:
    raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        _wrong(name, value, "str")
    return value


def _ai(model: Any, model_version: Any, confidence: Any, source_uri: Any, source_sha256: Any, rule_id: Any,
        rule_version: Any) -> Dict[str, Any]:
    ai = _present(model=optional_text("ai_model", model),
                  model_version=optional_text("ai_model_version", model_version),
                  confidence=None if confidence is None else decimal_text("confidence", confidence))
    if source_uri is not None or source_sha256 is not None:
        ai["source"] = _present(uri=optional_text("source_uri", source_uri),
                                sha256=optional_text("source_sha256", source_sha256))
    if rule_id is not None or rule_version is not None:
        ai["rule"] = _present(id=optional_text("rule_id", rule_id), version=optional_text("rule_version", rule_version))
    return ai


def event_from_mapping(fields: Any) -> Dict[str, Any]:
    """event(**fields) for one item of append_batch(); TypeError names an unknown key."""
    if type(fields) is not dict and not isinstance(fields, Mapping):
        raise TypeError(f"each event must be a mapping of keyword arguments, not {type(fields).__name__}")
    return event(**fields)


def _present(**members: Any) -> Dict[str, Any]:
    return {k: v for k, v in members.items() if v is not None}


def _bounds(out: Dict[str, Any], seq_from: Optional[int], seq_to: Optional[int],
            from_: Optional[_dt.datetime], to: Optional[_dt.datetime]) -> None:
    if seq_from is not None:
        out["seq_from"] = uint("seq_from", seq_from)
    if seq_to is not None:
        out["seq_to"] = uint("seq_to", seq_to)
    if from_ is not None:
        out["from"] = time_text("from_", from_)
    if to is not None:
        out["to"] = time_text("to", to)


def _selection(seq_from: Optional[int], seq_to: Optional[int], from_: Optional[_dt.datetime],
               to: Optional[_dt.datetime], texts: Iterable[Tuple[str, Any, str]], sensitive: bool,
               high_risk: bool) -> Dict[str, Any]:
    """What queries and export filters share: bounds, text filters (argument
    name, value, JSON member) and flags."""
    out: Dict[str, Any] = {}
    _bounds(out, seq_from, seq_to, from_, to)
    for name, value, key in texts:
        if value is not None:
            out[key] = text(name, value)
    if flag("sensitive", sensitive):
        out["sensitive_only"] = True
    if flag("high_risk", high_risk):
        out["high_risk_only"] = True
    return out


def query(*, seq_from: Optional[int] = None, seq_to: Optional[int] = None,
          from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None,
          action_prefix: Optional[str] = None, actor: Optional[str] = None, target_type: Optional[str] = None,
          target_id: Optional[str] = None, sensitive: bool = False, high_risk: bool = False,
          limit: Optional[int] = None) -> Dict[str, Any]:
    """The query JSON of Tenant.entries()."""
    texts = (("action_prefix", action_prefix, "action_prefix"), ("actor", actor, "actor_id"),
             ("target_type", target_type, "target_type"), ("target_id", target_id, "target_id"))
    q = _selection(seq_from, seq_to, from_, to, texts, sensitive, high_risk)
    if limit is not None:
        q["limit"] = uint("limit", limit)
    return q


def export_filter(*, seq_from: Optional[int] = None, seq_to: Optional[int] = None,
                  from_: Optional[_dt.datetime] = None, to: Optional[_dt.datetime] = None,
                  action_prefix: Optional[str] = None, actor: Optional[str] = None,
                  target_type: Optional[str] = None, sensitive: bool = False, high_risk: bool = False,
                  ai_below: Any = None) -> Dict[str, Any]:
    """The filter JSON of an export (docs/FORMAT.md "Exports", "Filters")."""
    texts = (("action_prefix", action_prefix, "action_prefix"), ("actor", actor, "actor_id"),
             ("target_type", target_type, "target_type"))
    f = _selection(seq_from, seq_to, from_, to, texts, sensitive, high_risk)
    if ai_below is not None:
        f["ai_below"] = decimal_text("ai_below", ai_below)
    return f


__all__ = ["event", "event_from_mapping", "query", "export_filter"]

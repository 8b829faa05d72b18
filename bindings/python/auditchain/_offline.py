"""Checks that need no ledger: proofs and export bundles."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Union

from . import _native
from ._convert import PathLike, c_path, c_text, json_bytes, key_texts, loads, to_json
from ._keys import VerifierKey
from ._reports import BundleReport, ProofVerdict

Keys = Union[str, VerifierKey, Iterable[Union[str, VerifierKey]]]


def verify_proof(proof: Union[str, bytes, Mapping[str, Any]], keys: Keys = ()) -> ProofVerdict:
    """Checks an inclusion or consistency proof offline and returns a ProofVerdict.

    `proof` is the proof as a dict (as Tenant.prove() returns it) or its JSON
    text. Without `keys` only the Merkle path is checked; with trusted
    verifier keys (texts or VerifierKey objects) every checkpoint the proof
    refers to must be embedded and signed by one of them. Problems are in the
    verdict (``valid`` False); InvalidArgument only when `proof` is not a
    proof at all.
    """
    if isinstance(proof, Mapping):
        proof_text = to_json(dict(proof))
    elif isinstance(proof, bytes):
        proof_text = proof.decode("utf-8")
    else:
        proof_text = proof
    key_list = key_texts("keys", keys, VerifierKey)
    raw = _native.call_text(_native.fn.verify_proof, c_text("proof", proof_text),
                            json_bytes(key_list) if key_list else None)
    return ProofVerdict._from_json(loads(raw))


def verify_bundle(directory: PathLike, keys: Keys) -> BundleReport:
    """Checks an export bundle offline against trusted verifier `keys`; returns a BundleReport.

    Checks the checkpoint's signature, every file's SHA-256, each entry's
    inclusion proof, the CSV against the entries, contiguity, counts and
    control totals (docs/FORMAT.md "Verifying a bundle"). Problems are
    findings in the report; raises NotFound when `directory` holds no
    manifest.json and InvalidArgument when no key is given.
    """
    key_list = key_texts("keys", keys, VerifierKey)
    raw = _native.call_text(_native.fn.verify_bundle, c_path("directory", directory), json_bytes(key_list))
    return BundleReport._from_json(loads(raw))


__all__ = ["verify_proof", "verify_bundle"]

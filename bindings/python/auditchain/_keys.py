"""Keys: Ed25519 signer and verifier keys for checkpoints, master keys for protected values.

Keys are kept in their text forms (docs/FORMAT.md section 8 for signed-note
keys; 64 hex digits for a master key). The secret ones never show in repr()
or str(): their text is reached only through ``.text``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from typing import NamedTuple

from . import _native
from ._convert import PathLike, c_text, text


def _read_key_file(path: PathLike) -> str:
    with open(path, "r", encoding="utf-8") as f:
        return f.read().strip()


def _write_key_file(path: PathLike, content: str, mode: int) -> None:
    """Creates `path` with `mode`; never overwrites (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(content + "\n")


class VerifierKey:
    """A public Ed25519 verifier key: ``<name>+<key id>+<base64 key>``.

    Give it (or its text) wherever checkpoints and proofs are checked:
    ``verify(keys=...)``, :func:`verify_proof`, :func:`verify_bundle`.
    """

    __slots__ = ("text",)

    def __init__(self, text_form: str) -> None:
        self.text: str = text("verifier key", text_form).strip()

    @classmethod
    def load(cls, path: PathLike) -> "VerifierKey":
        """Reads a verifier key file (surrounding whitespace ignored)."""
        return cls(_read_key_file(path))

    def save(self, path: PathLike) -> None:
        """Writes the key to a new file `path`, mode 0644 (FileExistsError if it exists)."""
        _write_key_file(path, self.text, 0o644)

    @property
    def name(self) -> str:
        """The key's name, as written in every signature line."""
        return self.text.split("+", 2)[0]

    @property
    def key_id(self) -> str:
        """The key id: 8 hexadecimal digits."""
        parts = self.text.split("+", 2)
        return parts[1] if len(parts) == 3 else ""

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"VerifierKey({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifierKey) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("VerifierKey", self.text))


class SignerKey:
    """A secret Ed25519 signer key: ``PRIVATE+KEY+<name>+<key id>+<base64 seed>``.

    Signs checkpoints and seals (:meth:`Tenant.checkpoint`, :meth:`Tenant.seal`,
    bundles, automatic checkpoints). Its text is the secret: keep it in a file
    of mode 0600 (:meth:`save`). repr() and str() never show it.
    """

    __slots__ = ("text",)

    def __init__(self, text_form: str) -> None:
        self.text: str = text("signer key", text_form).strip()

    @classmethod
    def load(cls, path: PathLike) -> "SignerKey":
        """Reads a signer key file (surrounding whitespace ignored)."""
        return cls(_read_key_file(path))

    def save(self, path: PathLike) -> None:
        """Writes the key to a new file `path` with mode 0600 (FileExistsError if it exists)."""
        _write_key_file(path, self.text, 0o600)

    @property
    def name(self) -> str:
        """The key's name."""
        parts = self.text.split("+", 4)
        return parts[2] if len(parts) == 5 else ""

    @property
    def key_id(self) -> str:
        """The key id: 8 hexadecimal digits."""
        parts = self.text.split("+", 4)
        return parts[3] if len(parts) == 5 else ""

    def __repr__(self) -> str:
        return f"<SignerKey {self.name}+{self.key_id} (secret)>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SignerKey) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("SignerKey", self.text))


class MasterKey:
    """A 256-bit master key for protected values (64 hex digits, or base64 of 32 bytes).

    Give it to :func:`open` (``master_keys=[key]``) to write and read
    encrypted values. The ledger stores only its ``id``. repr() and str()
    never show the key. Raises ValueError when the text is neither form.
    """

    __slots__ = ("text", "_bytes")

    def __init__(self, text_form: str) -> None:
        value = text("master key", text_form).strip()
        raw = b""
        if len(value) == 64:
            try:
                raw = bytes.fromhex(value)
            except ValueError:
                raw = b""
        if not raw:
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
        if len(raw) != 32:
            raise ValueError("master key: must be 64 hexadecimal digits or base64 of 32 bytes")
        self.text: str = value
        self._bytes = raw

    @classmethod
    def generate(cls) -> "MasterKey":
        """A new random key (from the library's random source)."""
        return generate_master_key()

    @classmethod
    def load(cls, path: PathLike) -> "MasterKey":
        """Reads a master key file (as ``auditchain keygen-master`` writes it)."""
        return cls(_read_key_file(path))

    def save(self, path: PathLike) -> None:
        """Writes the key to a new file `path` with mode 0600 (FileExistsError if it exists)."""
        _write_key_file(path, self.text, 0o600)

    @property
    def id(self) -> str:
        """The key's public id: 16 hex digits, derived one-way from the key."""
        return hashlib.blake2b(b"auditchain master key id", key=self._bytes, digest_size=8).hexdigest()

    def __repr__(self) -> str:
        return f"<MasterKey id {self.id} (secret)>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MasterKey) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(("MasterKey", self.id))


class KeyPair(NamedTuple):
    """What :func:`keygen` returns: ``signer, verifier = auditchain.keygen(name)``."""

    signer: SignerKey
    verifier: VerifierKey


def keygen(name: str) -> KeyPair:
    """A new Ed25519 key pair named `name` for signing checkpoints.

    The name is written in every signature; a domain name you control is a
    good choice. Raises InvalidArgument for a name with spaces, ``+`` or
    control characters.
    """
    signer = _native.c_void_p()
    verifier = _native.c_void_p()
    err = _native.c_void_p()
    try:
        code = _native.fn.keygen(c_text("name", name), _native.byref(signer), _native.byref(verifier),
                                 _native.byref(err))
        _native.check(code, err)
        signer_text = _native.take_text(signer) or ""
        verifier_text = _native.take_text(verifier) or ""
    finally:
        for p in (signer, verifier, err):
            _native.take_text(p)
    return KeyPair(SignerKey(signer_text), VerifierKey(verifier_text))


def generate_master_key() -> MasterKey:
    """A new random master key for protected values."""
    return MasterKey(_native.call_text(_native.fn.master_key_generate))


__all__ = ["VerifierKey", "SignerKey", "MasterKey", "KeyPair", "keygen", "generate_master_key"]

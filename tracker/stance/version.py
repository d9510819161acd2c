"""The rules' version: a digest of the rule sources, so that any change to a rule changes it.

Every statement carries the scorer version (rules, lexicon, gazetteer, model); `tracker rescore`
rescores what an older version produced. A version bumped by hand was forgotten as often as not; a
digest of the package's .py files cannot be. Line endings are normalised so a checkout on another
platform gets the same version.
"""

from __future__ import annotations

import hashlib
from importlib import resources


def rules_digest() -> str:
    """Ten hex digits of a SHA-1 over the names and contents of tracker/stance/*.py."""
    digest = hashlib.sha1()
    files = sorted((f for f in resources.files("tracker.stance").iterdir() if f.name.endswith(".py")),
                   key=lambda f: f.name)
    for f in files:
        digest.update(f.name.encode("utf-8") + b"\0")
        digest.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:10]


RULES_VERSION = rules_digest()

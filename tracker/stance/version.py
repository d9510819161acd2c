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
    """Ten hex digits of a SHA-1 over the names and contents of tracker/stance/**/*.py (the learned
    decision's candidates and features included: they decide what the model sees)."""
    digest = hashlib.sha1()
    files = []
    for folder, prefix in ((resources.files("tracker.stance"), ""),
                           (resources.files("tracker.stance").joinpath("learned"), "learned/")):
        files += [(prefix + f.name, f) for f in folder.iterdir() if f.name.endswith(".py")]
    for name, f in sorted(files, key=lambda x: x[0]):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:10]


RULES_VERSION = rules_digest()

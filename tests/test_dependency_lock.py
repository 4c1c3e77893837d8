"""requirements.lock pins every installed package, and pyproject.toml's pins agree with it."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        assert version, f"requirements.lock: {line!r} is not pinned with =="
        pins[canonical(name.split("[")[0])] = version
    return pins


def test_every_direct_dependency_is_pinned_exactly_and_locked_alike():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = locked()
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        assert version, f"pyproject.toml: {requirement!r} is not pinned with =="
        assert pins.get(canonical(name.split("[")[0])) == version, requirement


def test_modelsearch_is_pinned_exactly():
    # search/ranking.py builds on modelsearch's query compilers.
    assert "modelsearch" in locked()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("modelsearch==") for r in project["dependencies"])


def test_the_installed_packages_are_the_locked_ones():
    """What `make` installed is what the lock says: a transitive package that moved (or a lock
    not regenerated after a change in pyproject.toml) fails here."""
    pins = locked()
    installed = {
        canonical(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"]
    }
    ignored = {"pip", "setuptools", "wheel", "styrdok"}
    differing = {
        name: (version, pins.get(name))
        for name, version in installed.items()
        if name not in ignored and pins.get(name) != version
    }
    assert differing == {}, "installed (version, locked): run `make lock`"

"""The build's YAML parser (libyaml's, where PyYAML has it) reads every YAML file of the
project into the same values as PyYAML's pure-Python safe loader."""

from __future__ import annotations

import pytest
import yaml

from site_build.core import yaml_files
from site_build.core.layout import ROOT

PROJECT_YAML = sorted(
    path
    for folder in ("claims", "site_build/catalogs", "snippets")
    for path in (ROOT / folder).rglob("*.yaml")
)


def test_libyaml_is_used_where_pyyaml_has_it():
    if yaml.__with_libyaml__:
        assert yaml_files.SafeLoader is yaml.CSafeLoader
    else:
        assert yaml_files.SafeLoader is yaml.SafeLoader


@pytest.mark.parametrize("path", PROJECT_YAML, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_project_file_reads_as_the_pure_python_loader_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert yaml_files.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_it_still_refuses_python_tags():
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml_files.safe_load("!!python/object/apply:os.system ['true']")

"""The generated reference, manifest, TypeScript types and editor files (issue 14)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from stigg_portal import reference
from stigg_portal.elements import EVENTS, all_widgets
from stigg_portal.texts import DEFAULT_TEXTS
from stigg_portal.theme import THEME_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "js"
NODE_MODULES = JS / "node_modules"
TYPES = JS / "types"


def test_docs_reference_is_up_to_date():
    """docs/reference.md is generated; regenerate with `stigg-portal reference` when this fails."""
    checked_in = (ROOT / "docs" / "reference.md").read_text()
    assert checked_in == reference.reference_markdown(), (
        "docs/reference.md is stale: run `python -m stigg_portal.cli reference`"
    )


def test_reference_is_deterministic():
    assert reference.reference_markdown() == reference.reference_markdown()
    assert json.dumps(reference.custom_elements_manifest("0.1.0")) == json.dumps(
        reference.custom_elements_manifest("0.1.0"))


def test_reference_lists_every_text_theme_key_event_and_element():
    md = reference.reference_markdown()
    for ref in reference.text_refs():
        assert f"| `{ref.key}` | `{ref.attribute}` |" in md
    assert "| `planCTAButton.startTrial` | `text-plan-cta-button-start-trial` | `Start {trialDays} day trial` " \
           "| `{trialDays}` |" in md
    assert "camelCase" in md
    for key, value in THEME_DEFAULTS.items():
        assert f"| `{key}` | `--stigg-" in md and f"`{value}`" in md
    assert "| `palette.primary` | `--stigg-palette-primary` | `#1E63CC` |" in md
    for tag in all_widgets():
        assert f"`<{tag}>`" in md
    for event in EVENTS:
        assert f"| `{event}` |" in md
    for code in ("unauthorized", "not-found", "network", "timeout", "bad-response", "bad-config", "runtime",
                 "render"):
        assert f"| `{code}` |" in md
    assert "| `scenario` | `scenario` | `string` | `paid` |" in md
    assert "`MONTHLY`, `ANNUALLY`" in md


def _count_texts(tree):
    return sum(_count_texts(v) if isinstance(v, dict) else 1 for v in tree.values())


def test_manifest_carries_default_texts_and_theme_properties():
    manifest = reference.custom_elements_manifest("0.1.0")
    declarations = {d["tagName"]: d for d in manifest["modules"][0]["declarations"]}
    usage = declarations["stigg-usage"]
    attrs = {a["name"]: a for a in usage["attributes"]}
    assert attrs["text-manage-subscription"]["description"].endswith('default: "Manage"')
    assert "placeholders: {days}" in attrs["text-resets-monthly"]["description"]
    assert not [a for a in usage["attributes"] if a["description"] == "Text override"]
    assert len([a for a in attrs if a.startswith("text-")]) == _count_texts(DEFAULT_TEXTS)
    props = {p["name"]: p for p in usage["cssProperties"]}
    assert props["--stigg-palette-primary"]["default"] == "#1E63CC"
    assert len(props) == len(THEME_DEFAULTS)
    assert attrs["timeout"]["type"]["text"] == "number"
    error = {e["name"]: e for e in usage["events"]}["stigg-error"]
    assert "code: StiggErrorCode" in error["type"]["text"]


def test_manifest_validates_against_the_custom_elements_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = NODE_MODULES / "custom-elements-manifest" / "schema.json"
    if not schema_path.exists():
        pytest.skip("npm install --prefix tests/js (scripts/test.sh) installs the schema")
    schema = json.loads(schema_path.read_text())
    manifest = reference.custom_elements_manifest("0.1.0")
    jsonschema.validate(manifest, schema)
    # the whole-file schema accepts any declaration as a plain class: check each one as a custom element
    element_schema = {**schema, "$ref": "#/definitions/CustomElementDeclaration"}
    element_schema.pop("properties")
    element_schema.pop("required")
    declarations = manifest["modules"][0]["declarations"]
    for declaration in declarations:
        jsonschema.validate(declaration, element_schema)
    broken = json.loads(json.dumps(declarations[0]))
    broken["cssProperties"] = [{"default": "x"}]  # a custom property without its name
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, element_schema)


def test_editor_files_list_every_element():
    tags = set(all_widgets())
    vscode = reference.vscode_custom_data()
    assert {t["name"] for t in vscode["tags"]} == tags
    portal = {t["name"]: t for t in vscode["tags"]}["stigg-customer-portal"]
    scenario = {a["name"]: a for a in portal["attributes"]}["scenario"]
    assert {"name": "trial"} in scenario["values"]
    web = reference.web_types("0.1.0")
    assert {e["name"] for e in web["contributions"]["html"]["elements"]} == tags
    package = reference.dist_package_json("0.1.0")
    assert package["customElements"] == "custom-elements.json"
    assert package["types"] == "stigg-portal.d.ts"
    assert package["exports"]["."]["default"] == "./stigg-portal.js"


def test_cli_writes_the_reference(tmp_path):
    from stigg_portal import cli

    out = tmp_path / "reference.md"
    assert cli.main(["reference", "--output", str(out)]) == 0
    assert out.read_text() == reference.reference_markdown()


# --------------------------------------------------------------------------------- TypeScript
def _tsc(tmp_path: Path, fixture: str, *, with_packages: bool = True) -> subprocess.CompletedProcess:
    tsc = NODE_MODULES / "typescript" / "bin" / "tsc"
    if not tsc.exists() or not shutil.which("node"):
        pytest.skip("needs node and npm install --prefix tests/js (scripts/test.sh)")
    work = tmp_path / "types"
    work.mkdir()
    if with_packages:
        (work / "node_modules").symlink_to(NODE_MODULES)
    (work / "stigg-portal.d.ts").write_text(reference.typescript_declarations())
    (work / "react.d.ts").write_text(reference.react_declarations())
    (work / "vue.d.ts").write_text(reference.vue_declarations())
    shutil.copy(TYPES / fixture, work / fixture)
    return subprocess.run(
        ["node", str(tsc), "--noEmit", "--strict", "--jsx", "react-jsx", "--module", "esnext",
         "--moduleResolution", "bundler", "--target", "es2022", "--lib", "es2022,dom", "--skipLibCheck",
         "false", fixture],
        check=False, cwd=work, capture_output=True, text=True, timeout=180,
    )


@pytest.mark.parametrize("fixture", ["react-ok.tsx", "vue-ok.ts"])
def test_types_accept_correct_use(tmp_path, fixture):
    run = _tsc(tmp_path, fixture)
    assert run.returncode == 0, run.stdout + run.stderr


def test_core_types_need_no_framework(tmp_path):
    declarations = reference.typescript_declarations()
    assert "react" not in declarations.lower() and '"vue"' not in declarations
    run = _tsc(tmp_path, "core-ok.ts", with_packages=False)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("fixture,expected", [
    ("react-bad.tsx", ['"WEEKLY"', "number", "Expected 0 arguments"]),
    ("vue-bad.ts", ['"WEEKLY"']),
])
def test_types_reject_misuse(tmp_path, fixture, expected):
    run = _tsc(tmp_path, fixture)
    assert run.returncode != 0
    for text in expected:
        assert text in run.stdout, run.stdout


def test_build_writes_the_editor_files(tmp_path):
    from stigg_portal import build

    build.write_editor_files(tmp_path, "0.1.0")
    for name in ("custom-elements.json", "stigg-portal.d.ts", "react.d.ts", "vue.d.ts", "vscode.html-custom-data.json", "web-types.json",
                 "package.json"):
        assert (tmp_path / name).stat().st_size > 100, name
    package = json.loads((tmp_path / "package.json").read_text())
    assert package["version"] == "0.1.0"
    assert (tmp_path / package["customElements"]).exists() and (tmp_path / package["types"]).exists()
    assert (tmp_path / package["web-types"]).exists()

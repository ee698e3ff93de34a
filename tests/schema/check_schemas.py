#!/usr/bin/env python3
"""Checks the JSON schemas against the examples and fixtures.

- every examples/*.yaml and tests/fixtures/manifests/valid/*.yaml validates against schemas/manifest.schema.json;
- every tests/fixtures/manifests/schema-invalid/* fails it;
- if schemas/plan.schema.json exists: tests/fixtures/plans/valid/*.json pass it and
  tests/fixtures/plans/invalid/*.json fail it;
- the golden drift report (tests/unit/render/golden/drift.json) passes schemas/drift.schema.json.
- tests/fixtures/snapshots/valid/*.json pass schemas/snapshot.schema.json and
  tests/fixtures/snapshots/invalid/*.json fail it.
- schemas/validate.schema.json: the golden `validate --format json` documents
  (tests/unit/render/golden/validate*.json) and tests/fixtures/validate/valid/*.json pass it,
  tests/fixtures/validate/invalid/*.json fail it, and (when RA_BIN names the built tool) what
  `validate --format json` prints for every manifest fixture and example passes it too.
Uses only the standard library plus Debian's python3-jsonschema and python3-yaml.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(os.environ.get("RA_SOURCE_DIR") or Path(__file__).resolve().parents[2])


def load_schema(name):
    path = ROOT / "schemas" / name
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load_yaml(path):
    # PyYAML's loader differs from yaml-cpp (YAML 1.1 booleans, anchors); fixtures here are
    # limited to what both read the same way.
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check(validator, files, loader, should_pass, failures):
    for path in files:
        try:
            errors = list(validator.iter_errors(loader(path)))
        except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as e:
            errors = [f"unreadable: {e.__class__.__name__}"]
        ok = not errors
        verdict = "valid" if ok else "invalid"
        print(f"{'ok ' if ok == should_pass else 'FAIL'} {path.relative_to(ROOT)}: {verdict}")
        if ok != should_pass:
            for err in errors[:3]:
                print(f"      {getattr(err, 'message', err)}")
            failures.append(path)


def main():
    failures = []
    manifest = load_schema("manifest.schema.json")
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    examples += sorted((ROOT / "tests/fixtures/manifests/valid").glob("*.yaml"))
    invalid = sorted((ROOT / "tests/fixtures/manifests/schema-invalid").glob("*"))
    if not examples or not invalid:
        print("FAIL nothing to check: examples or schema-invalid fixtures are missing")
        return 1
    check(manifest, examples, load_yaml, True, failures)
    check(manifest, invalid, load_yaml, False, failures)
    checked = len(examples) + len(invalid)

    if (ROOT / "schemas" / "plan.schema.json").exists():
        plan = load_schema("plan.schema.json")
        load_json = lambda p: json.loads(Path(p).read_text(encoding="utf-8"))
        valid_plans = sorted((ROOT / "tests/fixtures/plans/valid").glob("*.json"))
        invalid_plans = sorted((ROOT / "tests/fixtures/plans/invalid").glob("*.json"))
        check(plan, valid_plans, load_json, True, failures)
        check(plan, invalid_plans, load_json, False, failures)
        checked += len(valid_plans) + len(invalid_plans)
    else:
        print("skip schemas/plan.schema.json: not present")

    # The drift report the renderer tests render (tests/unit/render/golden/drift.json).
    drift = load_schema("drift.schema.json")
    reports = [ROOT / "tests/unit/render/golden/drift.json"]
    check(drift, reports, lambda p: json.loads(Path(p).read_text(encoding="utf-8")), True,
          failures)
    checked += len(reports)

    snapshot = load_schema("snapshot.schema.json")
    load_json = lambda p: json.loads(Path(p).read_text(encoding="utf-8"))
    valid_snapshots = sorted((ROOT / "tests/fixtures/snapshots/valid").glob("*.json"))
    invalid_snapshots = sorted((ROOT / "tests/fixtures/snapshots/invalid").glob("*.json"))
    if not valid_snapshots or not invalid_snapshots:
        print("FAIL nothing to check: snapshot fixtures are missing")
        return 1
    check(snapshot, valid_snapshots, load_json, True, failures)
    check(snapshot, invalid_snapshots, load_json, False, failures)
    checked += len(valid_snapshots) + len(invalid_snapshots)

    checked += check_validate_documents(load_json, failures)

    print(f"{checked} files checked, {len(failures)} failed")
    return 1 if failures else 0


def validate_outputs():
    """What the built tool's `validate --format json` prints for every manifest fixture and
    example, as (name, document) pairs; empty without RA_BIN."""
    tool = os.environ.get("RA_BIN", "")
    if not tool or not os.access(tool, os.X_OK):
        print("skip validate --format json outputs: RA_BIN is not set")
        return []
    manifests = sorted((ROOT / "tests/fixtures/manifests").glob("*/*.yaml"))
    manifests += sorted((ROOT / "examples").glob("*.yaml"))
    outputs = []
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "NO_COLOR": "1"}
        for path in manifests:
            proc = subprocess.run([tool, "validate", "--format", "json", str(path)], env=env,
                                  capture_output=True, text=True, timeout=60)
            name = f"validate --format json {path.relative_to(ROOT)} (exit {proc.returncode})"
            if proc.returncode not in (0, 65) or proc.stderr:
                print(f"FAIL {name}: stderr {proc.stderr!r}")
                outputs.append((name, None))
                continue
            outputs.append((name, json.loads(proc.stdout)))
    return outputs


def check_validate_documents(load_json, failures):
    validator = load_schema("validate.schema.json")
    golden = sorted((ROOT / "tests/unit/render/golden").glob("validate*.json"))
    valid = golden + sorted((ROOT / "tests/fixtures/validate/valid").glob("*.json"))
    invalid = sorted((ROOT / "tests/fixtures/validate/invalid").glob("*.json"))
    if not golden or not invalid:
        print("FAIL nothing to check: validate golden files or fixtures are missing")
        failures.append(ROOT / "tests/fixtures/validate")
        return 0
    check(validator, valid, load_json, True, failures)
    check(validator, invalid, load_json, False, failures)
    outputs = validate_outputs()
    for name, document in outputs:
        errors = ["no document"] if document is None else list(validator.iter_errors(document))
        print(f"{'ok ' if not errors else 'FAIL'} {name}")
        if errors:
            for err in errors[:3]:
                print(f"      {getattr(err, 'message', err)}")
            failures.append(ROOT / name)
    return len(valid) + len(invalid) + len(outputs)


if __name__ == "__main__":
    sys.exit(main())

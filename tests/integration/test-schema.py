#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`nodeinit schema` against python3-jsonschema and against `nodeinit validate`.

The schema must accept every cloud-config nodeinit validates cleanly (the
examples, the golden and cluster user-data, the corpus), and reject what
nodeinit flags: for every key of the table, a value of the wrong type, and
for every key with allowed values or a pattern, a value outside them. YAML
is read as editors read it (YAML 1.2 core schema), since the schema is for
yaml-language-server."""
import base64
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"SKIP: {e.name} is missing (Debian: python3-jsonschema, python3-yaml)")
    sys.exit(77)

NODEINIT = os.environ.get("NODEINIT", "nodeinit")
TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BUILD = os.environ.get("top_builddir", "")

failures = 0


def check(what, ok, detail=""):
    global failures
    if ok:
        print(f"ok: {what}")
    else:
        failures += 1
        print(f"FAIL: {what} {detail}")


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema: yes/no/on/off and 2001-12-14 are strings,
    0744 is a decimal integer, as yaml-language-server reads them."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(regexp), list(first))


def construct_int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


Yaml12Loader.add_constructor("tag:yaml.org,2002:bool",
                             lambda loader, node: loader.construct_scalar(node) in ("true", "True", "TRUE"))
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
# an editor sees the base64 text of a !!binary scalar
Yaml12Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: loader.construct_scalar(node))


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"duplicate keys {sorted(dup)}")
    return dict(pairs)


# --- the schema itself -------------------------------------------------------
p = subprocess.run([NODEINIT, "schema"], capture_output=True, text=True)
check("nodeinit schema exits 0", p.returncode == 0, p.stderr)
schema = json.loads(p.stdout, object_pairs_hook=no_duplicates)
check("draft 2020-12", schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema")
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    check("a valid JSON Schema (metaschema)", True)
except jsonschema.exceptions.SchemaError as e:
    check("a valid JSON Schema (metaschema)", False, e.message)
installed = os.path.join(BUILD, "data", "cloud-config.schema.json")
if BUILD and os.path.exists(installed):
    with open(installed) as f:
        check("the file make installs is what `nodeinit schema` prints", f.read() == p.stdout)
validator = jsonschema.Draft202012Validator(schema)
coreos = schema["$defs"]["coreos"]["properties"]
check("deprecated sections say so", coreos["etcd2"].get("deprecated") is True and
      "no longer shipped" in coreos["etcd2"]["description"], coreos["etcd2"])
check("'-' spelling of a key refers to the '_' one",
      schema["properties"].get("write-files") == {"$ref": "#/properties/write_files"})
check("unknown keys rejected, as nodeinit validate warns about them",
      schema.get("additionalProperties") is False and
      all(d.get("additionalProperties") is False for d in schema["$defs"].values()))


def schema_errors(doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def nodeinit_validate(paths):
    """{path: [(kind, message)]} of nodeinit validate --format=json."""
    out = {}
    for i in range(0, len(paths), 200):
        p = subprocess.run([NODEINIT, "validate", "--format=json", *paths[i:i + 200]],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            check("nodeinit validate runs", False, p.stderr)
            sys.exit(1)
        for r in json.loads(p.stdout):
            out[r["path"]] = [(e["kind"], e["message"]) for e in r["entries"]]
    return out


def flagged(entries):
    """What nodeinit says beyond deprecation (an annotation in the schema)."""
    return [e for e in entries if not e[1].startswith("deprecated key")]


# --- every cloud-config nodeinit takes cleanly validates ---------------------
candidates = sorted(
    glob.glob(os.path.join(TOP, "data/examples/*.yml")) +
    glob.glob(os.path.join(TOP, "tests/golden/*/user-data")) +
    glob.glob(os.path.join(TOP, "tests/cluster/*.yml")) +
    glob.glob(os.path.join(TOP, "tests/fuzz/corpus/config/*")) +
    glob.glob(os.path.join(TOP, "tests/corpus/**/*"), recursive=True))
configs = []
for path in candidates:
    try:
        with open(path, encoding="utf-8") as f:
            if f.readline().rstrip() == "#cloud-config":
                configs.append(path)
    except (IsADirectoryError, UnicodeDecodeError):
        pass
results = nodeinit_validate(configs)
# the examples always; the others where nodeinit has nothing to say
examples = [c for c in configs if "/data/examples/" in c]
check("examples found", len(examples) >= 3, examples)
for path in sorted(set(examples) | {c for c in configs if not flagged(results[c])}):
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Yaml12Loader)
    if doc is None:
        continue
    errors = schema_errors(doc)
    check(f"schema accepts {os.path.relpath(path, TOP)}", not errors, errors)

# --- per key: wrong types and values outside the allowed ones ---------------


def resolve(node):
    while "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def fields(obj, path):
    """(path, property schema) of every canonical key, depth first; path is a
    list of keys, with 0 for the element of a list."""
    for key, prop in obj["properties"].items():
        if set(prop) == {"$ref"}:
            continue  # the '-' spelling of a key
        here = path + [key]
        yield here, prop
        if prop.get("type") == "array" and "$ref" in prop["items"]:
            yield from fields(resolve(prop["items"]), here + [0])
        elif "$ref" in prop:
            yield from fields(resolve(prop), here)


# what a list element needs besides the key under test, so that nodeinit
# has nothing else to say about it
BASE = {"units": {"name": "x.service"}, "drop_ins": {"name": "10-x.conf", "content": "[Unit]\n"},
        "write_files": {"path": "/etc/x"}, "users": {"name": "alice"}}
GZ = gzip.compress(b"hello\n")
ENCODED = {"base64": "aGVsbG8K", "b64": "aGVsbG8K", "gz": GZ, "gzip": GZ}


def document(path, value, extra=None):
    doc = value
    for i in range(len(path) - 1, -1, -1):
        key = path[i]
        if key == 0:
            element = {**BASE[path[i - 1]], **doc}
            if i == len(path) - 2 and extra:
                element.update(extra)
            doc = [element]
        else:
            doc = {key: doc}
    return doc


def kind_of(prop):
    if "anyOf" in prop:
        return "boolean"
    if "enum" in prop:
        return "enum"
    t = prop.get("type")
    if "$ref" in prop:
        return "object"
    return t if isinstance(t, str) else "string"


WRONG_TYPE = {"boolean": "maybe", "integer": "twelve", "number": "twelve", "array": "scalar",
              "object": "scalar", "string": {"a": 1}, "enum": {"a": 1}}
# values a pattern and nodeinit's check both refuse, and both take
PATTERN_CASES = {
    "permissions": (["77777", "12", "rw-r--r--"], ["0644", "644", "1777"]),
    "window_start": (["25:00", "mon 10:60", "someday 10:00"], ["mon 10:00", "Sun 0:5", "23:59"]),
    "window_length": (["1 h", "h1"], ["1h", "30m", "1h30m"]),
    "path": (["etc/x"], ["/etc/x"]),
    "name": (["a/.conf", ".conf"], ["10-x.conf"]),  # drop_ins[].name only: see below
}

cases = []  # (label, doc, schema must accept)
for path, prop in fields(schema, []):
    label = ".".join("[]" if k == 0 else str(k) for k in path)
    kind = kind_of(prop)
    cases.append((f"{label}: wrong type", document(path, WRONG_TYPE[kind]), False))
    if kind == "enum":
        cases.append((f"{label}: outside {prop['enum']}", document(path, "not-" + prop["enum"][0]), False))
        for v in prop["enum"]:
            extra = None
            if path[-1] == "encoding":
                extra = {"content": ENCODED.get(v, base64.b64encode(GZ).decode())}
            cases.append((f"{label}: {v!r}", document(path, v, extra), True))
    if "pattern" in prop:
        key = path[-1]
        if key == "name" and path[-3:-1] != ["drop_ins", 0]:
            continue
        bad, good = PATTERN_CASES.get(key, ([], []))
        check(f"{label}: pattern has test values", bad and good, prop["pattern"])
        cases += [(f"{label}: {v!r} against {prop['pattern']}", document(path, v), False) for v in bad]
        cases += [(f"{label}: {v!r}", document(path, v), True) for v in good]

check("cases for every key", len(cases) > 200, len(cases))
with tempfile.TemporaryDirectory(prefix="nit-schema-") as tmp:
    files = []
    for i, (label, doc, _) in enumerate(cases):
        name = os.path.join(tmp, f"case-{i}.yml")
        with open(name, "w") as f:
            f.write("#cloud-config\n" + yaml.safe_dump(doc, default_flow_style=False))
        files.append(name)
    results = nodeinit_validate(files)
    for (label, doc, good), name in zip(cases, files):
        with open(name) as f:
            seen = yaml.load(f, Loader=Yaml12Loader)
        s_errors = schema_errors(seen)
        n_flags = flagged(results[name])
        if good:
            check(f"{label}: both accept", not s_errors and not n_flags, (s_errors, n_flags))
        else:
            check(f"{label}: both reject", s_errors and n_flags, (s_errors, n_flags))

print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""schema-check.py SCHEMA FILE... - validate JSON documents against a JSON
Schema: with python3-jsonschema when it is installed, else with the strict
subset below (type, enum, properties, required, additionalProperties,
items, oneOf, $ref, minimum, maximum), which is all the schema uses.
Prints one line per problem; exits 1 if there is any."""
import json
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def check(v, s, root, path, errs):
    if "$ref" in s:
        node = root
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return check(v, node, root, path, errs)
    if "oneOf" in s:
        hits = 0
        for sub in s["oneOf"]:
            e = []
            check(v, sub, root, path, e)
            hits += not e
        if hits != 1:
            errs.append("%s: matches %d of oneOf" % (path, hits))
        return
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %r" % (path, v, s["enum"]))
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(is_type(v, t) for t in ts):
            errs.append("%s: %r is not %s" % (path, v, ts))
            return
    if is_type(v, "number"):
        if "minimum" in s and v < s["minimum"]:
            errs.append("%s: %r < %r" % (path, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            errs.append("%s: %r > %r" % (path, v, s["maximum"]))
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: missing %s" % (path, k))
        for k, sub in v.items():
            if k in props:
                check(sub, props[k], root, path + "." + k, errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: unexpected key %s" % (path, k))
    if isinstance(v, list) and "items" in s:
        for i, sub in enumerate(v):
            check(sub, s["items"], root, "%s[%d]" % (path, i), errs)


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    try:
        import jsonschema
        validator = jsonschema.Draft202012Validator(schema)
    except (ImportError, AttributeError):
        validator = None
    bad = 0
    for name in sys.argv[2:]:
        with open(name, encoding="utf-8", errors="strict") as f:
            doc = json.load(f)
        if validator is not None:
            errs = ["%s: %s" % ("/".join(map(str, e.path)), e.message)
                    for e in validator.iter_errors(doc)]
        else:
            errs = []
            check(doc, schema, schema, "$", errs)
        for e in errs:
            print("%s: %s" % (name, e))
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Shape comparison against real cities' GeoReport v2 responses (tests/fixtures/open311/).

A JSON shape is the value with every scalar replaced by its kind; two shapes agree when they have
the same keys at each level and the same kind wherever both are non-null (the spec lets any
optional field be empty). An XML shape is the tree of element names.
"""
import json
import os

from client import xml_tree

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "open311")


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        data = f.read()
    at = data.find(b"<?xml")
    return data[at:] if at > 0 else data


def fixture_json(name):
    return json.loads(fixture(name).decode("utf-8"))


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def json_diff(ours, sample, path="$", keys="same"):
    """Differences between our JSON value and a sample's, as a list of strings (empty: same shape).

    keys: "same" (the same keys at each level) or "superset" (ours may add keys the sample lacks,
    e.g. Chicago's 2014 output leaves out optional fields)."""
    out = []
    ko, ks = kind(ours), kind(sample)
    if "null" in (ko, ks):
        return out
    if ko != ks:
        return ["%s: %s here, %s in the sample" % (path, ko, ks)]
    if ko == "array":
        if ours and sample:
            for i, o in enumerate(ours):
                out += json_diff(o, sample[0], "%s[%d]" % (path, i), keys)
        return out
    if ko == "object":
        mine, theirs = set(ours), set(sample)
        if theirs - mine:
            out.append("%s: missing keys %s" % (path, sorted(theirs - mine)))
        if keys == "same" and mine - theirs:
            out.append("%s: extra keys %s" % (path, sorted(mine - theirs)))
        for k in mine & theirs:
            out += json_diff(ours[k], sample[k], "%s.%s" % (path, k), keys)
    return out


def element_sets(tree):
    """{element name: set of its children's names}, merged over the whole document."""
    out = {}

    def walk(node):
        name, children = node
        if children:
            out.setdefault(name, set()).update(c[0] for c in children)
        for c in children:
            walk(c)
    walk(tree)
    return out


def xml_diff(ours_body, sample_body, allow_extra=None, allow_missing=None):
    """Differences between our XML and a sample's element names (root and each element's children).

    allow_extra / allow_missing: {element: {child names}} the comparison tolerates, for known,
    documented differences (the spec's optional fields)."""
    allow_extra = allow_extra or {}
    allow_missing = allow_missing or {}
    o, s = xml_tree(ours_body), xml_tree(sample_body)
    out = []
    if o[0] != s[0]:
        out.append("root <%s> here, <%s> in the sample" % (o[0], s[0]))
    eo, es = element_sets(o), element_sets(s)
    for name in set(eo) & set(es):
        extra = eo[name] - es[name] - allow_extra.get(name, set())
        missing = es[name] - eo[name] - allow_missing.get(name, set())
        if extra:
            out.append("<%s> has extra children %s" % (name, sorted(extra)))
        if missing:
            out.append("<%s> lacks children %s" % (name, sorted(missing)))
    return out

"""Checks a `jinan export --format bulk` file and the README's OpenSearch mapping with the
opensearch-py client, as a user loading them would meet them (no OpenSearch server runs here).

usage: opensearch_check.py README.md BULK_FILE

- The mapping is the JSON of the README's `curl -XPUT` command, read as written: it must parse,
  and opensearch-py's mapping DSL must accept every field type and give the mapping back unchanged.
- The bulk file: every action/document pair is what the client's own bulk helper makes of the
  document (`expand_action` on `{_op_type, _index, _id, _source}`), and the client's chunker and
  serializer take every action (as `helpers.bulk` would before sending).
- Every document field is in the mapping (nothing left to dynamic mapping) with a value the
  field type accepts: keywords and texts are strings, `date` is `yyyy-MM-dd`, the timestamps
  are ISO 8601 date-times; a null (a missing value to OpenSearch) only where a page has none.

Prints one JSON line of counts; exits 1 with the first problem.
"""

import json
import re
import sys

from opensearchpy.helpers.actions import _chunk_actions, expand_action
from opensearchpy.helpers.mapping import Mapping
from opensearchpy.serializer import JSONSerializer

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


def fail(msg):
    print(f"opensearch_check: {msg}", file=sys.stderr)
    sys.exit(1)


def readme_mapping(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"curl -XPUT \S+ -H 'Content-Type: application/json' -d '(\{.*?\})'\n", text, re.S)
    if not m:
        fail(f"{path}: no `curl -XPUT ... -d '{{...}}'` mapping command")
    try:
        body = json.loads(m.group(1))
    except json.JSONDecodeError as e:
        fail(f"{path}: the mapping is not JSON as written: {e}")
    props = body.get("mappings", {}).get("properties")
    if not props:
        fail(f"{path}: the mapping has no mappings.properties")
    dsl = Mapping()
    try:
        dsl._update_from_dict(body["mappings"])
    except Exception as e:  # the DSL raises its own exception types
        fail(f"{path}: opensearch-py rejects the mapping: {e}")
    if dsl.to_dict() != body["mappings"]:
        fail(f"{path}: opensearch-py reads the mapping differently: {dsl.to_dict()}")
    return props


def check_value(field, spec, value, where):
    kind = spec["type"]
    if value is None:
        # OpenSearch indexes a null as a missing value; the key fields are never missing.
        if field in ("id", "url"):
            fail(f"{where}: {field} is null")
        return
    if kind in ("keyword", "text"):
        if not isinstance(value, str):
            fail(f"{where}: {field} is not a string: {value!r}")
    elif kind == "date":
        pattern = DAY if spec.get("format") == "yyyy-MM-dd" else INSTANT
        if not isinstance(value, str) or not pattern.match(value):
            fail(f"{where}: {field} {value!r} does not fit the mapping's {kind} format")
    else:
        fail(f"{where}: no check for mapping type {kind}")


def main():
    readme, bulk = sys.argv[1], sys.argv[2]
    props = readme_mapping(readme)
    lines = open(bulk, encoding="utf-8").read().splitlines()
    if len(lines) % 2:
        fail(f"{bulk}: an odd number of lines ({len(lines)}): an action without its document")
    actions = []
    indices = set()
    for i in range(0, len(lines), 2):
        where = f"{bulk}:{i + 1}"
        action, doc = json.loads(lines[i]), json.loads(lines[i + 1])
        meta = action.get("index")
        if not isinstance(meta, dict) or len(action) != 1:
            fail(f"{where}: not an index action: {lines[i]}")
        if meta.get("_id") != doc.get("id"):
            fail(f"{where}: _id {meta.get('_id')!r} is not the document's id {doc.get('id')!r}")
        indices.add(meta.get("_index"))
        for field, value in doc.items():
            if field not in props:
                fail(f"{where}: field {field!r} is not in the README's mapping")
            check_value(field, props[field], value, where)
        source = {"_op_type": "index", "_id": meta["_id"], "_source": doc}
        if "_index" in meta:
            source["_index"] = meta["_index"]
        want_action, want_doc = expand_action(source)
        if want_action != action or want_doc != doc:
            fail(f"{where}: the client makes {want_action} / {want_doc} of this document")
        actions.append(source)
    serializer = JSONSerializer()
    chunks = list(_chunk_actions(map(expand_action, actions), 500, 10 * 1024 * 1024, serializer))
    sent = sum(len(bulk_data) for bulk_data, _ in chunks)
    if sent != len(actions):
        fail(f"the client's chunker took {sent} of {len(actions)} actions")
    print(json.dumps({
        "documents": len(actions),
        "requests": len(chunks),
        "indices": sorted(x for x in indices if x),
        "mapping_fields": len(props),
    }))


if __name__ == "__main__":
    main()

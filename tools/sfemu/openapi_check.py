#!/usr/bin/python3
"""Checks SQL API exchanges recorded from sfemu against Snowflake's OpenAPI document.

    openapi_check.py SPEC EXCHANGES

SPEC is the SQL API's OpenAPI 3.0 document (sqlapi.openapi.yaml); EXCHANGES holds one JSON
object per line: {"name", "method", "path", "status", "body"}, the body parsed (null when
the response had none). For every exchange the operation must exist, the status must be one
the document lists for it, and a body must match the response schema the document gives for
that status, formats (uuid, uri) included. Prints one line per exchange and exits 1 when any
does not match.

The live service departs from the document in a few places, and sfemu answers as the live
service does. Those departures, and only those, are applied to the document before checking;
each is printed with the number of exchanges that needed it.
"""
import json
import re
import sys

import jsonschema
import yaml

ROW_TYPE = ("components", "schemas", "ResultSet", "properties", "resultSetMetaData",
            "properties", "rowType", "items", "properties")

# Where the live service departs from the document (recorded live exchanges; the spec's
# "rowType entries" section): (what, path of the schema, fields, the type of a field the
# document does not list).
DEPARTURES = [
    ("rowType precision, scale, length and byteLength are null where they do not apply "
     "(text has no precision, numbers no length)", ROW_TYPE,
     ("precision", "scale", "length", "byteLength"), "integer"),
    ("rowType extTypeName and collation are null when there is none", ROW_TYPE,
     ("extTypeName", "collation"), "string"),
]


def nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable: true` is JSON Schema's type [T, "null"]."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            del node["nullable"]
        for value in node.values():
            nullable_to_json_schema(value)
    elif isinstance(node, list):
        for value in node:
            nullable_to_json_schema(value)


def at(document, path):
    node = document
    for key in path:
        node = node[key]
    return node


def apply_departures(document):
    for _, path, fields, added_type in DEPARTURES:
        properties = at(document, path)
        for field in fields:
            schema = properties.setdefault(field, {"type": added_type})
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            schema["type"] = types + ["null"]


def departures_needed(exchange):
    """Which departures an exchange's body relies on (for the report)."""
    used = set()
    body = exchange.get("body")
    meta = body.get("resultSetMetaData") if isinstance(body, dict) else None
    for column in (meta or {}).get("rowType", []):
        for i, (_, _, fields, _) in enumerate(DEPARTURES):
            if any(field in column and column[field] is None for field in fields):
                used.add(i)
    return used


def template_of(paths, path):
    path = path.split("?", 1)[0]
    for template in paths:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        node = at(document, node["$ref"].lstrip("#/").split("/"))
    return node


def check(document, exchange):
    """Returns the list of problems with one exchange."""
    paths = document["paths"]
    template = template_of(paths, exchange["path"])
    if template is None:
        return [f"{exchange['path']}: no such path in the document"]
    operation = paths[template].get(exchange["method"].lower())
    if operation is None:
        return [f"{exchange['method']} {template}: no such operation in the document"]
    response = operation.get("responses", {}).get(str(exchange["status"]))
    if response is None:
        return [f"{exchange['method']} {template}: status {exchange['status']} is not one the "
                f"document lists ({', '.join(operation.get('responses', {}))})"]
    response = resolve(document, response)
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return []  # the document gives no body for this status (400, 401, ...)
    if exchange.get("body") is None:
        return [f"{exchange['method']} {template} {exchange['status']}: no JSON body, "
                "but the document gives one"]
    validator = jsonschema.Draft7Validator(
        schema, resolver=jsonschema.RefResolver.from_schema(document),
        format_checker=jsonschema.FormatChecker())
    problems = []
    for error in sorted(validator.iter_errors(exchange["body"]), key=lambda e: list(e.path)):
        where = "body" + "".join(f"[{p!r}]" for p in error.path)
        problems.append(f"{where}: {error.message}")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        document = yaml.safe_load(f)
    nullable_to_json_schema(document)
    apply_departures(document)
    exchanges = []
    with open(argv[2], encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    exchanges.append(json.loads(line))
                except json.JSONDecodeError as e:
                    print(f"{argv[2]}:{number}: not JSON: {e}", file=sys.stderr)
                    return 2
    failed = 0
    used = {}
    for exchange in exchanges:
        problems = check(document, exchange)
        label = f"{exchange['name']}: {exchange['method']} {exchange['path']} -> {exchange['status']}"
        if problems:
            failed += 1
            print(f"FAIL {label}")
            for problem in problems:
                print(f"     {problem}")
        else:
            print(f"ok   {label}")
        for i in departures_needed(exchange):
            used[i] = used.get(i, 0) + 1
    for i, (what, _, _, _) in enumerate(DEPARTURES):
        print(f"departure ({used.get(i, 0)} exchanges): {what}")
    print(f"openapi: {len(exchanges) - failed} of {len(exchanges)} exchanges match the document")
    return 1 if failed or not exchanges else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

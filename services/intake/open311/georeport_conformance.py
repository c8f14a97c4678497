#!/usr/bin/env python3
"""Checks GeoReport v2 JSON bodies against the Open311 schemas in ../shared/data/open311-schemas.

    georeport_conformance.py RECORDS.json [SCHEMA_DIR]

RECORDS.json is a list of {"kind": ..., "where": ..., "body": ...}; kind is one of services, service_definition,
requests, post_response, error. SCHEMA_DIR defaults to $GRIDCASE_OPEN311_SCHEMAS, else
<repository>/../shared/data/open311-schemas.

The schemas are loose (their README): request.json, service.json and service-definition.json lack a top-level
"type": "object", and minItems sits inside "items" where it has no effect. They are wrapped, not trusted alone:
each item schema is required to be an object, a services list must hold at least one service, a request's
service_code must be a non-empty string, and date-time and uri formats are checked here (jsonschema checks formats
only with checkers registered). The POST answer is checked against swagger.json's definitions.RequestResponse, an
error body against GeoReport's [{code, description}].

Exit status: 0 all valid, 1 some invalid (each printed), 77 the check cannot run (schemas or the jsonschema
module missing; the reason is printed).
"""

import copy
import datetime
import json
import os
import re
import sys
import urllib.parse

SKIP = 77


def schema_dir(argv):
    if len(argv) > 2:
        return argv[2]
    if os.environ.get("GRIDCASE_OPEN311_SCHEMAS"):
        return os.environ["GRIDCASE_OPEN311_SCHEMAS"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    return os.path.join(os.path.dirname(root), "shared", "data", "open311-schemas")


def load(directory, name):
    with open(os.path.join(directory, name), encoding="utf-8") as f:
        return json.load(f)


def as_object(schema):
    wrapped = copy.deepcopy(schema)
    wrapped["type"] = "object"
    return wrapped


def wrapped_schemas(directory):
    service = as_object(load(directory, "service.json"))
    request = as_object(load(directory, "request.json"))
    request["properties"]["service_code"] = {"type": "string", "minLength": 1}
    definition = as_object(load(directory, "service-definition.json"))
    definition["properties"]["attributes"]["items"]["type"] = "object"
    swagger = load(directory, "swagger.json")
    post_item = as_object(swagger["definitions"]["RequestResponse"])
    post_item["required"] = ["service_request_id"]
    return {
        "services": {"type": "array", "minItems": 1, "items": service},
        "service_definition": definition,
        "requests": {"type": "array", "items": request},
        "post_response": {"type": "array", "minItems": 1, "items": post_item},
        "error": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}}}},
    }


W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def is_datetime(value):
    if not isinstance(value, str):
        return True
    if not W3C.match(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlparse(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    directory = schema_dir(argv)
    if not os.path.isfile(os.path.join(directory, "request.json")):
        print("GeoReport schema check skipped: no schemas at %s" % directory)
        return SKIP
    try:
        import jsonschema
    except ImportError:
        print("GeoReport schema check skipped: python3-jsonschema is not installed (scripts/setup-deps installs it)")
        return SKIP
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(is_datetime)
    checker.checks("uri")(is_uri)
    validators = {kind: jsonschema.Draft4Validator(schema, format_checker=checker)
                  for kind, schema in wrapped_schemas(directory).items()}
    with open(argv[1], encoding="utf-8") as f:
        records = json.load(f)
    invalid = 0
    for record in records:
        validator = validators.get(record["kind"])
        if validator is None:
            print("%s: unknown kind %s" % (record.get("where"), record["kind"]))
            invalid += 1
            continue
        for error in validator.iter_errors(record["body"]):
            invalid += 1
            path = "/".join(str(p) for p in error.absolute_path)
            print("%s (%s) at /%s: %s" % (record.get("where"), record["kind"], path, error.message))
    print("GeoReport schema check: %d bodies, %d errors (schemas %s)" % (len(records), invalid, directory))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

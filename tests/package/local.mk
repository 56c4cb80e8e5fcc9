# The JSON Schema against python3-jsonschema and `nodeinit validate`.
TESTS += tests/integration/test-schema.py
EXTRA_DIST += tests/integration/test-schema.py

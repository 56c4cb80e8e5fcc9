# tests/integration fragment: the CLI as users run it
TESTS += tests/integration/test-validate.sh
EXTRA_DIST += tests/integration/test-validate.sh tests/lib/assert.sh
TESTS += tests/integration/test-envfile.sh
EXTRA_DIST += tests/integration/test-envfile.sh
TESTS += tests/integration/test-status.sh
EXTRA_DIST += tests/integration/test-status.sh
TESTS += tests/integration/test-layering.py
EXTRA_DIST += tests/integration/test-layering.py

# tests/integration fragment
EXTRA_DIST += tests/integration/apply-lib.sh tests/golden
TESTS += tests/integration/test-apply-golden.sh
TESTS += tests/integration/test-apply-faults.sh
TESTS += tests/integration/test-apply-cli.sh

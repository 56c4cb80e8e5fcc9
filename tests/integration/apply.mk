# tests/integration fragment
EXTRA_DIST += tests/integration/apply-lib.sh tests/golden
TESTS += tests/integration/test-corpus.sh
EXTRA_DIST += tests/integration/test-corpus.sh tests/corpus
# the validator beside coreos-cloudinit's, value by value (tests/corpus/validator)
TESTS += tests/integration/test-validate-cloudinit.py
EXTRA_DIST += tests/integration/test-validate-cloudinit.py
EXTRA_DIST += tests/integration/test-apply-golden.sh tests/integration/test-apply-faults.sh tests/integration/test-apply-cli.sh
TESTS += tests/integration/test-apply-golden.sh
TESTS += tests/integration/test-apply-faults.sh
TESTS += tests/integration/test-apply-cli.sh
# discovery in a real apply run: a user manager and an etcd discovery service
TESTS += tests/integration/test-apply-discovery.sh
EXTRA_DIST += tests/integration/test-apply-discovery.sh
TESTS += tests/integration/test-cli-escape.sh
TESTS += tests/integration/test-cli-isolation.sh
TESTS += tests/integration/test-cli-site-config.sh
TESTS += tests/integration/test-cli-decode.sh
# hostile roots (issue 8) and the default user (issue 9), end to end
TESTS += tests/integration/test-apply-hostile.sh
EXTRA_DIST += tests/integration/test-apply-hostile.sh
TESTS += tests/integration/test-cli-discovery-escape.py
EXTRA_DIST += tests/integration/test-cli-escape.sh tests/integration/test-cli-isolation.sh tests/integration/test-cli-site-config.sh tests/integration/test-cli-decode.sh tests/integration/test-cli-discovery-escape.py tests/integration/test-cli-journal-escape.py
TESTS += tests/integration/test-cli-journal-escape.py
TESTS += tests/integration/test-apply-property.py
EXTRA_DIST += tests/integration/test-apply-property.py

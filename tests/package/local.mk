# The JSON Schema against python3-jsonschema and `nodeinit validate`; the
# Debian package built, installed in an overlay of this machine, booted and
# purged (needs root, nspawn, debhelper and lintian: 77 without them; only
# in a git checkout, see configure.ac).
TESTS += tests/integration/test-schema.py
if PACKAGE_TEST
TESTS += tests/package/test-package.sh
endif
EXTRA_DIST += \
	tests/integration/test-schema.py \
	tests/package/test-package.sh

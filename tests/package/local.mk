# The JSON Schema against python3-jsonschema and `nodeinit validate`; the
# Debian package built, installed in an overlay of this machine, booted and
# purged (needs root, nspawn, debhelper and lintian: 77 without them, and in
# quick runs, NODEINIT_QUICK=1).
TESTS += \
	tests/integration/test-schema.py \
	tests/package/test-package.sh
EXTRA_DIST += \
	tests/integration/test-schema.py \
	tests/package/test-package.sh

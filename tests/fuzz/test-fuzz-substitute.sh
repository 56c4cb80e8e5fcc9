#!/bin/bash
exec bash "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz-substitute "$top_srcdir/tests/fuzz/corpus/substitute"

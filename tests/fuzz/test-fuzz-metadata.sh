#!/bin/bash
exec bash "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz-metadata "$top_srcdir/tests/fuzz/corpus/metadata"

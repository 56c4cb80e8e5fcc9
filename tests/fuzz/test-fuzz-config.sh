#!/bin/bash
exec bash "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz-config "$top_srcdir/tests/fuzz/corpus/config"

#!/bin/bash
exec bash "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz-userdata "$top_srcdir/tests/fuzz/corpus/userdata"

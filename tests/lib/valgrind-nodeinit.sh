#!/bin/bash
# Runs the built nodeinit under valgrind (memcheck): any error or definite
# leak makes the command fail with 99.
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite "${top_builddir:?}/nodeinit" "$@"

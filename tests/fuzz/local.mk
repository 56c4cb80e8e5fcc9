# tests/fuzz fragment

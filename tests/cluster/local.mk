# tests/cluster fragment

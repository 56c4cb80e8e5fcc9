# tests/bench fragment

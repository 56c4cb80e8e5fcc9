# tests/integration fragment

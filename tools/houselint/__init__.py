"""House lint: the project's own conventions, checked on the syntax tree (see rules.py)."""

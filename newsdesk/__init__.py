"""The `newsdesk` command and the bundled demo: the only package that may import every other one."""

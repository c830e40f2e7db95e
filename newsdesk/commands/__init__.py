"""The command groups of `newsdesk`, one module each: parse, call one library function, print."""

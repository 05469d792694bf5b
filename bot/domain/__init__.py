"""Plain objects and rules of the networking domain: no I/O."""

"""coopsec: an open platform for running a cooperative-security partnership network."""

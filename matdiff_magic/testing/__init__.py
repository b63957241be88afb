"""Developer tooling for testing matdiff (the core library never imports this package)."""

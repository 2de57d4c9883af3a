"""One module per metric kind, named after its config key (see :mod:`..reading`)."""

"""One module per ``mmsynth`` subcommand (see mmsynth.cli)."""

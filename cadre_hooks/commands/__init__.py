"""Subcommands of the `cadre` command line, one module each, listed in `cadre_hooks.cli.COMMAND_MODULES`."""

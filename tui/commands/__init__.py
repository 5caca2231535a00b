"""One module per `nianbao` subcommand, each with `run(args) -> int`."""

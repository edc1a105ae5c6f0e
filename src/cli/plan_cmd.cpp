// `duban plan ...` subcommands. Placeholder: filled in with the importer.

"""The subcommands of ``vetsim``: the top layer of the package, above ``vetsim.ui``.

Each command group is two modules:

- ``<group>.py``: ``register(subparsers, add_common)`` adds its subcommands and arguments to the parser
  (``vetsim.cli.build_parser`` calls it; ``add_common`` is passed in, ``--lang`` and ``--debug``). It
  imports only what describing the arguments needs (``vetsim.cliparser``, ``vetsim.cliargs``, the
  catalogue, a few constants), so that ``vetsim --help`` loads no pandas, matplotlib or scipy.stats
  (tests/test_startup.py), and names each handler as a ``"module:function"`` string.
- ``<group>_run.py``: the handlers and the terminal formatting of their output. ``vetsim.cli.main``
  imports the one module of the command being run, so its imports sit at the top like any module's.

Nothing in vetsim imports this package except the dispatcher, by name; the import-linter contract
(pyproject ``[tool.importlinter]``) keeps it above every other layer.
"""

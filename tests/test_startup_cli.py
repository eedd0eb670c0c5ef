"""An empty command line (how clients spawn the server) is parsed without building the
subcommands' parsers, to the same settings."""

from __future__ import annotations

from xmemory_mcp.cli import build_parser


def test_an_empty_command_line_parses_the_same_without_the_subcommands() -> None:
    full = vars(build_parser().parse_args([]))
    short = vars(build_parser(commands=False).parse_args([]))
    assert short == full
    assert short["command"] is None

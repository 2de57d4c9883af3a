"""journalctl command lines: options, and carrying on after the last entry on a restart."""

from __future__ import annotations

from cockpit.sources.logs.base import TAIL_ALL, StreamOptions
from cockpit.sources.logs.journald import JournaldSource, journalctl_argv


def test_argv_for_each_setting() -> None:
    argv = journalctl_argv(
        follow=True,
        lines=50,
        since=1714564800.5,
        unit="ssh.service",
        identifier="sshd",
        namespace="apps",
    )
    assert argv[:3] == ["journalctl", "--output=json", "--no-pager"]
    assert argv[4:] == [
        "--lines=50",
        "--follow",
        "--since=@1714564800.500000",
        "--unit=ssh.service",
        "--identifier=sshd",
        "--namespace=apps",
    ]
    assert "--lines=all" in journalctl_argv(follow=False, lines=TAIL_ALL)


def test_restart_continues_after_the_last_cursor() -> None:
    source = JournaldSource("j", StreamOptions(tail=10, since=5.0), unit="x.service")
    assert source.command() == source.argv
    decoder = source.make_decoder("stdout")
    decoder.decode([b'{"__CURSOR":"s=abc;i=7","MESSAGE":"m","__REALTIME_TIMESTAMP":"1"}'], 0.0)
    again = source.command()
    assert again[-1] == "--after-cursor=s=abc;i=7"
    assert not any(a.startswith(("--lines=", "--since=")) for a in again)
    assert "--unit=x.service" in again and "--follow" in again
    source.make_decoder("stdout")  # a new run keeps the cursor until new entries come
    assert source.command()[-1] == "--after-cursor=s=abc;i=7"

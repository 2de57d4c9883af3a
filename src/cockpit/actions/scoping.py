"""Commands aimed at the environment in focus, never at whatever the shell points at.

A ``kubectl`` command without ``--context`` runs against the kubeconfig's current context: the
classic way to hit production from a staging runbook. Every kubectl argv run for an environment
gets the environment's context and namespace (and kubeconfig) unless it names them itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cockpit.config.environments import Environment


def _has(argv: Sequence[str], *flags: str) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv for flag in flags)


def scoped_argv(argv: Sequence[str], env: Environment) -> list[str]:
    """``argv`` with the environment's Kubernetes context and namespace made explicit.

    Only a direct ``kubectl`` call is changed; other programs are returned as they are.
    """
    args = list(argv)
    target = env.kubernetes
    if not args or target is None or os.path.basename(args[0]) != "kubectl":
        return args
    extra: list[str] = []
    if not _has(args, "--context"):
        extra.append(f"--context={target.context}")
    if not _has(args, "--namespace", "-n", "--all-namespaces", "-A"):
        extra.append(f"--namespace={target.namespace}")
    if target.kubeconfig and not _has(args, "--kubeconfig"):
        extra.append(f"--kubeconfig={os.path.expanduser(target.kubeconfig)}")
    return [args[0], *extra, *args[1:]]

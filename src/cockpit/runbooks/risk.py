"""Whether a command only reads or may change something. Anything not known to read mutates."""

from __future__ import annotations

import re
from collections.abc import Callable

from cockpit.runbooks.shell import mask
from cockpit.runbooks.sql import sql_reads

_SPLIT = re.compile(r"\|\||&&|[;\n|]|(?<![<>&])&(?![>&])")
_REDIRECT = re.compile(r"(?<![<>&\w-])(?:\d*|&)>>?\|?(?!&)[ \t]*([^\s;&|<>]*)")


def words(text: str) -> frozenset[str]:
    """The blank-separated words of ``text`` as a set (tables below read better so)."""
    return frozenset(text.split())


_HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_MAX_DEPTH = 4

# Programs that only read, whatever their arguments (a redirect to a file still mutates).
READ_ONLY = words(
    """cat tail head grep egrep fgrep zgrep zcat bzcat xzcat less more wc sort uniq cut tr awk
    gawk jq column diff cmp comm df du free ps pgrep pidof top htop atop iotop vmstat iostat mpstat
    pidstat sar uptime who w last lastlog whoami id groups date sleep echo printf true false ls
    stat file hostname uname pwd cd type which whereis ping ping6 dig nslookup host traceroute
    tracepath mtr netstat ss lsof nproc lscpu lsblk lsmod lspci lsusb test [ [[ read exit return
    base64 md5sum sha1sum sha256sum sha512sum tree history printenv getent basename dirname
    realpath readlink seq expr bc tac rev nl fold fmt xxd hexdump od strings pg_isready pg_dump
    pg_dumpall mysqldump nvidia-smi whois locate apropos man help export unset local set
    declare wait jobs"""
)
# Shell words that start or end a compound command; what follows them is the command.
_KEYWORDS = frozenset({"do", "then", "else", "elif", "if", "while", "until", "!", "{", "}", "("})
_HEADERS = frozenset({"for", "case", "select", "function", "done", "fi", "esac", "in", ")", ";;"})
_WRAPPERS = frozenset({"sudo", "time", "nohup", "nice", "ionice", "command", "builtin", "stdbuf"})
_SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh"})


def mutating(command: str, _depth: int = 0) -> bool:
    """Whether running ``command`` may change anything.

    Every simple command of a pipeline or list must be known to read (``kubectl get``,
    ``curl`` without a body, ``psql -c 'SELECT ...'``) and no output may go to a file; command
    substitutions count too. Unknown programs mutate.
    """
    if _depth > _MAX_DEPTH:
        return True
    masked, quote = mask(command)
    if quote is not None:
        return True
    masked, inner = _substitutions(command, masked)
    # && and || inside [[ ... ]] are tests, not command lists.
    masked = _mask_tests(masked)
    if any(mutating(cmd, _depth + 1) for cmd in inner):
        return True
    start = 0
    for m in [*_SPLIT.finditer(masked), None]:
        end = len(masked) if m is None else m.start()
        if _segment_mutates(command[start:end], masked[start:end], _depth):
            return True
        start = end if m is None else m.end()
    return False


def _mask_tests(masked: str) -> str:
    """Hide ``&&`` and ``||`` inside ``[[ ... ]]``: there they are tests, not command lists."""
    start = masked.find("[[")
    while start >= 0:
        end = masked.find("]]", start + 2)
        if end < 0:
            break
        inside = masked[start:end].replace("&", "_").replace("|", "_")
        masked = masked[:start] + inside + masked[end:]
        start = masked.find("[[", end + 2)
    return masked


def _substitutions(command: str, masked: str) -> tuple[str, list[str]]:
    """Find ``$(...)`` and backquoted commands (also inside double quotes); mask them out."""
    inner: list[str] = []
    chars = list(masked)
    i = command.find("$(")
    while i >= 0:
        if masked[i] in "$~":
            depth, j = 0, i + 1
            while j < len(command):
                if command[j] == "(":
                    depth += 1
                elif command[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner.append(command[i + 2 : j])
            chars[i : j + 1] = "_" * (min(j + 1, len(command)) - i)
            i = command.find("$(", j)
        else:
            i = command.find("$(", i + 2)
    for m in re.finditer(r"`([^`]*)`", command):
        if masked[m.start()] in "`~":
            inner.append(m.group(1))
            chars[m.start() : m.end()] = "_" * (m.end() - m.start())
    return "".join(chars), inner


def _segment_mutates(segment: str, masked: str, depth: int) -> bool:
    for m in _REDIRECT.finditer(masked):
        target = segment[m.start(1) : m.end(1)].strip("'\"")
        if target and target not in _HARMLESS_TARGETS:
            return True
    clean = _REDIRECT.sub(lambda m: " " * (m.end() - m.start()), masked)
    words = [segment[m.start() : m.end()] for m in re.finditer(r"\S+", clean)]
    return words_mutate([_unquote(w) for w in words], depth)


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word.replace("'", "").replace('"', "")


def words_mutate(words: list[str], depth: int = 0) -> bool:
    """Whether one simple command, split into words, may change anything."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in _KEYWORDS or _ASSIGNMENT.match(word):
            i += 1
        elif word in _WRAPPERS or word == "env":
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 1
        elif word in ("timeout", "watch", "xargs"):
            i += 1
            while i < len(words) and (words[i].startswith("-") or words[i][:1].isdigit()):
                i += 1
        else:
            break
    rest = words[i:]
    if not rest or rest[0] in _HEADERS:
        return False
    program = rest[0].rsplit("/", 1)[-1]
    if program in READ_ONLY:
        return False
    handler = PROGRAMS.get(program)
    if handler is None:
        return True
    return handler(rest[1:], depth)


def _positional(args: list[str], takes_value: frozenset[str]) -> list[str]:
    """Arguments that are not options or option values."""
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--":
            break
        elif arg.startswith("-"):
            skip = arg in takes_value
        else:
            out.append(arg)
    return out


def _after_dashes(args: list[str]) -> list[str] | None:
    return args[args.index("--") + 1 :] if "--" in args else None


def _inner_mutates(inner: list[str] | None, depth: int) -> bool:
    """A command run inside a container or pod: a bare shell is interactive, so it mutates."""
    if not inner:
        return True
    program = inner[0].rsplit("/", 1)[-1]
    if program in _SHELLS:
        if "-c" in inner and inner.index("-c") + 1 < len(inner):
            return mutating(inner[inner.index("-c") + 1], depth + 1)
        return True
    if len(inner) == 1 and " " in inner[0]:
        return mutating(inner[0], depth + 1)
    return words_mutate(inner, depth + 1)


_KUBE_VALUES = words(
    "-n --namespace --context --kubeconfig --cluster --user -s --server --token -l --selector "
    "-o --output -c --container --since --tail -f --filename --field-selector --for "
    "--timeout"
)
_KUBE_READ = words(
    "get describe logs top explain version api-resources api-versions cluster-info diff events "
    "wait port-forward auth"
)


def _kubectl(args: list[str], depth: int) -> bool:
    words = _positional(args, _KUBE_VALUES)
    sub = words[0] if words else ""
    if sub in _KUBE_READ:
        return False
    if sub == "rollout":
        return (words[1:2] or [""])[0] not in ("status", "history")
    if sub == "config":
        return (words[1:2] or [""])[0] not in (
            "view", "get-contexts", "current-context", "get-clusters", "get-users"
        )  # fmt: skip
    if sub == "exec":
        return _inner_mutates(_after_dashes(args), depth)
    return True


_DOCKER_READ = words(
    "ps logs stats inspect images top version info events port diff history search ls list df "
    "show config"
)
_DOCKER_GROUPS = words(
    "container image network volume node service stack system context compose plugin secret "
    "config buildx manifest"
)
_DOCKER_VALUES = words("-H --host --context --config -c --log-level -f --file -p --project-name")


def _docker(args: list[str], depth: int) -> bool:
    words = _positional(args, _DOCKER_VALUES)
    if not words:
        return False
    sub = words[0]
    if sub in _DOCKER_GROUPS and len(words) > 1:
        sub = words[1]
    if sub == "exec":
        inner = _after_dashes(args)
        if inner is None:
            # docker exec [options] CONTAINER COMMAND...: the command follows the container.
            rest = _positional(
                args[args.index("exec") + 1 :],
                frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir"}),
            )
            inner = rest[1:]
        return _inner_mutates(inner, depth)
    return sub not in _DOCKER_READ


def _docker_compose(args: list[str], depth: int) -> bool:
    return _docker(["compose", *args], depth)


_CLOUD_READ_VERBS = words("list show tail query what-if version get check exists describe read ls")
_CLOUD_READ_PREFIXES = ("list-", "show-", "get-", "check-", "describe-", "filter-")


def _cloud(args: list[str], depth: int) -> bool:
    """az, gcloud, aws: the last word before the options is the verb."""
    words: list[str] = []
    for arg in args:
        if arg.startswith("-"):
            break
        words.append(arg)
    if not words:
        return not args or args[0] not in ("--version", "-v", "--help", "-h")
    verb = words[-1]
    if verb == "exec" and "--command" in args:
        rest = args[args.index("--command") + 1 :]
        return _inner_mutates(rest[1:] if rest[:1] == ["--"] else rest[:1], depth)
    return not (verb in _CLOUD_READ_VERBS or verb.startswith(_CLOUD_READ_PREFIXES))


_GIT_READ = words(
    "status log diff show blame describe rev-parse ls-files ls-remote grep shortlog reflog "
    "whatchanged cat-file fetch"
)
_LIST_FLAGS = words("-a -r -v -vv -l --list --all --remotes --verbose show")


def _git(args: list[str], depth: int) -> bool:
    words = _positional(args, frozenset({"-C", "-c", "--git-dir", "--work-tree"}))
    sub = words[0] if words else ""
    if sub in _GIT_READ:
        return False
    if sub in ("branch", "tag", "remote", "stash"):
        rest = args[args.index(sub) + 1 :]
        return not all(a in _LIST_FLAGS or (sub == "stash" and a == "list") for a in rest)
    return True


def _first_in(read: frozenset[str], *, bare: bool = False) -> Callable[[list[str], int], bool]:
    """A handler: read-only when the first positional argument is in ``read``."""

    def handler(args: list[str], depth: int) -> bool:
        words = _positional(args, frozenset())
        if not words:
            return not bare
        return words[0] not in read

    return handler


def _unless(*flags: str) -> Callable[[list[str], int], bool]:
    """A handler: read-only unless an argument starts with one of ``flags``."""
    return lambda args, depth: any(a.startswith(flags) for a in args)


def _only_with(*flags: str) -> Callable[[list[str], int], bool]:
    """A handler: read-only only when one of ``flags`` is given."""
    return lambda args, depth: not any(a in flags for a in args)


_CURL_BODY = ("-d", "--data", "-F", "--form", "-T", "--upload-file", "--json")
_CURL_WRITE = ("-o", "--output", "-O", "--remote-name", "--remote-name-all")


def _curl(args: list[str], depth: int) -> bool:
    for i, arg in enumerate(args):
        value = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-X", "--request") or arg.startswith("-X"):
            method = (arg[2:] if arg.startswith("-X") and len(arg) > 2 else value).upper()
            if method not in ("GET", "HEAD", "OPTIONS"):
                return True
        elif arg.startswith(_CURL_BODY) and not arg.startswith("--data-urlencode-"):
            return True
        elif arg in _CURL_WRITE:
            if (
                arg in ("-O", "--remote-name", "--remote-name-all")
                or value not in _HARMLESS_TARGETS
            ):
                return True
        elif _combined_o(arg) and value not in _HARMLESS_TARGETS:
            return True
    return False


def _combined_o(arg: str) -> bool:
    """Combined short flags with ``o`` (``-so FILE``): the output goes to a file too."""
    return arg.startswith("-") and not arg.startswith("--") and len(arg) > 2 and "o" in arg[1:]


def _wget(args: list[str], depth: int) -> bool:
    if "--spider" in args:
        return False
    for i, arg in enumerate(args):
        if arg in ("-O-", "-qO-", "--output-document=-") or (
            arg in ("-O", "-qO") and args[i + 1 : i + 2] == ["-"]
        ):
            return False
    return True


_SQL_CLIENT_FLAGS = ("-c", "--command", "-e", "--execute")


def _sql_client(args: list[str], depth: int) -> bool:
    """psql / mysql: read-only only for ``-c``/``-e`` statements that only read, or a listing."""
    if any(a in ("-l", "--list") for a in args):
        return False
    statements = []
    for i, arg in enumerate(args):
        if arg in _SQL_CLIENT_FLAGS:
            statements.append(args[i + 1] if i + 1 < len(args) else "")
        elif arg.startswith(("--command=", "--execute=")):
            statements.append(arg.split("=", 1)[1])
        elif arg.startswith(("-c", "-e")) and len(arg) > 2 and not arg.startswith("--"):
            statements.append(arg[2:])
        elif arg in ("-f", "--file") or arg.startswith("--file="):
            return True
    return not statements or not all(sql_reads(s) for s in statements)


_REDIS_VALUES = words("-h -p -a -n -u -s --user --pass -r -i -d")
_REDIS_READ = words(
    "PING INFO GET MGET KEYS SCAN EXISTS TTL PTTL TYPE DBSIZE STRLEN LLEN LRANGE HGET HGETALL "
    "HKEYS HVALS HLEN HEXISTS SMEMBERS SISMEMBER SCARD ZRANGE ZCARD ZSCORE ZRANK MONITOR ROLE "
    "TIME LASTSAVE XLEN XRANGE XINFO PUBSUB ECHO LATENCY"
)
_REDIS_READ_PAIRS = frozenset(
    {("CONFIG", "GET"), ("CLIENT", "LIST"), ("CLIENT", "INFO"), ("SLOWLOG", "GET"),
     ("SLOWLOG", "LEN"), ("MEMORY", "USAGE"), ("MEMORY", "STATS"), ("CLUSTER", "INFO"),
     ("CLUSTER", "NODES"), ("COMMAND", "COUNT")}
)  # fmt: skip


def _redis(args: list[str], depth: int) -> bool:
    if any(a in ("--bigkeys", "--memkeys", "--stat", "--latency", "--scan") for a in args):
        return False
    words = [w.upper() for w in _positional(args, _REDIS_VALUES)]
    if not words:
        return True
    return words[0] not in _REDIS_READ and tuple(words[:2]) not in _REDIS_READ_PAIRS


def _shell(args: list[str], depth: int) -> bool:
    if "-c" in args and args.index("-c") + 1 < len(args):
        return mutating(args[args.index("-c") + 1], depth + 1)
    return True


def _tar(args: list[str], depth: int) -> bool:
    first = args[0].lstrip("-") if args else ""
    return not ("--list" in args or ("t" in first and "x" not in first and "c" not in first))


def _tee(args: list[str], depth: int) -> bool:
    files = [a for a in args if not a.startswith("-")]
    return any(f not in _HARMLESS_TARGETS for f in files)


def _ip(args: list[str], depth: int) -> bool:
    changes = {"add", "del", "delete", "set", "flush", "change", "replace", "append", "link"}
    return any(a in changes for a in args[1:])


_NPM = _first_in(
    words("audit ls list ll la outdated view info show search doctor help whoami ping explain why")
)

PROGRAMS: dict[str, Callable[[list[str], int], bool]] = {
    "kubectl": _kubectl,
    "oc": _kubectl,
    "docker": _docker,
    "podman": _docker,
    "docker-compose": _docker_compose,
    "az": _cloud,
    "gcloud": _cloud,
    "aws": _cloud,
    "git": _git,
    "curl": _curl,
    "wget": _wget,
    "psql": _sql_client,
    "mysql": _sql_client,
    "redis-cli": _redis,
    "sh": _shell,
    "bash": _shell,
    "zsh": _shell,
    "tar": _tar,
    "tee": _tee,
    "ip": _ip,
    "helm": _first_in(
        words("list ls status history get show template search version lint env diff")
    ),
    "systemctl": _first_in(
        words(
            "status is-active is-enabled is-failed show list-units list-unit-files list-timers "
            "list-sockets cat list-dependencies"
        )
    ),
    "service": lambda args, depth: args[1:2] != ["status"],
    "terraform": _first_in(words("plan show output validate version providers graph")),
    "pip": _first_in(words("list show check freeze search help debug inspect")),
    "pip3": _first_in(words("list show check freeze search help debug inspect")),
    "npm": lambda args, depth: "fix" in args or _NPM(args, depth),
    "sed": _unless("-i", "--in-place"),
    "find": _unless("-delete", "-exec", "-execdir", "-ok", "-fprint"),
    "journalctl": _unless("--vacuum", "--rotate", "--flush", "--sync", "--relinquish"),
    "dmesg": _unless("-C", "-c", "--clear", "-D", "-E"),
    "sysctl": lambda args, depth: any(a in ("-w", "-p", "--system") or "=" in a for a in args),
    "openssl": lambda args, depth: any(a in ("-out", "-keyout") for a in args),
    "gunzip": _only_with("-c", "--stdout", "-l", "--list", "-t", "--test"),
    "gzip": _only_with("-c", "--stdout", "-l", "--list", "-t", "--test"),
    "unzip": _only_with("-l", "-t", "-p", "-v", "-Z"),
    "iptables": _only_with("-L", "--list", "-S", "--list-rules", "-nL", "-nvL", "-vnL"),
    "ip6tables": _only_with("-L", "--list", "-S", "--list-rules", "-nL", "-nvL", "-vnL"),
    "crontab": _only_with("-l"),
    "nginx": _only_with("-t", "-T", "-v", "-V"),
    "mount": lambda args, depth: bool(args),
    "certbot": _first_in(frozenset({"certificates"})),
    "yq": _unless("-i", "--inplace"),
}

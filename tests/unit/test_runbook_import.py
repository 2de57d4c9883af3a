"""The runbook importer on the five seed runbooks, on each Markdown construct, and on noise."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.runbooks import ImportedChecklist, Procedure, Runbook, import_runbook
from cockpit.runbooks.params import placeholders
from cockpit.runbooks.risk import mutating
from tests.support.cockpit_cli import run_cockpit

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed(prefix: str) -> Runbook:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return import_runbook(path.read_text(encoding="utf-8"))


def checklist(runbook: Runbook, name: str) -> ImportedChecklist:
    (found,) = [c for c in runbook.checklists if c.name == name]
    return found


def procedure(runbook: Runbook, name: str) -> Procedure:
    (found,) = [p for p in runbook.procedures if p.name == name]
    return found


# The seeds ------------------------------------------------------------------------------


def test_seed_000_daily_weekly_monthly_have_ten_items_each() -> None:
    runbook = seed("000")
    for name in ("Daily Checklist", "Weekly Checklist", "Monthly Checklist"):
        found = checklist(runbook, name)
        assert len(found.items) == 10
        assert found.section == "Operations Runbook / Operational Checklists"
        assert not any(i.checked for i in found.items)
    assert checklist(runbook, "Daily Checklist").items[0].text == "Check system health"
    assert checklist(runbook, "Monthly Checklist").items[-1].text == "Plan capacity upgrades"


def test_seed_003_pre_deployment_checklist_has_eight_items() -> None:
    found = checklist(seed("003"), "Pre-Deployment Checklist")
    assert [i.text for i in found.items][:2] == [
        "All tests passing (CI green)",
        "Security scans passed (no critical/high findings)",
    ]
    assert len(found.items) == 8
    assert found.section == "Operations Runbook / Deployment"


def test_seed_000_backend_service_down_is_five_steps_with_a_mutating_restart() -> None:
    found = procedure(seed("000"), "Backend Service Down")
    assert [s.text for s in found.steps] == [
        "Check service status",
        "Check logs for errors",
        "Restart service",
        "Verify recovery",
        "Check performance",
    ]
    assert [s.mutating for s in found.steps] == [False, False, True, False, False]
    assert found.steps[2].command == (
        "az webapp restart --name wine-quality-backend --resource-group wine-quality-rg"
    )
    assert found.steps[3].command is not None and found.steps[3].command.startswith("sleep 30\n")


def test_seed_003_placeholders_are_parameters() -> None:
    found = procedure(seed("003"), "API Not Responding")
    restart = found.steps[3]
    assert restart.command == "docker restart <container-id>"
    assert restart.params == ("container-id",)
    assert restart.mutating
    assert not found.steps[1].mutating  # docker logs <container-id> --tail 50


def test_seed_004_environment_variables_are_parameters_unless_the_block_sets_them() -> None:
    runbook = seed("004")
    daily = procedure(runbook, "Daily Health Checks")
    (psql,) = [s for s in daily.steps if s.command and s.command.startswith("psql")]
    assert psql.params == ("DATABASE_URL",)
    assert not psql.mutating  # psql -c "SELECT count(*) ..."
    backup = procedure(runbook, "Database Backup Verification")
    assert all("TEST_DB" not in s.params for s in backup.steps)


def test_seed_002_rollback_and_kql_reference() -> None:
    runbook = seed("002")
    sev2 = procedure(runbook, "SEV-2: Service Down")
    assert sev2.steps[2].params == ("previous-revision",)
    assert sev2.steps[2].mutating
    assert sev2.steps[0].command is not None and "\\" not in sev2.steps[0].command
    kql = procedure(runbook, "Query Log Analytics")
    assert kql.steps[0].command is None
    assert "ContainerAppConsoleLogs_CL" in kql.steps[0].reference


def test_seed_001_rollout_undo_mutates_and_status_reads() -> None:
    runbook = seed("001")
    rollback = procedure(runbook, "Emergency Rollback")
    assert [s.mutating for s in rollback.steps[:3]] == [True, False, False]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_imports_and_serialises(prefix: str) -> None:
    runbook = seed(prefix)
    assert runbook.procedures
    json.dumps(runbook.to_json())


def test_mis_encoded_headings_are_repaired() -> None:
    runbook = seed("000")
    assert runbook.title == "Operations Runbook"  # "ðŸ“‹ Operations Runbook" in the file


# Checklists -----------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["-", "*", "+", "1.", "1)"])
def test_every_list_marker_makes_items(marker: str) -> None:
    runbook = import_runbook(f"# Ops\n\n{marker} [ ] one\n{marker} [x] two\n{marker} [X] three\n")
    (found,) = runbook.checklists
    assert [(i.text, i.checked) for i in found.items] == [
        ("one", False),
        ("two", True),
        ("three", True),
    ]


def test_items_are_grouped_by_nearest_heading_with_the_path_as_section() -> None:
    runbook = import_runbook(
        "# Book\n## Shift\n### Start\n- [ ] a\n### End\n- [ ] b\n- [ ] c\n## Other\n- [ ] d\n"
    )
    got = [(c.name, c.section, len(c.items)) for c in runbook.checklists]
    assert got == [("Start", "Book / Shift", 1), ("End", "Book / Shift", 2), ("Other", "Book", 1)]


def test_nested_items_follow_their_parent_and_sub_bullets_are_the_hint() -> None:
    text = (
        "## Daily\n"
        "- [ ] Check disk\n"
        "  - look at /var\n"
        "  ```bash\n  df -h\n  ```\n"
        "  - [x] Check inodes\n"
        "- [ ] Check memory\n"
    )
    (found,) = import_runbook(text).checklists
    assert [i.text for i in found.items] == ["Check disk", "Check inodes", "Check memory"]
    assert found.items[0].hint == "- look at /var\n```bash\ndf -h\n```"
    assert found.items[1].checked


def test_boxes_under_plain_bullets_are_items() -> None:
    (found,) = import_runbook("## Deploy\n- Before\n  - [ ] backup\n  - [ ] notify\n").checklists
    assert [i.text for i in found.items] == ["backup", "notify"]


def test_item_markup_becomes_plain_text() -> None:
    (found,) = import_runbook("## X\n- [ ] **Check** the [dashboard](http://x) `now`\n").checklists
    assert found.items[0].text == "Check the dashboard now"


def test_a_bold_label_names_the_list_below_it() -> None:
    (found,) = import_runbook("## Wrap up\n\n**Next Steps:**\n\n- [ ] a\n").checklists
    assert (found.name, found.section) == ("Next Steps", "Wrap up")


def test_fifty_numbered_boxes() -> None:
    text = "# Long\n" + "".join(f"{n}. [ ] step {n}\n" for n in range(1, 51))
    (found,) = import_runbook(text).checklists
    assert len(found.items) == 50
    assert found.items[-1].text == "step 50"
    assert not import_runbook(text).procedures


def test_front_matter_crlf_html_and_tables() -> None:
    text = (
        "---\ntitle: x\n---\r\n# Title\r\n<div>html</div>\r\n\r\n| a | b |\r\n|---|---|\r\n"
        "| 1 | 2 |\r\n\r\n## List\r\n- [ ] one\r\n"
    )
    runbook = import_runbook(text)
    assert runbook.title == "Title"
    assert [(c.name, [i.text for i in c.items]) for c in runbook.checklists] == [("List", ["one"])]


# Procedures -----------------------------------------------------------------------------


def test_numbered_steps_with_fenced_and_indented_code() -> None:
    text = (
        "## Restart\n"
        "1. Look at the pods\n"
        "   ```sh\n   kubectl get pods -n prod\n   ```\n"
        "2. Restart the app\n\n"
        "       kubectl rollout restart deployment/app -n prod\n\n"
        "3. Tell the channel\n"
    )
    (found,) = import_runbook(text).procedures
    assert [(s.text, s.command, s.mutating) for s in found.steps] == [
        ("Look at the pods", "kubectl get pods -n prod", False),
        ("Restart the app", "kubectl rollout restart deployment/app -n prod", True),
        ("Tell the channel", None, False),
    ]


def test_comment_numbered_steps_in_one_block() -> None:
    text = "## Fix\n```bash\n# 1. Look\ndocker ps\n# a note\n\n# 2. Kill\ndocker kill web\n```\n"
    (found,) = import_runbook(text).procedures
    assert [(s.text, s.command, s.reference) for s in found.steps] == [
        ("Look", "docker ps", "a note"),
        ("Kill", "docker kill web", ""),
    ]


def test_backslash_continuations_are_joined() -> None:
    text = "## X\n```bash\naz webapp show \\\n  --name a \\\n  --query state\n```\n"
    (found,) = import_runbook(text).procedures
    assert found.steps[0].command == "az webapp show --name a --query state"


def test_console_prompts_stripped_and_output_left_out() -> None:
    text = (
        "## X\n```console\n$ kubectl get pods\nNAME   READY\nweb-1  1/1\n"
        "$ df -h\n/dev/sda1 80%\n```\n"
    )
    (found,) = import_runbook(text).procedures
    assert found.steps[0].command == "kubectl get pods\ndf -h"


def test_prompts_in_a_bash_block_are_stripped_too() -> None:
    text = "## X\n```bash\n$ docker ps\nCONTAINER ID\n```\n"
    (found,) = import_runbook(text).procedures
    assert found.steps[0].command == "docker ps"


@pytest.mark.parametrize("lang", ["sql", "kql", "kusto", "yaml", "hcl", "json", "python"])
def test_other_languages_are_reference_not_commands(lang: str) -> None:
    text = f"## Q\n```{lang}\n-- the query\nDELETE FROM t;\n```\n"
    (found,) = import_runbook(text).procedures
    assert found.steps[0].command is None
    assert not found.steps[0].mutating
    assert "DELETE FROM t;" in found.steps[0].reference


def test_untagged_blocks_are_commands_only_when_they_look_like_commands() -> None:
    runbook = import_runbook("## A\n```\nkubectl get nodes\n```\n## B\n```\nStatus: DOWN\n```\n")
    a, b = runbook.procedures
    assert a.steps[0].command == "kubectl get nodes"
    assert b.steps[0].command is None


def test_multi_line_quoted_argument_stays_one_command() -> None:
    text = "## X\n```bash\ncurl -X POST http://h/api \\\n  -d '{\n  \"a\": 1\n  }'\nls\n```\n"
    (found,) = import_runbook(text).procedures
    commands = [c.text for c in found.steps[0].commands]
    assert commands == ["curl -X POST http://h/api -d '{\n  \"a\": 1\n  }'", "ls"]


def test_loops_and_heredocs_stay_one_command() -> None:
    text = (
        "## X\n```bash\nfor a in x y; do\n  echo $a\ndone\n"
        "cat <<EOF > /etc/app.conf\nkey: 1\nEOF\n```\n"
    )
    (found,) = import_runbook(text).procedures
    loop, heredoc = found.steps[0].commands
    assert not loop.mutating
    assert heredoc.mutating and heredoc.text.endswith("EOF")
    assert found.steps[0].params == ()  # $a is the loop's own variable


def test_a_table_of_contents_is_not_a_procedure() -> None:
    assert not import_runbook("## Contents\n1. [Intro](#intro)\n2. [Ops](#ops)\n").procedures


# Parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("docker restart <container-id>", ["container-id"]),
        ("psql $DATABASE_URL -c 'select 1'", ["DATABASE_URL"]),
        ('echo "${REGION}-x" $REGION', ["REGION"]),
        ("helm upgrade app --set tag={{ version }}", ["version"]),
        ("kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{end}}'", []),
        ("docker ps --format '{{.Name}} {{ .Status }}'", []),
        ("awk '{print $NF}' file", []),
        ("echo $HOME", []),
        ("psql -h h < backup.sql", []),
    ],
)
def test_placeholders(command: str, expected: list[str]) -> None:
    assert placeholders(command) == expected


# Risk -----------------------------------------------------------------------------------

READS = [
    "kubectl get pods -n prod",
    "kubectl describe pod x",
    "kubectl logs -f deploy/x | grep ERROR",
    "kubectl top pods",
    "kubectl rollout status deployment/x",
    "kubectl rollout history deployment/x",
    "docker ps",
    "docker logs web --tail 50",
    "docker stats web",
    "docker inspect web",
    "az webapp show --name a",
    "az monitor metrics list --resource a",
    "az webapp log tail --name a",
    "curl -f http://h/health",
    "curl -s -o /dev/null -w '%{http_code}' http://h",
    "cat /etc/hosts",
    "tail -n 100 /var/log/x.log",
    "df -h",
    "free -h",
    "ps aux | grep x",
    "psql $DATABASE_URL -c 'SELECT count(*) FROM pg_stat_activity;'",
    "redis-cli info stats",
    "sleep 30",
    "kubectl exec pod -- cat /etc/hosts",
    "gunzip -c backup.gz | wc -l",
    "git log --oneline",
    "systemctl status nginx",
]
WRITES = [
    "az webapp restart --name a",
    "kubectl delete pod x",
    "kubectl scale deployment/x --replicas=3",
    "kubectl rollout undo deployment/x",
    "kubectl apply -f x.yaml",
    "kubectl patch svc x -p '{}'",
    "kubectl exec -it pod -- bash",
    "kubectl exec pod -- sh -c 'rm -rf /tmp/x'",
    "docker restart web",
    "docker exec -it web sh",
    "az containerapp update --name a",
    "az keyvault secret set --name a --value b",
    "curl -X POST http://h/restart",
    "curl -XDELETE http://h/x",
    "curl -d @body.json http://h",
    "rm -rf /tmp/x",
    "psql -c 'DROP TABLE x'",
    "psql -h h db < dump.sql",
    "redis-cli FLUSHDB",
    "git revert abc",
    "git push origin main",
    "systemctl restart nginx",
    "kill -9 1234",
    "echo hi > /etc/motd",
    "kubectl get pods -o yaml | tee pods.yaml",
    "kubectl get all -o yaml > backup.yaml",
    "./deploy.sh",
    "some-unknown-tool --flag",
    "echo $(rm -rf /tmp/x)",
    "terraform apply",
    "az storage blob upload --file x",
]


@pytest.mark.parametrize("command", READS)
def test_read_only_commands(command: str) -> None:
    assert not mutating(command)


@pytest.mark.parametrize("command", WRITES)
def test_mutating_commands(command: str) -> None:
    assert mutating(command)


# Any text -------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "# H\n", "## Sub\n", "### ðŸ“‹ Mojibake\n", "- [ ] item\n", "* [x] done\n", "+ [X] x\n",
        "1. [ ] a\n", "1) b\n", "  - nested\n", "    - [ ] deep\n", "```bash\n", "```\n",
        "```console\n", "$ ls\n", "output\n", "# 1. step\n", "kubectl get pods \\\n",
        "  --all\n", "echo '\n", 'echo "$X\n', "for a in b; do\n", "done\n", "cat <<EOF\n",
        "EOF\n", "<div>\n", "| a | b |\n", "|---|---|\n", "---\n", "\r\n", "\n", "    code\n",
        "> quote\n", "**Label:**\n", "<container-id> ${VAR} {{ v }} {{.X}}\n", "\\\n",
        "$(date\n", "`x\n", "[[ a && b ]]\n", "\x00\x1b[31m\u202e\n", "\ufeff", "\t- [ ]\n",
    ]
)  # fmt: skip


def _check(text: str) -> None:
    runbook = import_runbook(text)
    json.dumps(runbook.to_json())
    for p in runbook.procedures:
        for s in p.steps:
            assert isinstance(s.mutating, bool)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_random_markdown_never_raises(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_random_text_never_raises(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$`'\"\\|&;<>(){}[]# \nabcx-=*"))))
def test_random_shell_never_raises(text: str) -> None:
    mutating(text)
    placeholders(text)
    _check(f"## S\n```bash\n{text}\n```\n1. step\n   ```sh\n   {text}\n   ```\n")


@pytest.mark.parametrize(
    "text",
    [
        "## a\n- [ ] " + "**a " * 20000,
        "## a\n- [ ] " + "_a " * 20000,
        "## a\n- [ ] " + "[a](b " * 20000,
        "## a\n- [ ] " + "<span " * 20000,
        "## a\n```bash\n" + "[[ " * 20000 + "\n```\n",
        "## a\n```bash\necho " + "$(a) " * 20000 + "\n```\n",
    ],
)
def test_stray_markup_costs_linear_time(text: str) -> None:
    # Quadratic patterns took 5-13 s on these; linear ones take a few tens of ms.
    start = time.perf_counter()
    import_runbook(text)
    assert time.perf_counter() - start < 3.0


# The command ----------------------------------------------------------------------------


def test_cli_json_on_a_seed(tmp_path: Path) -> None:
    (path,) = SEEDS.glob("000_*.txt")
    result = run_cockpit(["runbook", "import", str(path), "--format", "json"], tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    names = {c["name"]: len(c["items"]) for c in data["checklists"]}
    assert names == {"Daily Checklist": 10, "Weekly Checklist": 10, "Monthly Checklist": 10}
    (down,) = [p for p in data["procedures"] if p["name"] == "Backend Service Down"]
    assert [s["mutating"] for s in down["steps"]] == [False, False, True, False, False]
    assert set(down["steps"][0]) >= {"text", "command", "mutating", "params"}
    assert set(data["checklists"][0]["items"][0]) >= {"text", "checked"}


def test_cli_yaml_is_a_pasteable_checklists_list(tmp_path: Path) -> None:
    (path,) = SEEDS.glob("003_*.txt")
    result = run_cockpit(["runbook", "import", str(path)], tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = yaml.safe_load(result.stdout)
    assert loaded[0]["name"] == "Pre-Deployment Checklist"
    assert len(loaded[0]["items"]) == 8
    assert set(loaded[0]["items"][0]) == {"text"}
    assert "#        [mutating] docker restart <container-id>" in result.stdout


def test_cli_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run_cockpit(["runbook", "import", str(tmp_path / "nope.md")], tmp_path, tmp_path)
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "nope.md" in result.stderr


def test_cli_a_directory_is_exit_2(tmp_path: Path) -> None:
    result = run_cockpit(["runbook", "import", str(tmp_path)], tmp_path, tmp_path)
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_cli_non_utf8_file_is_read_with_replacements(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("## Caf\u00e9\n- [ ] d\u00e9ployer\n".encode("latin-1") + b"\n\xff\xfe\n")
    result = run_cockpit(["runbook", "import", str(path), "--format", "json"], tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["checklists"][0]["name"] == "Caf\ufffd"
    assert data["checklists"][0]["items"][0]["text"] == "d\ufffdployer"

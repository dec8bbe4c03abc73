#!/bin/sh
# t0900-ci-templates - ci/github/pfharness.yml and ci/gitlab/pfharness.yml
# are valid YAML with a compiler x shard matrix and a merge job that
# publishes report.html and junit.xml; their shell steps, run here as the
# CI system would run them (matrix values and env substituted), make one
# shard and merge it into a report. ci/shard.sh refuses values outside
# their grammar.
. tests/cli/lib.sh
need_root

cleanup_tree() { rm -rf "$TOP/shard-out" "$TOP/shards" "$TOP/merged" \
                        "$TOP/merged.table" "$TOP/merged.err"; }
trap 'cleanup_tree; rm -rf "$T"' EXIT
cleanup_tree

# The shell steps of both templates, for one small shard: gcc-12 at O0,
# one share per compiler, two cases.
python3 - "$TOP" "$T" <<'PY' || fail "the templates"
import os, re, shutil, subprocess, sys, yaml
top, tmp = sys.argv[1], sys.argv[2]
small = {"COMPILERS": "gcc-12", "VARIANTS": "O0", "SHARDS_PER_COMPILER": "1",
         "PFH_RUN_ARGS": "--reps 1 --cases cases/smtp/capture-basic.case "
                         "cases/probe/bv-local-user.case"}

def sh(script, env, what):
    e = dict(os.environ); e.update(env)
    r = subprocess.run(["sh", "-ec", script], cwd=top, env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    out = r.stdout[-3000:]
    print(f"--- {what}: exit {r.returncode}\n{out}")
    return r.returncode, r.stdout

# GitHub Actions
gh = yaml.safe_load(open(f"{top}/ci/github/pfharness.yml"))
on = gh.get("on", gh.get(True))
assert on is not None, "no triggers"
shard, merge = gh["jobs"]["shard"], gh["jobs"]["merge"]
m = shard["strategy"]["matrix"]
compilers = gh["env"]["COMPILERS"].split(",")
assert m["compiler"] == compilers, (m["compiler"], compilers)
assert m["shard"] == list(range(1, int(gh["env"]["SHARDS_PER_COMPILER"]) + 1))
assert shard["container"]["options"] == "--privileged"
assert merge["needs"] == "shard"
uses = [s.get("uses", "") for s in merge["steps"]]
assert any(u.startswith("actions/download-artifact@") for u in uses)
up = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
assert up and "merged/report.html" in up[0]["with"]["path"] \
    and "merged/junit.xml" in up[0]["with"]["path"], up
up = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
assert up and up[0]["if"] == "always()", up

def expand(v, matrix):
    return re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}",
                  lambda x: str(matrix[x.group(1)]), str(v))

def gh_job(job, matrix):
    env = {k: str(v) for k, v in gh["env"].items()}
    env.update(small)
    for step in job["steps"]:
        if "run" not in step:
            continue
        senv = dict(env)
        senv.update({k: expand(v, matrix) for k, v in step.get("env", {}).items()})
        assert "${{" not in step["run"], step["run"]
        rc, out = sh(step["run"], senv, "github: " + step.get("name", step["run"]))
        yield step, rc, out

for step, rc, out in gh_job(shard, {"compiler": "gcc-12", "shard": 1}):
    assert rc == 0, step
assert "run --shard 1/1" in out, out
assert os.path.isfile(f"{top}/shard-out/gcc-12-1/report.json")
# download-artifact: each artifact under shards/NAME/
os.makedirs(f"{top}/shards/shard-gcc-12-1")
shutil.move(f"{top}/shard-out/gcc-12-1", f"{top}/shards/shard-gcc-12-1/")
for step, rc, out in gh_job(merge, {}):
    assert rc == 0, (step, out)
for f in ("report.html", "junit.xml", "report.json"):
    assert os.path.getsize(f"{top}/merged/{f}") > 0, f
assert "capture-basic" in out and "pass" in out
for d in ("shards", "merged", "shard-out"):
    shutil.rmtree(f"{top}/{d}", ignore_errors=True)

# GitLab CI
gl = yaml.safe_load(open(f"{top}/ci/gitlab/pfharness.yml"))
assert gl["stages"] == ["shard", "merge"]
gs, gm = gl["shard"], gl["merge"]
pm = gs["parallel"]["matrix"][0]
assert pm["COMPILER"] == gl["variables"]["COMPILERS"].split(","), pm
assert pm["SHARD"] == [str(i) for i in
                       range(1, int(gl["variables"]["SHARDS_PER_COMPILER"]) + 1)]
assert gm["stage"] == "merge" and gm["artifacts"]["reports"]["junit"] == "merged/junit.xml"
assert "merged/report.html" in gm["artifacts"]["paths"]
base = gl[gs["extends"]]

def gl_job(job, extra):
    env = {k: str(v) for k, v in gl["variables"].items()}
    env.update(small)
    env.update({k: str(v) for k, v in job.get("variables", {}).items()})
    env.update(extra)
    script = "\n".join(base.get("before_script", []) + job["script"])
    return sh(script, env, "gitlab: " + job["stage"])

rc, out = gl_job(gs, {"COMPILER": "gcc-12", "SHARD": "1"})
assert rc == 0 and "run --shard 1/1" in out, out
assert os.path.isfile(f"{top}/shard-out/gcc-12-1/report.json")
rc, out = gl_job(gm, {})
assert rc == 0, out
for f in gm["artifacts"]["paths"]:
    assert os.path.getsize(f"{top}/{f}") > 0, f
for d in ("shard-out", "merged"):
    shutil.rmtree(f"{top}/{d}", ignore_errors=True)
print("templates: ok")
PY

# shard.sh checks its inputs before anything runs.
for bad in "COMPILER=gcc-12;id" "SHARD=0" "SHARD=3" "COMPILER=clang-99" \
           "PFH_RUN_ARGS=--cases \$(id)" "OUT=../x y"; do
    set +e
    env COMPILERS=gcc-12,clang-14 COMPILER=gcc-12 SHARD=1 \
        SHARDS_PER_COMPILER=2 VARIANTS=O0 OUT=shard-out/x "$bad" \
        sh ci/shard.sh >"$T/out" 2>"$T/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "shard.sh with $bad exited $rc"
    grep -q '^shard.sh: ' "$T/err" || fail "shard.sh with $bad: $(cat "$T/err")"
done
[ ! -e "$TOP/shard-out" ] || fail "a refused shard left shard-out/"
echo ok

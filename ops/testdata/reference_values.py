#!/usr/bin/env python3
"""Reference values for ops/reference_values_test.go, computed with mpmath.

Run by hand (python3 ops/testdata/reference_values.py; mpmath 1.3.0); the
tests do not run it. Each input is a float64, taken exactly; f(x) and f'(x)
are evaluated at 50 significant digits (mp.dps = 50) and printed rounded to
17 significant digits, followed by the condition number kappa of the sum that
makes up f'(x) (see condition). Each closed-form derivative is checked against
mpmath's own numerical derivative mp.diff of f before it is printed.
"""
import mpmath as mp

mp.mp.dps = 50


def sigma(x):
    return 1 / (1 + mp.exp(-x))


def swish(x):
    return x * sigma(x)


def dswish(x):
    s = sigma(x)
    return s * (1 + x * (1 - s))


def gelu(x):
    return x * mp.ncdf(x)  # ncdf(x) = erfc(-x/sqrt(2))/2


def dgelu(x):
    return mp.ncdf(x) + x * mp.npdf(x)  # npdf(x) = exp(-x**2/2)/sqrt(2*pi)


def softplus(x):
    return mp.log1p(mp.exp(x))  # log(1 + exp(x)) would round 1 + exp(-800) to 1


def mish(x):
    return x * mp.tanh(softplus(x))


def dmish(x):
    sp = softplus(x)
    return mp.tanh(sp) + x * mp.sech(sp) ** 2 * sigma(x)


def softsign(x):
    return x / (1 + abs(x))


def dsoftsign(x):
    return 1 / (1 + abs(x)) ** 2


FUNCS = {
    "swish": (swish, dswish),
    "gelu": (gelu, dgelu),
    "mish": (mish, dmish),
    "softsign": (softsign, dsoftsign),
}

POINTS = {
    "swish": [-800, -700, -40, -20, -5, -1.5, -1.25, -1.28125, -0.5, 0, 0.5, 1, 3, 20, 40],
    "gelu": [-40, -37, -27.3, -20, -10, -5, -1, -0.75, -0.5, 0, 0.25, 1, 3, 20, 40],
    "mish": [-800, -700, -40, -20, -5, -1.5, -1.1875, -1, -0.5, 0, 0.5, 1, 3, 20, 40],
    "softsign": [-40, -20, -3, -1, -0.5, -0.125, 0, 0.25, 1, 2, 7, 20, 40],
}


def terms(name, x):
    """The terms whose sum is the slope, as the Go code adds them."""
    if name == "swish":
        s = sigma(x)
        return [s, x * s * (1 - s)]
    if name == "gelu":
        return [mp.ncdf(x), x * mp.npdf(x)]
    if name == "mish":
        sp = softplus(x)
        return [mp.tanh(sp), x * mp.sech(sp) ** 2 * sigma(x)]
    return [dsoftsign(x)]


def condition(name, x):
    """kappa = sum |terms| / |sum|, the condition number of the slope's sum,
    to 2 digits; 1 where the slope is 0 or a single term."""
    t = terms(name, mp.mpf(x))
    total = abs(sum(t))
    if total == 0:
        return 1
    k = sum(abs(v) for v in t) / total
    return float(mp.nstr(k * (1 + mp.mpf(10) ** -2), 2))


def check(name, x):
    f, df = FUNCS[name]
    x = mp.mpf(x)
    d = df(x)
    n = mp.diff(f, x)
    if abs(d - n) > mp.mpf(10) ** -35 * max(abs(d), mp.mpf(10) ** -300):
        raise SystemExit(f"{name}'({x}): closed form {d} != mp.diff {n}")
    return f(x), d


def main():
    for name, xs in POINTS.items():
        print(f'\t"{name}": {{')
        for x in xs:
            y, d = check(name, x)
            print(f"\t\t{{{x!r}, {mp.nstr(y, 17, min_fixed=-4, max_fixed=18)}, "
                  f"{mp.nstr(d, 17, min_fixed=-4, max_fixed=18)}, {condition(name, x)!r}}},")
        print("\t},")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates the tables of src/metrics/chisq.c with exact arithmetic.

temme_d[k][n]: Taylor coefficients in eta of Temme's c_k(eta) (DLMF 8.12),
    c_0 = 1/mu - 1/eta,  c_k = (1/eta) c_{k-1}'(eta) + (-1)^k g_k / mu,
    eta^2 / 2 = mu - ln(1 + mu), g_k the coefficients of Stirling's series
    Gamma*(a) = sum g_k a^-k; all series in exact rationals (fractions).
zeta_k: Riemann zeta(k), k = 2..60, by Euler-Maclaurin in 50-digit decimals.

Usage: scripts/gen_chisq_tables.py [K [N]]   (chisq.c uses K = 10, N = 26)
"""
import sys
from decimal import Decimal, getcontext
from fractions import Fraction as F
from math import comb

K = int(sys.argv[1]) if len(sys.argv) > 1 else 10
N = int(sys.argv[2]) if len(sys.argv) > 2 else 26
M = N + 2 * K + 4          # working length of the series


def mul(a, b):
    r = [F(0)] * M
    for i, x in enumerate(a):
        if x == 0:
            continue
        for j, y in enumerate(b[:M - i]):
            r[i + j] += x * y
    return r


def inv(a):                # 1 / a, a[0] != 0
    r = [F(0)] * M
    r[0] = 1 / a[0]
    for n in range(1, M):
        r[n] = -sum(a[k] * r[n - k] for k in range(1, n + 1)) / a[0]
    return r


def sqrt_series(a):        # sqrt(a), a[0] = 1
    r = [F(0)] * M
    r[0] = F(1)
    for n in range(1, M):
        r[n] = (a[n] - sum(r[k] * r[n - k] for k in range(1, n))) / 2
    return r


def compose(a, b):         # a(b(t)), b[0] = 0
    r = [F(0)] * M
    p = [F(1)] + [F(0)] * (M - 1)
    for n in range(M):
        if n > 0:
            p = mul(p, b)
        if a[n] != 0:
            r = [x + a[n] * y for x, y in zip(r, p)]
    return r


def bernoulli(n):
    b = [F(0)] * (n + 1)
    b[0] = F(1)
    for m in range(1, n + 1):
        b[m] = -sum(comb(m + 1, k) * b[k] for k in range(m)) / (m + 1)
    return b


def temme_tables():
    # eta = mu f(mu), f = sqrt(2 (mu - ln(1 + mu)) / mu^2) = sqrt(2 sum_j (-1)^j mu^(j-2) / j)
    f = sqrt_series([F(2 * (-1) ** j, j + 2) for j in range(M)])
    e = [F(0)] + f[:M - 1]
    # revert eta(mu) to mu(eta): mu <- eta - (eta(mu) - mu), one more order each round
    mu = [F(0), F(1)] + [F(0)] * (M - 2)
    for _ in range(M):
        emu = compose(e, mu)
        mu = [(1 if i == 1 else 0) - (x - m) for i, (m, x) in enumerate(zip(mu, emu))]
    chk = compose(e, mu)
    assert chk[1] == 1 and all(x == 0 for i, x in enumerate(chk[:M - 2]) if i != 1)
    r = inv(mu[1:] + [F(0)])                   # eta / mu: 1 / mu = r / eta
    b = bernoulli(2 * K + 4)
    lng = [F(0)] * M                           # ln Gamma*(a) in powers of 1/a
    for m in range(1, K + 2):
        if 2 * m - 1 < M:
            lng[2 * m - 1] = b[2 * m] / (2 * m * (2 * m - 1))
    g = [F(0)] * M                             # Gamma*(a) = exp(ln Gamma*(a))
    g[0] = F(1)
    for n in range(1, M):
        g[n] = sum(k * lng[k] * g[n - k] for k in range(1, n + 1)) / n
    assert g[1] == F(1, 12) and g[2] == F(1, 288) and g[3] == F(-139, 51840)
    c = [r[1:] + [F(0)]]                       # c_0 = (r - 1) / eta
    for k in range(1, K):
        prev = c[-1]
        # the eta^-1 terms of (1/eta) prev' and (-1)^k g_k r / eta cancel
        assert prev[1] + (-1) ** k * g[k] * r[0] == 0
        nxt = [F(0)] * M
        for n in range(2, M):
            nxt[n - 2] += n * prev[n]
        for n in range(1, M):
            nxt[n - 1] += (-1) ** k * g[k] * r[n]
        c.append(nxt)
    return [row[:N] for row in c]


def zeta(k, n=40):
    getcontext().prec = 50
    b = bernoulli(32)
    s = sum(Decimal(i) ** -k for i in range(1, n))
    s += Decimal(n) ** (1 - k) / (k - 1) + Decimal(n) ** -k / 2
    for j in range(1, 15):
        rising = Decimal(1)
        for i in range(2 * j - 1):
            rising *= k + i
        fact = Decimal(1)
        for i in range(1, 2 * j + 1):
            fact *= i
        s += Decimal(b[2 * j].numerator) / Decimal(b[2 * j].denominator) / fact * rising * \
            Decimal(n) ** (-k - 2 * j + 1)
    return s


def rows_of(values, indent):
    out = []
    for i in range(0, len(values), 4):
        out.append(indent + ', '.join('%.17g' % float(v) for v in values[i:i + 4]) +
                   (',' if i + 4 < len(values) else ''))
    return '\n'.join(out)


print('static const double temme_d[TEMME_K][TEMME_N] = {')
print(',\n'.join('\t{\n' + rows_of(row, '\t\t') + '\n\t}' for row in temme_tables()))
print('};')
print()
print('static const double zeta_k[ZETA_N] = {')
print(rows_of([zeta(k) for k in range(2, 61)], '\t'))
print('};')

#!/usr/bin/python3
"""A reference WOE scorecard, built the way a careful modeller builds one, to
compare loan_risk.train_scorecard with (data/credit/README.md).

Run with Debian's Python (python3-sklearn, python3-pandas, python3-statsmodels):

    /usr/bin/python3 data/credit/reference_woe.py            # all data sets
    /usr/bin/python3 data/credit/reference_woe.py hmda       # one

For each data set (DATASETS below) it fits on the rows with split = 'train'
and writes the PD of every 'test' row to reference_pd_<name>.csv (id, pd),
and prints the held-out AUC and Hosmer-Lemeshow statistic.

The scorecard, step by step:
  binning      numeric features: a decision tree (sklearn, entropy, at most
               6 leaves, each leaf at least 5% of the rows) on the non-missing
               values gives the cut points; adjacent bins whose bad rates break
               the feature's direction (the sign of the Spearman correlation
               with the target) are merged until the rates are monotone;
               missing values get a bin of their own.  Categorical features:
               one bin per category, categories under 5% of the rows pooled.
  WOE          ln(share of goods / share of bads) per bin, 0.5 added to both
               counts of a bin lacking either.
  selection    IV at least 0.02; of two features correlated above 0.7 (on the
               WOE columns) the one of lower IV is dropped.
  fit          unpenalised logistic regression on the WOE columns
               (statsmodels Logit, Newton); features whose coefficient has the
               wrong sign (a WOE coefficient must be negative on P(bad)) or a
               p-value above 0.05 are dropped one at a time (largest first)
               and the model refitted.
"""
import math
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

DATASETS = {
    "german_credit": {"file": "german_credit.csv", "exclude": []},
    "credit_data": {"file": "credit_data.csv", "exclude": []},
    # afam (race) is left out: a lender may not score on it.
    "hmda": {"file": "hmda.csv", "exclude": ["afam"]},
}
MIN_SHARE = 0.05
MAX_LEAVES = 6
MIN_IV = 0.02
MAX_CORR = 0.7


def woe_table(x_bin, y):
    t = pd.crosstab(x_bin, y)
    g = t.get(0, pd.Series(0, index=t.index)).astype(float)
    b = t.get(1, pd.Series(0, index=t.index)).astype(float)
    fix = (g == 0) | (b == 0)
    g[fix] += 0.5
    b[fix] += 0.5
    gs, bs = g / g.sum(), b / b.sum()
    woe = np.log(gs / bs)
    iv = float(((gs - bs) * woe).sum())
    return woe.to_dict(), iv


def numeric_cuts(x, y):
    ok = x.notna()
    xs, ys = x[ok].to_numpy().reshape(-1, 1), y[ok].to_numpy()
    if len(np.unique(xs)) < 2:
        return []
    tree = DecisionTreeClassifier(criterion="entropy", max_leaf_nodes=MAX_LEAVES,
                                  min_samples_leaf=max(1, int(math.ceil(MIN_SHARE * len(x)))),
                                  random_state=0)
    tree.fit(xs, ys)
    cuts = sorted(t for t, f in zip(tree.tree_.threshold, tree.tree_.feature) if f >= 0)
    # Monotone bad rates in the feature's direction: merge violators.
    rho = stats.spearmanr(x[ok], y[ok]).correlation
    sign = 1 if (rho is None or np.isnan(rho) or rho >= 0) else -1
    while cuts:
        edges = [-np.inf] + cuts + [np.inf]
        b = pd.cut(x[ok], edges, right=True, labels=False)
        rate = y[ok].groupby(b).mean().reindex(range(len(edges) - 1))
        bad = [i for i in range(len(rate) - 1) if sign * (rate[i + 1] - rate[i]) <= 0]
        if not bad:
            break
        # Merge the pair with the smallest rate difference.
        i = min(bad, key=lambda k: abs(rate[k + 1] - rate[k]))
        del cuts[i]
    return cuts


class Feature:
    def __init__(self, name, x, y):
        self.name = name
        self.numeric = pd.api.types.is_numeric_dtype(x)
        if self.numeric:
            self.cuts = numeric_cuts(x, y)
        else:
            share = x.value_counts(normalize=True)
            self.keep = set(share[share >= MIN_SHARE].index)
        self.woe, self.iv = woe_table(self.bin(x), y)
        self.worst = min(self.woe.values())

    def bin(self, x):
        if self.numeric:
            b = pd.cut(x, [-np.inf] + self.cuts + [np.inf], right=True, labels=False)
            return b.astype("float").fillna(-1).astype(int).astype(str)
        return x.where(x.isin(self.keep), "(rare)").fillna("(missing)").astype(str)

    def code(self, x):
        return self.bin(x).map(self.woe).fillna(self.worst).astype(float)


def hosmer_lemeshow(pd_, y, groups=10):
    order = np.argsort(pd_, kind="mergesort")
    p, o = np.asarray(pd_)[order], np.asarray(y)[order]
    chunks = np.array_split(np.arange(len(p)), groups)
    stat = 0.0
    for c in chunks:
        n, e, obs = len(c), p[c].sum(), o[c].sum()
        if n == 0:
            continue
        stat += (obs - e) ** 2 / (e * (1 - e / n)) if 0 < e < n else 0.0
    return stat, float(stats.chi2.sf(stat, groups - 2))


def run(name, spec):
    d = pd.read_csv(spec["file"])
    feats = [c for c in d.columns if c not in ("id", "bad", "split") and c not in spec["exclude"]]
    tr, te = d[d.split == "train"], d[d.split == "test"]
    y = tr.bad
    fs = {f: Feature(f, tr[f], y) for f in feats}
    cand = sorted((f for f in feats if fs[f].iv >= MIN_IV), key=lambda f: -fs[f].iv)
    W = pd.DataFrame({f: fs[f].code(tr[f]) for f in cand})
    kept = []
    for f in cand:
        if all(abs(np.corrcoef(W[f], W[k])[0, 1]) <= MAX_CORR for k in kept):
            kept.append(f)
    while True:
        X = sm.add_constant(W[kept])
        m = sm.Logit(y, X).fit(method="newton", maxiter=100, disp=0)
        coef, pv = m.params.drop("const"), m.pvalues.drop("const")
        worse = [f for f in kept if coef[f] >= 0 or pv[f] > 0.05]
        if not worse or len(kept) == 1:
            break
        kept.remove(max(worse, key=lambda f: (coef[f] >= 0, pv[f])))
    Xt = sm.add_constant(pd.DataFrame({f: fs[f].code(te[f]) for f in kept}), has_constant="add")
    p = m.predict(Xt[X.columns])
    auc = roc_auc_score(te.bad, p)
    hl, hlp = hosmer_lemeshow(p.to_numpy(), te.bad.to_numpy())
    pd.DataFrame({"id": te.id, "pd": p}).to_csv(f"reference_pd_{name}.csv", index=False,
                                                float_format="%.17g")
    print(f"{name}: train {len(tr)} rows, test {len(te)} rows; features {len(kept)} of {len(feats)} "
          f"({', '.join(kept)}); test AUC {auc:.4f}, Hosmer-Lemeshow {hl:.2f} (p {hlp:.3f})")


if __name__ == "__main__":
    import os
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    for n in (sys.argv[1:] or DATASETS):
        run(n, DATASETS[n])

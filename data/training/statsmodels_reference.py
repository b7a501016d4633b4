#!/usr/bin/python3
"""Reference values for sql/training_logistic.sql and sql/training_scorecard.sql.

Run with Debian's Python (python3-statsmodels, python3-pandas, python3-scipy):

    /usr/bin/python3 data/training/statsmodels_reference.py

Inputs: data/applicants.csv, data/training/glm_cases.csv (from
gen_glm_cases.sql) and data/training/applicants_card.json (the card that
train_scorecard made from data/applicants.csv; here it only defines the WOE
design: each value is coded, independently of loan_risk, to the WOE of its
bin, and statsmodels fits the logistic regression on that design).

Every fit is statsmodels GLM(family=Binomial()) by IRLS to tol=1e-14; the
ridge fit is the penalised maximum found by scipy (Newton-CG to 1e-13).
"""
import json
import math
import sys

import numpy as np
import pandas as pd
import scipy
import scipy.optimize
import statsmodels
import statsmodels.api as sm

np.set_printoptions(precision=17)


def glm(y, X, **kw):
    return sm.GLM(y, X, family=sm.families.Binomial(), **kw).fit(tol=1e-14, maxiter=100)


def show(name, res, names):
    print(f"-- {name}")
    for n, b, s in zip(names, res.params, res.bse):
        print(f"   {n:22s} estimate {b!r:24s} std_error {s!r}")
    print(f"   log_likelihood {res.llf!r}  aic {res.aic!r}")


print(f"statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, numpy {np.__version__}, "
      f"python {sys.version.split()[0]}")

a = pd.read_csv("data/applicants.csv")
cols = ["months_active", "refund_share", "repeat_payer_share", "night_share"]
r = glm(a["bad"], sm.add_constant(a[cols]))
show("applicants: bad ~ months_active + refund_share + repeat_payer_share + night_share", r,
     ["(intercept)"] + cols)
print(f"   bic {(-2 * r.llf + len(r.params) * math.log(len(a)))!r}")

g = pd.read_csv("data/training/glm_cases.csv")
X = sm.add_constant(g[["x1", "x2", "x3"]])
names = ["(intercept)", "x1", "x2", "x3"]
show("glm_cases: y ~ x1 + x2 + x3", glm(g["y"], X), names)
show("glm_cases: weights w (frequency), offset off",
     glm(g["y"], X, freq_weights=g["w"], offset=g["off"]), names)
show("glm_cases: no intercept", glm(g["y"], g[["x1", "x2", "x3"]]), names[1:])

# Ridge: maximise ll(b) - lambda/2 * sum(b[1:]^2), lambda = 30.
lam = 30.0
Xv = X.to_numpy()
yv = g["y"].to_numpy()


def negobj(b):
    eta = Xv @ b
    ll = np.sum(yv * eta - np.logaddexp(0, eta))
    return -(ll - lam / 2 * np.sum(b[1:] ** 2))


def grad(b):
    mu = 1 / (1 + np.exp(-(Xv @ b)))
    gr = Xv.T @ (yv - mu)
    gr[1:] -= lam * b[1:]
    return -gr


def hess(b):
    mu = 1 / (1 + np.exp(-(Xv @ b)))
    h = (Xv * (mu * (1 - mu))[:, None]).T @ Xv
    h[1:, 1:] += lam * np.eye(3)
    return h


opt = scipy.optimize.minimize(negobj, np.zeros(4), jac=grad, hess=hess, method="Newton-CG",
                              options={"xtol": 1e-13, "maxiter": 200})
se = np.sqrt(np.diag(np.linalg.inv(hess(opt.x))))
print("-- glm_cases: L2 penalty 30 (intercept not penalised), scipy Newton-CG")
for n, b, s in zip(names, opt.x, se):
    print(f"   {n:22s} estimate {b!r:24s} std_error {s!r}")

# The WOE design of the card train_scorecard made from data/applicants.csv.
card = json.load(open("data/training/applicants_card.json"))


def woe_of(f, v):
    if f["type"] == "numeric":
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return f["missing"]["woe"]
        for s in f.get("special", []):
            if v in s["values"]:
                return s["woe"]
        i = sum(1 for b in f["bins"][:-1] if v >= b["upper"])
        return f["bins"][i]["woe"]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return f["missing"]["woe"]
    for b in f["bins"]:
        if str(v) in b["values"]:
            return b["woe"]
    return f["unseen"]["woe"]


design = pd.DataFrame({f["name"]: [woe_of(f, None if pd.isna(v) else v) for v in a[f["name"]]]
                       for f in card["features"]})
r = glm(a["bad"], sm.add_constant(design))
show("applicants: bad ~ WOE design of applicants_card.json", r, ["(intercept)"] + list(design.columns))

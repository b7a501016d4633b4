#!/usr/bin/python3
"""Reference isolation forest from scikit-learn, for sql/antifraud_iforest_type.sql.

Run with Debian's python3 (python3-sklearn 1.2.1):
    /usr/bin/python3 data/antifraud/sklearn_reference.py
Writes, next to this file:
    sklearn_iforest.json   the fitted forest in loan_risk.iforest/1 form
    sklearn_points.csv     id, f1, f2, f3, and -score_samples() (the anomaly score)

The data are multiples of 1/16 (exact in float32, which scikit-learn's trees
use), so comparisons against thresholds agree exactly in both implementations.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20240611)
normal = rng.normal(size=(480, 3)) * [1.0, 2.0, 0.5] + [10.0, -3.0, 0.0]
odd = rng.uniform(-20, 20, size=(20, 3))
X = np.round(np.vstack([normal, odd]) * 16) / 16
X = X.astype(np.float64)

model = IsolationForest(n_estimators=10, max_samples=64, random_state=7).fit(X)

trees = []
for est in model.estimators_:
    t = est.tree_
    nodes = []
    for i in range(t.node_count):
        if t.children_left[i] == -1:
            nodes.append({"size": int(t.n_node_samples[i])})
        else:
            nodes.append({"feature": int(t.feature[i]), "threshold": float(t.threshold[i]),
                          "left": int(t.children_left[i]), "right": int(t.children_right[i]),
                          "size": int(t.n_node_samples[i])})
    trees.append({"nodes": nodes})

doc = {"format": "loan_risk.iforest/1", "name": "sklearn_reference",
       "description": "scikit-learn %s IsolationForest(n_estimators=10, max_samples=64, random_state=7)"
       % sklearn.__version__,
       "features": ["f1", "f2", "f3"], "sample_size": int(model.max_samples_), "trees": trees}
with open(os.path.join(here, "sklearn_iforest.json"), "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")

# Scores of the training points and of a grid around them.
grid = np.round(rng.uniform(-25, 25, size=(100, 3)) * 16) / 16
P = np.vstack([X, grid])
scores = -model.score_samples(P)
with open(os.path.join(here, "sklearn_points.csv"), "w") as f:
    for i, (p, s) in enumerate(zip(P, scores)):
        f.write("%d,%r,%r,%r,%r\n" % (i + 1, p[0], p[1], p[2], float(s)))

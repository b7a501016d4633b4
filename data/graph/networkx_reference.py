#!/usr/bin/python3
"""Reference values for the graph tests (sql/graph_*.sql), from networkx.

Run with Debian's Python, which has python3-networkx:

    /usr/bin/python3 data/graph/networkx_reference.py

It prints, per test graph, a VALUES list to paste into the test.  The graphs
come from integer arithmetic (mix() below) that the tests repeat in SQL, so
both sides see the same edges; the tests also check the edge count and sum.
"""
import sys
import warnings

import networkx as nx
import numpy as np

warnings.simplefilter("ignore", FutureWarning)


def mix(x):
    """A 32-bit integer hash; the tests define the same as graph_mix(x)."""
    h = x % 4294967296
    h = (((h >> 16) ^ h) * 73244475) % 4294967296
    h = (((h >> 16) ^ h) * 73244475) % 4294967296
    return (h >> 16) ^ h


def nid(k):
    """Node ids: spread out, negative ones too."""
    return (k - 30) * 1000003


def clustering_edges():
    return [(nid(mix(2 * i) % 60), nid(mix(2 * i + 1) % 60)) for i in range(1, 261)]


def components_edges():
    return [(nid(mix(3 * i) % 80), nid(mix(3 * i + 1) % 80)) for i in range(1, 51)]


def pagerank_edges():
    e = [(nid(mix(5 * i) % 40), nid(mix(5 * i + 1) % 40), 1 + mix(5 * i + 2) % 9)
         for i in range(1, 91)]
    # three nodes that are only targets: dangling in the directed graph
    e += [(nid(mix(5 * i) % 40), nid(40 + i % 3), 1 + mix(5 * i + 2) % 9)
          for i in range(91, 97)]
    return e


PR_SEEDS = {nid(3): 2.0, nid(17): 1.0, nid(29): 0.5}


def out(name, rows):
    print(f"-- {name}")
    items = ["(" + ", ".join(rows_fmt(r)) + ")" for r in rows]
    lines, line = [], "  "
    for i, it in enumerate(items):
        it += "," if i + 1 < len(items) else ""
        if len(line) + len(it) + 1 > 110 and line.strip():
            lines.append(line.rstrip())
            line = "  "
        line += it + " "
    lines.append(line.rstrip())
    print("(VALUES")
    print("\n".join(lines))
    print(")")
    print()


def rows_fmt(r):
    return [repr(float(v)) if isinstance(v, (float, np.floating)) else str(v) for v in r]


def power(G, p, alpha, iterations, weight):
    nodes = sorted(G)
    M = np.asarray(nx.google_matrix(G, alpha=alpha, personalization=p,
                                    nodelist=nodes, weight=weight))
    s = sum(p.values())
    x = np.array([p.get(n, 0.0) / s for n in nodes])
    for _ in range(iterations):
        x = x @ M
    return dict(zip(nodes, x))


def main():
    print(f"-- networkx {nx.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    print()

    e = clustering_edges()
    G = nx.Graph()
    G.add_edges_from(e)
    print(f"-- clustering graph: {len(e)} edges, sum of endpoints {sum(a + b for a, b in e)}")
    tri = nx.triangles(G)
    cl = nx.clustering(G)
    deg = {v: len(set(G[v]) - {v}) for v in G}
    out("clustering: node, degree, triangles, clustering",
        [(v, deg[v], tri[v], float(cl[v])) for v in sorted(G)])

    e = components_edges()
    G = nx.Graph()
    G.add_edges_from(e)
    print(f"-- components graph: {len(e)} edges, sum of endpoints {sum(a + b for a, b in e)}")
    comps = list(nx.connected_components(G))
    print(f"-- {len(comps)} components")
    rows = []
    for c in comps:
        for v in c:
            rows.append((v, min(c), len(c)))
    out("components: node, component (smallest node id), size", sorted(rows))

    e = pagerank_edges()
    print(f"-- pagerank graph: {len(e)} edges, sum of endpoints {sum(a + b for a, b, w in e)}, "
          f"sum of weights {sum(w for a, b, w in e)}")
    print(f"-- seeds: {PR_SEEDS}")
    U = nx.MultiGraph()
    D = nx.MultiDiGraph()
    for a, b, w in e:
        U.add_edge(a, b, weight=float(w))
        D.add_edge(a, b, weight=float(w))
    p = PR_SEEDS
    cases = [
        ("A undirected, unweighted, damping 0.85, 30 iterations from the seeds",
         power(U, p, 0.85, 30, None)),
        ("B undirected, weighted, converged: pagerank(tol=1e-15)",
         nx.pagerank(U, alpha=0.85, personalization=p, nstart=p, weight="weight",
                     tol=1e-15, max_iter=100000)),
        ("C directed, weighted, damping 0.7, 30 iterations from the seeds",
         power(D, p, 0.7, 30, "weight")),
        ("D directed, weighted, converged: pagerank(alpha=0.7, tol=1e-15)",
         nx.pagerank(D, alpha=0.7, personalization=p, nstart=p, weight="weight",
                     tol=1e-15, max_iter=100000)),
    ]
    for name, r in cases:
        out(f"pagerank {name}: node, risk", [(v, float(r[v])) for v in sorted(r)])


main()

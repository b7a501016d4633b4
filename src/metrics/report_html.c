/*
 * report_html.c
 *	  The validation report as one self-contained HTML page: CSS in a style
 *	  element, charts as inline SVG, no script and no external resource, so
 *	  the file opens the same anywhere (mail attachment, document archive,
 *	  offline browser) and prints.
 *
 * Pure C: it formats the figures the server computed (LrReportData) and the
 * card (LrCard).  All text that comes from the user (card, feature, bin and
 * column names, the title, the card's free-form statistics) goes through
 * lr_html_escape.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/report.h"

/* ---------------------------------------------------------------- text */

bool
lr_html_escape(LrBuf *out, const char *s, size_t len)
{
	size_t		start = 0;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *rep = NULL;

		switch (c)
		{
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = "&quot;";
				break;
			case '\'':
				rep = "&#39;";
				break;
			default:
				/* control characters are not allowed in HTML text */
				if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
					rep = "&#xFFFD;";
				break;
		}
		if (rep)
		{
			lr_buf_append(out, s + start, i - start);
			lr_buf_puts(out, rep);
			start = i + 1;
		}
	}
	lr_buf_append(out, s + start, len - start);
	return !out->failed;
}


static void
Esc(LrBuf *b, const char *s)
{
	if (s)
		lr_html_escape(b, s, strlen(s));
}

#define DASH "&#8211;"

/* A number with a fixed number of decimals; a dash for NaN. */
static void
Num(LrBuf *b, double v, int decimals)
{
	if (isnan(v))
		lr_buf_puts(b, DASH);
	else if (isinf(v))
		lr_buf_puts(b, v > 0 ? "&#8734;" : "&#8722;&#8734;");
	else
	{
		if (v == 0)
			v = 0;				/* no "-0.0000" */
		lr_buf_printf(b, "%.*f", decimals, v);
	}
}

/* A share as a percentage with the given decimals. */
static void
Pct(LrBuf *b, double v, int decimals)
{
	if (isnan(v))
		lr_buf_puts(b, DASH);
	else
	{
		Num(b, 100 * v, decimals);
		lr_buf_puts(b, "%");
	}
}

/* A p-value: four decimals, "<0.0001" below that. */
static void
PValue(LrBuf *b, double p)
{
	if (p >= 0 && p < 0.00005)
		lr_buf_puts(b, "&lt;0.0001");
	else
		Num(b, p, 4);
}

/* A number in general format (up to 6 significant digits). */
static void
Gen(LrBuf *b, double v)
{
	if (isnan(v) || isinf(v))
		Num(b, v, 0);
	else
		lr_buf_printf(b, "%.6g", v == 0 ? 0 : v);
}

static void
Int(LrBuf *b, int64_t v)
{
	/* thin spaces between thousands read well in every locale */
	char		tmp[32];
	int			n = snprintf(tmp, sizeof(tmp), "%llu",
								 v < 0 ? (unsigned long long) 0 - (unsigned long long) v : (unsigned long long) v);

	if (v < 0)
		lr_buf_puts(b, "&#8722;");
	for (int i = 0; i < n; i++)
	{
		if (i > 0 && (n - i) % 3 == 0)
			lr_buf_puts(b, "&#8201;");
		lr_buf_putc(b, tmp[i]);
	}
}

static double
Div(double a, double b)
{
	return b == 0 ? NAN : a / b;
}

/* ---------------------------------------------------------------- charts */

#define CW 480					/* viewBox width and height */
#define CH 320
#define ML 56					/* plot margins */
#define MR 18
#define MT 30
#define MB 46

typedef struct Chart
{
	LrBuf	   *b;
	double		xmin,
				xmax,
				ymin,
				ymax;
} Chart;

/* Keeps drawn coordinates finite and near the chart whatever the figures. */
static double
Clamp(double v, double lo, double hi)
{
	return isnan(v) ? lo : (v < lo ? lo : (v > hi ? hi : v));
}

/*
 * (v - lo) / (hi - lo), at half scale when hi - lo is beyond the float8
 * range (scores from -1e308 to 1e308): the chart then still spans the data.
 */
static double
Frac(double v, double lo, double hi)
{
	if (isinf(hi - lo) && isfinite(lo) && isfinite(hi))
		return (0.5 * v - 0.5 * lo) / (0.5 * hi - 0.5 * lo);
	return (v - lo) / (hi - lo);
}

static double
Cx(const Chart *c, double v)
{
	return Clamp(ML + Frac(v, c->xmin, c->xmax) * (CW - ML - MR), ML - 4, CW - MR + 4);
}

static double
Cy(const Chart *c, double v)
{
	return Clamp(CH - MB - Frac(v, c->ymin, c->ymax) * (CH - MT - MB), MT - 4, CH - MB + 4);
}

static bool
Finite2(double x, double y)
{
	return isfinite(x) && isfinite(y);
}

/* A round step near range / 5: 1, 2 or 5 times a power of ten. */
static double
NiceStep(double range)
{
	double		raw = range / 5;
	double		p,
				m;

	if (!(raw > 1e-300) || !isfinite(raw))
		return 1;
	p = pow(10, floor(log10(raw)));
	m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static int
StepDecimals(double step)
{
	int			d;

	if (!(step > 1e-300) || !isfinite(step))
		return 0;
	d = (int) -floor(log10(step) + 1e-9);

	return d < 0 ? 0 : (d > 6 ? 6 : d);
}

static void
TickLabel(LrBuf *b, double v, double step, bool pct)
{
	if (pct)
	{
		int			d = StepDecimals(step * 100);

		Num(b, 100 * v, d);
		lr_buf_puts(b, "%");
	}
	else if (fabs(step) >= 1e9)
		Gen(b, v);
	else
		Num(b, v, StepDecimals(step));
}

/* NiceStep of hi - lo, also when that difference is beyond the float8 range */
static double
NiceStepOf(double lo, double hi)
{
	if (isinf(hi - lo))
		return 2 * NiceStep(0.5 * hi - 0.5 * lo);
	return NiceStep(hi - lo);
}

/*
 * Opens a chart: the svg element, its accessible title, grid lines with
 * tick labels, and the axis titles.
 */
static void
ChartOpen(Chart *c, LrBuf *b, const char *id, const char *title,
		  double xmin, double xmax, bool xpct, const char *xtitle,
		  double ymin, double ymax, bool ypct, const char *ytitle)
{
	double		step;

	if (!isfinite(xmin) || !isfinite(xmax))
		xmin = 0, xmax = 1;
	if (!isfinite(ymin) || !isfinite(ymax))
		ymin = 0, ymax = 1;
	if (!(xmax > xmin))
		xmax = xmin + 1;
	if (!(ymax > ymin))
		ymax = ymin + 1;
	if (xmax - xmin < fabs(xmin) * 1e-9)
		xmax = xmin + fabs(xmin) * 1e-9;
	if (ymax - ymin < fabs(ymin) * 1e-9)
		ymax = ymin + fabs(ymin) * 1e-9;
	c->b = b;
	c->xmin = xmin;
	c->xmax = xmax;
	c->ymin = ymin;
	c->ymax = ymax;
	lr_buf_printf(b, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t\">"
				  "<title id=\"%s-t\">", id, CW, CH, id, id);
	Esc(b, title);
	lr_buf_puts(b, "</title>\n");
	lr_buf_printf(b, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
				  ML, MT, CW - ML - MR, CH - MT - MB);

	step = NiceStepOf(xmin, xmax);
	for (int t = 0; t <= 20; t++)
	{
		double		v = (ceil(xmin / step - 1e-9) + t) * step;
		double		x;

		if (v > xmax + step * 1e-9)
			break;
		x = Cx(c, v);

		lr_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
					  "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
					  x, MT, x, CH - MB, x, CH - MB + 15);
		TickLabel(b, v, step, xpct);
		lr_buf_puts(b, "</text>\n");
	}
	step = NiceStepOf(ymin, ymax);
	for (int t = 0; t <= 20; t++)
	{
		double		v = (ceil(ymin / step - 1e-9) + t) * step;
		double		y;

		if (v > ymax + step * 1e-9)
			break;
		y = Cy(c, v);

		lr_buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
					  "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
					  ML, y, CW - MR, y, ML - 6, y + 4);
		TickLabel(b, v, step, ypct);
		lr_buf_puts(b, "</text>\n");
	}
	lr_buf_printf(b, "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
				  ML + (CW - ML - MR) / 2, CH - 8);
	Esc(b, xtitle);
	lr_buf_printf(b, "</text>\n<text class=\"axis-title\" x=\"14\" y=\"%d\" text-anchor=\"middle\" "
				  "transform=\"rotate(-90 14 %d)\">", MT + (CH - MT - MB) / 2, MT + (CH - MT - MB) / 2);
	Esc(b, ytitle);
	lr_buf_puts(b, "</text>\n");
}

static void
ChartClose(Chart *c)
{
	lr_buf_puts(c->b, "</svg>\n");
}

/* Legend entry i (top left, in a row). */
static void
Legend(Chart *c, int i, const char *cls, const char *text)
{
	double		x = ML + 8 + i * 150;

	lr_buf_printf(c->b, "<rect class=\"%s\" x=\"%.1f\" y=\"10\" width=\"12\" height=\"12\"/>"
				  "<text class=\"legend\" x=\"%.1f\" y=\"20\">", cls, x, x + 17);
	lr_buf_puts(c->b, text);
	lr_buf_puts(c->b, "</text>\n");
}

static void
Line(Chart *c, const char *cls, double x1, double y1, double x2, double y2)
{
	lr_buf_printf(c->b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
				  cls, Cx(c, x1), Cy(c, y1), Cx(c, x2), Cy(c, y2));
}

/* ---------------------------------------------------------------- page parts */

static const char *css =
"*{box-sizing:border-box}"
"body{margin:0;background:#f4f5f7;color:#1f2430;font:14px/1.45 \"DejaVu Sans\",\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif}"
"main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}"
"header h1{font-size:24px;margin:8px 0 4px}"
".sub{color:#566070;margin:0 0 8px}"
"nav{font-size:13px;margin:8px 0 0}nav a{color:#2a5db0;margin-right:14px;text-decoration:none}"
"section{background:#fff;border:1px solid #dfe3e8;border-radius:6px;padding:14px 20px 18px;margin:16px 0;"
"break-inside:avoid}"
"h2{font-size:18px;margin:2px 0 10px}h3{font-size:15px;margin:16px 0 6px}"
"p.note{color:#566070;font-size:13px;margin:6px 0}"
".kpis{display:flex;flex-wrap:wrap;gap:10px}"
".kpi{border:1px solid #e3e6ea;border-radius:5px;padding:8px 12px;min-width:120px}"
".kpi .v{font-size:20px;font-weight:600}.kpi .k{font-size:12px;color:#566070}"
".charts{display:flex;flex-wrap:wrap;gap:18px}"
"figure{margin:0;flex:1 1 460px;max-width:540px}figcaption{font-size:13px;color:#566070;margin-top:2px}"
"svg.chart{width:100%;height:auto;display:block}"
"svg .plot{fill:#fbfbfc;stroke:#9aa3ae}svg .grid{stroke:#e6e8eb;stroke-width:1}"
"svg .tick{font-size:11px;fill:#566070}svg .axis-title{font-size:12px;fill:#333a45}"
"svg .legend{font-size:12px;fill:#333a45}svg .label{font-size:11px;fill:#333a45}"
"svg .diag{stroke:#9aa3ae;stroke-dasharray:4 4}"
"svg .c-bad{fill:none;stroke:#c0392b;stroke-width:2}svg .c-good{fill:none;stroke:#2471a3;stroke-width:2}"
"svg .c-roc{fill:none;stroke:#6c3fb5;stroke-width:2}svg .a-roc{fill:#6c3fb5;fill-opacity:.08;stroke:none}"
"svg .ks{stroke:#1f2430;stroke-width:1.5;stroke-dasharray:3 3}"
"svg .b-bad{fill:#c0392b;fill-opacity:.75}svg .b-good{fill:#2471a3;fill-opacity:.75}"
"svg .pt{fill:#6c3fb5;stroke:#fff;stroke-width:1}svg .k-roc{fill:#6c3fb5}"
".scroll{overflow-x:auto}"
"table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}"
"th,td{padding:3px 7px;border-bottom:1px solid #e6e8eb;text-align:right;white-space:nowrap}"
"th{background:#f4f5f7;font-weight:600;white-space:normal;vertical-align:bottom}"
"th.l,td.l{text-align:left;white-space:normal;overflow-wrap:anywhere}"
"table.kv th{width:13em;overflow-wrap:normal;vertical-align:top}"
".ok{color:#1e7b3c}.warn{color:#a86400}.bad{color:#b0281a;font-weight:600}"
".bar{display:inline-block;height:10px;background:#6c3fb5;opacity:.7;vertical-align:middle}"
"footer{color:#566070;font-size:12px;margin-top:18px}"
"code{font-size:12px;background:#f0f1f3;padding:0 3px;border-radius:3px}"
/*
 * Printing: the whole report on A4 or Letter, every table and chart within
 * the page (tables wrap their text instead of scrolling), table headers
 * repeated on each page, a row never split, charts kept whole.
 */
"@page{size:auto;margin:12mm 10mm}"
"@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}"
"section{border:none;border-radius:0;padding:0;margin:0 0 10px;break-inside:auto}"
"nav{display:none}h2{font-size:15px;break-after:avoid}h3{font-size:13px;break-after:avoid}"
".scroll{overflow:visible}table{font-size:10px;width:100%;margin:2px 0 6px}th,td{padding:2px 4px}"
"thead{display:table-header-group}tr{break-inside:avoid}"
".charts{display:block}figure{max-width:none;width:100%;break-inside:avoid;margin:0 0 8px}"
"svg.chart{max-height:110mm}.kpi{padding:4px 8px;min-width:100px}.kpi .v{font-size:16px}"
"code{background:none;padding:0}}";

static void
Kpi(LrBuf *b, const char *key, const char *id)
{
	lr_buf_printf(b, "<div class=\"kpi\" id=\"kpi-%s\"><div class=\"k\">%s</div><div class=\"v\">", id, key);
}

static void
KpiEnd(LrBuf *b)
{
	lr_buf_puts(b, "</div></div>\n");
}

/* The stability rating of a PSI or CSI (the usual 0.1 and 0.25 thresholds). */
static void
Stability(LrBuf *b, double v)
{
	if (isnan(v))
		lr_buf_puts(b, DASH);
	else if (v < 0.1)
		lr_buf_puts(b, "<span class=\"ok\">stable</span>");
	else if (v < 0.25)
		lr_buf_puts(b, "<span class=\"warn\">watch</span>");
	else
		lr_buf_puts(b, "<span class=\"bad\">shifted</span>");
}

static void
Summary(const LrReportData *d, LrBuf *b)
{
	int64_t		n = d->goods + d->bads;

	lr_buf_puts(b, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"kpis\">\n");
	Kpi(b, "Rows", "rows");
	Int(b, d->rows);
	KpiEnd(b);
	Kpi(b, "With outcome", "scored");
	Int(b, n);
	KpiEnd(b);
	Kpi(b, "Bads", "bads");
	Int(b, d->bads);
	KpiEnd(b);
	Kpi(b, "Observed bad rate", "bad-rate");
	Pct(b, Div(d->bads, n), 2);
	KpiEnd(b);
	Kpi(b, "Mean predicted PD", "mean-pd");
	Pct(b, d->mean_pd, 2);
	KpiEnd(b);
	Kpi(b, "AUC", "auc");
	Num(b, d->auc, 4);
	KpiEnd(b);
	Kpi(b, "Gini", "gini");
	Num(b, d->gini, 4);
	KpiEnd(b);
	Kpi(b, "KS", "ks");
	Num(b, d->ks, 4);
	KpiEnd(b);
	Kpi(b, "Brier score", "brier");
	Num(b, d->brier, 4);
	KpiEnd(b);
	Kpi(b, "Hosmer&#8211;Lemeshow p", "hl");
	PValue(b, d->hl_df >= 0 ? d->hl_p : NAN);
	KpiEnd(b);
	if (d->has_recent)
	{
		Kpi(b, "PSI of the score", "psi");
		Num(b, d->psi, 4);
		KpiEnd(b);
	}
	lr_buf_puts(b, "</div>\n<p class=\"note\">AUC, Gini and KS rank the rows by predicted PD "
				"(ties as a group); Brier score and Hosmer&#8211;Lemeshow (");
	lr_buf_printf(b, "%d groups", (int) d->opt->groups);
	if (d->hl_df >= 0)
	{
		lr_buf_puts(b, ", statistic ");
		Num(b, d->hl_stat, 3);
		lr_buf_printf(b, ", %d df", (int) d->hl_df);
	}
	lr_buf_puts(b, ") test the predicted PD against the outcome. Rows without an outcome are counted in "
				"<em>Rows</em> only.</p>\n</section>\n");
}

static void
Discrimination(const LrReportData *d, LrBuf *b)
{
	Chart		c;
	char		txt[64];

	lr_buf_puts(b, "<section id=\"discrimination\"><h2>Discrimination</h2>\n<div class=\"charts\">\n");

	/* ROC */
	lr_buf_puts(b, "<figure id=\"roc\">");
	ChartOpen(&c, b, "roc-chart", "ROC curve", 0, 1, true, "False positive rate (share of goods)",
			  0, 1, true, "True positive rate (share of bads)");
	Line(&c, "diag", 0, 0, 1, 1);
	if (d->nroc > 0)
	{
		lr_buf_printf(b, "<polygon class=\"a-roc\" points=\"%.1f,%.1f", Cx(&c, 1), Cy(&c, 0));
		lr_buf_printf(b, " %.1f,%.1f", Cx(&c, 0), Cy(&c, 0));
		for (size_t i = 0; i < d->nroc; i++)
			if (Finite2(d->roc[i].fpr, d->roc[i].tpr))
				lr_buf_printf(b, " %.1f,%.1f", Cx(&c, d->roc[i].fpr), Cy(&c, d->roc[i].tpr));
		lr_buf_puts(b, "\"/>\n");
		lr_buf_printf(b, "<polyline class=\"c-roc\" points=\"%.1f,%.1f", Cx(&c, 0), Cy(&c, 0));
		for (size_t i = 0; i < d->nroc; i++)
			if (Finite2(d->roc[i].fpr, d->roc[i].tpr))
				lr_buf_printf(b, " %.1f,%.1f", Cx(&c, d->roc[i].fpr), Cy(&c, d->roc[i].tpr));
		lr_buf_puts(b, "\"/>\n");
	}
	if (!isnan(d->auc))
		snprintf(txt, sizeof(txt), "AUC %.4f, Gini %.4f", d->auc, d->gini);
	else
		snprintf(txt, sizeof(txt), "AUC undefined");
	lr_buf_printf(b, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
				  Cx(&c, 0.97), Cy(&c, 0.05), txt);
	ChartClose(&c);
	lr_buf_puts(b, "<figcaption>Share of bads against share of goods at or above each PD threshold; "
				"the diagonal is a model that ranks at random.</figcaption></figure>\n");

	/* KS */
	lr_buf_puts(b, "<figure id=\"ks\">");
	ChartOpen(&c, b, "ks-chart", "KS curve", 0, 1, true, "Share of rows, riskiest first",
			  0, 1, true, "Cumulative share of the class");
	Legend(&c, 0, "b-bad", "bads");
	Legend(&c, 1, "b-good", "goods");
	if (d->nroc > 0)
	{
		lr_buf_printf(b, "<polyline class=\"c-bad\" points=\"%.1f,%.1f", Cx(&c, 0), Cy(&c, 0));
		for (size_t i = 0; i < d->nroc; i++)
			if (Finite2(d->roc[i].share, d->roc[i].tpr))
				lr_buf_printf(b, " %.1f,%.1f", Cx(&c, d->roc[i].share), Cy(&c, d->roc[i].tpr));
		lr_buf_puts(b, "\"/>\n");
		lr_buf_printf(b, "<polyline class=\"c-good\" points=\"%.1f,%.1f", Cx(&c, 0), Cy(&c, 0));
		for (size_t i = 0; i < d->nroc; i++)
			if (Finite2(d->roc[i].share, d->roc[i].fpr))
				lr_buf_printf(b, " %.1f,%.1f", Cx(&c, d->roc[i].share), Cy(&c, d->roc[i].fpr));
		lr_buf_puts(b, "\"/>\n");
		if (isfinite(d->ks))
		{
			Line(&c, "ks", d->ks_point.share, d->ks_point.fpr, d->ks_point.share, d->ks_point.tpr);
			snprintf(txt, sizeof(txt), "KS %.4f", d->ks);
			lr_buf_printf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
						  Cx(&c, d->ks_point.share) + 6,
						  Cy(&c, (d->ks_point.fpr + d->ks_point.tpr) / 2), txt);
		}
	}
	ChartClose(&c);
	lr_buf_puts(b, "<figcaption>Bads and goods captured as the cut-off moves down the PD ranking; "
				"the dashed line marks the largest gap, the KS statistic");
	if (!isnan(d->ks))
	{
		lr_buf_puts(b, " (at PD &#8805; ");
		Num(b, d->ks_point.risk, 4);
		lr_buf_puts(b, ")");
	}
	lr_buf_puts(b, ".</figcaption></figure>\n</div>\n</section>\n");
}

static void
Distribution(const LrReportData *d, LrBuf *b)
{
	Chart		c;
	double		ymax = 0;
	double		lo = d->nhist ? d->hist[0].lo : 0;
	double		hi = d->nhist ? d->hist[d->nhist - 1].hi : 1;
	int64_t		g = 0,
				bd = 0;

	for (size_t i = 0; i < d->nhist; i++)
	{
		g += d->hist[i].goods;
		bd += d->hist[i].bads;
	}
	for (size_t i = 0; i < d->nhist; i++)
	{
		double		sg = Div(d->hist[i].goods, g),
					sb = Div(d->hist[i].bads, bd);

		if (!isnan(sg) && sg > ymax)
			ymax = sg;
		if (!isnan(sb) && sb > ymax)
			ymax = sb;
	}
	lr_buf_puts(b, "<section id=\"distribution\"><h2>Score distribution</h2>\n<div class=\"charts\"><figure>");
	ChartOpen(&c, b, "distribution-chart", "Score distribution of goods and bads", lo, hi, false,
			  d->opt->score ? "Score" : "Score (points of the card)",
			  0, ymax > 0 ? ymax * 1.08 : 1, true, "Share of the class");
	Legend(&c, 0, "b-bad", "bads");
	Legend(&c, 1, "b-good", "goods");
	for (size_t i = 0; i < d->nhist; i++)
	{
		const LrHistBin *h = &d->hist[i];
		double		x0 = Cx(&c, h->lo),
					x1 = Cx(&c, h->hi);
		double		w = (x1 - x0) / 2;
		double		sg = Div(h->goods, g),
					sb = Div(h->bads, bd);

		if (!Finite2(h->lo, h->hi))
			continue;
		if (w < 0.5)
			w = 0.5;
		if (!isnan(sb) && sb > 0)
			lr_buf_printf(b, "<rect class=\"b-bad\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
						  x0, Cy(&c, sb), w * 0.95, Cy(&c, 0) - Cy(&c, sb));
		if (!isnan(sg) && sg > 0)
			lr_buf_printf(b, "<rect class=\"b-good\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
						  x0 + w, Cy(&c, sg), w * 0.95, Cy(&c, 0) - Cy(&c, sg));
		lr_buf_putc(b, '\n');
	}
	ChartClose(&c);
	lr_buf_printf(b, "<figcaption>Share of goods and of bads in each of %zu equal-width score bands.</figcaption>"
				  "</figure>\n<div><table><thead><tr><th>Score from</th><th>to</th><th>Goods</th><th>Bads</th>"
				  "<th>Bad rate</th></tr></thead><tbody>\n", d->nhist);
	for (size_t i = 0; i < d->nhist; i++)
	{
		const LrHistBin *h = &d->hist[i];

		lr_buf_puts(b, "<tr><td>");
		Gen(b, h->lo);
		lr_buf_puts(b, "</td><td>");
		Gen(b, h->hi);
		lr_buf_puts(b, "</td><td>");
		Int(b, h->goods);
		lr_buf_puts(b, "</td><td>");
		Int(b, h->bads);
		lr_buf_puts(b, "</td><td>");
		Pct(b, Div(h->bads, h->goods + h->bads), 1);
		lr_buf_puts(b, "</td></tr>\n");
	}
	lr_buf_puts(b, "</tbody></table></div></div>\n</section>\n");
}

static void
Calibration(const LrReportData *d, LrBuf *b)
{
	Chart		c;
	double		m = 0;

	for (size_t i = 0; i < d->ncalib; i++)
	{
		if (isfinite(d->calib[i].mean_pd) && d->calib[i].mean_pd > m)
			m = d->calib[i].mean_pd;
		if (isfinite(d->calib[i].observed_rate) && d->calib[i].observed_rate > m)
			m = d->calib[i].observed_rate;
	}
	m = m > 0 ? m * 1.08 : 1;
	if (m > 1)
		m = 1;
	lr_buf_puts(b, "<section id=\"calibration\"><h2>Calibration</h2>\n<div class=\"charts\"><figure>");
	ChartOpen(&c, b, "calibration-chart", "Observed bad rate against predicted PD", 0, m, true,
			  "Mean predicted PD of the group", 0, m, true, "Observed bad rate");
	Line(&c, "diag", 0, 0, m, m);
	if (d->ncalib > 0)
	{
		bool		first = true;

		lr_buf_puts(b, "<polyline class=\"c-roc\" points=\"");
		for (size_t i = 0; i < d->ncalib; i++)
			if (Finite2(d->calib[i].mean_pd, d->calib[i].observed_rate))
			{
				lr_buf_printf(b, "%s%.1f,%.1f", first ? "" : " ", Cx(&c, d->calib[i].mean_pd),
							  Cy(&c, d->calib[i].observed_rate));
				first = false;
			}
		lr_buf_puts(b, "\"/>\n");
	}
	for (size_t i = 0; i < d->ncalib; i++)
		if (Finite2(d->calib[i].mean_pd, d->calib[i].observed_rate))
			lr_buf_printf(b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>group %d</title></circle>\n",
					  Cx(&c, d->calib[i].mean_pd), Cy(&c, d->calib[i].observed_rate), (int) d->calib[i].bucket);
	ChartClose(&c);
	lr_buf_printf(b, "<figcaption>%d equal-frequency groups of predicted PD; points on the diagonal are "
				  "well calibrated.</figcaption></figure>\n", (int) d->opt->groups);
	lr_buf_puts(b, "<div><table><thead><tr><th>Group</th><th>PD from</th><th>to</th><th>Rows</th>"
				"<th>Observed bads</th><th>Expected bads</th><th>Observed rate</th><th>Mean PD</th>"
				"<th>HL term</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < d->ncalib; i++)
	{
		const LrCalibRow *r = &d->calib[i];

		lr_buf_printf(b, "<tr><td>%d</td><td>", (int) r->bucket);
		Num(b, r->min_pd, 4);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->max_pd, 4);
		lr_buf_puts(b, "</td><td>");
		Int(b, r->count);
		lr_buf_puts(b, "</td><td>");
		Int(b, r->observed);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->expected, 1);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->observed_rate, 2);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->mean_pd, 2);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->hl_term, 3);
		lr_buf_puts(b, "</td></tr>\n");
	}
	lr_buf_puts(b, "</tbody></table>\n<p class=\"note\">Hosmer&#8211;Lemeshow: ");
	if (d->hl_df >= 0)
	{
		lr_buf_puts(b, "statistic ");
		Num(b, d->hl_stat, 3);
		lr_buf_printf(b, " on %d degrees of freedom (%d groups), p-value ", (int) d->hl_df, (int) d->hl_groups);
		PValue(b, d->hl_p);
		lr_buf_puts(b, ".");
	}
	else
		lr_buf_puts(b, "undefined (fewer than 3 non-empty groups).");
	lr_buf_puts(b, "</p></div></div>\n</section>\n");
}

static void
Gains(const LrReportData *d, LrBuf *b)
{
	lr_buf_printf(b, "<section id=\"gains\"><h2>Gains table</h2>\n<p class=\"note\">%d equal-frequency groups "
				  "of predicted PD, riskiest first.</p>\n", (int) d->opt->groups);
	lr_buf_puts(b, "<div class=\"scroll\"><table><thead><tr><th>Group</th><th>PD from</th><th>to</th><th>Rows</th><th>Bads</th>"
				"<th>Bad rate</th><th>Cum. rows</th><th>Cum. bads (capture)</th><th>Cum. goods</th>"
				"<th>Cum. bad rate</th><th>Lift</th><th>Cum. lift</th><th>KS</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < d->ngains; i++)
	{
		const LrGainsRow *r = &d->gains[i];

		lr_buf_printf(b, "<tr><td>%d</td><td>", (int) r->bucket);
		Num(b, r->min_risk, 4);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->max_risk, 4);
		lr_buf_puts(b, "</td><td>");
		Int(b, r->count);
		lr_buf_puts(b, "</td><td>");
		Int(b, r->bads);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->bad_rate, 2);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->cum_count_share, 1);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->cum_bads_share, 1);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->cum_goods_share, 1);
		lr_buf_puts(b, "</td><td>");
		Pct(b, r->cum_bad_rate, 2);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->lift, 2);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->cum_lift, 2);
		lr_buf_puts(b, "</td><td>");
		Num(b, r->ks, 4);
		lr_buf_puts(b, "</td></tr>\n");
	}
	lr_buf_puts(b, "</tbody></table></div>\n</section>\n");
}

/* ---------------------------------------------------------------- the card */

/* Text of a JSON scalar, or its compact JSON. */
static void
JsonText(LrBuf *b, const LrJson *v)
{
	if (v == NULL)
		lr_buf_puts(b, DASH);
	else if (v->kind == LRJ_STRING)
		lr_html_escape(b, v->str, v->len);
	else if (v->kind == LRJ_NUMBER)
		Gen(b, v->num);
	else if (v->kind == LRJ_BOOL)
		lr_buf_puts(b, v->b ? "yes" : "no");
	else if (v->kind == LRJ_NULL)
		lr_buf_puts(b, DASH);
	else
	{
		LrBuf		tmp;

		lr_buf_init(&tmp, b->a, 1 << 20);
		lr_json_write(&tmp, v);
		if (!tmp.failed)
			lr_html_escape(b, tmp.data, tmp.len);
		lr_buf_free(&tmp);
	}
}

static double
JsonNum(const LrJson *obj, const char *key)
{
	const LrJson *v = lr_json_get(obj, key);

	return (v && v->kind == LRJ_NUMBER) ? v->num : NAN;
}

/* The binning member of a feature: its known keys in order, then the others. */
static void
FeatureBinning(const LrFeature *f, LrBuf *b)
{
	static const char *const order[] = {"method", "trend", "requested_trend", "prebins", NULL};
	bool		first = true;

	lr_buf_puts(b, " Binning:");
	for (const char *const *k = order; *k; k++)
	{
		const LrJson *v = lr_json_get(f->binning, *k);

		if (v == NULL)
			continue;
		lr_buf_printf(b, "%s%s ", first ? " " : ", ", *k);
		JsonText(b, v);
		first = false;
	}
	for (size_t k = 0; k < f->binning->n; k++)
	{
		bool		known = false;

		for (const char *const *o = order; *o; o++)
			if (strcmp(f->binning->keys[k], *o) == 0)
				known = true;
		if (known)
			continue;
		lr_buf_puts(b, first ? " " : ", ");
		Esc(b, f->binning->keys[k]);
		lr_buf_puts(b, " ");
		JsonText(b, f->binning->items[k]);
		first = false;
	}
	lr_buf_puts(b, ".");
}

/* A feature's heading and note: kind, description, reason, coefficient, IV, CSI, binning. */
static void
FeatureNote(const LrFeature *f, const LrFeatureObs *o, size_t i, LrBuf *b)
{
	lr_buf_printf(b, "<h3 id=\"feature-%zu\">", i + 1);
	Esc(b, f->name);
	lr_buf_printf(b, " <small>(%s)</small></h3>\n<p class=\"note\">",
				  f->kind == LR_FEATURE_NUMERIC ? "numeric" : "categorical");
	if (f->description)
	{
		Esc(b, f->description);
		lr_buf_puts(b, ". ");
	}
	if (f->reason)
	{
		lr_buf_puts(b, "Reason text: &#8220;");
		Esc(b, f->reason);
		lr_buf_puts(b, "&#8221;. ");
	}
	if (f->has_coefficient)
	{
		lr_buf_puts(b, "Coefficient ");
		Gen(b, f->coefficient);
		lr_buf_puts(b, ". ");
	}
	if (f->has_iv)
	{
		lr_buf_puts(b, "IV at training ");
		Num(b, f->iv, 4);
		lr_buf_puts(b, "; ");
	}
	lr_buf_puts(b, "IV on this data ");
	Num(b, o->iv, 4);
	if (!isnan(o->csi))
	{
		lr_buf_puts(b, "; CSI ");
		Num(b, o->csi, 4);
	}
	lr_buf_puts(b, ".");
	if (f->binning && f->binning->kind == LRJ_OBJECT)
		FeatureBinning(f, b);
}

/* The totals of a feature's bins on this data, and which of the card's statistics any bin has. */
typedef struct BinTotals
{
	bool		has_woe;
	bool		has_cnt;
	int64_t		tot;
	int64_t		tb;
	int64_t		tr;
} BinTotals;

/* One row of a feature's table: the bin, its points and statistics, its rows on this data. */
static void
BinRow(const LrReportData *d, const LrFeature *f, const LrBin *bin, const LrBinObs *ob,
	   const BinTotals *t, LrBuf *b)
{
	LrBuf		label;

	lr_buf_init(&label, b->a, 1 << 20);
	lr_bin_label(f, bin, &label);
	lr_buf_puts(b, "<tr><td class=\"l\">");
	if (!label.failed)
		lr_html_escape(b, label.data, label.len);
	lr_buf_free(&label);
	lr_buf_puts(b, "</td><td>");
	Gen(b, bin->points);
	lr_buf_puts(b, "</td>");
	if (t->has_woe)
	{
		lr_buf_puts(b, "<td>");
		Num(b, (bin->has & LR_HAS_WOE) ? bin->woe : NAN, 4);
		lr_buf_puts(b, "</td>");
	}
	if (t->has_cnt)
	{
		lr_buf_puts(b, "<td>");
		if (bin->has & LR_HAS_COUNT)
			Int(b, bin->count);
		else
			lr_buf_puts(b, DASH);
		lr_buf_puts(b, "</td><td>");
		Pct(b, (bin->has & LR_HAS_COUNT) && (bin->has & LR_HAS_BADS) ?
			Div((double) bin->bads, (double) bin->count) : NAN, 2);
		lr_buf_puts(b, "</td>");
	}
	lr_buf_puts(b, "<td>");
	Int(b, ob->count);
	lr_buf_puts(b, "</td><td>");
	Pct(b, Div(ob->count, t->tot), 1);
	lr_buf_puts(b, "</td><td>");
	Pct(b, Div(ob->bads, ob->known), 2);
	lr_buf_puts(b, "</td>");
	if (d->has_recent)
	{
		lr_buf_puts(b, "<td>");
		Pct(b, Div(ob->base, t->tb), 1);
		lr_buf_puts(b, "</td><td>");
		Pct(b, Div(ob->recent, t->tr), 1);
		lr_buf_puts(b, "</td>");
	}
	lr_buf_puts(b, "</tr>\n");
}

/* Feature i: its note, then a table of its bins (in code order). */
static void
FeatureSection(const LrReportData *d, size_t i, LrBuf *b)
{
	const LrFeature *f = &d->card->features[i];
	const LrTableFeature *tf = &d->card->table.features[i];
	const LrFeatureObs *o = &d->features[i];
	size_t		nb = (size_t) tf->ncodes;
	BinTotals	t = {0};

	for (size_t k = 0; k < nb; k++)
	{
		const LrBin *bin = tf->bin[k];

		t.has_woe |= (bin->has & LR_HAS_WOE) != 0;
		t.has_cnt |= (bin->has & LR_HAS_COUNT) != 0;
		t.tot += o->bins[k].count;
		t.tb += o->bins[k].base;
		t.tr += o->bins[k].recent;
	}
	FeatureNote(f, o, i, b);
	lr_buf_puts(b, "</p>\n<div class=\"scroll\"><table class=\"bins\"><thead><tr><th class=\"l\">Bin</th><th>Points</th>");
	if (t.has_woe)
		lr_buf_puts(b, "<th>WOE (card)</th>");
	if (t.has_cnt)
		lr_buf_puts(b, "<th>Rows (card)</th><th>Bad rate (card)</th>");
	lr_buf_puts(b, "<th>Rows (this data)</th><th>Share</th><th>Bad rate</th>");
	if (d->has_recent)
		lr_buf_puts(b, "<th>Baseline share</th><th>Recent share</th>");
	lr_buf_puts(b, "</tr></thead><tbody>\n");
	for (size_t k = 0; k < nb; k++)
		BinRow(d, f, tf->bin[k], &o->bins[k], &t, b);
	lr_buf_puts(b, "</tbody></table></div>\n");
}

static void
Scorecard(const LrReportData *d, LrBuf *b)
{
	const LrCard *card = d->card;

	lr_buf_puts(b, "<section id=\"scorecard\"><h2>Scorecard bins and points</h2>\n<p class=\"note\">");
	lr_buf_puts(b, "Base points ");
	Gen(b, card->base_points);
	if (card->has_scaling)
	{
		lr_buf_puts(b, "; scaling: ");
		Gen(b, card->pdo);
		lr_buf_puts(b, " points to double the odds, score ");
		Gen(b, card->base_score);
		lr_buf_puts(b, " at odds ");
		Gen(b, card->base_odds);
		lr_buf_puts(b, ":1");
	}
	lr_buf_puts(b, ". Columns under <em>this data</em> count the report's rows that fall in each bin");
	if (d->has_recent)
		lr_buf_puts(b, ", and their share in the baseline and the recent period");
	lr_buf_puts(b, ".</p>\n");
	for (size_t i = 0; i < card->nfeatures; i++)
		FeatureSection(d, i, b);
	lr_buf_puts(b, "</section>\n");
}

static void
StabilitySection(const LrReportData *d, LrBuf *b)
{
	const LrCard *card = d->card;
	double		maxcsi = 0;

	lr_buf_puts(b, "<section id=\"stability\"><h2>Population stability</h2>\n");
	if (!d->has_recent)
	{
		lr_buf_puts(b, "<p class=\"note\">No baseline and recent period: name a boolean column of the data "
					"query that is true for recent rows and false for baseline rows with the "
					"<code>recent</code> option to compare them (PSI of the score, CSI of each feature).</p>\n"
					"</section>\n");
		return;
	}
	lr_buf_puts(b, "<p class=\"note\">Baseline: the rows where <code>");
	Esc(b, d->opt->recent);
	lr_buf_puts(b, "</code> is false (");
	Int(b, d->base_rows);
	lr_buf_puts(b, "); recent period: the rows where it is true (");
	Int(b, d->recent_rows);
	lr_buf_printf(b, "). PSI of the score over %d equal-frequency bins of the baseline: <strong>",
				  (int) d->opt->groups);
	Num(b, d->psi, 4);
	lr_buf_puts(b, "</strong> (");
	Stability(b, d->psi);
	lr_buf_puts(b, "). CSI of each feature over the card's bins. Below 0.1 is read as stable, 0.1 to 0.25 "
				"as worth watching, above 0.25 as a shift.</p>\n");
	for (size_t i = 0; i < card->nfeatures; i++)
		if (d->features[i].show_csi && isfinite(d->features[i].csi) && d->features[i].csi > maxcsi)
			maxcsi = d->features[i].csi;
	lr_buf_puts(b, "<table><thead><tr><th class=\"l\">Feature</th><th>CSI</th><th class=\"l\">Rating</th>"
				"<th class=\"l\"></th></tr></thead><tbody>\n");
	for (size_t i = 0; i < card->nfeatures; i++)
	{
		const LrFeatureObs *o = &d->features[i];

		if (!o->show_csi)
			continue;
		lr_buf_puts(b, "<tr><td class=\"l\">");
		Esc(b, card->features[i].name);
		lr_buf_puts(b, "</td><td>");
		Num(b, o->csi, 4);
		lr_buf_puts(b, "</td><td class=\"l\">");
		Stability(b, o->csi);
		lr_buf_puts(b, "</td><td class=\"l\">");
		if (isfinite(o->csi) && o->csi >= 0 && maxcsi > 0 && isfinite(maxcsi))
			lr_buf_printf(b, "<span class=\"bar\" style=\"width:%dpx\"></span>",
						  (int) (1 + 200 * (o->csi / maxcsi)));
		lr_buf_puts(b, "</td></tr>\n");
	}
	lr_buf_puts(b, "</tbody></table>\n</section>\n");
}

/*
 * A key/value table of the members of obj: first those named in labels
 * (pairs of key and label, in that order), then any other member not in
 * skip, in the object's order.
 */
static void
Members(LrBuf *b, const LrJson *obj, const char *const *skip, const char *const *labels)
{
	bool		any = false;

	for (const char *const *l = labels; l && *l; l += 2)
	{
		const LrJson *v = lr_json_get(obj, l[0]);

		if (v == NULL)
			continue;
		if (!any)
			lr_buf_puts(b, "<table class=\"kv\"><tbody>\n");
		any = true;
		lr_buf_printf(b, "<tr><th class=\"l\">%s</th><td class=\"l\">", l[1]);
		JsonText(b, v);
		lr_buf_puts(b, "</td></tr>\n");
	}
	for (size_t i = 0; i < obj->n; i++)
	{
		bool		known = false;

		for (const char *const *s = skip; s && *s; s++)
			if (strcmp(obj->keys[i], *s) == 0)
				known = true;
		for (const char *const *l = labels; l && *l; l += 2)
			if (strcmp(obj->keys[i], l[0]) == 0)
				known = true;
		if (known)
			continue;
		if (!any)
			lr_buf_puts(b, "<table class=\"kv\"><tbody>\n");
		any = true;
		lr_buf_puts(b, "<tr><th class=\"l\">");
		Esc(b, obj->keys[i]);
		lr_buf_puts(b, "</th><td class=\"l\">");
		JsonText(b, obj->items[i]);
		lr_buf_puts(b, "</td></tr>\n");
	}
	if (any)
		lr_buf_puts(b, "</tbody></table>\n");
}

static void
Training(const LrReportData *d, LrBuf *b)
{
	const LrCard *card = d->card;
	const LrJson *st = card->statistics;
	const LrJson *tr = card->training;
	const LrJson *md = card->metadata;
	static const char *const stat_labels[] = {
		"rows", "Training rows", "bads", "Bads", "log_likelihood", "Log-likelihood",
		"null_log_likelihood", "Null log-likelihood", "aic", "AIC", "bic", "BIC",
		"iterations", "Iterations", "converged", "Converged", "condition_number", "Condition number",
		"auc", "AUC (training)", "ks", "KS (training)", "gini", "Gini (training)", NULL};
	static const char *const stat_skip[] = {"coefficients", NULL};
	static const char *const train_labels[] = {
		"source", "Source", "target", "Target", "fingerprint", "Fingerprint of the input rows",
		"options", "Options", "loan_risk_version", "loan_risk version", NULL};
	static const char *const train_skip[] = {"features_considered", "features_dropped", NULL};
	bool		any = false;

	lr_buf_puts(b, "<section id=\"training\"><h2>Training statistics</h2>\n");
	if (st && st->kind == LRJ_OBJECT)
	{
		const LrJson *coef = lr_json_get(st, "coefficients");

		any = true;
		lr_buf_puts(b, "<h3>Fit</h3>\n");
		Members(b, st, stat_skip, stat_labels);
		if (coef && coef->kind == LRJ_OBJECT && coef->n > 0)
		{
			lr_buf_puts(b, "<h3>Coefficients</h3>\n<table><thead><tr><th class=\"l\">Term</th><th>Estimate</th>"
						"<th>Std. error</th><th>z</th><th>p-value</th></tr></thead><tbody>\n");
			for (size_t i = 0; i < coef->n; i++)
			{
				const LrJson *c = coef->items[i];

				lr_buf_puts(b, "<tr><td class=\"l\">");
				Esc(b, coef->keys[i]);
				lr_buf_puts(b, "</td>");
				if (c->kind == LRJ_OBJECT)
				{
					lr_buf_puts(b, "<td>");
					Gen(b, JsonNum(c, "estimate"));
					lr_buf_puts(b, "</td><td>");
					Gen(b, JsonNum(c, "std_error"));
					lr_buf_puts(b, "</td><td>");
					Gen(b, JsonNum(c, "z"));
					lr_buf_puts(b, "</td><td>");
					Gen(b, JsonNum(c, "p_value"));
					lr_buf_puts(b, "</td>");
				}
				else
				{
					lr_buf_puts(b, "<td>");
					JsonText(b, c);
					lr_buf_puts(b, "</td><td></td><td></td><td></td>");
				}
				lr_buf_puts(b, "</tr>\n");
			}
			lr_buf_puts(b, "</tbody></table>\n");
		}
	}
	if (tr && tr->kind == LRJ_OBJECT)
	{
		const LrJson *cons = lr_json_get(tr, "features_considered");
		const LrJson *drop = lr_json_get(tr, "features_dropped");

		any = true;
		lr_buf_puts(b, "<h3>Training run</h3>\n");
		Members(b, tr, train_skip, train_labels);
		if (cons && cons->kind == LRJ_ARRAY)
		{
			lr_buf_printf(b, "<p class=\"note\">Features considered (%zu): ", cons->n);
			for (size_t i = 0; i < cons->n; i++)
			{
				if (i)
					lr_buf_puts(b, ", ");
				JsonText(b, cons->items[i]);
			}
			lr_buf_puts(b, ".</p>\n");
		}
		if (drop && drop->kind == LRJ_ARRAY && drop->n > 0)
		{
			lr_buf_puts(b, "<table><thead><tr><th class=\"l\">Feature dropped</th><th class=\"l\">Reason</th>"
						"</tr></thead><tbody>\n");
			for (size_t i = 0; i < drop->n; i++)
			{
				const LrJson *e = drop->items[i];

				lr_buf_puts(b, "<tr><td class=\"l\">");
				if (e->kind == LRJ_OBJECT)
				{
					JsonText(b, lr_json_get(e, "name"));
					lr_buf_puts(b, "</td><td class=\"l\">");
					JsonText(b, lr_json_get(e, "reason"));
				}
				else
				{
					JsonText(b, e);
					lr_buf_puts(b, "</td><td class=\"l\">");
				}
				lr_buf_puts(b, "</td></tr>\n");
			}
			lr_buf_puts(b, "</tbody></table>\n");
		}
	}
	if (md && md->kind == LRJ_OBJECT && md->n > 0)
	{
		any = true;
		lr_buf_puts(b, "<h3>Metadata</h3>\n");
		Members(b, md, NULL, NULL);
	}
	if (!any)
		lr_buf_puts(b, "<p class=\"note\">The card carries no training statistics: it was written by hand "
					"or trained outside loan_risk.</p>\n");
	lr_buf_puts(b, "</section>\n");
}

/* ---------------------------------------------------------------- the page */

static void
Title(const LrReportData *d, LrBuf *b)
{
	if (d->opt->title)
		Esc(b, d->opt->title);
	else
	{
		lr_buf_puts(b, "Validation report: ");
		Esc(b, d->card->name ? d->card->name : "scorecard");
	}
}

bool
lr_report_render(const LrReportData *d, LrBuf *b)
{
	const LrReportOptions *o = d->opt;

	lr_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
				"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
				"<meta name=\"generator\" content=\"loan_risk validation_report\">\n<title>");
	Title(d, b);
	lr_buf_puts(b, "</title>\n<style>");
	lr_buf_puts(b, css);
	lr_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
	Title(d, b);
	lr_buf_puts(b, "</h1>\n<p class=\"sub\">Scorecard <strong>");
	Esc(b, d->card->name ? d->card->name : "(unnamed)");
	lr_buf_puts(b, "</strong>");
	if (d->card->description)
	{
		lr_buf_puts(b, " &#8212; ");
		Esc(b, d->card->description);
	}
	lr_buf_printf(b, " &#183; %zu features</p>\n", d->card->nfeatures);
	lr_buf_puts(b, "<nav><a href=\"#summary\">Summary</a><a href=\"#discrimination\">ROC and KS</a>"
				"<a href=\"#distribution\">Distribution</a><a href=\"#calibration\">Calibration</a>"
				"<a href=\"#gains\">Gains</a><a href=\"#scorecard\">Bins and points</a>"
				"<a href=\"#stability\">Stability</a><a href=\"#training\">Training</a></nav>\n</header>\n");
	Summary(d, b);
	Discrimination(d, b);
	Distribution(d, b);
	Calibration(d, b);
	Gains(d, b);
	Scorecard(d, b);
	StabilitySection(d, b);
	Training(d, b);
	lr_buf_puts(b, "<footer>Outcome column <code>");
	Esc(b, o->outcome);
	lr_buf_puts(b, "</code>; score ");
	if (o->score)
	{
		lr_buf_puts(b, "from column <code>");
		Esc(b, o->score);
		lr_buf_puts(b, "</code>");
	}
	else
		lr_buf_puts(b, "computed with the card");
	lr_buf_puts(b, "; PD ");
	if (o->pd)
	{
		lr_buf_puts(b, "from column <code>");
		Esc(b, o->pd);
		lr_buf_puts(b, "</code>");
	}
	else
		lr_buf_puts(b, o->score ? "from the score with the card's scaling" : "computed with the card");
	lr_buf_puts(b, ". Every figure was computed inside PostgreSQL by loan_risk");
	if (d->version)
	{
		lr_buf_puts(b, " ");
		Esc(b, d->version);
	}
	lr_buf_puts(b, " (<code>loan_risk.validation_report</code>).</footer>\n</main>\n</body>\n</html>\n");
	return !b->failed;
}

/*
 * kernel.c
 *	  Matching one applicant against every product, in pure C (see
 *	  matching.h): product checks, rules, the approval model, the offered
 *	  rate, exact schedule figures and the ranking.
 *
 * Ranking needs the exact schedule (in cents) of every candidate that can
 * reach the first max_results places, but a schedule costs one step per
 * month.  Each candidate therefore gets a closed-form estimate of its
 * ranking key with a proven error bound [lo, hi]; with T the max_results-th
 * smallest hi, only candidates with lo <= T can rank that high (everyone
 * else is strictly worse than max_results candidates), and only those get an
 * exact schedule.  The order is then decided on exact figures alone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matching/matching.h"

bool
lr_morder_parse(const char *s, size_t len, LrMOrder *out, LrError *err)
{
	static const struct
	{
		const char *name;
		LrMOrder	order;
	}			names[] =
	{
		{"total_cost", LR_ORDER_TOTAL_COST},
		{"monthly_payment", LR_ORDER_MONTHLY_PAYMENT},
		{"rate", LR_ORDER_RATE},
		{"probability", LR_ORDER_PROBABILITY},
		{"confident_total_cost", LR_ORDER_CONFIDENT_COST}
	};
	size_t		i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && memcmp(names[i].name, s, len) == 0)
		{
			*out = names[i].order;
			return true;
		}
	lr_error_set(err, LR_ERR_INVALID, "unknown order \"%.*s\"", (int) (len > 60 ? 60 : len), s);
	lr_error_detail(err, "Orders: total_cost, monthly_payment, rate, probability, confident_total_cost.");
	return false;
}

/* ---------------------------------------------------------------- products */

bool
lr_mproduct_bind_card(LrMSchema *schema, LrMProduct *p, const char *owner, LrError *err)
{
	const LrCard *card = p->card;
	char		use[200];
	size_t		i,
				k,
				j;

	if (card == NULL)
		return true;
	p->card_field = lr_arena_alloc(schema->arena, (card->nfeatures ? card->nfeatures : 1) * sizeof(int32_t));
	if (p->card_field == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory while compiling products");
	snprintf(use, sizeof(use), "the approval model%s%s", owner ? " of " : "", owner ? owner : "");
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		LrMKind		kind = f->kind == LR_FEATURE_NUMERIC ? LR_MK_NUMBER : LR_MK_TEXT;
		int32_t		field = lr_mschema_field(schema, f->name, kind, use, err);

		if (field < 0)
			return false;
		p->card_field[i] = field;
		if (kind == LR_MK_TEXT)
			for (k = 0; k < f->nbins; k++)
				for (j = 0; j < f->bins[k].nvalues; j++)
					if (lr_mschema_intern(schema, field, f->bins[k].values[j],
										  f->bins[k].valuelens[j], err) < 0)
						return false;
	}
	return true;
}

bool
lr_mcatalog_finish(LrMCatalog *cat, LrError *err)
{
	LrMSchema  *s = &cat->schema;

	cat->max_card_features = 0;
	for (size_t pi = 0; pi < cat->nproducts; pi++)
	{
		LrMProduct *p = &cat->products[pi];
		const LrCard *card = p->card;

		if (card == NULL)
			continue;
		if (card->nfeatures > cat->max_card_features)
			cat->max_card_features = card->nfeatures;
		p->prog = lr_arena_alloc0(s->arena, (card->nfeatures ? card->nfeatures : 1) * sizeof(LrMFeatProg));
		if (p->prog == NULL)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory while compiling products");
		for (size_t i = 0; i < card->nfeatures; i++)
		{
			const LrTableFeature *t = &card->table.features[i];
			LrMFeatProg *fp = &p->prog[i];

			fp->field = p->card_field[i];
			fp->t = t;
			if (t->kind == LR_FEATURE_CATEGORICAL)
			{
				const LrMDict *d = &s->fields[fp->field].dict;

				fp->dict_code = lr_arena_alloc(s->arena, (d->n + 1) * sizeof(int32_t));
				if (fp->dict_code == NULL)
					return lr_error_set(err, LR_ERR_NOMEM, "out of memory while compiling products");
				/* Strings no rule or model mentions are not categories of this card. */
				fp->dict_code[0] = t->unseen;
				for (size_t c = 0; c < d->n; c++)
					fp->dict_code[c + 1] = lr_code_text(t, d->strs[c], d->lens[c]);
			}
		}
	}
	return true;
}

bool
lr_mproduct_check(const LrMProduct *p, LrError *err)
{
	char		a[48],
				b[48];
	LrMQuote	q;

	if (p->min_amount <= 0)
		return lr_error_set(err, LR_ERR_INVALID, "min_amount %s is not positive",
							lr_cents_str(a, sizeof(a), p->min_amount));
	if (p->max_amount < p->min_amount)
		return lr_error_set(err, LR_ERR_INVALID, "min_amount %s is above max_amount %s",
							lr_cents_str(a, sizeof(a), p->min_amount),
							lr_cents_str(b, sizeof(b), p->max_amount));
	if (p->min_term < 1 || p->min_term > LR_TERM_MAX)
		return lr_error_set(err, LR_ERR_INVALID, "min_term %d is not between 1 and %d",
							p->min_term, LR_TERM_MAX);
	if (p->max_term < 1 || p->max_term > LR_TERM_MAX)
		return lr_error_set(err, LR_ERR_INVALID, "max_term %d is not between 1 and %d",
							p->max_term, LR_TERM_MAX);
	if (p->max_term < p->min_term)
		return lr_error_set(err, LR_ERR_INVALID, "min_term %d is above max_term %d",
							p->min_term, p->max_term);
	if (p->min_rate < 0 || p->max_rate > LR_SCHED_RATE_MAX)
	{
		lr_error_set(err, LR_ERR_INVALID, "rate %s is not between 0 and 100",
					 lr_rate_str(a, sizeof(a), p->min_rate < 0 ? p->min_rate : p->max_rate));
		lr_error_detail(err, "Rates are annual fractions: 0.18 is 18%% a year.");
		return false;
	}
	if (p->max_rate < p->min_rate)
		return lr_error_set(err, LR_ERR_INVALID, "min_rate %s is above max_rate %s",
							lr_rate_str(a, sizeof(a), p->min_rate),
							lr_rate_str(b, sizeof(b), p->max_rate));
	/* Schedules grow with amount and rate; check both term ends at the largest. */
	if (!lr_mquote(p->method, p->max_amount, p->max_rate, p->max_term, &q, err) ||
		!lr_mquote(p->method, p->max_amount, p->max_rate, p->min_term, &q, err))
		return false;
	return true;
}

void
lr_mproduct_loan(const LrMProduct *p, const LrMRequest *req, int64_t *amount, int *term)
{
	*amount = req->amount >= 0 ? req->amount : p->max_amount;
	*term = req->term >= 0 ? req->term : p->max_term;
}

bool
lr_mproduct_fits(const LrMProduct *p, const LrMRequest *req)
{
	if (req->amount >= 0 && (req->amount < p->min_amount || req->amount > p->max_amount))
		return false;
	if (req->term >= 0 && (req->term < p->min_term || req->term > p->max_term))
		return false;
	return true;
}

/* The code of an applicant's value (see matching.h) in a card feature. */
static inline int32_t
FeatCode(const LrMFeatProg *fp, double v)
{
	if (fp->dict_code == NULL)
		return lr_code_number(fp->t, v);
	if (v != v)
		return lr_code_null(fp->t);
	return fp->dict_code[(int32_t) v + 1];
}

bool
lr_mproduct_score(const LrMProduct *p, const double *vals, LrMScratch *scratch, double *score,
				  int *feature)
{
	const LrCard *card = p->card;
	int32_t    *codes = scratch->codes;

	for (size_t i = 0; i < card->nfeatures; i++)
	{
		codes[i] = FeatCode(&p->prog[i], vals[p->prog[i].field]);
		if (codes[i] == LR_CODE_NONE)
		{
			if (feature)
				*feature = (int) i;
			return false;
		}
	}
	*score = lr_table_score(&card->table, codes);
	return true;
}

bool
lr_mproduct_probability(const LrMProduct *p, const double *vals, LrMScratch *scratch, double *prob,
						int *feature)
{
	double		s;

	if (!lr_mproduct_score(p, vals, scratch, &s, feature))
		return false;
	*prob = 1.0 - lr_card_pd(p->card, s);
	return true;
}

lr_i128
lr_mproduct_rate(const LrMProduct *p, double probability)
{
	double		delta;
	lr_i128		steps;
	lr_i128		rate;

	if (!p->rate_range || p->max_rate == p->min_rate)
		return p->min_rate;
	if (!(probability >= 0.0))
		probability = 0.0;
	if (probability > 1.0)
		probability = 1.0;
	/* (max - min) * (1 - p) in units of 0.0001, half up; below 2^53 units. */
	delta = (double) (p->max_rate - p->min_rate) / (double) LR_MRATE_STEP * (1.0 - probability);
	steps = (lr_i128) floor(delta + 0.5);
	rate = p->min_rate + steps * LR_MRATE_STEP;
	return rate > p->max_rate ? p->max_rate : rate;
}

bool
lr_mquote(LrSchedMethod m, int64_t amount, lr_i128 rate, int term, LrMQuote *q, LrError *err)
{
	LrSchedRow	rows[LR_TERM_MAX];
	lr_i128		total = 0;
	int			k;

	if (!lr_sched_check_args(amount, rate, term, err) ||
		!lr_schedule(amount, rate, term, m, rows, err))
		return false;
	for (k = 0; k < term; k++)
		total += rows[k].interest;
	q->amount = amount;
	q->term = term;
	q->rate = rate;
	q->payment = rows[0].payment;
	q->total_cost = total;
	return true;
}

/* ---------------------------------------------------------------- ranking */

static inline int64_t
Min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * Closed-form first payment and total interest (in cents, as doubles), and
 * a bound on how far the exact schedule can be from them.
 *
 * Equal installments: with D_k the gap between the rounded balance and the
 * exact one, |D_k+1| <= (1 + i) |D_k| + 1 (half a cent from the rounded
 * installment, half from the rounded interest), so |D_k| <= k (1 + i)^k
 * and the total interest differs by at most (2n + 4)(1 + i)^n cents.  The
 * other methods round each period's amounts once and stay within that too.
 * The closed forms themselves are accurate to far better than 1e-9 relative
 * (log1p/expm1 avoid cancellation), which the slack covers.
 */
static void
Approx(const LrMProduct *p, int64_t amount, lr_i128 rate, int term, double *payment,
	   double *total, double *bound)
{
	double		P = (double) amount;
	double		n = (double) term;
	double		i = (double) rate / 12e18;
	double		lg = n * log1p(i);
	double		g = exp(lg);

	switch (p->method)
	{
		case LR_SCHED_EQUAL_INSTALLMENT:
		default:
			if (i == 0.0)
			{
				*payment = P / n;
				*total = 0.0;
			}
			else
			{
				double		af = -expm1(-lg) / i;

				*payment = P / af;
				*total = *payment * n - P;
			}
			break;
		case LR_SCHED_EQUAL_PRINCIPAL:
			*payment = P / n + P * i;
			*total = P * i * (n + 1.0) / 2.0;
			break;
		case LR_SCHED_INTEREST_ONLY:
			*payment = term == 1 ? P * (1.0 + i) : P * i;
			*total = P * i * n;
			break;
		case LR_SCHED_FLAT:
			*payment = P / n + P * i;
			*total = P * i * n;
			break;
	}
	*bound = (2.0 * n + 4.0) * g + 2.0 + 1e-9 * (P * g + fabs(*total));
	if (!isfinite(*bound) || g > 1e12)
		*bound = INFINITY;
}

static void
SetBounds(const LrMProduct *p, LrMCand *c, LrMOrder order)
{
	double		pay,
				total,
				bound,
				key,
				err;
	double		P = (double) c->amount;

	switch (order)
	{
		case LR_ORDER_RATE:
			c->lo = c->hi = (double) c->rate;
			return;
		case LR_ORDER_PROBABILITY:
			c->lo = c->hi = -c->probability;
			return;
		case LR_ORDER_MONTHLY_PAYMENT:
			Approx(p, c->amount, c->rate, c->term, &pay, &total, &bound);
			key = pay / P;
			err = (2.0 + 1e-9 * (pay + P)) / P;
			break;
		case LR_ORDER_TOTAL_COST:
		case LR_ORDER_CONFIDENT_COST:
		default:
			Approx(p, c->amount, c->rate, c->term, &pay, &total, &bound);
			key = total / P;
			err = bound / P;
			break;
	}
	/* Relative slack for the division by P and the conversion of exact figures. */
	err += 1e-12 * fabs(key) + 1e-300;
	c->lo = key - err;
	c->hi = key + err;
}

static double
ExactKey(const LrMCand *c, LrMOrder order)
{
	switch (order)
	{
		case LR_ORDER_MONTHLY_PAYMENT:
			return (double) c->q.payment / (double) c->q.amount;
		case LR_ORDER_RATE:
			return (double) c->rate;
		case LR_ORDER_PROBABILITY:
			return -c->probability;
		case LR_ORDER_TOTAL_COST:
		default:
			return (double) c->q.total_cost / (double) c->q.amount;
	}
}

static int
Compare(const LrMCand *x, const LrMCand *y, LrMOrder order)
{
	double		cx,
				cy;

	if (order == LR_ORDER_CONFIDENT_COST && x->confident != y->confident)
		return x->confident ? -1 : 1;
	if (order == LR_ORDER_RATE)
	{
		if (x->rate != y->rate)
			return x->rate < y->rate ? -1 : 1;
	}
	else if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* Ties: lower total cost per unit, then lower total cost, higher probability, earlier product. */
	cx = (double) x->q.total_cost / (double) x->q.amount;
	cy = (double) y->q.total_cost / (double) y->q.amount;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (x->q.total_cost != y->q.total_cost)
		return x->q.total_cost < y->q.total_cost ? -1 : 1;
	if (x->probability != y->probability)
		return x->probability > y->probability ? -1 : 1;
	return (x->product > y->product) - (x->product < y->product);
}

/* Insertion sort: the exact set is small (max_results plus near ties). */
static void
SortExact(LrMCand *c, int64_t n, LrMOrder order)
{
	int64_t		i,
				j;

	for (i = 1; i < n; i++)
	{
		LrMCand		t = c[i];

		for (j = i; j > 0 && Compare(&c[j - 1], &t, order) > 0; j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
}

static void
SiftDown(LrMCand *c, int64_t root, int64_t n, LrMOrder order)
{
	for (;;)
	{
		int64_t		child = 2 * root + 1;
		LrMCand		t;

		if (child >= n)
			return;
		if (child + 1 < n && Compare(&c[child], &c[child + 1], order) < 0)
			child++;
		if (Compare(&c[root], &c[child], order) >= 0)
			return;
		t = c[root];
		c[root] = c[child];
		c[child] = t;
		root = child;
	}
}

/* Heapsort for large exact sets: the order is total, so stability does not matter. */
static void
HeapSort(LrMCand *c, int64_t n, LrMOrder order)
{
	int64_t		i;

	for (i = n / 2 - 1; i >= 0; i--)
		SiftDown(c, i, n, order);
	for (i = n - 1; i > 0; i--)
	{
		LrMCand		t = c[0];

		c[0] = c[i];
		c[i] = t;
		SiftDown(c, 0, i, order);
	}
}

size_t
lr_mscratch_size(const LrMCatalog *cat)
{
	size_t		np = cat->nproducts ? cat->nproducts : 1;
	size_t		nf = cat->schema.n ? cat->schema.n : 1;
	size_t		nc = cat->max_card_features ? cat->max_card_features : 1;

	return (nf + np + 1) * LR_MATCH_BLOCK * sizeof(double) + np * sizeof(LrMCand) +
		nc * sizeof(int32_t *) +
		(np + nc) * LR_MATCH_BLOCK * sizeof(int32_t) +
		LR_MATCH_BLOCK * (sizeof(int64_t) + 3 * sizeof(int32_t) + 2) + np * LR_MATCH_BLOCK;
}

void
lr_mscratch_init(LrMScratch *s, const LrMCatalog *cat, void *mem)
{
	size_t		np = cat->nproducts ? cat->nproducts : 1;
	size_t		nf = cat->schema.n ? cat->schema.n : 1;
	size_t		nc = cat->max_card_features ? cat->max_card_features : 1;
	char	   *m = mem;

	/* 8-byte items first, then 4-byte, then bytes. */
	s->cols = (double *) m;
	m += nf * LR_MATCH_BLOCK * sizeof(double);
	s->cand_prob = (double *) m;
	m += np * LR_MATCH_BLOCK * sizeof(double);
	s->score = (double *) m;
	m += LR_MATCH_BLOCK * sizeof(double);
	s->cand = (LrMCand *) m;
	m += np * sizeof(LrMCand);
	s->amount = (int64_t *) m;
	m += LR_MATCH_BLOCK * sizeof(int64_t);
	s->code_rows = (const int32_t **) m;
	m += nc * sizeof(int32_t *);
	s->cand_product = (int32_t *) m;
	m += np * LR_MATCH_BLOCK * sizeof(int32_t);
	s->codes = (int32_t *) m;
	m += nc * LR_MATCH_BLOCK * sizeof(int32_t);
	s->term = (int32_t *) m;
	m += LR_MATCH_BLOCK * sizeof(int32_t);
	s->idx = (int32_t *) m;
	m += LR_MATCH_BLOCK * sizeof(int32_t);
	s->ncand = (int32_t *) m;
	m += LR_MATCH_BLOCK * sizeof(int32_t);
	s->mask = (uint8_t *) m;
	m += LR_MATCH_BLOCK;
	s->ok = (uint8_t *) m;
	m += LR_MATCH_BLOCK;
	s->cand_conf = (uint8_t *) m;
}

/* The k-th smallest upper bound of the candidates' keys (k <= 16), or +inf. */
static double
KthUpper(const LrMCand *cand, int64_t m, int64_t k)
{
	double		best[16];
	int64_t		nb = 0;
	int64_t		i,
				j;

	if (k <= 0 || k >= m || k > 16)
		return INFINITY;
	for (i = 0; i < m; i++)
	{
		double		h = cand[i].hi;

		if (nb == k && h >= best[nb - 1])
			continue;
		if (nb < k)
			nb++;
		for (j = nb - 1; j > 0 && best[j - 1] > h; j--)
			best[j] = best[j - 1];
		best[j] = h;
	}
	return best[k - 1];
}

/* Ranks one applicant's m candidates; writes at most k (all when k < 0) to out. */
static int64_t
Rank(const LrMCatalog *cat, LrMCand *cand, int64_t m, int64_t k, LrMOrder order,
	 LrMResult *out, LrError *err)
{
	/* Two tiers of confidence: every candidate gets exact figures. */
	double		T = order == LR_ORDER_CONFIDENT_COST ? INFINITY : KthUpper(cand, m, k);
	int64_t		nexact = 0;
	int64_t		i;

	if (m == 0 || k == 0)
		return 0;
	/* Exact figures for everyone who can rank within the first k, moved to the front. */
	for (i = 0; i < m; i++)
	{
		if (!(cand[i].lo <= T))
			continue;
		if (!lr_mquote(cat->products[cand[i].product].method, cand[i].amount, cand[i].rate,
					   cand[i].term, &cand[i].q, err))
			return -1;
		cand[i].key = ExactKey(&cand[i], order);
		if (i != nexact)
		{
			LrMCand		t = cand[nexact];

			cand[nexact] = cand[i];
			cand[i] = t;
		}
		nexact++;
	}
	if (nexact <= 32)
		SortExact(cand, nexact, order);
	else
		HeapSort(cand, nexact, order);
	if (k < 0 || k > nexact)
		k = nexact;
	for (i = 0; i < k; i++)
	{
		out[i].product = cand[i].product;
		out[i].probability = cand[i].probability;
		out[i].q = cand[i].q;
	}
	return k;
}

/*
 * Log-odds below which a probability of approval is surely under the
 * threshold t: pd = 1 / (1 + e^L), so 1 - pd >= t needs L >= logit(t).  The
 * margin of 1e-6 in L moves the probability by far more than the rounding
 * of its computation, so skipping exp() below it never drops a candidate.
 * Thresholds within 1e-6 of 0 or 1 get no shortcut.
 */
static double
LogOddsFloor(double t)
{
	if (!(t >= 1e-6 && t <= 1 - 1e-6))
		return -INFINITY;
	return log(t / (1 - t)) - 1e-6;
}

static inline bool
FitsMask1(const LrMProduct *p, int64_t amount, int32_t term)
{
	return (amount < 0 || (amount >= p->min_amount && amount <= p->max_amount)) &&
		(term < 0 || (term >= p->min_term && term <= p->max_term));
}

/* mask[i]: the requested loan fits the product (a negative amount or term: any). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC push_options
#pragma GCC optimize ("tree-vectorize")
#endif
LR_MATCH_CLONES
static bool
FitsMask(const LrMProduct *p, const int64_t *restrict amount, const int32_t *restrict term, int n,
		 uint8_t *restrict mask)
{
	const int64_t amin = p->min_amount,
				amax = p->max_amount;
	const int32_t tmin = p->min_term,
				tmax = p->max_term;
	uint8_t		any = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		mask[i] = ((amount[i] < 0) | ((amount[i] >= amin) & (amount[i] <= amax))) &
			((term[i] < 0) | ((term[i] >= tmin) & (term[i] <= tmax)));
		any |= mask[i];
	}
	return any != 0;
}
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC pop_options
#endif

/*
 * Scores product p's card for the m applicants idx[] of the block: the code
 * of each applicant's value, feature by feature, then the card's batch
 * score (the same additions as lr_mproduct_score, so the same doubles);
 * ok[j] is cleared when the card has no bin for a value.
 */
static void
ScoreBlock(const LrMProduct *p, const double *cols, const int32_t *restrict idx, int m,
		   LrMScratch *scratch, double *restrict s, uint8_t *restrict ok)
{
	const LrCardTable *t = &p->card->table;
	int			j;

	for (j = 0; j < m; j++)
		ok[j] = 1;
	for (size_t f = 0; f < t->nfeatures; f++)
	{
		const LrMFeatProg *fp = &p->prog[f];
		const double *col = cols + (size_t) fp->field * LR_MATCH_BLOCK;
		int32_t    *restrict codes = scratch->codes + f * LR_MATCH_BLOCK;

		/* A missing code (-1) clears ok and reads code 0 instead: every card has bin 0. */
		if (fp->dict_code == NULL)
			for (j = 0; j < m; j++)
			{
				int32_t		c = lr_code_number(fp->t, col[idx[j]]);

				ok[j] &= (c >= 0);
				codes[j] = c & ~(c >> 31);
			}
		else
			for (j = 0; j < m; j++)
			{
				int32_t		c = FeatCode(fp, col[idx[j]]);

				ok[j] &= (c >= 0);
				codes[j] = c & ~(c >> 31);
			}
		scratch->code_rows[f] = codes;
	}
	lr_table_score_batch(t, scratch->code_rows, (size_t) m, s);
}

bool
lr_match_block(const LrMCatalog *cat, const double *vals, int n, const int64_t *amount,
			   const int32_t *term, const LrMRequest *req, int64_t kcap, LrMScratch *scratch,
			   LrMResult *out, int64_t *nres, LrError *err)
{
	size_t		nf = cat->schema.n;
	size_t		np = cat->nproducts;
	double		floor_l = LogOddsFloor(req->min_probability);
	uint8_t    *mask = scratch->mask;
	size_t		pi,
				f;
	int			i,
				j;

	/* Values by field. */
	for (i = 0; i < n; i++)
		for (f = 0; f < nf; f++)
			scratch->cols[f * LR_MATCH_BLOCK + i] = vals[(size_t) i * nf + f];
	if (amount == NULL || term == NULL)
	{
		for (i = 0; i < n; i++)
		{
			scratch->amount[i] = amount ? amount[i] : req->amount;
			scratch->term[i] = term ? term[i] : req->term;
		}
		amount = scratch->amount;
		term = scratch->term;
	}

	/*
	 * Product by product over the whole block: the loan checks and the rules
	 * (comparison loops), then the card's score of the applicants left, and
	 * the approval probability of those that can reach the threshold.
	 * Candidates go to their applicant's list, in product order.
	 */
	for (i = 0; i < n; i++)
		scratch->ncand[i] = 0;
	for (pi = 0; pi < np; pi++)
	{
		const LrMProduct *p = &cat->products[pi];
		int			m = 0;
		bool		any;

		if (p->card == NULL)
			continue;
		if (n == 1)				/* row by row: the scalar evaluator, no block loops */
		{
			mask[0] = FitsMask1(p, amount[0], term[0]) && lr_mrules_pass(p->rules, vals);
			any = mask[0];
		}
		else
			any = FitsMask(p, amount, term, n, mask) &&
				lr_mrules_mask(p->rules, scratch->cols, LR_MATCH_BLOCK, n, mask);
		if (!any)
			continue;
		for (i = 0; i < n; i++)
		{
			scratch->idx[m] = i;	/* without a branch: most masks are unpredictable */
			m += mask[i];
		}
		ScoreBlock(p, scratch->cols, scratch->idx, m, scratch, scratch->score, scratch->ok);
		for (j = 0; j < m; j++)
		{
			double		sc = scratch->score[j];
			double		prob,
						l;
			bool		conf = false;

			if (!scratch->ok[j] ||
				(l = lr_card_log_odds(p->card, sc)) < floor_l)
				continue;
			prob = 1.0 - lr_card_pd(p->card, sc);
			if (prob < req->min_probability)
				continue;
			if (req->bound_z > 0)
			{
				double		se;
				int			missing;

				conf = lr_card_log_odds_se(p->card, scratch->codes + j, LR_MATCH_BLOCK, &se, &missing) &&
					1.0 - lr_card_pd_of_log_odds(l - req->bound_z * se) >= req->min_probability;
				if (!conf && req->order != LR_ORDER_CONFIDENT_COST)
					continue;
			}
			{
				int32_t		a = scratch->idx[j];
				size_t		slot = (size_t) a * np + scratch->ncand[a]++;

				scratch->cand_product[slot] = (int32_t) pi;
				scratch->cand_prob[slot] = prob;
				scratch->cand_conf[slot] = conf;
			}
		}
	}

	/* Per applicant: candidates in product order, ranking. */
	for (i = 0; i < n; i++)
	{
		LrMRequest	r = *req;
		int64_t		m = 0;

		r.amount = amount[i];
		r.term = term[i];
		for (j = 0; j < scratch->ncand[i]; j++)
		{
			size_t		slot = (size_t) i * np + j;
			const LrMProduct *p = &cat->products[scratch->cand_product[slot]];
			double		prob = scratch->cand_prob[slot];
			LrMCand    *c;

			c = &scratch->cand[m++];
			c->product = scratch->cand_product[slot];
			c->probability = prob;
			c->confident = scratch->cand_conf[slot];
			c->rate = lr_mproduct_rate(p, prob);
			lr_mproduct_loan(p, &r, &c->amount, &c->term);
			SetBounds(p, c, r.order);
		}
		nres[i] = Rank(cat, scratch->cand, m, r.max_results < 0 ? -1 : Min64(r.max_results, kcap),
					   r.order, out + (size_t) i * kcap, err);
		if (nres[i] < 0)
			return false;
	}
	return true;
}

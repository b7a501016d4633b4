/*
 * schedule_core.c
 *	  Repayment schedules in exact cents.  Pure C: see credit.h.
 *
 * Rules (doc/decisions.md, "Rounding"):
 * - A period is a month; the periodic rate is annual_rate / 12 whatever the
 *   number of days in the month.
 * - Interest of a period is balance * annual_rate / 12, rounded to the cent
 *   half away from zero.
 * - Regular amounts (installment, principal part, flat interest part) are
 *   rounded to the cent half away from zero.  The last period takes the
 *   residue, so the principal parts sum to the principal exactly and the
 *   balance ends at exactly 0.  If a regular part would take the balance
 *   below zero (a principal smaller than the rounding error of the term),
 *   it is cut to what remains and later parts are 0.
 */
#include <string.h>

#include "credit/credit.h"

static const struct
{
	const char *name;
	LrSchedMethod m;
}			MethodNames[] =
{
	{"equal_installment", LR_SCHED_EQUAL_INSTALLMENT},
	{"equal_principal", LR_SCHED_EQUAL_PRINCIPAL},
	{"interest_only", LR_SCHED_INTEREST_ONLY},
	{"flat", LR_SCHED_FLAT}
};

bool
lr_sched_method_parse(const char *s, size_t len, LrSchedMethod *m, LrError *err)
{
	size_t		i;

	for (i = 0; i < sizeof(MethodNames) / sizeof(MethodNames[0]); i++)
		if (strlen(MethodNames[i].name) == len && memcmp(MethodNames[i].name, s, len) == 0)
		{
			*m = MethodNames[i].m;
			return true;
		}
	lr_error_set(err, LR_ERR_INVALID, "unknown repayment method \"%.*s\"",
				 (int) (len > 100 ? 100 : len), s);
	lr_error_detail(err, "Known methods: equal_installment, equal_principal, interest_only, flat.");
	return false;
}

const char *
lr_sched_method_name(LrSchedMethod m)
{
	size_t		i;

	for (i = 0; i < sizeof(MethodNames) / sizeof(MethodNames[0]); i++)
		if (MethodNames[i].m == m)
			return MethodNames[i].name;
	return "?";
}

bool
lr_sched_check_args(int64_t principal, lr_i128 annual_rate, int term, LrError *err)
{
	char		b[64];

	if (principal <= 0)
		return lr_error_set(err, LR_ERR_INVALID, "principal %s is not positive",
							lr_cents_str(b, sizeof(b), principal));
	if (annual_rate < 0)
		return lr_error_set(err, LR_ERR_INVALID, "annual_rate %s is negative",
							lr_rate_str(b, sizeof(b), annual_rate));
	if (annual_rate > LR_SCHED_RATE_MAX)
	{
		lr_error_set(err, LR_ERR_INVALID, "annual_rate %s is above the largest supported rate 100",
					 lr_rate_str(b, sizeof(b), annual_rate));
		lr_error_detail(err, "Rates are fractions: 0.18 is 18%% a year.");
		return false;
	}
	if (term < 1 || term > LR_TERM_MAX)
		return lr_error_set(err, LR_ERR_INVALID, "term_months %d is not between 1 and %d",
							term, LR_TERM_MAX);
	return true;
}

/* balance * rate / 12, to the cent. */
static bool
PeriodInterest(int64_t balance, lr_i128 rate, int64_t *out, LrError *err)
{
	lr_i128		num;

	if (!lr_mul_i128(balance, rate, &num))
		return lr_error_set(err, LR_ERR_LIMIT, "interest exceeds the supported range");
	*out = (int64_t) lr_div_round(num, 12 * LR_RATE_ONE);
	return true;
}

static int64_t
Min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

bool
lr_schedule(int64_t principal, lr_i128 rate, int term, LrSchedMethod m,
			LrSchedRow *rows, LrError *err)
{
	int64_t		balance = principal;
	int64_t		installment = 0;
	int64_t		regular_principal = 0;
	int64_t		flat_total = 0;
	int64_t		flat_part = 0;
	int64_t		flat_left = 0;
	int			k;

	switch (m)
	{
		case LR_SCHED_EQUAL_INSTALLMENT:
			if (rate == 0)
				installment = (int64_t) lr_div_round(principal, term);
			else
			{
				LrDD		af = lr_annuity_factor(rate, term);
				LrDD		a = lr_dd_div(lr_dd_from_i128(principal), af);

				a = lr_dd_add(a, (LrDD) {0.5, 0.0});
				if (!lr_dd_floor(a, &installment))
					return lr_error_set(err, LR_ERR_LIMIT, "installment exceeds the supported range");
			}
			break;
		case LR_SCHED_EQUAL_PRINCIPAL:
		case LR_SCHED_FLAT:
			regular_principal = (int64_t) lr_div_round(principal, term);
			break;
		case LR_SCHED_INTEREST_ONLY:
			break;
	}
	if (m == LR_SCHED_FLAT)
	{
		lr_i128		num;
		lr_i128		total;

		if (!lr_mul_i128(principal, rate, &num) || !lr_mul_i128(num, term, &num))
			return lr_error_set(err, LR_ERR_LIMIT, "flat interest exceeds the supported range");
		total = lr_div_round(num, 12 * LR_RATE_ONE);
		if (total > LR_MONEY_MAX_CENTS * 1000)
			return lr_error_set(err, LR_ERR_LIMIT, "flat interest exceeds the supported range");
		flat_total = (int64_t) total;
		flat_part = (int64_t) lr_div_round(flat_total, term);
		flat_left = flat_total;
	}

	for (k = 0; k < term; k++)
	{
		LrSchedRow *r = &rows[k];
		bool		last = (k == term - 1);

		if (m == LR_SCHED_FLAT)
		{
			r->interest = last ? flat_left : Min64(flat_part, flat_left);
			flat_left -= r->interest;
		}
		else if (!PeriodInterest(balance, rate, &r->interest, err))
			return false;

		if (last)
			r->principal = balance;
		else
			switch (m)
			{
				case LR_SCHED_EQUAL_INSTALLMENT:
					r->principal = installment - r->interest;
					if (r->principal < 0)
						r->principal = 0;
					r->principal = Min64(r->principal, balance);
					break;
				case LR_SCHED_EQUAL_PRINCIPAL:
				case LR_SCHED_FLAT:
					r->principal = Min64(regular_principal, balance);
					break;
				case LR_SCHED_INTEREST_ONLY:
					r->principal = 0;
					break;
			}
		balance -= r->principal;
		r->payment = r->principal + r->interest;
		r->balance = balance;
	}
	return true;
}

/*
 * varint.h
 *	  LEB128 unsigned varints for the compact state formats of the
 *	  statistics layer and of the areas' aggregate states:
 *	  sorted keys are stored as deltas and counts are mostly small, so a
 *	  state takes a few bytes per distinct value instead of 24.  Pure C.
 */
#ifndef LR_STATS_VARINT_H
#define LR_STATS_VARINT_H

#include "common/lr_base.h"

static inline bool
lr_buf_put_varint(LrBuf *buf, uint64_t v)
{
	uint8_t		b[10];
	int			n = 0;

	while (v >= 0x80)
	{
		b[n++] = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t) v;
	return lr_buf_append(buf, b, n);
}

/* Reads a varint; fails on truncation, on more than 64 bits, and on a non-minimal form. */
static inline bool
lr_read_varint(LrReader *r, uint64_t *v)
{
	const uint8_t *p = r->p;
	uint64_t	result = 0;
	int			shift = 0;

	*v = 0;
	/* Fast paths: one byte (most counts), or ten bytes at hand (no bounds checks). */
	if (p < r->end && *p < 0x80)
	{
		*v = *p;
		r->p = p + 1;
		return true;
	}
	if (r->end - p >= 10)
	{
		for (int i = 0; i < 9; i++)
		{
			uint8_t		b = p[i];

			result |= (uint64_t) (b & 0x7f) << shift;
			shift += 7;
			if ((b & 0x80) == 0)
			{
				/* One encoding per number, so the text form of a state is canonical. */
				if (b == 0)
					return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: non-minimal number", r->what);
				*v = result;
				r->p = p + i + 1;
				return true;
			}
		}
		if (p[9] > 1)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: number out of range", r->what);
		if (p[9] == 0)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: non-minimal number", r->what);
		*v = result | ((uint64_t) 1 << 63);
		r->p = p + 10;
		return true;
	}
	for (;;)
	{
		uint8_t		b;

		if (r->p >= r->end)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: truncated value", r->what);
		b = *r->p++;
		if (shift == 63 && b > 1)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: number out of range", r->what);
		result |= (uint64_t) (b & 0x7f) << shift;
		if ((b & 0x80) == 0)
		{
			if (b == 0 && shift > 0)
				return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: non-minimal number", r->what);
			break;
		}
		shift += 7;
	}
	*v = result;
	return true;
}

/* A varint of bytes we wrote or validated. */
static inline uint64_t
LrGetVarintTrusted(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint64_t	v = *p++;

	if (v >= 0x80)
	{
		int			shift = 7;
		uint8_t		b;

		v &= 0x7f;
		do
		{
			b = *p++;
			v |= (uint64_t) (b & 0x7f) << shift;
			shift += 7;
		} while (b & 0x80);
	}
	*pp = p;
	return v;
}

#endif							/* LR_STATS_VARINT_H */

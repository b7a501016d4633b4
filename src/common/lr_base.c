/*
 * lr_base.c
 *	  Pure C arena, error record, output buffer and byte reader.
 *	  See lr_base.h; no PostgreSQL calls here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_base.h"

bool
lr_error_set(LrError *err, LrErrorKind kind, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return false;
	/* Keep the first error: it is the one closest to the cause. */
	if (err->kind != LR_OK)
		return false;
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->detail[0] = '\0';
	return false;
}

void
lr_error_detail(LrError *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

bool
lr_tick_stop(LrError *err)
{
	return lr_error_set(err, LR_ERR_LIMIT, "stopped: the caller's work budget was used up");
}

bool
lr_error_nomem(LrError *err, const char *what)
{
	if (what == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory in %s", what);
}

void *
lr_alloc(const LrAlloc *a, size_t size, LrError *err, const char *what)
{
	void	   *p = a->alloc(a->ctx, size > 0 ? size : 1);

	if (p == NULL)
		lr_error_nomem(err, what);
	return p;
}

void *
lr_alloc_n(const LrAlloc *a, size_t n, size_t size)
{
	size_t		bytes;

	if (!lr_size_mul(n, size, &bytes))
		return NULL;
	return a->alloc(a->ctx, bytes == 0 ? 1 : bytes);
}

void *
lr_alloc0_n(const LrAlloc *a, size_t n, size_t size)
{
	void	   *p = lr_alloc_n(a, n, size);

	if (p != NULL)
		memset(p, 0, n * size == 0 ? 1 : n * size);
	return p;
}

void *
lr_alloc0(const LrAlloc *a, size_t size, LrError *err, const char *what)
{
	void	   *p = lr_alloc(a, size, err, what);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
lr_free(const LrAlloc *a, void *p)
{
	if (p != NULL && a->free != NULL)
		a->free(a->ctx, p);
}

bool
lr_array_grow(const LrAlloc *a, void *datap, size_t n, size_t need, size_t elem,
			  size_t min, size_t max, size_t *cap, LrError *err, const char *what)
{
	void	  **data = (void **) datap;
	size_t		ncap = *cap ? *cap : min;
	size_t		bytes;
	void	   *p;

	if (need <= *cap)
		return true;
	while (ncap < need && ncap <= SIZE_MAX / 2)
		ncap *= 2;
	if (ncap < need)
		ncap = need;
	if (max > 0 && ncap > max)
		ncap = max;
	if (ncap < need || !lr_size_mul(ncap, elem, &bytes) || (p = lr_alloc(a, bytes, err, what)) == NULL)
		return lr_error_nomem(err, what);
	if (n > 0)
		memcpy(p, *data, n * elem);
	lr_free(a, *data);
	*data = p;
	*cap = ncap;
	return true;
}

/* ---------------------------------------------------------------- arena */

struct LrArenaBlock
{
	LrArenaBlock *next;
	size_t		size;
	/* data follows, 8-byte aligned */
	double		align_[];
};

#define LR_ARENA_BLOCK 8192

void
lr_arena_init(LrArena *arena, const LrAlloc *a, size_t limit)
{
	memset(arena, 0, sizeof(*arena));
	arena->a = a;
	arena->limit = limit;
}

void *
lr_arena_alloc(LrArena *arena, size_t size)
{
	void	   *result;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - 16)
		return NULL;
	size = (size + 7) & ~(size_t) 7;
	if (size > arena->left)
	{
		size_t		bsize = size > LR_ARENA_BLOCK / 2 ? size : LR_ARENA_BLOCK;
		LrArenaBlock *b;

		if (arena->limit != 0 &&
			(bsize > arena->limit || arena->total > arena->limit - bsize))
		{
			arena->over_limit = true;
			return NULL;
		}
		b = arena->a->alloc(arena->a->ctx, sizeof(LrArenaBlock) + bsize);
		if (b == NULL)
			return NULL;
		b->size = bsize;
		b->next = arena->blocks;
		arena->blocks = b;
		arena->total += bsize;
		if (bsize == size && arena->left > 0)
		{
			/* A large block used whole: keep bumping in the current one. */
			return (void *) b->align_;
		}
		arena->pos = (char *) b->align_;
		arena->left = bsize;
	}
	result = arena->pos;
	arena->pos += size;
	arena->left -= size;
	return result;
}

void *
lr_arena_alloc0(LrArena *arena, size_t size)
{
	void	   *p = lr_arena_alloc(arena, size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

char *
lr_arena_strndup(LrArena *arena, const char *s, size_t len)
{
	char	   *p;

	if (len == SIZE_MAX)
		return NULL;
	p = lr_arena_alloc(arena, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
lr_arena_release(LrArena *arena)
{
	LrArenaBlock *b = arena->blocks;

	while (b != NULL)
	{
		LrArenaBlock *next = b->next;

		if (arena->a->free != NULL)
			arena->a->free(arena->a->ctx, b);
		b = next;
	}
	arena->blocks = NULL;
	arena->pos = NULL;
	arena->left = 0;
	arena->total = 0;
}

/* ---------------------------------------------------------------- output buffer */

void
lr_buf_init(LrBuf *buf, const LrAlloc *a, size_t limit)
{
	memset(buf, 0, sizeof(*buf));
	buf->a = a;
	buf->limit = limit;
	if (lr_buf_reserve(buf, 255))
		buf->data[0] = '\0';
}

bool
lr_buf_reserve(LrBuf *buf, size_t more)
{
	size_t		need;
	size_t		newcap;
	char	   *p;

	if (buf->failed)
		return false;
	if (buf->tick != NULL && !lr_tick(buf->tick))
		return (buf->failed = true, false);
	if (more > SIZE_MAX - buf->len - 1)
		return (buf->failed = true, false);
	need = buf->len + more + 1;
	if (need <= buf->cap)
		return true;
	if (buf->limit != 0 && need > buf->limit)
		return (buf->failed = true, false);
	newcap = buf->cap ? buf->cap : 256;
	while (newcap < need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			newcap = need;
			break;
		}
		newcap *= 2;
	}
	if (buf->limit != 0 && newcap > buf->limit)
		newcap = buf->limit;
	p = buf->a->alloc(buf->a->ctx, newcap);
	if (p == NULL)
		return (buf->failed = true, false);
	if (buf->data != NULL)
	{
		memcpy(p, buf->data, buf->len + 1);
		if (buf->a->free != NULL)
			buf->a->free(buf->a->ctx, buf->data);
	}
	buf->data = p;
	buf->cap = newcap;
	return true;
}

bool
lr_buf_append(LrBuf *buf, const void *data, size_t len)
{
	if (!lr_buf_reserve(buf, len))
		return false;
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return true;
}

bool
lr_buf_puts(LrBuf *buf, const char *s)
{
	return lr_buf_append(buf, s, strlen(s));
}

bool
lr_buf_putc(LrBuf *buf, char c)
{
	return lr_buf_append(buf, &c, 1);
}

bool
lr_buf_printf(LrBuf *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;
	char		small[256];

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return (buf->failed = true, false);
	if ((size_t) n < sizeof(small))
		return lr_buf_append(buf, small, (size_t) n);
	if (!lr_buf_reserve(buf, (size_t) n))
		return false;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t) n;
	return true;
}

void
lr_buf_free(LrBuf *buf)
{
	if (buf->data != NULL && buf->a->free != NULL)
		buf->a->free(buf->a->ctx, buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

/*
 * Hand-written because it is pure C for the fuzzed parsers and writers;
 * backend code uses PostgreSQL's Ryu through lr_pg_format_double (lr_pg.h).
 *
 * Shortest text that reads back as exactly d: the fewest significant digits
 * that round-trip, written in plain notation when the decimal exponent is
 * between -5 and 15 (20, 0.1, 1234.5) and in exponent notation otherwise
 * (1e+20, 1e-07).  C locale format (the backend runs with LC_NUMERIC=C).
 */
int
lr_format_double(char *out, size_t outlen, double d)
{
	char		tmp[64];
	int			prec;
	int			exp10;
	char	   *e;

	if (d == 0)
		return snprintf(out, outlen, "%s", signbit(d) ? "-0" : "0");
	if (isnan(d))
		return snprintf(out, outlen, "NaN");
	if (isinf(d))
		return snprintf(out, outlen, "%s", d > 0 ? "Infinity" : "-Infinity");
	/*
	 * The fewest significant digits that round-trip: if p digits read back
	 * exactly, so do p + 1, so a binary search over 1..17 digits finds it.
	 */
	{
		int			lo = 0,
					hi = 16;

		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			snprintf(tmp, sizeof(tmp), "%.*e", mid, d);
			if (strtod(tmp, NULL) == d)
				hi = mid;
			else
				lo = mid + 1;
		}
		prec = lo;
		snprintf(tmp, sizeof(tmp), "%.*e", prec, d);
	}
	e = strchr(tmp, 'e');
	exp10 = e ? atoi(e + 1) : 0;
	if (exp10 >= -5 && exp10 <= 15)
	{
		int			decimals = prec - exp10;

		return snprintf(out, outlen, "%.*f", decimals > 0 ? decimals : 0, d);
	}
	return snprintf(out, outlen, "%.*g", prec + 1, d);
}

bool
lr_buf_put_double(LrBuf *buf, double d)
{
	char		tmp[64];
	int			n = lr_format_double(tmp, sizeof(tmp), d);

	return lr_buf_append(buf, tmp, (size_t) n);
}

static bool
lr_buf_put_le(LrBuf *buf, uint64_t v, int nbytes)
{
	uint8_t		b[8];
	int			i;

	for (i = 0; i < nbytes; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	return lr_buf_append(buf, b, (size_t) nbytes);
}

bool
lr_buf_put_u8(LrBuf *buf, uint8_t v)
{
	return lr_buf_put_le(buf, v, 1);
}

bool
lr_buf_put_u16(LrBuf *buf, uint16_t v)
{
	return lr_buf_put_le(buf, v, 2);
}

bool
lr_buf_put_u32(LrBuf *buf, uint32_t v)
{
	return lr_buf_put_le(buf, v, 4);
}

bool
lr_buf_put_u64(LrBuf *buf, uint64_t v)
{
	return lr_buf_put_le(buf, v, 8);
}

bool
lr_buf_put_i64(LrBuf *buf, int64_t v)
{
	return lr_buf_put_le(buf, (uint64_t) v, 8);
}

bool
lr_buf_put_f64(LrBuf *buf, double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return lr_buf_put_le(buf, u, 8);
}

/* ---------------------------------------------------------------- reader */

void
lr_reader_init(LrReader *r, const void *data, size_t len, LrError *err, const char *what)
{
	r->p = (const uint8_t *) data;
	r->end = r->p + len;
	r->err = err;
	r->what = what;
}

static bool
lr_read_short(LrReader *r)
{
	return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: unexpected end of data", r->what);
}

static bool
lr_read_le(LrReader *r, int nbytes, uint64_t *v)
{
	uint64_t	x = 0;
	int			i;

	if (lr_reader_left(r) < (size_t) nbytes)
		return lr_read_short(r);
	for (i = 0; i < nbytes; i++)
		x |= (uint64_t) r->p[i] << (8 * i);
	r->p += nbytes;
	*v = x;
	return true;
}

bool
lr_read_u8(LrReader *r, uint8_t *v)
{
	uint64_t	x = 0;

	if (!lr_read_le(r, 1, &x))
		return false;
	*v = (uint8_t) x;
	return true;
}

bool
lr_read_u16(LrReader *r, uint16_t *v)
{
	uint64_t	x = 0;

	if (!lr_read_le(r, 2, &x))
		return false;
	*v = (uint16_t) x;
	return true;
}

bool
lr_read_u32(LrReader *r, uint32_t *v)
{
	uint64_t	x = 0;

	if (!lr_read_le(r, 4, &x))
		return false;
	*v = (uint32_t) x;
	return true;
}

bool
lr_read_u64(LrReader *r, uint64_t *v)
{
	return lr_read_le(r, 8, v);
}

bool
lr_read_i64(LrReader *r, int64_t *v)
{
	uint64_t	x = 0;

	if (!lr_read_le(r, 8, &x))
		return false;
	*v = (int64_t) x;
	return true;
}

bool
lr_read_f64(LrReader *r, double *v)
{
	uint64_t	x = 0;

	if (!lr_read_le(r, 8, &x))
		return false;
	memcpy(v, &x, sizeof(*v));
	return true;
}

bool
lr_read_bytes(LrReader *r, size_t len, const uint8_t **out)
{
	if (lr_reader_left(r) < len)
		return lr_read_short(r);
	*out = r->p;
	r->p += len;
	return true;
}

bool
lr_read_count(LrReader *r, size_t elem_size, size_t *count)
{
	uint64_t	n;

	if (!lr_read_u64(r, &n))
		return false;
	/* A count can never promise more elements than bytes remain. */
	if (elem_size > 0 && n > lr_reader_left(r) / elem_size)
		return lr_error_set(r->err, LR_ERR_SYNTAX,
							"invalid %s: element count %llu exceeds the data present",
							r->what, (unsigned long long) n);
	*count = (size_t) n;
	return true;
}

uint64_t
lr_hash_bytes64(uint64_t seed, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t	h = seed ^ (len * UINT64_C(0xff51afd7ed558ccd));

	while (len >= 8)
	{
		uint64_t	w;

		memcpy(&w, p, 8);
		h = lr_hash_mix64(h ^ w);
		p += 8;
		len -= 8;
	}
	if (len > 0)
	{
		uint64_t	w = 0;

		memcpy(&w, p, len);
		h = lr_hash_mix64(h ^ w ^ UINT64_C(0x8000000000000000));
	}
	return lr_hash_mix64(h);
}

static void
InsertionSort(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
	{
		uint64_t	v = a[i];
		size_t		j = i;

		while (j > 0 && a[j - 1] > v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

uint64_t *
lr_sort_u64(uint64_t *a, uint64_t *aux, size_t n)
{
	size_t		count[8][256];
	uint64_t   *src = a;
	uint64_t   *dst = aux;
	uint64_t	or_ = 0,
				and_ = ~UINT64_C(0);
	int			pass[8];
	int			npass = 0;

	if (n < 48)
	{
		InsertionSort(a, n);
		return a;
	}
	for (size_t i = 0; i < n; i++)
	{
		or_ |= a[i];
		and_ &= a[i];
	}
	for (int b = 0; b < 8; b++)
		if (((or_ ^ and_) >> (8 * b)) & 0xff)
			pass[npass++] = b;
	memset(count, 0, sizeof(size_t) * 256 * 8);
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	k = a[i];

		for (int q = 0; q < npass; q++)
			count[q][(k >> (8 * pass[q])) & 0xff]++;
	}
	for (int q = 0; q < npass; q++)
	{
		size_t		sum = 0;
		int			sh = 8 * pass[q];
		uint64_t   *t;

		for (int d = 0; d < 256; d++)
		{
			size_t		c = count[q][d];

			count[q][d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
		{
			uint64_t	k = src[i];

			dst[count[q][(k >> sh) & 0xff]++] = k;
		}
		t = src;
		src = dst;
		dst = t;
	}
	return src;
}

bool
lr_read_bad(LrReader *r, const char *why)
{
	return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %s", r->what, why);
}

bool
lr_reader_end(LrReader *r)
{
	if (r->p != r->end)
		return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %zu unexpected trailing bytes",
							r->what, lr_reader_left(r));
	return true;
}

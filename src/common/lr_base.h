/*
 * lr_base.h
 *	  Pure C building blocks shared by every parser of user text: an arena
 *	  allocator, an error record, a growable output buffer and a
 *	  bounds-checked byte reader.  (The text form of states is base64 by
 *	  PostgreSQL's common/base64.h, in src/common/lr_state.c.)
 *
 * Nothing here includes PostgreSQL headers or calls into the server, so the
 * same code runs inside a backend and inside the fuzz targets in test/fuzz.
 * Functions report failure through an LrError and a false/NULL return; they
 * never abort, never longjmp and never allocate without a limit.
 */
#ifndef LR_BASE_H
#define LR_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 128-bit integers of the pure C code (PostgreSQL's common/int128.h needs its
 * c.h; backend-only code uses that), at 8-byte alignment: palloc and the
 * arenas align to 8, and with the natural 16 the compiler may use aligned
 * vector moves on them.
 */
typedef __int128 lr_i128 __attribute__((aligned(8)));
typedef unsigned __int128 lr_u128 __attribute__((aligned(8)));

/*
 * Money held as integers, in every area (common/lr_money.h converts numeric):
 * units of 0.0001 of the currency (numeric's own digit), amounts below 10^14
 * currency units; rules that take amounts to the cent hold cents, at most
 * 10^13 currency units.  Rates and fractions: exact decimals at scale 18.
 */
#define LR_MONEY_SCALE			4
#define LR_MONEY_UNITS			10000	/* units per currency unit */
#define LR_MONEY_UNITS_LIMIT	INT64_C(1000000000000000000)	/* |units| < 10^18 */
#define LR_MONEY_MAX_CENTS		INT64_C(1000000000000000)	/* |cents| <= 10^15 */
#define LR_RATE_SCALE			18

/* Where the pure C code gets memory from: palloc in a backend, malloc in a fuzzer. */
typedef struct LrAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);	/* NULL on failure */
	void		(*free) (void *ctx, void *ptr); /* may be NULL */
	void	   *ctx;
} LrAlloc;

/* What went wrong, in words fit for a user, plus a category for the SQLSTATE. */
typedef enum LrErrorKind
{
	LR_OK = 0,
	LR_ERR_SYNTAX,				/* malformed text: invalid_text_representation */
	LR_ERR_INVALID,				/* well-formed but not acceptable: invalid_parameter_value */
	LR_ERR_LIMIT,				/* exceeds a documented limit: program_limit_exceeded */
	LR_ERR_NOMEM				/* allocation failed: out_of_memory */
} LrErrorKind;

typedef struct LrError
{
	LrErrorKind kind;
	char		msg[512];
	char		detail[512];
} LrError;

extern bool lr_error_set(LrError *err, LrErrorKind kind, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern void lr_error_detail(LrError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
/* An allocation failed: "out of memory", or "out of memory in <what>"; returns false. */
extern bool lr_error_nomem(LrError *err, const char *what);

/*
 * Tick: how long pure C work (parsing, validating, compiling, writing a
 * model that may hold millions of bins or nodes) lets its caller interrupt
 * it.  The work reports its progress in units of about the cost of parsing
 * one JSON value (lr_tick for one, lr_tick_n for a batch: a tree of n nodes,
 * a sort of n values); every `every` units the tick calls fn.  A backend's
 * fn checks for interrupts (cancel, statement_timeout) and raises the ERROR,
 * which unwinds through the pure C code: that code keeps nothing but
 * allocator memory across a tick, so nothing leaks.  Any other fn (a
 * fuzzer's budget) may return false; the work then stops and fails with an
 * LR_ERR_LIMIT error (lr_tick_stop).  A tick is used by one thread only;
 * NULL means no checks.
 */
typedef struct LrTick
{
	bool		(*fn) (void *arg);	/* false: stop the work */
	void	   *arg;
	uint32_t	every;			/* units between calls of fn */
	uint32_t	left;			/* units until the next call */
} LrTick;

static inline bool
lr_tick_n(LrTick *t, size_t units)
{
	if (t == NULL)
		return true;
	if (t->left > units)
	{
		t->left -= (uint32_t) units;
		return true;
	}
	t->left = t->every;
	return t->fn(t->arg);
}

static inline bool
lr_tick(LrTick *t)
{
	return lr_tick_n(t, 1);
}

/* Sets err for work that a tick stopped; returns false. */
extern bool lr_tick_stop(LrError *err);

/*
 * Arena: bump allocation in blocks, released all at once.  A limit on the
 * total bytes turns a hostile input into an error instead of an OOM kill;
 * over_limit tells that error apart from the allocator running out.
 */
typedef struct LrArenaBlock LrArenaBlock;
typedef struct LrArena
{
	const LrAlloc *a;
	LrArenaBlock *blocks;
	char	   *pos;
	size_t		left;
	size_t		total;
	size_t		limit;			/* 0 = no limit beyond the allocator's own */
	bool		over_limit;		/* an allocation was refused for the limit */
} LrArena;

extern void lr_arena_init(LrArena *arena, const LrAlloc *a, size_t limit);
extern void *lr_arena_alloc(LrArena *arena, size_t size);	/* 8-byte aligned, NULL on failure */
extern void *lr_arena_alloc0(LrArena *arena, size_t size);
extern char *lr_arena_strndup(LrArena *arena, const char *s, size_t len);
extern void lr_arena_release(LrArena *arena);

/*
 * Allocation with the error set: size bytes (at least one), zeroed by
 * lr_alloc0; NULL and "out of memory" (in what, when given) on failure.
 * lr_free takes NULL and allocators without free.
 */
extern void *lr_alloc(const LrAlloc *a, size_t size, LrError *err, const char *what);
extern void *lr_alloc0(const LrAlloc *a, size_t size, LrError *err, const char *what);
extern void lr_free(const LrAlloc *a, void *p);

/*
 * n elements of size bytes each (at least one byte), zeroed by lr_alloc0_n:
 * NULL when n * size overflows or the allocator fails, no error set (the
 * caller reports it, with lr_error_nomem or its own words).
 */
extern void *lr_alloc_n(const LrAlloc *a, size_t n, size_t size);
extern void *lr_alloc0_n(const LrAlloc *a, size_t n, size_t size);

/*
 * A growable array (*datap, of elem-byte elements, n of them in use, room
 * for *cap): when need does not fit, a new array of capacity doubled from
 * min (or *cap) up to need, at most max (0: no bound), with the n elements
 * copied and the old one freed.  False on failure, err set.
 */
extern bool lr_array_grow(const LrAlloc *a, void *datap, size_t n, size_t need, size_t elem,
						  size_t min, size_t max, size_t *cap, LrError *err, const char *what);

/* Multiplication of sizes that reports overflow instead of wrapping. */
static inline bool
lr_size_mul(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

/*
 * The one hash of the pure C code (its tables run in OpenMP regions or are
 * fuzzed outside the server; backend-only code uses lib/simplehash.h with
 * PostgreSQL's hash_bytes and murmurhash32): murmur3's 64-bit finaliser, and
 * a hash of bytes over 8-byte words built on it.  prebin_state's row
 * fingerprints are made of these, so neither may ever change.
 */
static inline uint64_t
lr_hash_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

extern uint64_t lr_hash_bytes64(uint64_t seed, const void *p, size_t len);

/* For tables indexed by the low bits. */
static inline uint32_t
lr_hash_bytes(const char *s, size_t len)
{
	return (uint32_t) lr_hash_bytes64(0, s, len);
}

/*
 * Three-way comparison of two values of one type (-1, 0, 1), without a
 * subtraction that could overflow; and a qsort comparator, name(const void
 * *, const void *), over elements a and b of type T whose result is expr.
 */
#define LR_CMP(x, y) (((x) > (y)) - ((x) < (y)))
#define LR_COMPARATOR(name, T, expr) \
	static int \
	name(const void *pa, const void *pb) \
	{ \
		const T    *a = pa; \
		const T    *b = pb; \
		return (expr); \
	}

/*
 * Sorts n 64-bit keys ascending (LSD radix by bytes, only the bytes in which
 * the keys differ; insertion sort below 48 keys), aux holding n more: returns
 * the array that holds the result, a or aux.
 */
extern uint64_t *lr_sort_u64(uint64_t *a, uint64_t *aux, size_t n);

/* Growable output buffer (NUL-terminated at all times once initialised). */
typedef struct LrBuf
{
	const LrAlloc *a;
	char	   *data;
	size_t		len;
	size_t		cap;
	size_t		limit;			/* 0 = no limit */
	bool		failed;			/* sticky: an append failed */
	LrTick	   *tick;			/* NULL, or ticked once per append (a writer of big texts sets it) */
} LrBuf;

extern void lr_buf_init(LrBuf *buf, const LrAlloc *a, size_t limit);
extern bool lr_buf_reserve(LrBuf *buf, size_t more);
extern bool lr_buf_append(LrBuf *buf, const void *data, size_t len);
extern bool lr_buf_puts(LrBuf *buf, const char *s);
extern bool lr_buf_putc(LrBuf *buf, char c);
extern bool lr_buf_printf(LrBuf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void lr_buf_free(LrBuf *buf);

/* Appends the shortest decimal text that reads back as exactly d (finite d only). */
extern bool lr_buf_put_double(LrBuf *buf, double d);
extern int	lr_format_double(char *out, size_t outlen, double d);

/* Little-endian fixed-width writers used by binary state formats. */
extern bool lr_buf_put_u8(LrBuf *buf, uint8_t v);
extern bool lr_buf_put_u16(LrBuf *buf, uint16_t v);
extern bool lr_buf_put_u32(LrBuf *buf, uint32_t v);
extern bool lr_buf_put_u64(LrBuf *buf, uint64_t v);
extern bool lr_buf_put_i64(LrBuf *buf, int64_t v);
extern bool lr_buf_put_f64(LrBuf *buf, double v);

/*
 * Bounds-checked little-endian reader over untrusted bytes.  Every getter
 * fails (returns false and sets err) rather than reading past the end.
 */
typedef struct LrReader
{
	const uint8_t *p;
	const uint8_t *end;
	LrError    *err;
	const char *what;			/* names the value being decoded, for messages */
} LrReader;

extern void lr_reader_init(LrReader *r, const void *data, size_t len, LrError *err, const char *what);
extern bool lr_read_u8(LrReader *r, uint8_t *v);
extern bool lr_read_u16(LrReader *r, uint16_t *v);
extern bool lr_read_u32(LrReader *r, uint32_t *v);
extern bool lr_read_u64(LrReader *r, uint64_t *v);
extern bool lr_read_i64(LrReader *r, int64_t *v);
extern bool lr_read_f64(LrReader *r, double *v);
extern bool lr_read_bytes(LrReader *r, size_t len, const uint8_t **out);
extern bool lr_read_count(LrReader *r, size_t elem_size, size_t *count);	/* u64 count that must fit the rest */
extern bool lr_reader_end(LrReader *r);	/* fails if bytes remain */

/* A malformed value: "invalid <r->what>: <why>" (LR_ERR_SYNTAX), false. */
extern bool lr_read_bad(LrReader *r, const char *why);

static inline size_t
lr_reader_left(const LrReader *r)
{
	return (size_t) (r->end - r->p);
}

#endif							/* LR_BASE_H */

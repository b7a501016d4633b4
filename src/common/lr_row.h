/*
 * lr_row.h
 *	  Finding named inputs in a row (record) argument: the binding of names to
 *	  columns is made once per row type and cached; each row is then deformed
 *	  once and its values read as numbers or as text.
 *
 * Used wherever a function takes "applicant record" and looks up its inputs by
 * column name: scoring, anomaly scoring, matching rules.
 */
#ifndef LR_ROW_H
#define LR_ROW_H

#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "fmgr.h"

typedef enum LrFieldKind
{
	LR_FIELD_NUMERIC,			/* smallint, integer, bigint, real, double precision, numeric */
	LR_FIELD_CATEGORICAL,		/* text-like, enum, boolean, integers: compared as text */
	LR_FIELD_BOOL				/* boolean */
} LrFieldKind;

/* How a column's value becomes a field value (set when binding). */
typedef enum LrConv
{
	LR_CONV_FLOAT8,
	LR_CONV_FLOAT4,
	LR_CONV_INT2,
	LR_CONV_INT4,
	LR_CONV_INT8,
	LR_CONV_NUMERIC,
	LR_CONV_TEXT,				/* any varlena string type */
	LR_CONV_BPCHAR,				/* trailing spaces are not significant */
	LR_CONV_NAME,
	LR_CONV_BOOL,				/* 'true' / 'false', as bool::text */
	LR_CONV_INT2_TEXT,
	LR_CONV_INT4_TEXT,
	LR_CONV_INT8_TEXT,
	LR_CONV_ENUM				/* the label */
} LrConv;

typedef struct LrRowBinder
{
	MemoryContext cxt;			/* where the binding lives (a per-query context) */
	int			nfields;
	const char **names;			/* column names to find, exactly */
	const LrFieldKind *kinds;
	const char *owner;			/* for messages: "scorecard \"smb_demo\"" */

	bool		bound;
	Oid			typid;
	int32		typmod;
	TupleDesc	tupdesc;		/* the row type's descriptor (a copy) */
	Datum	   *values;
	bool	   *nulls;
	int		   *att;			/* per field: 0-based column index */
	LrConv	   *conv;
	FmgrInfo   *outfn;			/* per field, for LR_CONV_ENUM */
} LrRowBinder;

/*
 * Sets up a binder; names, kinds and owner must outlive it (allocate them in
 * cxt).  Nothing is looked up until the first row.
 */
extern void lr_row_binder_init(LrRowBinder *b, MemoryContext cxt, int nfields,
							   const char **names, const LrFieldKind *kinds, const char *owner);

/* Forgets the binding (the next row binds again). */
extern void lr_row_binder_reset(LrRowBinder *b);

/*
 * Binds (when the row type is new) and deforms row.  Raises an error naming
 * the column when one is missing or of a type its field cannot read.
 */
extern void lr_row_deform(LrRowBinder *b, HeapTupleHeader row);

static inline bool
lr_row_isnull(const LrRowBinder *b, int field)
{
	return b->nulls[b->att[field]];
}

/* A numeric field's value (NaN and +/-Infinity pass through; numeric beyond
 * double range becomes +/-Infinity).  Not for NULLs. */
extern double lr_row_number(const LrRowBinder *b, int field);

/* A categorical field's value as text (buf: scratch of 32 bytes).  Not for NULLs. */
extern const char *lr_row_text(const LrRowBinder *b, int field, char *buf, size_t *len);

/* Any field's value as a palloc'd string (for explanations), NULL for NULL. */
extern char *lr_row_value_text(const LrRowBinder *b, int field);

#endif							/* LR_ROW_H */

/*
 * lr_row.h
 *	  Finding named inputs in a row (record) argument: the binding of names to
 *	  columns is made once per row type and cached; each row is then deformed
 *	  once and its values read as numbers or as text.
 *
 * Used wherever a function takes "applicant record" and looks up its inputs by
 * column name: scoring, anomaly scoring, matching rules, decisions.
 *
 * Nested inputs: a name "profile.gmv_90d" that is not itself a column of the
 * row reads field gmv_90d of the row's composite column "profile" (for
 * example a loan_risk.merchant_profile computed in the same statement).  A
 * NULL composite makes every field read from it NULL.
 */
#ifndef LR_ROW_H
#define LR_ROW_H

#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "fmgr.h"

typedef enum LrFieldKind
{
	LR_FIELD_NUMERIC,			/* smallint, integer, bigint, real, double precision, numeric */
	LR_FIELD_CATEGORICAL,		/* text-like, enum, boolean, integers: compared as text */
	LR_FIELD_BOOL,				/* boolean */
	LR_FIELD_ANY				/* any type, for null checks (numbers: NaN counts as NULL) */
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
	LR_CONV_ENUM,				/* the label */
	LR_CONV_NONE				/* LR_FIELD_ANY on a non-numeric column: only NULL or not */
} LrConv;

/*
 * Conversions, shared by the row binder and by functions that receive the
 * columns as separate arguments.  lr_conv_for returns -1 when a column of
 * that type cannot be read as kind; lr_conv_error raises the matching error.
 */
extern int	lr_conv_for(Oid type, LrFieldKind kind);
extern void lr_conv_error(const char *column, Oid type, LrFieldKind kind, const char *owner)
			pg_attribute_noreturn();
/* For LR_CONV_ENUM: the type's output function, looked up once. */
extern void lr_conv_outfn(Oid type, FmgrInfo *outfn, MemoryContext cxt);
/* The conversion of a number base type (float, integer, numeric), -1 for any other. */
extern int	lr_conv_numeric(Oid base);
extern double lr_conv_number(LrConv conv, Datum d);
extern const char *lr_conv_text(LrConv conv, Datum d, FmgrInfo *outfn, char *buf, size_t *len);

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
	TupleDesc	tupdesc;
	TupleTableSlot *slot;		/* rows are stored here and deformed to maxatt */
	int			maxatt;			/* 1 + the last column index used */
	Datum	   *values;			/* the slot's arrays, after lr_row_deform */
	bool	   *nulls;
	int		   *att;			/* per field: index into values/nulls */
	LrConv	   *conv;
	FmgrInfo   *outfn;			/* per field, for LR_CONV_ENUM */

	/*
	 * Nested fields: values and nulls are then arrays of maxatt + nnested
	 * entries, the row's first maxatt columns followed by the nested fields'
	 * values (the first nested field at index maxatt).
	 */
	int			nnested;
	int			ncomposites;
	struct LrRowComposite *composites;
	int		   *nested_att;		/* per nested entry: the field of its composite */
	Datum	   *ext_values;
	bool	   *ext_nulls;
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

/*
 * lr_row.c
 *	  Binding named inputs to the columns of a row; see lr_row.h.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "common/lr_base.h"
#include "common/lr_numeric_pg.h"
#include "common/lr_pg.h"
#include "common/lr_row.h"

/* A composite column some nested fields are read from. */
typedef struct LrRowComposite
{
	int			att;			/* the composite column (0-based) */
	TupleDesc	tupdesc;		/* its row type */
	TupleTableSlot *slot;		/* its values are deformed here */
	int			maxatt;			/* 1 + the last of its fields used */
	int			first;			/* its fields: nested[first .. first + n - 1] */
	int			n;
} LrRowComposite;

void
lr_row_binder_init(LrRowBinder *b, MemoryContext cxt, int nfields,
				   const char **names, const LrFieldKind *kinds, const char *owner)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	b->nfields = nfields;
	b->names = names;
	b->kinds = kinds;
	b->owner = owner;
}

void
lr_row_binder_reset(LrRowBinder *b)
{
	int			k;

	if (b->slot != NULL)
		ExecDropSingleTupleTableSlot(b->slot);
	for (k = 0; k < b->ncomposites; k++)
		if (b->composites[k].slot != NULL)
			ExecDropSingleTupleTableSlot(b->composites[k].slot);
	b->slot = NULL;
	b->ncomposites = 0;
	b->nnested = 0;
	b->bound = false;
}

int
lr_conv_numeric(Oid base)
{
	switch (base)
	{
		case FLOAT8OID:
			return LR_CONV_FLOAT8;
		case FLOAT4OID:
			return LR_CONV_FLOAT4;
		case INT2OID:
			return LR_CONV_INT2;
		case INT4OID:
			return LR_CONV_INT4;
		case INT8OID:
			return LR_CONV_INT8;
		case NUMERICOID:
			return LR_CONV_NUMERIC;
	}
	return -1;
}

static int
CategoricalConv(Oid base)
{
	char		category;
	bool		preferred;

	switch (base)
	{
		case BPCHAROID:
			return LR_CONV_BPCHAR;
		case NAMEOID:
			return LR_CONV_NAME;
		case BOOLOID:
			return LR_CONV_BOOL;
		case INT2OID:
			return LR_CONV_INT2_TEXT;
		case INT4OID:
			return LR_CONV_INT4_TEXT;
		case INT8OID:
			return LR_CONV_INT8_TEXT;
	}
	if (type_is_enum(base))
		return LR_CONV_ENUM;
	/* text, varchar and string-category varlena types such as citext */
	get_type_category_preferred(base, &category, &preferred);
	if (category == TYPCATEGORY_STRING && get_typlen(base) == -1)
		return LR_CONV_TEXT;
	return -1;
}

int
lr_conv_for(Oid type, LrFieldKind kind)
{
	Oid			base = getBaseType(type);

	switch (kind)
	{
		case LR_FIELD_NUMERIC:
			return lr_conv_numeric(base);
		case LR_FIELD_BOOL:
			return base == BOOLOID ? LR_CONV_BOOL : -1;
		case LR_FIELD_CATEGORICAL:
		default:
			return CategoricalConv(base);
	}
}

void
lr_conv_error(const char *name, Oid type, LrFieldKind kind, const char *owner)
{
	switch (kind)
	{
		case LR_FIELD_NUMERIC:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, which a numeric input cannot read",
							name, format_type_be(type)),
					 errdetail("%s reads \"%s\" as a number.", owner, name),
					 errhint("Numeric inputs read smallint, integer, bigint, real, double precision and numeric columns.")));
			break;
		case LR_FIELD_BOOL:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, which a boolean input cannot read",
							name, format_type_be(type)),
					 errdetail("%s reads \"%s\" as a boolean.", owner, name)));
			break;
		case LR_FIELD_CATEGORICAL:
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, which a categorical input cannot read",
							name, format_type_be(type)),
					 errdetail("%s reads \"%s\" as a category.", owner, name),
					 errhint("Categorical inputs read text, varchar, char, name, enum, boolean and integer columns.")));
			break;
	}
	pg_unreachable();
}

void
lr_conv_outfn(Oid type, FmgrInfo *outfn, MemoryContext cxt)
{
	Oid			fn;
	bool		isvarlena;

	getTypeOutputInfo(getBaseType(type), &fn, &isvarlena);
	fmgr_info_cxt(fn, outfn, cxt);
}

double
lr_conv_number(LrConv conv, Datum d)
{
	switch (conv)
	{
		case LR_CONV_FLOAT8:
			return DatumGetFloat8(d);
		case LR_CONV_FLOAT4:
			return (double) DatumGetFloat4(d);
		case LR_CONV_INT2:
			return (double) DatumGetInt16(d);
		case LR_CONV_INT4:
			return (double) DatumGetInt32(d);
		case LR_CONV_INT8:
			return (double) DatumGetInt64(d);
		case LR_CONV_NUMERIC:
			/* Values beyond double range become +/-Infinity: above or below every bound. */
			return lr_numeric_float8(d);
		default:
			elog(ERROR, "conversion %d is not numeric", (int) conv);
	}
	return 0;
}

const char *
lr_conv_text(LrConv conv, Datum d, FmgrInfo *outfn, char *buf, size_t *len)
{
	switch (conv)
	{
		case LR_CONV_TEXT:
		case LR_CONV_BPCHAR:
			{
				text	   *t = DatumGetTextPP(d);
				const char *s = VARDATA_ANY(t);
				size_t		n = VARSIZE_ANY_EXHDR(t);

				if (conv == LR_CONV_BPCHAR)
					while (n > 0 && s[n - 1] == ' ')
						n--;
				*len = n;
				return s;
			}
		case LR_CONV_NAME:
			*len = strlen(NameStr(*DatumGetName(d)));
			return NameStr(*DatumGetName(d));
		case LR_CONV_BOOL:
			*len = DatumGetBool(d) ? 4 : 5;
			return DatumGetBool(d) ? "true" : "false";
		case LR_CONV_INT2_TEXT:
			*len = (size_t) pg_ltoa(DatumGetInt16(d), buf);
			return buf;
		case LR_CONV_INT4_TEXT:
			*len = (size_t) pg_ltoa(DatumGetInt32(d), buf);
			return buf;
		case LR_CONV_INT8_TEXT:
			*len = (size_t) pg_lltoa(DatumGetInt64(d), buf);
			return buf;
		case LR_CONV_ENUM:
			{
				char	   *s = OutputFunctionCall(outfn, d);

				*len = strlen(s);
				return s;
			}
		default:
			elog(ERROR, "conversion %d is not categorical", (int) conv);
	}
	return NULL;
}

/* Column index of name in td, or -1. */
static int
FindColumn(TupleDesc td, const char *name, size_t len)
{
	int			a;

	for (a = 0; a < td->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(td, a);

		if (!att->attisdropped && strlen(NameStr(att->attname)) == len &&
			memcmp(NameStr(att->attname), name, len) == 0)
			return a;
	}
	return -1;
}

static void
NotFound(LrRowBinder *b, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" not found in the applicant row", name),
			 errdetail("%s reads a column \"%s\", and the row has no column of that name.",
					   b->owner, name),
			 errhint("Names match column names exactly, including case.")));
}

static int
ConvFor(LrRowBinder *b, int i, const char *name, Oid type)
{
	int			conv;

	if (b->kinds[i] == LR_FIELD_ANY)
	{
		/* Null checks: numbers are read so that NaN counts as NULL. */
		conv = lr_conv_for(type, LR_FIELD_NUMERIC);
		return conv < 0 ? LR_CONV_NONE : conv;
	}
	conv = lr_conv_for(type, b->kinds[i]);
	if (conv < 0)
		lr_conv_error(name, type, b->kinds[i], b->owner);
	if (conv == LR_CONV_ENUM)
		lr_conv_outfn(type, &b->outfn[i], b->cxt);
	return conv;
}

static void
Bind(LrRowBinder *b, Oid typid, int32 typmod)
{
	MemoryContext old = MemoryContextSwitchTo(b->cxt);
	TupleDesc	td = lookup_rowtype_tupdesc_copy(typid, typmod);
	int			maxatt = 0;
	int			i,
				k;
	int		   *nest_comp = palloc(Max(b->nfields, 1) * sizeof(int));	/* per field: composite, or -1 */
	int		   *nest_att = palloc(Max(b->nfields, 1) * sizeof(int));

	b->att = palloc(Max(b->nfields, 1) * sizeof(int));
	b->conv = palloc(Max(b->nfields, 1) * sizeof(LrConv));
	b->outfn = palloc0(Max(b->nfields, 1) * sizeof(FmgrInfo));
	b->composites = palloc0(Max(b->nfields, 1) * sizeof(LrRowComposite));
	b->ncomposites = 0;
	b->nnested = 0;

	for (i = 0; i < b->nfields; i++)
	{
		const char *name = b->names[i];
		const char *dot;
		int			found = FindColumn(td, name, strlen(name));
		LrRowComposite *comp = NULL;
		Form_pg_attribute att;
		Oid			ctype;
		int			sub;

		nest_comp[i] = -1;
		if (found >= 0)
		{
			att = TupleDescAttr(td, found);
			b->att[i] = found;
			b->conv[i] = (LrConv) ConvFor(b, i, name, att->atttypid);
			maxatt = Max(maxatt, found + 1);
			continue;
		}

		/* "column.field": a field of a composite column */
		dot = strchr(name, '.');
		if (dot == NULL || dot == name || dot[1] == '\0' ||
			(found = FindColumn(td, name, (size_t) (dot - name))) < 0)
			NotFound(b, name);
		att = TupleDescAttr(td, found);
		ctype = getBaseType(att->atttypid);
		if (!type_is_rowtype(ctype) || ctype == RECORDOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%.*s\" has type %s, which has no field \"%s\"",
							(int) (dot - name), name, format_type_be(att->atttypid), dot + 1),
					 errdetail("%s reads \"%s\", field \"%s\" of a composite column \"%.*s\".",
							   b->owner, name, dot + 1, (int) (dot - name), name),
					 errhint("Nested fields are read from columns of a named composite type, such as loan_risk.merchant_profile.")));
		for (k = 0; k < b->ncomposites; k++)
			if (b->composites[k].att == found)
				comp = &b->composites[k];
		if (comp == NULL)
		{
			comp = &b->composites[b->ncomposites++];
			comp->att = found;
			comp->tupdesc = lookup_rowtype_tupdesc_copy(ctype, -1);
			maxatt = Max(maxatt, found + 1);
		}
		sub = FindColumn(comp->tupdesc, dot + 1, strlen(dot + 1));
		if (sub < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" not found in the applicant row", name),
					 errdetail("%s reads \"%s\", and the composite column \"%.*s\" (type %s) has no field \"%s\".",
							   b->owner, name, (int) (dot - name), name,
							   format_type_be(att->atttypid), dot + 1)));
		b->conv[i] = (LrConv) ConvFor(b, i, name, TupleDescAttr(comp->tupdesc, sub)->atttypid);
		nest_comp[i] = (int) (comp - b->composites);
		nest_att[i] = sub;
		comp->maxatt = Max(comp->maxatt, sub + 1);
		b->nnested++;
	}

	/*
	 * Nested fields go after the row's columns, grouped by composite, so
	 * that each composite fills a run of the extended arrays.
	 */
	if (b->nnested > 0)
	{
		int			pos = maxatt;

		b->ext_values = palloc0((maxatt + b->nnested) * sizeof(Datum));
		b->ext_nulls = palloc0((maxatt + b->nnested) * sizeof(bool));
		for (k = 0; k < b->ncomposites; k++)
		{
			LrRowComposite *comp = &b->composites[k];

			comp->first = pos - maxatt;
			comp->n = 0;
			comp->slot = MakeSingleTupleTableSlot(comp->tupdesc, &TTSOpsHeapTuple);
			for (i = 0; i < b->nfields; i++)
				if (nest_comp[i] == k)
				{
					b->att[i] = pos++;
					comp->n++;
				}
		}
		/* Which field of the composite each extended entry reads. */
		b->nested_att = palloc(b->nnested * sizeof(int));
		for (i = 0; i < b->nfields; i++)
			if (nest_comp[i] >= 0)
				b->nested_att[b->att[i] - maxatt] = nest_att[i];
	}

	/*
	 * Rows are deformed through a slot, only as far as the last column used
	 * (slot_getsomeattrs): the supported way to deform part of a tuple.
	 */
	b->tupdesc = td;
	b->slot = MakeSingleTupleTableSlot(td, &TTSOpsHeapTuple);
	b->maxatt = maxatt;
	b->typid = typid;
	b->typmod = typmod;
	b->bound = true;
	MemoryContextSwitchTo(old);
}

static void
StoreTuple(TupleTableSlot *slot, HeapTupleHeader row)
{
	HeapTupleData tuple;

	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	ExecStoreHeapTuple(&tuple, slot, false);
}

void
lr_row_deform(LrRowBinder *b, HeapTupleHeader row)
{
	Oid			typid = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);
	int			k,
				j;

	if (!b->bound || b->typid != typid || b->typmod != typmod)
	{
		lr_row_binder_reset(b);
		Bind(b, typid, typmod);
	}
	StoreTuple(b->slot, row);
	if (b->maxatt > 0)
		slot_getsomeattrs(b->slot, b->maxatt);
	if (b->nnested == 0)
	{
		b->values = b->slot->tts_values;
		b->nulls = b->slot->tts_isnull;
		return;
	}
	memcpy(b->ext_values, b->slot->tts_values, b->maxatt * sizeof(Datum));
	memcpy(b->ext_nulls, b->slot->tts_isnull, b->maxatt * sizeof(bool));
	for (k = 0; k < b->ncomposites; k++)
	{
		LrRowComposite *comp = &b->composites[k];
		int			pos = b->maxatt + comp->first;

		if (b->slot->tts_isnull[comp->att])
		{
			for (j = 0; j < comp->n; j++)
				b->ext_nulls[pos + j] = true;
			continue;
		}
		StoreTuple(comp->slot, DatumGetHeapTupleHeader(b->slot->tts_values[comp->att]));
		slot_getsomeattrs(comp->slot, comp->maxatt);
		for (j = 0; j < comp->n; j++)
		{
			int			a = b->nested_att[comp->first + j];

			b->ext_values[pos + j] = comp->slot->tts_values[a];
			b->ext_nulls[pos + j] = comp->slot->tts_isnull[a];
		}
	}
	b->values = b->ext_values;
	b->nulls = b->ext_nulls;
}

double
lr_row_number(const LrRowBinder *b, int field)
{
	return lr_conv_number(b->conv[field], b->values[b->att[field]]);
}

const char *
lr_row_text(const LrRowBinder *b, int field, char *buf, size_t *len)
{
	return lr_conv_text(b->conv[field], b->values[b->att[field]],
						&((LrRowBinder *) b)->outfn[field], buf, len);
}

char *
lr_row_value_text(const LrRowBinder *b, int field)
{
	if (lr_row_isnull(b, field))
		return NULL;
	if (b->conv[field] == LR_CONV_NONE)
		return pstrdup("(not null)");
	if (b->kinds[field] == LR_FIELD_NUMERIC || b->kinds[field] == LR_FIELD_ANY)
	{
		char		tmp[64];

		lr_pg_format_double(tmp, sizeof(tmp), lr_row_number(b, field));
		return pstrdup(tmp);
	}
	else
	{
		char		buf[32];
		size_t		len;
		const char *v = lr_row_text(b, field, buf, &len);

		return pnstrdup(v, len);
	}
}

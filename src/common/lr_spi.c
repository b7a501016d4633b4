/*
 * lr_spi.c
 *	  Streaming query runner; see lr_spi.h.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "parser/parse_param.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

#include "common/lr_spi.h"

typedef struct LrDest
{
	DestReceiver pub;
	LrQueryStartFn start;
	LrQueryRowFn row;
	void	   *arg;
	uint64		nrows;
} LrDest;

static bool
DestReceive(TupleTableSlot *slot, DestReceiver *self)
{
	LrDest	   *d = (LrDest *) self;

	slot_getallattrs(slot);
	d->row(slot, d->arg);
	d->nrows++;
	return true;
}

static void
DestStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	LrDest	   *d = (LrDest *) self;

	if (d->start)
		d->start(typeinfo, d->arg);
}

static void
DestShutdown(DestReceiver *self)
{
}

static void
DestDestroy(DestReceiver *self)
{
}

typedef struct ParamTypes
{
	const Oid  *types;
	int			n;
} ParamTypes;

/* The parser learns the parameters' types from here (SPI asks the hook). */
static void
ParamSetup(ParseState *pstate, void *arg)
{
	ParamTypes *pt = arg;

	setup_parse_fixed_parameters(pstate, pt->types, pt->n);
}

uint64
lr_query_run(const char *sql, const char *what,
			 LrQueryStartFn start, LrQueryRowFn row, void *arg)
{
	return lr_query_run_params(sql, what, 0, NULL, NULL, NULL, start, row, arg);
}

uint64
lr_query_run_params(const char *sql, const char *what, int nparams,
					const Oid *types, const Datum *values, const bool *nulls,
					LrQueryStartFn start, LrQueryRowFn row, void *arg)
{
	LrDest		dest;
	SPIExecuteOptions opts;
	ParamTypes	pt;
	int			rc;

	memset(&dest, 0, sizeof(dest));
	dest.pub.receiveSlot = DestReceive;
	dest.pub.rStartup = DestStartup;
	dest.pub.rShutdown = DestShutdown;
	dest.pub.rDestroy = DestDestroy;
	/* Not DestNone: SPI reports a SELECT into DestNone as a utility statement. */
	dest.pub.mydest = DestTuplestore;
	dest.start = start;
	dest.row = row;
	dest.arg = arg;

	if (sql == NULL || sql[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is empty", what)));

	/* One SELECT (or VALUES, or a set operation of them), nothing else. */
	{
		List	   *stmts = pg_parse_query(sql);

		if (list_length(stmts) != 1 ||
			!IsA(((RawStmt *) linitial(stmts))->stmt, SelectStmt))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a single SELECT statement", what),
					 errdetail("The query is run read-only with the caller's rights; it cannot modify data.")));
	}

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.tcount = 0;
	opts.dest = (DestReceiver *) &dest;
	if (nparams > 0)
	{
		/* Constants of this one execution: the planner folds them into the plan. */
		ParamListInfo params = makeParamList(nparams);

		for (int i = 0; i < nparams; i++)
		{
			params->params[i].value = values[i];
			params->params[i].isnull = nulls != NULL && nulls[i];
			params->params[i].pflags = PARAM_FLAG_CONST;
			params->params[i].ptype = types[i];
		}
		pt.types = types;
		pt.n = nparams;
		params->parserSetup = ParamSetup;
		params->parserSetupArg = &pt;
		opts.params = params;
	}
	rc = SPI_execute_extended(sql, &opts);
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a single SELECT (or other query returning rows)", what),
				 errdetail("It ran as %s.", SPI_result_code_string(rc))));
	SPI_finish();
	return dest.nrows;
}

void
lr_query_require_columns(TupleDesc desc, const char *what, int min, int max)
{
	if (desc->natts < min || desc->natts > max)
	{
		if (min == max)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s must return %d columns, not %d", what, min, desc->natts)));
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must return %d to %d columns, not %d", what, min, max, desc->natts)));
	}
}

static bool
IsIntType(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID;
}

static bool
IsTextType(Oid t)
{
	return t == TEXTOID || t == VARCHAROID || t == BPCHAROID || t == NAMEOID;
}

void
lr_query_check_column(TupleDesc desc, int col, LrColKind kind, const char *what)
{
	Form_pg_attribute att = TupleDescAttr(desc, col);
	Oid			t = getBaseType(att->atttypid);
	bool		ok;
	const char *expected;

	switch (kind)
	{
		case LR_COL_INT:
			ok = IsIntType(t);
			expected = "an integer (smallint, integer or bigint)";
			break;
		case LR_COL_NUMBER:
			ok = IsIntType(t) || t == FLOAT4OID || t == FLOAT8OID || t == NUMERICOID;
			expected = "a number";
			break;
		case LR_COL_TEXT:
			ok = IsTextType(t);
			expected = "text";
			break;
		case LR_COL_BOOL:
			ok = (t == BOOLOID);
			expected = "a boolean";
			break;
		case LR_COL_ID:
		default:
			ok = IsIntType(t) || IsTextType(t);
			expected = "an integer or text identifier";
			break;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) has type %s, expected %s",
						what, col + 1, NameStr(att->attname),
						format_type_be(att->atttypid), expected)));
}

Oid
lr_query_column_base_type(TupleDesc desc, int col)
{
	return getBaseType(TupleDescAttr(desc, col)->atttypid);
}

int64
lr_datum_int64(Datum d, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return DatumGetInt64(d);
	}
	elog(ERROR, "lr_datum_int64: unexpected type %u", type);
	return 0;
}

double
lr_datum_double(Datum d, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case FLOAT4OID:
			return DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
	}
	elog(ERROR, "lr_datum_double: unexpected type %u", type);
	return 0;
}

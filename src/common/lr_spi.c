/*
 * lr_spi.c
 *	  Streaming query runner; see lr_spi.h.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "parser/parse_param.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "common/lr_row.h"
#include "common/lr_spi.h"

/*
 * Query strings run read-only.  Three things make it so while one runs:
 *
 * - transaction_read_only is on (set at a new GUC nest level, as a function's
 *   SET clause would be, and restored when the query ends; an error unwinds
 *   it with the (sub)transaction).  PostgreSQL then refuses writes to
 *   ordinary tables, DDL, nextval() and setval() on ordinary sequences, large
 *   objects and the like, wherever they come from (a function the query
 *   calls, a view, a rule).
 * - An ExecutorStart hook refuses any executor run other than a plain SELECT
 *   (INSERT, UPDATE, DELETE, MERGE, a data-modifying WITH), which covers what
 *   a read-only transaction still allows: writes to temporary tables.
 * - An object access hook refuses nextval() and setval() when an expression
 *   calling them is set up: a read-only transaction still allows them on
 *   temporary sequences.
 * - The text is parsed first: one SELECT, without INTO or FOR UPDATE/SHARE.
 *
 * Errors raised for these reasons name the query ("edges query must not
 * modify data: ...").  Inside a parallel operation none of this is needed
 * (PostgreSQL allows no writes there) nor possible (no setting may change).
 */
/* In every message about a write refused in a query string. */
#define READ_ONLY_MARK " must not modify data: "

static int	lr_readonly_depth = 0;	/* > 0 while a query string runs */
static const char *lr_readonly_what = NULL; /* its name, for messages */
static ExecutorStart_hook_type lr_prev_executor_start = NULL;
static object_access_hook_type lr_prev_object_access = NULL;

static void
ReadOnlyExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (lr_readonly_depth > 0 && (eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		(queryDesc->operation != CMD_SELECT || queryDesc->plannedstmt->hasModifyingCTE))
	{
		const char *cmd = queryDesc->plannedstmt->hasModifyingCTE ? "a data-modifying WITH" :
			GetCommandTagName(CreateCommandTag((Node *) queryDesc->plannedstmt));

		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s" READ_ONLY_MARK "cannot execute %s in a read-only query",
						lr_readonly_what, cmd),
				 errdetail("Query strings given to loan_risk functions run read-only, temporary tables included."),
				 errhint("Make the change before or after the call, in a statement of its own.")));
	}
	if (lr_prev_executor_start)
		lr_prev_executor_start(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

static void
ReadOnlyObjectAccess(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (lr_prev_object_access)
		lr_prev_object_access(access, classId, objectId, subId, arg);
	if (access == OAT_FUNCTION_EXECUTE && lr_readonly_depth > 0 &&
		(objectId == F_NEXTVAL || objectId == F_SETVAL_REGCLASS_INT8 ||
		 objectId == F_SETVAL_REGCLASS_INT8_BOOL))
	{
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s" READ_ONLY_MARK "cannot execute %s() in a read-only query",
						lr_readonly_what, objectId == F_NEXTVAL ? "nextval" : "setval"),
				 errdetail("Query strings given to loan_risk functions run read-only, temporary sequences included."),
				 errhint("Make the change before or after the call, in a statement of its own.")));
	}
}

void
lr_spi_init(void)
{
	lr_prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = ReadOnlyExecutorStart;
	lr_prev_object_access = object_access_hook;
	object_access_hook = ReadOnlyObjectAccess;
}

/* PostgreSQL's refusal edata of a write in query what, raised again naming the query. */
static void
ReadOnlyError(const char *what, const ErrorData *edata)
{
	if (edata->context != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s" READ_ONLY_MARK "%s", what, edata->message),
				 errdetail("Query strings given to loan_risk functions run read-only."),
				 errhint("Make the change before or after the call, in a statement of its own."),
				 errcontext("%s", edata->context)));
	ereport(ERROR,
			(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
			 errmsg("%s" READ_ONLY_MARK "%s", what, edata->message),
			 errdetail("Query strings given to loan_risk functions run read-only."),
			 errhint("Make the change before or after the call, in a statement of its own.")));
}

/* The parse check: one SELECT that neither creates a table nor locks rows. */
static void
CheckSelect(const char *sql, const char *what)
{
	List	   *stmts = pg_parse_query(sql);
	SelectStmt *sel;

	if (list_length(stmts) != 1 ||
		!IsA(((RawStmt *) linitial(stmts))->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a single SELECT statement", what),
				 errdetail("The query is run read-only with the caller's rights; it cannot modify data.")));
	sel = (SelectStmt *) ((RawStmt *) linitial(stmts))->stmt;
	if (sel->intoClause != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s" READ_ONLY_MARK "SELECT INTO creates a table", what),
				 errdetail("Query strings given to loan_risk functions run read-only.")));
	if (sel->lockingClause != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s must not lock rows (FOR UPDATE or FOR SHARE)", what),
				 errdetail("Query strings given to loan_risk functions run read-only.")));
}

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

/*
 * Runs fn(arg) with the guards of a query string named what (see the top of
 * the file) and returns its result: transaction_read_only at a new setting
 * level, the hooks on, and PostgreSQL's own refusal of a write raised again
 * naming the query.
 */
static int
RunReadOnly(const char *what, int (*fn) (void *arg), void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	const char *outer_what = lr_readonly_what;
	int			nestlevel;
	volatile int rc = 0;

	if (IsInParallelMode())
		return fn(arg);
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("transaction_read_only", "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	lr_readonly_depth++;
	lr_readonly_what = what;
	PG_TRY();
	{
		rc = fn(arg);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		lr_readonly_depth--;
		lr_readonly_what = outer_what;
		/* The GUC level is unwound by the (sub)transaction's abort. */
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		/* Our hooks' errors, and an inner query's, already name their query. */
		if (edata->sqlerrcode != ERRCODE_READ_ONLY_SQL_TRANSACTION ||
			strstr(edata->message, READ_ONLY_MARK) != NULL)
			PG_RE_THROW();
		/* PostgreSQL's own refusal ("cannot execute DELETE in a read-only transaction"): name the query. */
		FlushErrorState();
		ReadOnlyError(what, edata);
	}
	PG_END_TRY();
	lr_readonly_depth--;
	lr_readonly_what = outer_what;
	AtEOXact_GUC(true, nestlevel);
	return rc;
}

typedef struct ExecText
{
	const char *sql;
	SPIExecuteOptions *opts;
} ExecText;

static int
ExecuteText(void *arg)
{
	ExecText   *e = arg;

	return SPI_execute_extended(e->sql, e->opts);
}

typedef struct ExecPlan
{
	SPIPlanPtr	plan;
	Datum	   *values;
	const char *nulls;
	long		tcount;
} ExecPlan;

static int
ExecutePlan(void *arg)
{
	ExecPlan   *e = arg;

	return SPI_execute_plan(e->plan, e->values, e->nulls, true, e->tcount);
}

int
lr_spi_execute_plan_read_only(SPIPlanPtr plan, Datum *values, const char *nulls, long tcount,
							  const char *what)
{
	ExecPlan	e;

	e.plan = plan;
	e.values = values;
	e.nulls = nulls;
	e.tcount = tcount;
	return RunReadOnly(what, ExecutePlan, &e);
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
	ExecText	er;

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
	CheckSelect(sql, what);

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

	er.sql = sql;
	er.opts = &opts;
	rc = RunReadOnly(what, ExecuteText, &er);
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
		case LR_COL_DATE:
			ok = (t == DATEOID || t == TIMESTAMPOID);
			expected = "a date";
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
						format_type_be(att->atttypid), expected),
				 kind == LR_COL_DATE ?
				 errhint("Dates are date columns or timestamps without time zone; cast a timestamptz with ::date.") : 0));
}

void
lr_query_check_columns(TupleDesc desc, const char *what, int min, int max,
					   const LrColKind *kinds, Oid *types)
{
	lr_query_require_columns(desc, what, min, max);
	for (int i = 0; i < desc->natts; i++)
	{
		lr_query_check_column(desc, i, kinds[i], what);
		types[i] = lr_query_column_base_type(desc, i);
	}
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
	int			conv = lr_conv_numeric(type);

	if (conv < 0)
		elog(ERROR, "lr_datum_double: unexpected type %u", type);
	return lr_conv_number((LrConv) conv, d);
}

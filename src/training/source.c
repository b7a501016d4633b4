/*
 * source.c
 *	  Sources of the training drivers (a table name or a query), their
 *	  columns, and passes run as read-only queries.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"
#include "fmgr.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/varlena.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "training/training_pg.h"

/* Does s start (after blanks and parentheses) with a keyword that begins a query? */
static bool
LooksLikeQuery(const char *s)
{
	static const char *const words[] = {"select", "with", "values", "table", NULL};

	while (*s && (isspace((unsigned char) *s) || *s == '('))
		s++;
	for (int i = 0; words[i] != NULL; i++)
	{
		size_t		n = strlen(words[i]);

		if (pg_strncasecmp(s, words[i], n) == 0 &&
			!(isalnum((unsigned char) s[n]) || s[n] == '_' || s[n] == '$'))
			return true;
	}
	return false;
}

/*
 * Whether a table is distributed by Citus (hash, range or append: its rows
 * live in shards on the workers), read from Citus's catalog
 * pg_catalog.pg_dist_partition when the extension is installed.  Reference
 * and Citus-local tables (partmethod 'n') have their rows here.
 */
static bool
CitusDistributed(Oid relid)
{
	Oid			catid;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;
	AttrNumber	att_rel,
				att_method;
	bool		found = false;

	if (!OidIsValid(get_extension_oid("citus", true)))
		return false;
	catid = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
	if (!OidIsValid(catid))
		return false;
	att_rel = get_attnum(catid, "logicalrelid");
	att_method = get_attnum(catid, "partmethod");
	if (att_rel == InvalidAttrNumber || att_method == InvalidAttrNumber)
		return false;
	rel = table_open(catid, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (!found && (tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, att_rel, RelationGetDescr(rel), &isnull);

		if (!isnull && DatumGetObjectId(d) == relid)
		{
			Datum		m = heap_getattr(tup, att_method, RelationGetDescr(rel), &isnull);

			found = !isnull && DatumGetChar(m) != 'n';
			break;
		}
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * Whether a table's rows live on other servers: a foreign table, a Citus
 * distributed table, or a table with partitions or inheritance children
 * that are (a table sharded over postgres_fdw).
 */
static bool
RemoteRelation(Oid relid)
{
	List	   *rels;
	ListCell   *lc;

	if (get_rel_relkind(relid) == RELKIND_FOREIGN_TABLE || CitusDistributed(relid))
		return true;
	rels = find_all_inheritors(relid, NoLock, NULL);
	foreach(lc, rels)
		if (get_rel_relkind(lfirst_oid(lc)) == RELKIND_FOREIGN_TABLE)
			return true;
	return false;
}

/* A name that does not resolve (yet) counts as local: the passes will raise the error. */
static bool
RemoteNamedTable(List *names)
{
	/* names: plain C strings from SplitIdentifierString (not String nodes) */
	int			n = list_length(names);
	RangeVar   *rv = makeRangeVar(n >= 2 ? (char *) list_nth(names, n - 2) : NULL,
								  (char *) list_nth(names, n - 1), -1);
	Oid			relid;

	if (n == 3)
		rv->catalogname = (char *) list_nth(names, 0);
	relid = RangeVarGetRelid(rv, NoLock, true);
	return OidIsValid(relid) && RemoteRelation(relid);
}

static bool
RemoteWalker(Node *node, void *arg)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		return rte->rtekind == RTE_RELATION && RemoteRelation(rte->relid);
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, RemoteWalker, arg, QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, RemoteWalker, arg);
}

/*
 * Whether a query reads a table whose rows live on other servers (through
 * views and subqueries too); the query is analysed and rewritten here only
 * to find its tables.
 */
static bool
RemoteQuery(RawStmt *raw, const char *text)
{
	List	   *queries = pg_analyze_and_rewrite_fixedparams(raw, text, NULL, 0, NULL);
	ListCell   *lc;

	foreach(lc, queries)
		if (RemoteWalker((Node *) lfirst(lc), NULL))
			return true;
	return false;
}

void
lr_source_resolve(const char *given, LrSource *src)
{
	src->given = given;
	src->remote = false;
	if (given == NULL || given[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source is empty"),
				 errhint("Give a table name or a SELECT query.")));
	if (LooksLikeQuery(given))
	{
		char	   *q = pstrdup(given);
		size_t		len = strlen(q);
		List	   *stmts;

		/* A trailing semicolon is harmless alone but not inside parentheses. */
		while (len > 0 && (isspace((unsigned char) q[len - 1]) || q[len - 1] == ';'))
			q[--len] = '\0';
		stmts = pg_parse_query(q);
		if (list_length(stmts) != 1 || !IsA(((RawStmt *) linitial(stmts))->stmt, SelectStmt))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("source must be a table name or a single SELECT statement"),
					 errdetail("The query is run read-only with the caller's rights; it cannot modify data.")));
		src->from = psprintf("(%s\n) AS lr_source", q);
		src->remote = RemoteQuery(linitial_node(RawStmt, stmts), q);
	}
	else
	{
		char	   *raw = pstrdup(given);
		List	   *names;
		ListCell   *lc;
		StringInfoData buf;

		if (!SplitIdentifierString(raw, '.', &names) || list_length(names) < 1 ||
			list_length(names) > 3)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("source \"%s\" is neither a table name nor a query", given),
					 errhint("Give a table name (schema-qualified if needed) or a SELECT query.")));
		initStringInfo(&buf);
		foreach(lc, names)
		{
			if (buf.len > 0)
				appendStringInfoChar(&buf, '.');
			appendStringInfoString(&buf, quote_identifier((char *) lfirst(lc)));
		}
		src->from = psprintf("%s AS lr_source", buf.data);
		src->remote = RemoteNamedTable(names);
	}
}

const char *
lr_quote_column(const char *name)
{
	return quote_identifier(name);
}

typedef struct DescribeArg
{
	TupleDesc	desc;
	MemoryContext cxt;
} DescribeArg;

static void
DescribeStart(TupleDesc desc, void *arg)
{
	DescribeArg *d = arg;
	MemoryContext old = MemoryContextSwitchTo(d->cxt);

	d->desc = CreateTupleDescCopy(desc);
	MemoryContextSwitchTo(old);
}

static void
DescribeRow(TupleTableSlot *slot, void *arg)
{
}

TupleDesc
lr_source_describe(const LrSource *src, const char *select_list)
{
	DescribeArg d;

	d.desc = NULL;
	d.cxt = CurrentMemoryContext;
	lr_query_run(psprintf("SELECT %s FROM %s LIMIT 0", select_list, src->from), "source",
				 DescribeStart, DescribeRow, &d);
	if (d.desc == NULL)
		elog(ERROR, "source query returned no row description");
	return d.desc;
}

typedef struct StateArg
{
	const LrStateOps *ops;
	const LrAlloc *a;
	void	   *st;
	const char *what;
	bool		seen;
} StateArg;

static void
StateStart(TupleDesc desc, void *arg)
{
	lr_query_require_columns(desc, ((StateArg *) arg)->what, 1, 1);
}

static void
StateRow(TupleTableSlot *slot, void *arg)
{
	StateArg   *s = arg;
	bool		isnull;
	Datum		d = slot_getattr(slot, 1, &isnull);
	struct varlena *v;
	LrError		err = {0};

	if (s->seen)
		elog(ERROR, "%s returned more than one row", s->what);
	s->seen = true;
	if (isnull)
		return;
	/* Flattens an expanded state; decodes into the caller's allocator. */
	v = (struct varlena *) PG_DETOAST_DATUM(d);
	s->st = lr_state_decode_bytes(s->ops, (const uint8_t *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
								  s->a, &err);
	if (s->st == NULL)
		lr_pg_raise(&err, NULL);
}

void *
lr_run_state_pass(const char *sql, const char *what, const LrStateOps *ops, const LrAlloc *a)
{
	return lr_run_state_pass_params(sql, what, 0, NULL, NULL, ops, a);
}

void *
lr_run_state_pass_params(const char *sql, const char *what, int nparams, const Oid *types,
						 const Datum *values, const LrStateOps *ops, const LrAlloc *a)
{
	StateArg	s;

	s.ops = ops;
	s.a = a;
	s.st = NULL;
	s.what = what;
	s.seen = false;
	lr_query_run_params(sql, what, nparams, types, values, NULL, StateStart, StateRow, &s);
	return s.st;
}

void
lr_pass_notice(const char *fn, int pass, const char *what, int64 rows, TimestampTz start)
{
	long		secs;
	int			usecs;

	TimestampDifference(start, GetCurrentTimestamp(), &secs, &usecs);
	ereport(NOTICE,
			(errmsg("%s: pass %d (%s): %lld rows in %.3f s", fn, pass, what, (long long) rows,
					(double) secs + usecs / 1e6)));
}

bool
lr_arg_is_const(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);

	if (aggref != NULL)
	{
		TargetEntry *te;

		if (argno < 1 || argno > list_length(aggref->args))
			return false;
		te = list_nth_node(TargetEntry, aggref->args, argno - 1);
		return IsA(te->expr, Const);
	}
	return get_fn_expr_arg_stable(fcinfo->flinfo, argno);
}

Datum
lr_float8_array_datum(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i] == 0 ? 0 : v[i]);
	return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

char **
lr_feature_names(ArrayType *features, const char *target, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **names;

	if (ARR_NDIM(features) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a one-dimensional array of column names")));
	deconstruct_array(features, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	names = palloc(sizeof(char *) * Max(*n, 1));
	for (int j = 0; j < *n; j++)
	{
		if (nulls[j])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature name %d is NULL", j + 1)));
		names[j] = TextDatumGetCString(elems[j]);
		if (names[j][0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature name %d is empty", j + 1)));
		if (strcmp(names[j], target) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target \"%s\" is also listed as a feature", target)));
		for (int k = 0; k < j; k++)
			if (strcmp(names[k], names[j]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature \"%s\" is listed twice", names[j])));
	}
	return names;
}

char *
lr_target_sql(TupleDesc desc, const char *target)
{
	Oid			ttype = getBaseType(TupleDescAttr(desc, 0)->atttypid);

	if (ttype == BOOLOID || ttype == INT4OID)
		return pstrdup(quote_identifier(target));
	if (ttype == INT2OID || ttype == INT8OID)
		return psprintf("(%s)::pg_catalog.int4", quote_identifier(target));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("target \"%s\" has type %s, not boolean or an integer 0/1", target,
					format_type_be(TupleDescAttr(desc, 0)->atttypid))));
	return NULL;				/* keep compiler quiet */
}

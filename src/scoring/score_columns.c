/*
 * score_columns.c
 *	  The fast path of score() and pd(): a planner support function rewrites
 *	  score(card, t) where t is a whole-row reference to a plain table into
 *	  score_columns(card, column_names, t.ctid, VARIADIC t.c1, t.c2, ...), so
 *	  the executor hands over the columns it has already deformed instead of
 *	  building a composite value for every row.
 *
 * Semantics are those of score(card, t): features are found by column name
 * (once per query), a NULL card gives NULL, and a null-extended row of an
 * outer join (where t itself is NULL and the STRICT record form returns NULL)
 * gives NULL: the third argument says whether the row exists, computed as
 * "t.ctid IS NOT NULL" for local tables and as "some column of t is not
 * NULL" for foreign tables (whose remote side may be a view, without ctid).
 *
 * Foreign tables matter for another reason: postgres_fdw sends a whole-row
 * reference to the remote server as an anonymous ROW(...), whose fields are
 * named f1, f2, ... there, so score(card, t) could not find its columns on a
 * shard; score_columns(card, names, present, t.c1, ...) ships as it is.
 *
 * Anything else (subqueries, views, records, more than 97 columns) keeps the
 * record form.  A feature named "profile.x" reads field x of the composite
 * column "profile", as the record form does (src/common/lr_row.h).
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "common/lr_pg.h"
#include "scoring/score.h"

PG_FUNCTION_INFO_V1(score_support);
PG_FUNCTION_INFO_V1(score_columns);
PG_FUNCTION_INFO_V1(pd_columns);
PG_FUNCTION_INFO_V1(reasons_columns);

/* Arguments before the variadic columns: card, names, row present (and n for reasons). */
#define FIXED_ARGS 3
#define REASONS_FIXED_ARGS 4

static Node *
NotNullTest(Node *arg)
{
	NullTest   *nt = makeNode(NullTest);

	nt->arg = (Expr *) arg;
	nt->nulltesttype = IS_NOT_NULL;
	nt->argisrow = false;
	nt->location = -1;
	return (Node *) nt;
}

static void
MapColumns(FunctionCallInfo fcinfo, LrCardCache *cc, int fixed)
{
	const LrCard *card = cc->card;
	int			n = (int) card->nfeatures;
	ArrayType  *names = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *enulls;
	int			nelems;
	MemoryContext old;
	int			i,
				j;

	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("columns must be passed as separate arguments, not as a VARIADIC array")));
	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &nelems);
	if (nelems != PG_NARGS() - fixed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of column names (%d) does not match number of columns (%d)",
						nelems, PG_NARGS() - fixed),
				 errhint("Give one name per column, in the order of the columns.")));

	old = MemoryContextSwitchTo(cc->cxt);
	cc->col_arg = palloc(Max(n, 1) * sizeof(int));
	cc->col_conv = palloc(Max(n, 1) * sizeof(LrConv));
	cc->col_outfn = palloc0(Max(n, 1) * sizeof(FmgrInfo));
	cc->col_idx = palloc(Max(n, 1) * sizeof(int));
	cc->col_sub = palloc(Max(n, 1) * sizeof(int));
	cc->col_desc = palloc0(Max(n, 1) * sizeof(TupleDesc));
	cc->col_values = palloc(Max(n, 1) * sizeof(Datum));
	cc->col_nulls = palloc(Max(n, 1) * sizeof(bool));
	for (i = 0; i < n; i++)
	{
		const LrFeature *f = &card->features[i];
		LrFieldKind kind = f->kind == LR_FEATURE_NUMERIC ? LR_FIELD_NUMERIC : LR_FIELD_CATEGORICAL;
		int			found = -1;
		Oid			type;
		int			conv;

		const char *dot = strchr(f->name, '.');

		cc->col_sub[i] = -1;
		for (j = 0; j < nelems; j++)
			if (!enulls[j] && strcmp(TextDatumGetCString(elems[j]), f->name) == 0)
			{
				found = j;
				break;
			}
		/* "column.field": a field of a composite column */
		if (found < 0 && dot != NULL && dot != f->name)
			for (j = 0; j < nelems; j++)
			{
				char	   *col = TextDatumGetCString(elems[j]);

				if (!enulls[j] && strlen(col) == (size_t) (dot - f->name) &&
					memcmp(col, f->name, dot - f->name) == 0)
				{
					found = j;
					break;
				}
			}
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" not found in the applicant row", f->name),
					 errdetail("scorecard \"%s\" reads a column \"%s\", and the row has no column of that name.",
							   lr_card_name(card), f->name),
					 errhint("Names match column names exactly, including case.")));
		type = get_fn_expr_argtype(fcinfo->flinfo, fixed + found);
		if (strcmp(TextDatumGetCString(elems[found]), f->name) != 0)
		{
			Oid			ctype = getBaseType(type);
			TupleDesc	td;
			int			a;

			if (!type_is_rowtype(ctype) || ctype == RECORDOID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%.*s\" has type %s, which has no field \"%s\"",
								(int) (dot - f->name), f->name, format_type_be(type), dot + 1),
						 errdetail("scorecard \"%s\" reads \"%s\", field \"%s\" of a composite column \"%.*s\".",
								   lr_card_name(card), f->name, dot + 1, (int) (dot - f->name), f->name),
						 errhint("Nested fields are read from columns of a named composite type, such as loan_risk.merchant_profile.")));
			td = lookup_rowtype_tupdesc_copy(ctype, -1);
			for (a = 0; a < td->natts; a++)
				if (!TupleDescAttr(td, a)->attisdropped &&
					strcmp(NameStr(TupleDescAttr(td, a)->attname), dot + 1) == 0)
					break;
			if (a == td->natts)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("column \"%s\" not found in the applicant row", f->name),
						 errdetail("scorecard \"%s\" reads \"%s\", and the composite column \"%.*s\" (type %s) has no field \"%s\".",
								   lr_card_name(card), f->name, (int) (dot - f->name), f->name,
								   format_type_be(type), dot + 1)));
			cc->col_sub[i] = a;
			cc->col_desc[i] = td;
			cc->cols_nested = true;
			type = TupleDescAttr(td, a)->atttypid;
		}
		conv = lr_conv_for(type, kind);
		if (conv < 0)
			lr_conv_error(f->name, type, kind, psprintf("scorecard \"%s\"", lr_card_name(card)));
		if (conv == LR_CONV_ENUM)
			lr_conv_outfn(type, &cc->col_outfn[i], cc->cxt);
		cc->col_arg[i] = fixed + found;
		cc->col_conv[i] = (LrConv) conv;
		cc->col_idx[i] = i;
	}
	cc->cols_mapped = true;
	MemoryContextSwitchTo(old);
}

static bool
ScoreColumns(FunctionCallInfo fcinfo, int fixed, bool want_bins, double *score, LrCardCache **ccp)
{
	LrCardCache *cc;
	int			n;
	int			i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2) || !PG_GETARG_BOOL(2))
		return false;
	lr_pg_arg_required(fcinfo, 1, "column names",
						   "Give one name per column, in the order of the columns.");
	cc = lr_card_cache_get(fcinfo, 0);
	if (!cc->cols_mapped)
		MapColumns(fcinfo, cc, fixed);
	if (!cc->cols_nested)
	{
		/* The columns as the executor passed them, read in place. */
		*score = lr_card_score_args(cc, fcinfo->args, cc->col_arg, cc->col_conv, cc->col_outfn, want_bins);
		*ccp = cc;
		return true;
	}
	n = (int) cc->card->nfeatures;
	for (i = 0; i < n; i++)
	{
		cc->col_values[i] = fcinfo->args[cc->col_arg[i]].value;
		cc->col_nulls[i] = fcinfo->args[cc->col_arg[i]].isnull;
		if (cc->col_sub[i] >= 0 && !cc->col_nulls[i])
		{
			HeapTupleHeader h = DatumGetHeapTupleHeader(cc->col_values[i]);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(h);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = InvalidOid;
			tuple.t_data = h;
			cc->col_values[i] = heap_getattr(&tuple, cc->col_sub[i] + 1, cc->col_desc[i],
											 &cc->col_nulls[i]);
		}
	}
	*score = lr_card_score_values(cc, cc->col_values, cc->col_nulls, cc->col_idx,
								  cc->col_conv, cc->col_outfn, want_bins);
	*ccp = cc;
	return true;
}

/* score_columns: score() over columns passed one by one (see score_support) */
Datum
score_columns(PG_FUNCTION_ARGS)
{
	double		s;
	LrCardCache *cc;

	if (!ScoreColumns(fcinfo, FIXED_ARGS, false, &s, &cc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s);
}

/* pd_columns: pd() over columns passed one by one (see score_support) */
Datum
pd_columns(PG_FUNCTION_ARGS)
{
	double		s;
	LrCardCache *cc;

	if (!ScoreColumns(fcinfo, FIXED_ARGS, false, &s, &cc))
		PG_RETURN_NULL();
	if (!cc->card->has_scaling)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard \"%s\" has no scaling, so its scores have no probability of default",
						lr_card_name(cc->card)),
				 errhint("Add \"scaling\": {\"pdo\": ..., \"base_score\": ..., \"base_odds\": ...} to the card.")));
	PG_RETURN_FLOAT8(lr_card_pd(cc->card, s));
}

/* reasons_columns: reasons() over columns passed one by one (see score_support) */
Datum
reasons_columns(PG_FUNCTION_ARGS)
{
	double		s;
	LrCardCache *cc;

	/* reasons() is strict: NULL for a NULL card, row or n; a negative n is an error before scoring. */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(2) || !PG_GETARG_BOOL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	lr_card_reasons_check_n(PG_GETARG_INT32(3));
	if (!ScoreColumns(fcinfo, REASONS_FIXED_ARGS, false, &s, &cc))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(lr_card_reasons(cc, PG_GETARG_INT32(3)));
}

/*
 * score_support: planner support for score() and pd(); rewrites a call on a
 * plain table's whole-row reference into score_columns()/pd_columns()
 */
Datum
score_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestSimplify *req;
	FuncExpr   *fexpr;
	Var		   *row;
	RangeTblEntry *rte;
	Relation	rel;
	TupleDesc	desc;
	List	   *args;
	List	   *names = NIL;
	Datum	   *name_datums;
	int			nnames = 0;
	int			i;
	char	   *fname;
	Oid			argtypes[5];
	Oid			target;
	FuncExpr   *result;
	Node	   *present;
	bool		is_reasons;

	if (!IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestSimplify *) rawreq;
	fexpr = req->fcall;
	if (req->root == NULL || list_length(fexpr->args) < 2 || list_length(fexpr->args) > 3)
		PG_RETURN_POINTER(NULL);
	if (!IsA(lsecond(fexpr->args), Var))
		PG_RETURN_POINTER(NULL);
	row = (Var *) lsecond(fexpr->args);
	if (row->varattno != 0 || row->varlevelsup != 0 ||
		row->varno < 1 || row->varno > list_length(req->root->parse->rtable))
		PG_RETURN_POINTER(NULL);
	rte = rt_fetch(row->varno, req->root->parse->rtable);
	if (rte->rtekind != RTE_RELATION ||
		(rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_MATVIEW &&
		 rte->relkind != RELKIND_PARTITIONED_TABLE && rte->relkind != RELKIND_FOREIGN_TABLE))
		PG_RETURN_POINTER(NULL);

	fname = get_func_name(fexpr->funcid);
	if (fname == NULL ||
		!(list_length(fexpr->args) == 2 ? strcmp(fname, "score") == 0 || strcmp(fname, "pd") == 0 :
		  strcmp(fname, "reasons") == 0))
		PG_RETURN_POINTER(NULL);
	is_reasons = strcmp(fname, "reasons") == 0;

	/* The relation is locked already (the query references it). */
	rel = relation_open(rte->relid, NoLock);
	desc = RelationGetDescr(rel);
	args = list_make1(linitial(fexpr->args));
	name_datums = palloc(Max(desc->natts, 1) * sizeof(Datum));
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Var		   *col;

		if (att->attisdropped)
			continue;
		col = makeVar(row->varno, att->attnum, att->atttypid, att->atttypmod,
					  att->attcollation, 0);
#if PG_VERSION_NUM >= 160000
		col->varnullingrels = bms_copy(row->varnullingrels);
#endif
		col->location = row->location;
		names = lappend(names, col);
		name_datums[nnames++] = CStringGetTextDatum(NameStr(att->attname));
	}
	relation_close(rel, NoLock);
	if (nnames + (is_reasons ? REASONS_FIXED_ARGS : FIXED_ARGS) > FUNC_MAX_ARGS)
		PG_RETURN_POINTER(NULL);

	argtypes[0] = exprType(linitial(fexpr->args));
	argtypes[1] = TEXTARRAYOID;
	argtypes[2] = BOOLOID;
	argtypes[3] = is_reasons ? INT4OID : ANYOID;
	argtypes[4] = ANYOID;
	target = LookupFuncName(list_make2(makeString("loan_risk"),
									   makeString(is_reasons ? "reasons_columns" :
												  strcmp(fname, "pd") == 0 ? "pd_columns" : "score_columns")),
							is_reasons ? 5 : 4, argtypes, true);
	if (!OidIsValid(target))
		PG_RETURN_POINTER(NULL);

	if (rte->relkind == RELKIND_FOREIGN_TABLE)
	{
		List	   *tests = NIL;
		ListCell   *lc;

		foreach(lc, names)
			tests = lappend(tests, NotNullTest(copyObject(lfirst(lc))));
		present = tests == NIL ? (Node *) makeBoolConst(true, false) :
			list_length(tests) == 1 ? (Node *) linitial(tests) : (Node *) makeBoolExpr(OR_EXPR, tests, -1);
	}
	else
	{
		Var		   *ctid = makeVar(row->varno, SelfItemPointerAttributeNumber, TIDOID, -1, InvalidOid, 0);

#if PG_VERSION_NUM >= 160000
		ctid->varnullingrels = bms_copy(row->varnullingrels);
#endif
		present = NotNullTest((Node *) ctid);
	}
	args = lappend(args, makeConst(TEXTARRAYOID, -1, InvalidOid, -1,
								   PointerGetDatum(construct_array(name_datums, nnames, TEXTOID, -1,
																   false, TYPALIGN_INT)),
								   false, false));
	args = lappend(args, present);
	if (is_reasons)
		args = lappend(args, lthird(fexpr->args));
	args = list_concat(args, names);

	result = makeFuncExpr(target, fexpr->funcresulttype, args, InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	result->location = fexpr->location;
	PG_RETURN_POINTER(result);
}

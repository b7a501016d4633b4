/*
 * lr_state_ops.c
 *	  Header check and framing of aggregate state bytes.  Pure C.
 */
#include <string.h>

#include "common/lr_state_ops.h"

void *
lr_state_decode_bytes(const LrStateOps *ops, const uint8_t *data, size_t len,
					  const LrAlloc *a, LrError *err)
{
	LrReader	r;
	uint32_t	magic;
	uint16_t	version;
	uint16_t	flags;
	void	   *st;

	lr_reader_init(&r, data, len, err, ops->name);
	if (!lr_read_u32(&r, &magic) || !lr_read_u16(&r, &version) || !lr_read_u16(&r, &flags))
		return NULL;
	if (magic != ops->magic)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: the value is not a state of this type", ops->name);
		return NULL;
	}
	if (version != ops->version)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: unsupported state version %u", ops->name,
					 (unsigned) version);
		lr_error_detail(err, "This version of loan_risk reads version %u.", (unsigned) ops->version);
		return NULL;
	}
	if (flags != 0)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: unknown flags %04x", ops->name, (unsigned) flags);
		return NULL;
	}
	st = ops->decode(a, &r, err);
	if (st == NULL)
	{
		if (err->kind == LR_OK)
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s", ops->name);
		return NULL;
	}
	if (!lr_reader_end(&r))
		return NULL;
	return st;
}

bool
lr_state_encode_bytes(const LrStateOps *ops, const void *st, LrBuf *out)
{
	lr_buf_put_u32(out, ops->magic);
	lr_buf_put_u16(out, ops->version);
	lr_buf_put_u16(out, 0);
	ops->encode(st, out);
	return !out->failed;
}

/*
 * lr_state_ops.h
 *	  Aggregate states in pure C: what each state type provides, and the one
 *	  decoder of its flat bytes (used by text input, binary receive, combine
 *	  and the fuzz targets alike).
 *
 * Flat form of every loan_risk aggregate state (what a state value holds on
 * disk, in a tuple between parallel workers, and base64-encoded in text):
 *
 *   int32  varlena header (PostgreSQL's; absent in the text/binary payload)
 *   uint32 magic     identifies the state type
 *   uint16 version   payload format of that type
 *   uint16 flags     reserved, 0
 *   ...    payload   little-endian, written by ops->encode
 *
 * The in-memory form is whatever C structure the type likes, allocated with
 * the LrAlloc it is given; decode must validate every byte (a user can type a
 * state by hand) and never trust a count beyond the bytes present.
 */
#ifndef LR_STATE_OPS_H
#define LR_STATE_OPS_H

#include "common/lr_base.h"

#define LR_STATE_HEADER_BYTES 8	/* magic, version, flags (after the varlena header) */

typedef struct LrStateOps
{
	const char *name;			/* SQL type name, for messages: "loan_risk.auc_state" */
	uint32_t	magic;
	uint16_t	version;
	/* An empty state. */
	void	   *(*create) (const LrAlloc *a, LrError *err);
	/* A state from its payload (validated); NULL and err set on bad input. */
	void	   *(*decode) (const LrAlloc *a, LrReader *r, LrError *err);
	/* Appends the payload of st to out. */
	bool		(*encode) (const void *st, LrBuf *out);
	/* Adds src into dst (dst was built with a). */
	bool		(*merge) (void *dst, const void *src, const LrAlloc *a, LrError *err);
} LrStateOps;

/* Decodes header + payload bytes (no varlena header); NULL and err on bad input. */
extern void *lr_state_decode_bytes(const LrStateOps *ops, const uint8_t *data, size_t len,
								   const LrAlloc *a, LrError *err);

/* Encodes header + payload (no varlena header) into out. */
extern bool lr_state_encode_bytes(const LrStateOps *ops, const void *st, LrBuf *out);

#endif							/* LR_STATE_OPS_H */

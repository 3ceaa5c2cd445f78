/*
 * totp.h: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, T0 = 0) and the
 * RFC 4648 base32 alphabet its secrets are shown in.
 */
#ifndef PANEL_TOTP_H
#define PANEL_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20 /* 160 bits */
#define TOTP_SECRET_B32 32   /* its base32 form, without padding */
#define TOTP_STEP 30
#define TOTP_DIGITS 6

/* RFC 4648 base32, uppercase; pad adds '=' to a multiple of 8. out holds
 * base32_len(n) + 1 bytes. */
size_t base32_len(size_t n, bool pad);
void base32_encode(const unsigned char *in, size_t n, bool pad, char *out);
/* Decodes (either case, padding optional); returns the byte count or -1. */
long base32_decode(const char *in, unsigned char *out, size_t outsz);

/* The code of one time step, digits long (6..8), as a number. */
uint32_t totp_code(const unsigned char *secret, size_t len, uint64_t step,
		   int digits);
/*
 * Checks a 6-digit code against steps t-1, t, t+1 of now (constant time
 * across the three). On success *step_out is the matched step.
 */
bool totp_verify(const unsigned char *secret, size_t len, const char *code,
		 time_t now, uint64_t *step_out);

#endif

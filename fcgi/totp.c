/* totp.c: see totp.h. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t
base32_len(size_t n, bool pad)
{
	size_t chars = (n * 8 + 4) / 5;

	return pad ? (chars + 7) / 8 * 8 : chars;
}

void
base32_encode(const unsigned char *in, size_t n, bool pad, char *out)
{
	size_t i, o = 0, bits = 0;
	unsigned acc = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	while (pad && o % 8 != 0)
		out[o++] = '=';
	out[o] = '\0';
}

long
base32_decode(const char *in, unsigned char *out, size_t outsz)
{
	size_t o = 0, bits = 0;
	unsigned acc = 0;

	for (; *in != '\0' && *in != '='; in++) {
		char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;
		const char *p = c ? strchr(b32, c) : NULL;

		if (p == NULL)
			return -1;
		acc = (acc << 5) | (unsigned)(p - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	for (; *in == '='; in++)
		;
	if (*in != '\0')
		return -1;
	return (long)o;
}

uint32_t
totp_code(const unsigned char *secret, size_t len, uint64_t step, int digits)
{
	unsigned char msg[8], mac[20];
	uint32_t bin, mod = 1;
	int i, off;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	if (!crypto_hmac_sha1(secret, len, msg, sizeof(msg), mac))
		return UINT32_MAX; /* never equals a real code */
	off = mac[19] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	      (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	crypto_wipe(mac, sizeof(mac));
	return bin % mod;
}

bool
totp_verify(const unsigned char *secret, size_t len, const char *code,
	    time_t now, uint64_t *step_out)
{
	uint64_t t = (uint64_t)now / TOTP_STEP, step = 0;
	char want[TOTP_DIGITS + 1];
	bool found = false;
	int d;

	if (strlen(code) != TOTP_DIGITS ||
	    strspn(code, "0123456789") != TOTP_DIGITS)
		return false;
	for (d = -1; d <= 1; d++) {
		snprintf(want, sizeof(want), "%06u",
			 totp_code(secret, len, t + (uint64_t)d, TOTP_DIGITS));
		if (crypto_ct_eq(want, TOTP_DIGITS, code, TOTP_DIGITS) &&
		    !found) {
			found = true;
			step = t + (uint64_t)d;
		}
	}
	crypto_wipe(want, sizeof(want));
	if (found)
		*step_out = step;
	return found;
}

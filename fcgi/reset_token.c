/* reset_token.c: see reset_token.h. */
#include "autoconf.h"

#include <string.h>

#include "crypto.h"
#include "db.h"
#include "reset_token.h"

enum perr
reset_token_issue(struct db *db, const char *user_uuid,
		  char token_out[RESET_TOKEN_LEN + 1])
{
	char token[RESET_TOKEN_LEN + 1], id[CRYPTO_UUID_BUFSZ];
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct db_arg args[4];
	enum perr e;

	crypto_random_base62(token, RESET_TOKEN_LEN);
	token[RESET_TOKEN_LEN] = '\0';
	crypto_sha256(token, RESET_TOKEN_LEN, hash);
	crypto_uuid_v4(id);
	args[0] = DB_STR(id);
	args[1] = DB_STR(user_uuid);
	args[2] = DB_STRN(token, RESET_START_LEN);
	args[3] = DB_BIN(hash, sizeof(hash));
	e = db_exec(db, STMT_RESET_INSERT, args, 4, NULL);
	crypto_wipe(hash, sizeof(hash));
	if (e == PERR_OK)
		memcpy(token_out, token, sizeof(token));
	crypto_wipe(token, sizeof(token));
	return e;
}

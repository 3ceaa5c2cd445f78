/* user.c: see user.h. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "db.h"
#include "json.h"
#include "user.h"

const char *
user_check_username(const char *u)
{
	size_t n = strlen(u), i;

	if (n < 3)
		return "length is lower than 3";
	if (n > 15)
		return "length is greater than 15";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)u[i]) && u[i] != '_')
			return "does not match pattern /^[a-zA-Z0-9_]+$/";
	return NULL;
}

static bool
valid_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* "[addr]": an IPv4 or IPv6 address literal as the domain. */
static bool
ip_literal(const char *d)
{
	unsigned char bin[16];
	char ip[64];
	size_t n = strlen(d);

	if (n < 3 || d[0] != '[' || d[n - 1] != ']' || n - 2 >= sizeof(ip))
		return false;
	memcpy(ip, d + 1, n - 2);
	ip[n - 2] = '\0';
	return inet_pton(AF_INET, ip, bin) == 1 ||
	       inet_pton(AF_INET6, ip, bin) == 1;
}

/*
 * The contract's e-mail rule (1.5), messages included: garde splits at the
 * first '@', then checks the user part and the domain (dot-separated
 * labels, or an IP literal in brackets).
 */
const char *
user_check_email(const char *e)
{
	static const char local_ok[] = "!#$%&'*+/=?^_`{|}~-.";
	const char *at, *d;
	size_t i, llen;

	if (*e == '\0')
		return "not a valid email: value is empty";
	if (strlen(e) > 255)
		return "length is greater than 255";
	at = strchr(e, '@');
	if (at == NULL)
		return "not a valid email: value is missing `@`";
	llen = (size_t)(at - e);
	if (llen > 64)
		return "not a valid email: user length exceeded maximum of 64 "
		       "characters";
	if (llen == 0)
		return "not a valid email: user contains unexpected characters";
	for (i = 0; i < llen; i++)
		if (!isalnum((unsigned char)e[i]) &&
		    strchr(local_ok, e[i]) == NULL)
			return "not a valid email: user contains unexpected "
			       "characters";
	d = at + 1;
	if (strlen(d) > 255)
		return "not a valid email: domain length exceeded maximum of "
		       "255 characters";
	if (ip_literal(d))
		return NULL;
	while (*d != '\0') {
		size_t n = strcspn(d, ".");

		if (!valid_label(d, n))
			return "not a valid email: domain contains unexpected "
			       "characters";
		d += n;
		if (*d == '.') {
			d++;
			if (*d == '\0')
				return "not a valid email: domain contains "
				       "unexpected characters";
		}
	}
	if (at[1] == '\0')
		return "not a valid email: domain contains unexpected "
		       "characters";
	return NULL;
}

const char *
user_check_password(const char *p)
{
	size_t n = utf8_chars(p, strlen(p));

	if (n < 8)
		return "length is lower than 8";
	if (n > 512)
		return "length is greater than 512";
	return NULL;
}

enum perr
user_create(struct db *db, const char *username, const char *email,
	    const char *name_first, const char *name_last,
	    const char *password_hash, bool admin,
	    char uuid_out[CRYPTO_UUID_BUFSZ])
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[7];
	enum perr e;

	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(username);
	args[2] = DB_STR(email);
	args[3] = DB_STR(name_first);
	args[4] = DB_STR(name_last);
	args[5] = DB_STR_OR_NULL(password_hash);
	args[6] = DB_INT(admin ? 1 : 0);
	e = db_exec(db, STMT_USER_INSERT, args, 7, NULL);
	if (e == PERR_OK)
		memcpy(uuid_out, uuid, sizeof(uuid));
	return e;
}

enum perr
user_set_password(struct db *db, const char *who, const char *password_hash)
{
	struct db_arg args[2] = {DB_STR(who), DB_STR(who)};
	struct db_res res;
	enum perr e;

	e = db_exec(db, STMT_USER_BY_USERNAME, args, 2, &res);
	if (e != PERR_OK)
		return e;
	if (res.nrows != 1) {
		db_res_free(&res);
		return PERR_NOENT;
	}
	/* The new password and the end of every session, together. */
	e = db_tx_begin(db);
	if (e == PERR_OK) {
		args[0] = DB_STR(password_hash);
		args[1] = DB_STR(db_cell(&res, 0, 0));
		e = db_exec(db, STMT_USER_SET_PASSWORD, args, 2, NULL);
	}
	if (e == PERR_OK) {
		args[0] = DB_STR(db_cell(&res, 0, 0));
		e = db_exec(db, STMT_SESSIONS_DELETE_USER, args, 1, NULL);
	}
	if (e == PERR_OK)
		e = db_tx_commit(db);
	else
		db_tx_rollback(db);
	db_res_free(&res);
	return e;
}

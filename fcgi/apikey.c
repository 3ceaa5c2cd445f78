/* apikey.c: see apikey.h. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "apikey.h"
#include "cidr.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "request.h"

static bool
alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

const char *
apikey_from_header(const char *h)
{
	if (h == NULL || strlen(h) != 7 + APIKEY_LEN)
		return NULL;
	/* the contract strips every leading "Bearer "; what is left must
	 * then pass as a key (apikey_well_formed), else invalid api key */
	while (strncmp(h, "Bearer ", 7) == 0)
		h += 7;
	return h;
}

bool
apikey_well_formed(const char *key)
{
	size_t i;

	if (strlen(key) != APIKEY_LEN || key[4] != '_')
		return false;
	for (i = 0; i < APIKEY_LEN; i++)
		if (i != 4 && !alnum(key[i]))
			return false;
	return true;
}

void
apikey_generate(char out[APIKEY_LEN + 1])
{
	memcpy(out, APIKEY_PREFIX, 5);
	crypto_random_base62(out + 5, APIKEY_LEN - 5);
	out[APIKEY_LEN] = '\0';
}

void
apikey_hash(const char *key, unsigned char out[CRYPTO_SHA256_LEN])
{
	crypto_sha256(key, APIKEY_LEN, out);
}

/* True when allowed (a JSON array of CIDR strings) admits the client. */
static bool
ip_allowed(struct req *req, struct json_object *allowed)
{
	size_t i, n = json_object_array_length(allowed);

	if (n == 0)
		return true;
	if (!req->client_addr_ok)
		return false;
	for (i = 0; i < n; i++) {
		struct cidr net;
		const char *s = json_object_get_string(
			json_object_array_get_idx(allowed, i));

		if (s != NULL && cidr_parse(s, &net) &&
		    cidr_contains(&net, &req->client_addr))
			return true;
	}
	return false;
}

bool
apikey_authenticate(struct req *req, const char *key, struct principal *p,
		    int *status, const char **msg)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct db_arg args[1];
	struct db_res res;
	const size_t c = USER_NCOLS;
	const char *stored, *live;
	const size_t found = 0;
	int64_t idle = -1;
	enum perr e;

	*status = 401;
	*msg = "invalid api key";
	if (!apikey_well_formed(key))
		return false; /* no database work for what cannot be a key */
	apikey_hash(key, hash);
	args[0] = DB_BIN(hash, sizeof(hash));
	e = db_exec(req->db, STMT_APIKEY_AUTH, args, 1, &res);
	if (e != PERR_OK) {
		crypto_wipe(hash, sizeof(hash));
		*status = e == PERR_DBDOWN ? 503 : 500;
		*msg = e == PERR_DBDOWN ? "database unavailable"
					: "internal server error";
		return false;
	}
	/* the index found it; the comparison stays constant-time anyway */
	stored = res.nrows == 1 ? db_cell(&res, 0, c + 1) : NULL;
	live = res.nrows == 1 ? db_cell(&res, 0, c + 7) : NULL;
	if (stored == NULL ||
	    !crypto_ct_eq(hash, sizeof(hash), stored, res.lens[c + 1]) ||
	    live == NULL || strcmp(live, "1") != 0) {
		crypto_wipe(hash, sizeof(hash));
		db_res_free(&res);
		return false;
	}
	crypto_wipe(hash, sizeof(hash));
	user_row_read(req, &res, found, 0, &p->user);
	p->method = AUTH_APIKEY;
	snprintf(p->cred_uuid, sizeof(p->cred_uuid), "%s",
		 db_cell(&res, found, c));
	p->key_user = user_json_array(req, db_cell(&res, found, c + 3));
	p->key_admin = user_json_array(req, db_cell(&res, found, c + 4));
	p->key_server = user_json_array(req, db_cell(&res, found, c + 5));
	if (db_cell(&res, found, c + 6) != NULL)
		(void)parse_int64(db_cell(&res, found, c + 6), INT64_MIN,
				  INT64_MAX, &idle);
	if (!ip_allowed(req,
			user_json_array(req, db_cell(&res, found, c + 2)))) {
		db_res_free(&res);
		*status = 403;
		*msg = "ip address not allowed for this api key";
		return false;
	}
	db_res_free(&res);
	if (idle < 0 || idle >= APIKEY_TOUCH_INTERVAL) {
		args[0] = DB_STR(p->cred_uuid);
		e = db_exec(req->db, STMT_APIKEY_TOUCH, args, 1, NULL);
		if (e != PERR_OK)
			log_warn(req, "api key last_used not updated: %s",
				 perr_str(e));
	}
	return true;
}

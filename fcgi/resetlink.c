/* resetlink.c: see resetlink.h. */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "request.h"
#include "resetlink.h"
#include "settings.h"

bool
resetlink_create(struct req *req, const char *uuid,
		 char token[RESETLINK_TOKEN_LEN + 1])
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	char id[CRYPTO_UUID_BUFSZ];
	struct db_arg args[4];

	crypto_random_base62(token, RESETLINK_TOKEN_LEN);
	token[RESETLINK_TOKEN_LEN] = '\0';
	crypto_sha256(token, RESETLINK_TOKEN_LEN, hash);
	crypto_uuid_v4(id);
	args[0] = DB_STR(id);
	args[1] = DB_STR(uuid);
	args[2] = DB_STRN(token, RESETLINK_START_LEN);
	args[3] = DB_BIN(hash, sizeof(hash));
	if (db_exec(req->db, STMT_RESET_INSERT, args, 4, NULL) == PERR_OK)
		return true;
	crypto_wipe(token, RESETLINK_TOKEN_LEN + 1);
	return false;
}

void
resetlink_mail(struct req *req, const char *email, const char *username,
	       const char *token, enum resetlink_kind kind)
{
	const struct settings *s;
	const char *name, *url;
	char *body;

	if (settings_current(req->db, req->cfg->settings_cache_seconds, &s) !=
	    PERR_OK) {
		log_warn(req, "password link mail not sent: no settings");
		return;
	}
	name = settings_str(s, "app::name", "Calagopus");
	url = settings_str(s, "app::url", req->cfg->panel_url);
	if (kind == RESETLINK_FORGOT)
		body = arena_printf(
			&req->arena,
			"Someone asked to reset the password of your %s "
			"account.\n\nOpen this link within 20 minutes to "
			"choose a new one:\n\n%s/auth/reset-password?token="
			"%s\n\nIf it was not you, ignore this message.\n",
			name, url, token);
	else
		body = arena_printf(
			&req->arena,
			"An account with the username %s was created for "
			"you on %s.\n\nOpen this link within 20 minutes to "
			"choose its password:\n\n%s/auth/reset-password?"
			"token=%s\n\nAfter that, \"Forgot password\" on the "
			"login page sends a new link.\n",
			username, name, url, token);
	if (!mail_send(req->cfg, email,
		       kind == RESETLINK_FORGOT ? "Reset your password"
						: "Your account was created",
		       body))
		log_warn(req, "password link mail not sent");
	crypto_wipe(body, strlen(body));
}

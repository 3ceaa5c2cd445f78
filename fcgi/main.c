/*
 * main.c: panel-fcgi's entry point. With no verb and a socket on fd 0 it is
 * a FastCGI worker spawned by lighttpd or mod_fcgid; the verbs are serve,
 * migrate, user, check-config, ratelimit-reset, generate-secrets and version.
 * Only this file exits.
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "pool.h"
#include "ratelimit.h"
#include "router.h"
#include "user.h"

#define GENERATED_PASSWORD_LEN 20

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: panel-fcgi                       (FastCGI, socket on "
		"fd 0)\n"
		"       panel-fcgi serve --listen unix:PATH|HOST:PORT "
		"[--processes N] [--threads M]\n"
		"       panel-fcgi migrate [--status] [--sql-dir DIR] "
		"[--db-user USER] [--db-password-file FILE]\n"
		"       panel-fcgi user create --username U --email E "
		"[--name-first F] [--name-last L] [--admin]\n"
		"       panel-fcgi user reset-password --user USERNAME|EMAIL\n"
		"       panel-fcgi user list\n"
		"       panel-fcgi user disable-2fa --user USERNAME|EMAIL\n"
		"       panel-fcgi check-config\n"
		"       panel-fcgi ratelimit-reset\n"
		"       panel-fcgi generate-secrets PATH\n"
		"       panel-fcgi routes\n"
		"       panel-fcgi version\n"
		"The configuration is $PANEL_FCGI_CONFIG or %s.\n",
		config_default_path());
}

static int
load(struct config *cfg)
{
	char err[1024];

	if (!config_load(config_default_path(), cfg, err, sizeof(err))) {
		fprintf(stderr, "panel-fcgi: %s\n", err);
		return 0;
	}
	log_set_level((enum log_level)log_level_parse(cfg->log_level));
	return 1;
}

/*
 * The new password: a line on stdin when stdin is not a terminal and holds
 * one, else generated (and *generated set). Caller wipes and frees.
 */
static char *
read_or_generate_password(bool *generated)
{
	char buf[1024];
	char *pw;

	*generated = false;
	if (!isatty(STDIN_FILENO) && fgets(buf, sizeof(buf), stdin) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] != '\0') {
			pw = xstrdup(buf);
			crypto_wipe(buf, sizeof(buf));
			return pw;
		}
	}
	pw = xmalloc(GENERATED_PASSWORD_LEN + 1);
	crypto_random_base62(pw, GENERATED_PASSWORD_LEN);
	pw[GENERATED_PASSWORD_LEN] = '\0';
	*generated = true;
	return pw;
}

/*
 * The new password (read or generated, see above), checked against the
 * contract's rule and hashed with the configured Argon2id parameters.
 * Returns the password (caller wipes and frees it, with *hash_out) or NULL
 * after printing why.
 */
static char *
new_password(const struct config *cfg, char **hash_out, bool *generated)
{
	struct argon2_params ap = config_argon2(cfg);
	const char *msg;
	char *pw = read_or_generate_password(generated);

	msg = user_check_password(pw);
	if (msg != NULL) {
		fprintf(stderr, "panel-fcgi: password: %s\n", msg);
		crypto_free_str(pw);
		return NULL;
	}
	*hash_out = crypto_password_hash(pw, &ap);
	if (*hash_out == NULL) {
		fprintf(stderr, "panel-fcgi: hashing the password failed\n");
		crypto_free_str(pw);
		return NULL;
	}
	return pw;
}

static int
cmd_serve(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"processes", required_argument, NULL, 'p'},
		{"threads", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char *listen = NULL;
	int64_t procs = 2, threads = cfg->threads;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l') {
			listen = optarg;
		} else if (c == 'p') {
			if (!parse_int64(optarg, 1, 256, &procs))
				goto bad;
		} else if (c == 't') {
			if (!parse_int64(optarg, 1, 64, &threads))
				goto bad;
		} else {
			goto bad;
		}
	}
	if (listen == NULL || optind != argc)
		goto bad;
	return pool_serve(cfg, listen, (int)procs, (int)threads);
bad:
	usage(stderr);
	return 2;
}

static int
cmd_migrate(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", no_argument, NULL, 's'},
		{"sql-dir", required_argument, NULL, 'd'},
		{"db-user", required_argument, NULL, 'u'},
		{"db-password-file", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = cfg->sql_dir, *user = NULL, *pwfile = NULL;
	char pw[1024] = "";
	bool status = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			status = true;
		else if (c == 'd')
			dir = optarg;
		else if (c == 'u')
			user = optarg;
		else if (c == 'P')
			pwfile = optarg;
		else {
			usage(stderr);
			return 2;
		}
	}
	if (pwfile != NULL && user == NULL) {
		fprintf(stderr,
			"panel-fcgi: --db-password-file needs --db-user\n");
		return 2;
	}
	if (pwfile != NULL) {
		FILE *fp = fopen(pwfile, "r");

		if (fp == NULL || fgets(pw, sizeof(pw), fp) == NULL) {
			fprintf(stderr, "panel-fcgi: cannot read %s\n", pwfile);
			if (fp != NULL)
				fclose(fp);
			return 1;
		}
		fclose(fp);
		pw[strcspn(pw, "\r\n")] = '\0';
	}
	rc = migrate_run(cfg, dir, user, pw, status);
	crypto_wipe(pw, sizeof(pw));
	return rc;
}

static int
user_create_cmd(const struct config *cfg, struct db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"username", required_argument, NULL, 'u'},
		{"email", required_argument, NULL, 'e'},
		{"name-first", required_argument, NULL, 'f'},
		{"name-last", required_argument, NULL, 'l'},
		{"admin", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *username = NULL, *email = NULL, *first = "Panel",
		   *last = "Administrator", *msg;
	char uuid[CRYPTO_UUID_BUFSZ], *pw, *hash;
	bool admin = false, generated;
	enum perr e;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			username = optarg;
			break;
		case 'e':
			email = optarg;
			break;
		case 'f':
			first = optarg;
			break;
		case 'l':
			last = optarg;
			break;
		case 'a':
			admin = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (username == NULL || email == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((msg = user_check_username(username)) != NULL ||
	    (msg = user_check_email(email)) != NULL) {
		fprintf(stderr, "panel-fcgi: %s: %s\n",
			user_check_username(username) ? "username" : "email",
			msg);
		return 1;
	}
	pw = new_password(cfg, &hash, &generated);
	if (pw == NULL)
		return 1;
	e = user_create(db, username, email, first, last, hash, admin, uuid);
	crypto_free_str(hash);
	if (e == PERR_CONFLICT) {
		fprintf(stderr, "panel-fcgi: user with email/username already "
				"exists\n");
	} else if (e != PERR_OK) {
		fprintf(stderr, "panel-fcgi: cannot create the user: %s\n",
			perr_str(e));
	} else {
		printf("created user %s (%s)%s\n", username, uuid,
		       admin ? " with the admin flag" : "");
		if (generated)
			printf("password: %s\n", pw);
	}
	crypto_free_str(pw);
	return e == PERR_OK ? 0 : 1;
}

static int
user_reset_cmd(const struct config *cfg, struct db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"user", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	const char *who = NULL;
	char *pw, *hash;
	bool generated;
	enum perr e;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'u') {
			usage(stderr);
			return 2;
		}
		who = optarg;
	}
	if (who == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	pw = new_password(cfg, &hash, &generated);
	if (pw == NULL)
		return 1;
	e = user_set_password(db, who, hash);
	crypto_free_str(hash);
	if (e == PERR_NOENT)
		fprintf(stderr, "panel-fcgi: user not found\n");
	else if (e != PERR_OK)
		fprintf(stderr, "panel-fcgi: %s\n", perr_str(e));
	else if (generated)
		printf("password: %s\n", pw);
	else
		printf("password changed\n");
	crypto_free_str(pw);
	return e == PERR_OK ? 0 : 1;
}

static int
user_list_cmd(struct db *db)
{
	struct db_res res;
	enum perr e;
	size_t i;

	e = db_exec(db, STMT_USER_LIST, NULL, 0, &res);
	if (e != PERR_OK) {
		fprintf(stderr, "panel-fcgi: %s\n", perr_str(e));
		return 1;
	}
	printf("%-36s  %-15s  %-30s  %-5s  %-9s  %-3s  %s\n", "uuid",
	       "username", "email", "admin", "suspended", "2fa", "created");
	for (i = 0; i < res.nrows; i++) {
		const char *c[7];
		size_t j;

		for (j = 0; j < 7; j++)
			c[j] = db_cell(&res, i, j) ? db_cell(&res, i, j) : "";
		printf("%-36s  %-15s  %-30s  %-5s  %-9s  %-3s  %s\n", c[0],
		       c[1], c[2], strcmp(c[3], "1") ? "no" : "yes",
		       strcmp(c[4], "1") ? "no" : "yes",
		       strcmp(c[5], "1") ? "no" : "yes", c[6]);
	}
	db_res_free(&res);
	return 0;
}

static int
cmd_user(const struct config *cfg, int argc, char **argv)
{
	struct db *db;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	db_thread_init();
	db = db_new(cfg, NULL, NULL, true);
	if (db_connect(db) != PERR_OK) {
		fprintf(stderr, "panel-fcgi: cannot use the database (is it "
				"up and migrated?)\n");
		rc = 1;
	} else if (strcmp(argv[1], "create") == 0) {
		rc = user_create_cmd(cfg, db, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "reset-password") == 0) {
		rc = user_reset_cmd(cfg, db, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "disable-2fa") == 0 && argc == 4 &&
		   strcmp(argv[2], "--user") == 0) {
		enum perr e = user_disable_two_factor(db, argv[3]);

		if (e == PERR_NOENT)
			fprintf(stderr, "panel-fcgi: user not found\n");
		else if (e != PERR_OK)
			fprintf(stderr, "panel-fcgi: %s\n", perr_str(e));
		else
			printf("two-factor authentication disabled; every "
			       "session of the user ended\n");
		rc = e == PERR_OK ? 0 : 1;
	} else if (strcmp(argv[1], "list") == 0 && argc == 2) {
		rc = user_list_cmd(db);
	} else {
		usage(stderr);
		rc = 2;
	}
	db_free(db);
	db_thread_end();
	return rc;
}

int
main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	struct config cfg;
	char err[256];
	int rc;

	if (verb != NULL &&
	    (strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (verb != NULL && strcmp(verb, "routes") == 0 && argc == 2) {
		router_print(stdout);
		return 0;
	}
	if (verb != NULL && strcmp(verb, "version") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (!crypto_init(err, sizeof(err))) {
		fprintf(stderr, "panel-fcgi: %s\n", err);
		return 1;
	}
	if (verb != NULL && strcmp(verb, "generate-secrets") == 0) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		if (!config_generate_secrets(argv[2], err, sizeof(err))) {
			fprintf(stderr, "panel-fcgi: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (verb == NULL && FCGX_IsCGI()) {
		usage(stderr);
		return 2;
	}
	if (!load(&cfg))
		return 1;
	if (!db_library_init()) {
		fprintf(stderr, "panel-fcgi: cannot initialise the database "
				"client library\n");
		config_free(&cfg);
		return 1;
	}
	if (!daemon_library_init()) {
		fprintf(stderr, "panel-fcgi: cannot initialise libcurl\n");
		db_library_end();
		config_free(&cfg);
		return 1;
	}
	if (verb == NULL) {
		rc = pool_run_spawned(&cfg);
	} else if (strcmp(verb, "serve") == 0) {
		rc = cmd_serve(&cfg, argc - 1, argv + 1);
	} else if (strcmp(verb, "migrate") == 0) {
		rc = cmd_migrate(&cfg, argc - 1, argv + 1);
	} else if (strcmp(verb, "user") == 0) {
		rc = cmd_user(&cfg, argc - 1, argv + 1);
	} else if (strcmp(verb, "ratelimit-reset") == 0 && argc == 2) {
		if (ratelimit_reset(&cfg)) {
			printf("every rate-limit window starts afresh\n");
			rc = 0;
		} else {
			fprintf(stderr,
				"panel-fcgi: no shared rate-limit table "
				"(ratelimit_file)\n");
			rc = 1;
		}
	} else if (strcmp(verb, "check-config") == 0 && argc == 2) {
		config_print(&cfg, stdout);
		printf("# configuration is valid\n");
		rc = 0;
	} else {
		usage(stderr);
		rc = 2;
	}
	daemon_library_end();
	db_library_end();
	config_free(&cfg);
	return rc;
}

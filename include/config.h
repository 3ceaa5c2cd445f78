/*
 * config.h: the configuration file (panel-fcgi.conf) and the secrets file.
 *
 * One table in config.c lists every key with its type, bounds and default.
 * The file is "key = value" lines; '#' starts a comment line. An unknown key
 * or a bad value is an error naming the file, line and key.
 */
#ifndef PANEL_CONFIG_H
#define PANEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "crypto.h"

struct cidr;

#define CONFIG_MAX_COOKIE_KEYS 8
#define CONFIG_KEY_BYTES 32

struct config {
	/* database */
	char *db_socket; /* unix socket path, "" = use host/port */
	char *db_host;
	long db_port;
	char *db_user;
	char *db_password;	/* SENSITIVE; from db_password or the file */
	char *db_password_file; /* a file whose first line is the password */
	char *db_name;
	char *db_read_dsn; /* "" or unix:PATH or HOST[:PORT] */
	long db_connect_timeout;
	/* web */
	char *panel_url;   /* scheme://host[:port], no trailing slash */
	char *server_name; /* X-Server-Name, "" = none */
	char *session_cookie;
	long session_duration; /* seconds */
	char *trusted_proxies; /* as written; parsed into proxies[] */
	struct cidr *proxies;
	size_t nproxies;
	/* passwords */
	long argon2_time;
	long argon2_memory_kib;
	long argon2_parallelism;
	/* process */
	long threads;
	long settings_cache_seconds; /* how long a thread reuses settings */
	char *ratelimit_file; /* the shared rate-limit table, "" = database */
	char *log_level;
	char *sql_dir;
	char *sendmail;
	/* node daemons (libcurl): whole-call timeout in seconds, and a CA
	 * bundle for their TLS certificates ("" = the system's) */
	long daemon_timeout;
	char *daemon_ca_file;
	/* secrets file */
	char *secrets_file;
	unsigned char cookie_keys[CONFIG_MAX_COOKIE_KEYS][CONFIG_KEY_BYTES];
	size_t ncookie_keys; /* >= 1 once loaded; [0] signs */
	unsigned char encryption_key[CONFIG_KEY_BYTES];
	/* the file this came from */
	char *path;
};

/* The configured Argon2id parameters (argon2_time, _memory_kib,
 * _parallelism). */
struct argon2_params config_argon2(const struct config *cfg);

/* The path: $PANEL_FCGI_CONFIG, else SYSCONFDIR/panel-fcgi.conf. */
const char *config_default_path(void);

/*
 * Loads path into *out (defaults first, then the file, then the secrets
 * file). On failure writes "file:line: key: reason" into err and leaves
 * nothing to free. On success the caller frees with config_free().
 */
bool config_load(const char *path, struct config *out, char *err,
		 size_t errlen);
/* As config_load but from a string; used by unit tests and fuzzing. */
bool config_parse_string(const char *name, const char *text, struct config *out,
			 char *err, size_t errlen);
/* Reads and checks the 0600 secrets file named by cfg->secrets_file. */
bool config_load_secrets(struct config *cfg, char *err, size_t errlen);
void config_free(struct config *cfg);
/* Prints the effective configuration, secrets as (redacted). */
void config_print(const struct config *cfg, FILE *fp);
/* Names of every key, NULL-terminated (for the sample/man page test). */
const char *const *config_key_names(void);

/*
 * Splits a read DSN: "unix:/PATH" (sock), "HOST", "HOST:PORT" or
 * "[IPv6]:PORT" (host, port; default 3306). Any output may be NULL.
 */
bool config_parse_dsn(const char *dsn, char *host, size_t hostsz, char *sock,
		      size_t socksz, unsigned *port);

/* Creates a new secrets file (0600, refuses to overwrite). */
bool config_generate_secrets(const char *path, char *err, size_t errlen);

#endif

/* config.c: the configuration table, file parser and secrets file. */
#include "autoconf.h"

#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "util.h"

enum cfg_type {
	CFG_STRING,
	CFG_INT,
	CFG_PATH,
	CFG_URL,
	CFG_TOKEN,
	CFG_CIDRS,
	CFG_LOGLEVEL,
	CFG_DSN
};

#define CFG_SENSITIVE 0x1 /* printed as (redacted) */

struct cfg_key {
	const char *name;
	enum cfg_type type;
	long min, max;	 /* numbers: bounds; strings: byte length bounds */
	const char *def; /* default, as it would be written in the file */
	size_t off;	 /* offset into struct config */
	unsigned flags;
};

#define OFF(f) offsetof(struct config, f)

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/panel-fcgi"
#endif

static const struct cfg_key keys[] = {
	{"db_socket", CFG_PATH, 0, 4096, "", OFF(db_socket), 0},
	{"db_host", CFG_STRING, 0, 255, "localhost", OFF(db_host), 0},
	{"db_port", CFG_INT, 1, 65535, "3306", OFF(db_port), 0},
	{"db_user", CFG_STRING, 1, 80, "panel", OFF(db_user), 0},
	{"db_password", CFG_STRING, 0, 1024, "", OFF(db_password),
	 CFG_SENSITIVE},
	{"db_password_file", CFG_PATH, 0, 4096, "", OFF(db_password_file), 0},
	{"db_name", CFG_TOKEN, 1, 64, "panel", OFF(db_name), 0},
	{"db_read_dsn", CFG_DSN, 0, 4096, "", OFF(db_read_dsn), 0},
	{"db_connect_timeout", CFG_INT, 1, 60, "2", OFF(db_connect_timeout), 0},
	{"panel_url", CFG_URL, 8, 255, "http://localhost:8080", OFF(panel_url),
	 0},
	{"server_name", CFG_STRING, 0, 255, "", OFF(server_name), 0},
	{"session_cookie", CFG_TOKEN, 1, 64, "calagopus_session",
	 OFF(session_cookie), 0},
	{"session_duration", CFG_INT, 60, 31536000, "604800",
	 OFF(session_duration), 0},
	{"secrets_file", CFG_PATH, 1, 4096, SYSCONFDIR "/panel-fcgi.secrets",
	 OFF(secrets_file), 0},
	{"trusted_proxies", CFG_CIDRS, 0, 4096, "", OFF(trusted_proxies), 0},
	{"argon2_time", CFG_INT, 1, 16, "2", OFF(argon2_time), 0},
	{"argon2_memory_kib", CFG_INT, 1024, 1048576, "19456",
	 OFF(argon2_memory_kib), 0},
	{"argon2_parallelism", CFG_INT, 1, 16, "1", OFF(argon2_parallelism), 0},
	{"threads", CFG_INT, 1, 64, "4", OFF(threads), 0},
	{"settings_cache_seconds", CFG_INT, 0, 300, "5",
	 OFF(settings_cache_seconds), 0},
	{"ratelimit_file", CFG_PATH, 0, 4096, "/dev/shm/panel-fcgi.ratelimit",
	 OFF(ratelimit_file), 0},
	{"log_level", CFG_LOGLEVEL, 1, 64, "info", OFF(log_level), 0},
	{"sql_dir", CFG_PATH, 1, 4096, PKGDATADIR "/sql", OFF(sql_dir), 0},
	{"sendmail", CFG_STRING, 0, 4096, "/usr/sbin/sendmail -t -i",
	 OFF(sendmail), 0},
	{"daemon_timeout", CFG_INT, 1, 60, "5", OFF(daemon_timeout), 0},
	{"daemon_ca_file", CFG_PATH, 0, 4096, "", OFF(daemon_ca_file), 0},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct argon2_params
config_argon2(const struct config *cfg)
{
	struct argon2_params p = {(unsigned long)cfg->argon2_time,
				  (unsigned long)cfg->argon2_memory_kib,
				  (unsigned long)cfg->argon2_parallelism};

	return p;
}

const char *
config_default_path(void)
{
	const char *env = getenv("PANEL_FCGI_CONFIG");

	if (env != NULL && *env != '\0')
		return env;
	return SYSCONFDIR "/panel-fcgi.conf";
}

bool
config_parse_dsn(const char *dsn, char *host, size_t hostsz, char *sock,
		 size_t socksz, unsigned *port)
{
	const char *h = dsn, *end, *colon;
	int64_t p = 3306;
	size_t hlen;

	if (str_has_prefix(dsn, "unix:")) {
		if (dsn[5] != '/')
			return false;
		if (sock != NULL)
			snprintf(sock, socksz, "%s", dsn + 5);
		if (host != NULL && hostsz > 0)
			host[0] = '\0';
		return true;
	}
	if (*h == '[') {
		end = strchr(h, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		h++;
		hlen = (size_t)(end - h);
		colon = end[1] == ':' ? end + 1 : NULL;
	} else {
		colon = strchr(h, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			return false; /* a bare IPv6 address needs brackets */
		hlen = colon ? (size_t)(colon - h) : strlen(h);
	}
	if (hlen == 0 || hlen > 255)
		return false;
	if (colon != NULL && !parse_int64(colon + 1, 1, 65535, &p))
		return false;
	if (host != NULL)
		snprintf(host, hostsz, "%.*s", (int)hlen, h);
	if (sock != NULL && socksz > 0)
		sock[0] = '\0';
	if (port != NULL)
		*port = (unsigned)p;
	return true;
}

const char *const *
config_key_names(void)
{
	static const char *names[NKEYS + 1];
	size_t i;

	for (i = 0; i < NKEYS; i++)
		names[i] = keys[i].name;
	names[NKEYS] = NULL;
	return names;
}

static const struct cfg_key *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static bool
is_token(const char *v)
{
	for (; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && *v != '_' && *v != '-')
			return false;
	return true;
}

/* Checks v against k and stores it; reason receives why not. */
static bool
set_value(struct config *cfg, const struct cfg_key *k, const char *v,
	  const char **reason)
{
	char **sp = (char **)(void *)((char *)cfg + k->off);
	long *lp = (long *)(void *)((char *)cfg + k->off);
	size_t len = strlen(v);
	int64_t n;

	if (k->type == CFG_INT) {
		if (!parse_int64(v, k->min, k->max, &n)) {
			*reason = "not an integer within its bounds";
			return false;
		}
		*lp = (long)n;
		return true;
	}
	for (const char *c = v; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			*reason = "contains a control character";
			return false;
		}
	}
	if ((long)len < k->min || (long)len > k->max) {
		*reason = len == 0	       ? "must not be empty"
			  : (long)len < k->min ? "too short"
					       : "too long";
		return false;
	}
	switch (k->type) {
	case CFG_URL: {
		const char *host = strstr(v, "://");

		if ((!str_has_prefix(v, "http://") &&
		     !str_has_prefix(v, "https://")) ||
		    host[3] == '\0' || host[3] == ':' || host[3] == '/' ||
		    v[len - 1] == '/' || strchr(v, ' ') != NULL) {
			*reason = "must be http(s)://host[:port] without a "
				  "trailing slash";
			return false;
		}
		break;
	}
	case CFG_TOKEN:
		if (!is_token(v)) {
			*reason = "only letters, digits, '_' and '-' allowed";
			return false;
		}
		break;
	case CFG_PATH:
		if (len > 0 && v[0] != '/') {
			*reason = "must be an absolute path";
			return false;
		}
		break;
	case CFG_LOGLEVEL:
		if (log_level_parse(v) < 0) {
			*reason = "must be debug, info, warn or err";
			return false;
		}
		break;
	case CFG_CIDRS: {
		struct cidr *list = NULL;
		size_t nlist = 0;

		if (!cidr_list_parse(v, &list, &nlist, NULL, 0)) {
			*reason = "not a list of IP addresses or CIDR networks";
			return false;
		}
		free(cfg->proxies);
		cfg->proxies = list;
		cfg->nproxies = nlist;
		break;
	}
	case CFG_DSN:
		if (len > 0 && !config_parse_dsn(v, NULL, 0, NULL, 0, NULL)) {
			*reason = "must be unix:/PATH, HOST, HOST:PORT or "
				  "[IPv6]:PORT";
			return false;
		}
		break;
	case CFG_STRING:
	case CFG_INT:
		break;
	}
	if (k->flags & CFG_SENSITIVE) {
		crypto_free_str(*sp);
	} else {
		free(*sp);
	}
	*sp = xstrdup(v);
	return true;
}

static void
set_defaults(struct config *cfg)
{
	const char *reason;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NKEYS; i++)
		if (!set_value(cfg, &keys[i], keys[i].def, &reason))
			abort(); /* a default that fails its own rule */
}

/* Reads a small whole file; NULL with errno on failure. */
static char *
read_file(const char *path, size_t max, int *mode_out)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	if (mode_out != NULL)
		*mode_out = (int)(st.st_mode & 07777);
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return buf;
}

static bool
finish(struct config *cfg, const char *name, char *err, size_t errlen)
{
	const char *env = getenv("PANEL_FCGI_THREADS");
	int64_t n;

	if (env != NULL && *env != '\0') {
		if (!parse_int64(env, 1, 64, &n)) {
			snprintf(err, errlen,
				 "PANEL_FCGI_THREADS: not an integer 1..64");
			return false;
		}
		cfg->threads = (long)n;
	}
	if (cfg->db_password_file[0] != '\0') {
		char *pw = read_file(cfg->db_password_file, 4096, NULL);

		if (pw == NULL) {
			snprintf(err, errlen, "%s: db_password_file: %s: %s",
				 name, cfg->db_password_file, strerror(errno));
			return false;
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		crypto_free_str(cfg->db_password);
		cfg->db_password = pw;
	}
	cfg->path = xstrdup(name);
	return true;
}

/*
 * Takes the next "key = value" line off *cursor, skipping blank lines and
 * '#' comments and dropping the CR of a CRLF ending (a CR elsewhere stays
 * and is refused as a control character). Optional double quotes around
 * the value go. Returns 1 with *key and *val set (both trimmed, pointing
 * into the text), 0 at the end, -1 for a line without '=' (*lineno names
 * the line in every case).
 */
static int
next_pair(char **cursor, unsigned *lineno, char **key, char **val)
{
	while (*cursor != NULL) {
		char *line = *cursor, *next, *eq;
		size_t len;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		*cursor = next;
		(*lineno)++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		line = str_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL)
			return -1;
		*eq = '\0';
		*key = str_trim(line);
		*val = str_trim(eq + 1);
		len = strlen(*val);
		if (len >= 2 && (*val)[0] == '"' && (*val)[len - 1] == '"') {
			(*val)[len - 1] = '\0';
			(*val)++;
		}
		return 1;
	}
	return 0;
}

bool
config_parse_string(const char *name, const char *text, struct config *out,
		    char *err, size_t errlen)
{
	struct config cfg;
	char *copy = xstrdup(text), *cursor, *key, *val;
	unsigned lineno = 0;
	bool ok = false;
	int rc;

	set_defaults(&cfg);
	cursor = copy;
	while ((rc = next_pair(&cursor, &lineno, &key, &val)) != 0) {
		const struct cfg_key *k;
		const char *reason = NULL;

		if (rc < 0) {
			snprintf(err, errlen, "%s:%u: expected key = value",
				 name, lineno);
			goto out;
		}
		k = find_key(key);
		if (k == NULL) {
			snprintf(err, errlen, "%s:%u: %.64s: unknown key", name,
				 lineno, key);
			goto out;
		}
		if (!set_value(&cfg, k, val, &reason)) {
			snprintf(err, errlen, "%s:%u: %s: %s", name, lineno,
				 k->name, reason);
			goto out;
		}
	}
	ok = finish(&cfg, name, err, errlen);
out:
	crypto_wipe(copy, strlen(text));
	free(copy);
	if (!ok) {
		config_free(&cfg);
		return false;
	}
	*out = cfg;
	return true;
}

bool
config_load(const char *path, struct config *out, char *err, size_t errlen)
{
	char *text = read_file(path, 1 << 20, NULL);
	bool ok;

	if (text == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	ok = config_parse_string(path, text, out, err, errlen);
	crypto_free_str(text);
	if (ok && !config_load_secrets(out, err, errlen)) {
		config_free(out);
		return false;
	}
	return ok;
}

bool
config_load_secrets(struct config *cfg, char *err, size_t errlen)
{
	const char *path = cfg->secrets_file;
	char *text, *cursor, *key, *val;
	int rc;
	unsigned lineno = 0;
	bool ok = false, have_enc = false;
	int mode = 0;

	text = read_file(path, 65536, &mode);
	if (text == NULL) {
		snprintf(err, errlen, "%s: secrets_file: %s: %s", cfg->path,
			 path, strerror(errno));
		return false;
	}
	if (mode & 077) {
		snprintf(err, errlen,
			 "%s: secrets file is readable by others (mode %04o); "
			 "chmod 0600 it",
			 path, (unsigned)mode);
		goto out;
	}
	cfg->ncookie_keys = 0;
	cursor = text;
	while ((rc = next_pair(&cursor, &lineno, &key, &val)) != 0) {
		unsigned char *dst;

		if (rc < 0) {
			snprintf(err, errlen, "%s:%u: expected key = value",
				 path, lineno);
			goto out;
		}
		if (strcmp(key, "cookie_key") == 0) {
			if (cfg->ncookie_keys == CONFIG_MAX_COOKIE_KEYS) {
				snprintf(err, errlen,
					 "%s:%u: cookie_key: at most %d keys",
					 path, lineno, CONFIG_MAX_COOKIE_KEYS);
				goto out;
			}
			dst = cfg->cookie_keys[cfg->ncookie_keys++];
		} else if (strcmp(key, "encryption_key") == 0) {
			dst = cfg->encryption_key;
			have_enc = true;
		} else {
			snprintf(err, errlen, "%s:%u: %.64s: unknown key", path,
				 lineno, key);
			goto out;
		}
		if (!crypto_unhex(val, dst, CONFIG_KEY_BYTES)) {
			snprintf(err, errlen,
				 "%s:%u: %s: must be %d hex digits", path,
				 lineno, key, 2 * CONFIG_KEY_BYTES);
			goto out;
		}
	}
	if (cfg->ncookie_keys == 0 || !have_enc) {
		snprintf(err, errlen,
			 "%s: needs at least one cookie_key and an "
			 "encryption_key (panel-fcgi generate-secrets)",
			 path);
		goto out;
	}
	ok = true;
out:
	crypto_free_str(text);
	return ok;
}

bool
config_generate_secrets(const char *path, char *err, size_t errlen)
{
	unsigned char key[CONFIG_KEY_BYTES];
	char hex[2 * CONFIG_KEY_BYTES + 1], buf[512];
	int fd, n;
	bool ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	crypto_random(key, sizeof(key));
	crypto_hex(key, sizeof(key), hex);
	n = snprintf(
		buf, sizeof(buf),
		"# panel-fcgi secrets: keep mode 0600, never commit.\n"
		"# The first cookie_key signs; every cookie_key verifies.\n"
		"cookie_key = %s\n",
		hex);
	crypto_random(key, sizeof(key));
	crypto_hex(key, sizeof(key), hex);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "encryption_key = %s\n",
		      hex);
	ok = write(fd, buf, (size_t)n) == n;
	crypto_wipe(key, sizeof(key));
	crypto_wipe(hex, sizeof(hex));
	crypto_wipe(buf, sizeof(buf));
	if (close(fd) != 0)
		ok = false;
	if (!ok)
		snprintf(err, errlen, "%s: write failed", path);
	return ok;
}

void
config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		char **sp = (char **)(void *)((char *)cfg + keys[i].off);

		if (keys[i].type == CFG_INT)
			continue;
		if (keys[i].flags & CFG_SENSITIVE)
			crypto_free_str(*sp);
		else
			free(*sp);
		*sp = NULL;
	}
	free(cfg->proxies);
	free(cfg->path);
	crypto_wipe(cfg, sizeof(*cfg));
}

void
config_print(const struct config *cfg, FILE *fp)
{
	size_t i;

	fprintf(fp, "# effective configuration of %s\n",
		cfg->path ? cfg->path : "(defaults)");
	for (i = 0; i < NKEYS; i++) {
		const struct cfg_key *k = &keys[i];

		if (k->type == CFG_INT) {
			fprintf(fp, "%s = %ld\n", k->name,
				*(const long *)(const void *)((const char *)
								      cfg +
							      k->off));
		} else if (k->flags & CFG_SENSITIVE) {
			const char *v = *(
				char *const *)(const void *)((const char *)cfg +
							     k->off);

			fprintf(fp, "%s = %s\n", k->name,
				v && *v ? "(redacted)" : "");
		} else {
			fprintf(fp, "%s = %s\n", k->name,
				*(char *const *)(const void *)((const char *)
								       cfg +
							       k->off));
		}
	}
	fprintf(fp,
		"# secrets file: %zu cookie key(s) (redacted), "
		"encryption key (redacted)\n",
		cfg->ncookie_keys);
	if (cfg->db_password_file[0] != '\0')
		fprintf(fp, "# database password read from db_password_file "
			    "(redacted)\n");
}

/* test_config.c: the configuration file parser and the secrets file. */
#include "autoconf.h"
#include "tap.h"

#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "cidr.h"
#include "config.h"
#include "crypto.h"

int main(void);

static const char hex_a[] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char hex_b[] =
	"FFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100";
static const char hex_c[] =
	"5555555555555555555555555555555555555555555555555555555555555555";

/* Creates a temp file holding text with mode; the path goes to path. */
static bool
write_temp(char path[64], const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd;

	snprintf(path, 64, "/tmp/panel-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		close(fd);
		unlink(path);
		return false;
	}
	return close(fd) == 0;
}

static bool
parse(const char *text, struct config *cfg, char *err, size_t errlen)
{
	err[0] = '\0';
	return config_parse_string("t.conf", text, cfg, err, errlen);
}

static void
test_defaults(void)
{
	struct config cfg;
	char err[256];

	CHECK(parse("", &cfg, err, sizeof(err)), "empty file parses (%s)",
	      err);
	CHECK_STR(cfg.db_socket, "", "default db_socket");
	CHECK_STR(cfg.db_host, "localhost", "default db_host");
	CHECK(cfg.db_port == 3306, "default db_port");
	CHECK_STR(cfg.db_user, "panel", "default db_user");
	CHECK_STR(cfg.db_password, "", "default db_password");
	CHECK_STR(cfg.db_name, "panel", "default db_name");
	CHECK(cfg.db_connect_timeout == 2, "default db_connect_timeout");
	CHECK_STR(cfg.panel_url, "http://localhost:8080", "default panel_url");
	CHECK_STR(cfg.session_cookie, "calagopus_session",
	          "default session_cookie");
	CHECK(cfg.session_duration == 604800, "default session_duration");
	CHECK_STR(cfg.trusted_proxies, "", "default trusted_proxies");
	CHECK(cfg.nproxies == 0 && cfg.proxies == NULL, "no default proxies");
	CHECK(cfg.argon2_time == 2 && cfg.argon2_memory_kib == 19456 &&
	              cfg.argon2_parallelism == 1,
	      "default argon2 parameters");
	CHECK(cfg.threads == 4, "default threads");
	CHECK_STR(cfg.log_level, "info", "default log_level");
	CHECK(cfg.secrets_file != NULL && cfg.secrets_file[0] == '/' &&
	              strstr(cfg.secrets_file, "panel-fcgi.secrets") != NULL,
	      "default secrets_file is absolute (%s)", cfg.secrets_file);
	CHECK(cfg.sql_dir != NULL && cfg.sql_dir[0] == '/',
	      "default sql_dir is absolute");
	CHECK_STR(cfg.sendmail, "/usr/sbin/sendmail -t -i", "default sendmail");
	CHECK_STR(cfg.path, "t.conf", "path records the name");
	CHECK(cfg.ncookie_keys == 0, "no cookie keys before the secrets");
	config_free(&cfg);

	CHECK(parse("\n\n# only comments\n   # indented\n\t\n", &cfg, err,
	            sizeof(err)),
	      "comments and blank lines only");
	CHECK(cfg.db_port == 3306, "still the defaults");
	config_free(&cfg);
}

static void
test_every_key(void)
{
	static const char text[] =
		"# every key\r\n"
		"db_socket = /run/mysqld/mysqld.sock\r\n"
		"db_host=db.example.net\n"
		"  db_port   =   3307  \n"
		"\tdb_user\t=\tpanel_app\t\n"
		"db_password = \"p=ss w#rd\"\n"
		"db_password_file =\n"
		"db_name = panel-db_1\n"
		"db_read_dsn = replica.example.net:3308\n"
		"db_connect_timeout = 60\n"
		"\n"
		"panel_url = https://panel.example.com:8443\n"
		"server_name = \"\"\n"
		"session_cookie = sess\n"
		"session_duration = 60\n"
		"secrets_file = /etc/x.secrets\n"
		"trusted_proxies = 127.0.0.1, 10.0.0.0/8 ::1\n"
		"argon2_time = 16\n"
		"argon2_memory_kib = 1024\n"
		"argon2_parallelism = 16\n"
		"threads = 64\n"
		"settings_cache_seconds = 300\n"
		"ratelimit_file = /tmp/rl.shm\n"
		"log_level = debug\n"
		"sql_dir = /usr/share/panel/sql\n"
		"sendmail = /usr/bin/msmtp -t\n"
		"daemon_timeout = 60\n"
		"daemon_ca_file = /etc/ssl/nodes.pem";
	struct config cfg;
	char err[256];
	size_t i, n;
	const char *const *names = config_key_names();

	CHECK(parse(text, &cfg, err, sizeof(err)), "every key parses (%s)",
	      err);
	CHECK_STR(cfg.db_socket, "/run/mysqld/mysqld.sock", "db_socket");
	CHECK_STR(cfg.db_host, "db.example.net", "db_host without spaces");
	CHECK(cfg.db_port == 3307, "db_port trimmed");
	CHECK_STR(cfg.db_user, "panel_app", "db_user trimmed of tabs");
	CHECK_STR(cfg.db_password, "p=ss w#rd", "quoted db_password");
	CHECK_STR(cfg.db_password_file, "", "empty db_password_file");
	CHECK_STR(cfg.db_name, "panel-db_1", "db_name");
	CHECK_STR(cfg.db_read_dsn, "replica.example.net:3308", "db_read_dsn");
	CHECK(cfg.db_connect_timeout == 60, "db_connect_timeout");
	CHECK_STR(cfg.panel_url, "https://panel.example.com:8443", "panel_url");
	CHECK_STR(cfg.server_name, "", "quoted empty server_name");
	CHECK_STR(cfg.session_cookie, "sess", "session_cookie");
	CHECK(cfg.session_duration == 60, "session_duration");
	CHECK_STR(cfg.secrets_file, "/etc/x.secrets", "secrets_file");
	CHECK_STR(cfg.trusted_proxies, "127.0.0.1, 10.0.0.0/8 ::1",
	          "trusted_proxies as written");
	CHECK(cfg.nproxies == 3, "three proxies parsed (%zu)", cfg.nproxies);
	if (cfg.nproxies == 3) {
		struct cidr ip;

		ip_parse("10.20.30.40", &ip);
		CHECK(cidr_list_contains(cfg.proxies, cfg.nproxies, &ip),
		      "proxies hold 10.0.0.0/8");
		ip_parse("11.0.0.1", &ip);
		CHECK(!cidr_list_contains(cfg.proxies, cfg.nproxies, &ip),
		      "proxies lack 11.0.0.1");
	}
	CHECK(cfg.argon2_time == 16 && cfg.argon2_memory_kib == 1024 &&
	              cfg.argon2_parallelism == 16,
	      "argon2 parameters at their edges");
	CHECK(cfg.threads == 64, "threads");
	CHECK(cfg.settings_cache_seconds == 300, "settings_cache_seconds");
	CHECK_STR(cfg.log_level, "debug", "log_level");
	CHECK_STR(cfg.sql_dir, "/usr/share/panel/sql", "sql_dir");
	CHECK_STR(cfg.sendmail, "/usr/bin/msmtp -t", "sendmail");
	CHECK(cfg.daemon_timeout == 60, "daemon_timeout at its edge");
	CHECK_STR(cfg.daemon_ca_file, "/etc/ssl/nodes.pem", "daemon_ca_file");
	config_free(&cfg);

	/* The table and the test agree on the key set. */
	for (n = 0; names[n] != NULL; n++)
		;
	CHECK(n == 26, "config_key_names lists 26 keys (got %zu)", n);
	for (i = 0; names[i] != NULL; i++)
		CHECK(strstr(text, names[i]) != NULL,
		      "the every-key file sets %s", names[i]);
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], "db_host") == 0)
			break;
	CHECK(names[i] != NULL, "config_key_names has db_host");
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], "threads") == 0)
			break;
	CHECK(names[i] != NULL, "config_key_names has threads");
}

static void
test_errors(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "bogus = 1", "t.conf:1: bogus: unknown key" },
		{ "# c\n\ndb_host = x\nnope = 2\n",
		  "t.conf:4: nope: unknown key" },
		{ "DB_HOST = x", "t.conf:1: DB_HOST: unknown key" },
		{ "db host = x", "t.conf:1: db host: unknown key" },
		{ "= x", "t.conf:1: : unknown key" },
		{ "db_host", "t.conf:1: expected key = value" },
		{ "\n\ndb_host x\n", "t.conf:3: expected key = value" },
		{ "db_port = abc",
		  "t.conf:1: db_port: not an integer within its bounds" },
		{ "db_port = ", "t.conf:1: db_port: not an integer within its "
		                "bounds" },
		{ "db_port = 0",
		  "t.conf:1: db_port: not an integer within its bounds" },
		{ "db_port = 65536",
		  "t.conf:1: db_port: not an integer within its bounds" },
		{ "db_port = 33 06",
		  "t.conf:1: db_port: not an integer within its bounds" },
		{ "db_port = 3306.0",
		  "t.conf:1: db_port: not an integer within its bounds" },
		{ "threads = 65",
		  "t.conf:1: threads: not an integer within its bounds" },
		{ "threads = 0",
		  "t.conf:1: threads: not an integer within its bounds" },
		{ "daemon_timeout = 0",
		  "t.conf:1: daemon_timeout: not an integer within its bounds" },
		{ "daemon_timeout = 61",
		  "t.conf:1: daemon_timeout: not an integer within its bounds" },
		{ "session_duration = 59", "t.conf:1: session_duration: not an "
		                           "integer within its bounds" },
		{ "argon2_memory_kib = 1023", "t.conf:1: argon2_memory_kib: not "
		                              "an integer within its bounds" },
		{ "argon2_memory_kib = 99999999999999999999999",
		  "t.conf:1: argon2_memory_kib: not an integer within its "
		  "bounds" },
		{ "panel_url = http://panel.example.com/",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = panel.example.com",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = ftp://panel.example.com",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = HTTP://panel.example.com",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = http://panel example.com",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = https://",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = https://:8080",
		  "t.conf:1: panel_url: must be http(s)://host[:port] without "
		  "a trailing slash" },
		{ "panel_url = http://", "t.conf:1: panel_url: too short" },
		{ "panel_url =", "t.conf:1: panel_url: must not be empty" },
		{ "sql_dir = sql", "t.conf:1: sql_dir: must be an absolute path" },
		{ "sql_dir = ./sql",
		  "t.conf:1: sql_dir: must be an absolute path" },
		{ "sql_dir =", "t.conf:1: sql_dir: must not be empty" },
		{ "db_socket = run/mysqld.sock",
		  "t.conf:1: db_socket: must be an absolute path" },
		{ "secrets_file = ~/x",
		  "t.conf:1: secrets_file: must be an absolute path" },
		{ "log_level = verbose",
		  "t.conf:1: log_level: must be debug, info, warn or err" },
		{ "log_level = INFO",
		  "t.conf:1: log_level: must be debug, info, warn or err" },
		{ "log_level = warning",
		  "t.conf:1: log_level: must be debug, info, warn or err" },
		{ "server_name = a\tb",
		  "t.conf:1: server_name: contains a control character" },
		{ "server_name = a\x7f",
		  "t.conf:1: server_name: contains a control character" },
		{ "server_name = a\rb",
		  "t.conf:1: server_name: contains a control character" },
		{ "db_password = \"\x1b[2J\"",
		  "t.conf:1: db_password: contains a control character" },
		{ "panel_url = https://panel.example.com\x01",
		  "t.conf:1: panel_url: contains a control character" },
		{ "trusted_proxies = 10.0.0.0/33",
		  "t.conf:1: trusted_proxies: not a list of IP addresses or "
		  "CIDR networks" },
		{ "trusted_proxies = localhost",
		  "t.conf:1: trusted_proxies: not a list of IP addresses or "
		  "CIDR networks" },
		{ "db_name = panel db",
		  "t.conf:1: db_name: only letters, digits, '_' and '-' "
		  "allowed" },
		{ "db_name = panel;drop",
		  "t.conf:1: db_name: only letters, digits, '_' and '-' "
		  "allowed" },
		{ "session_cookie = a=b",
		  "t.conf:1: session_cookie: only letters, digits, '_' and '-' "
		  "allowed" },
		{ "db_user =", "t.conf:1: db_user: must not be empty" },
		{ "db_user = \"\"", "t.conf:1: db_user: must not be empty" },
		{ "db_user = "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaa",
		  "t.conf:1: db_user: too long" },
		/* An error after a good list must not leak the list. */
		{ "trusted_proxies = 10.0.0.0/8\ntrusted_proxies = x",
		  "t.conf:2: trusted_proxies: not a list of IP addresses or "
		  "CIDR networks" },
		{ "db_password = s3cret\nbogus = 1",
		  "t.conf:2: bogus: unknown key" },
	};
	struct config cfg;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&cfg, 0x5a, sizeof(cfg));
		CHECK(!parse(cases[i].text, &cfg, err, sizeof(err)),
		      "rejected: %s", cases[i].text);
		CHECK_STR(err, cases[i].err, "error message");
		CHECK(cfg.db_port == (long)0x5a5a5a5a5a5a5a5aLL,
		      "*out untouched on failure");
	}

	/* A truncated error buffer still gets a terminated prefix. */
	CHECK(!parse("bogus = 1", &cfg, err, 8), "small err buffer");
	CHECK_STR(err, "t.conf:", "message truncated to the buffer");

	/* An over-long unknown key is cut in the message. */
	{
		char text[300], want[128];

		memset(text, 'k', 200);
		snprintf(text + 200, sizeof(text) - 200, " = 1");
		CHECK(!parse(text, &cfg, err, sizeof(err)), "long unknown key");
		snprintf(want, sizeof(want), "t.conf:1: %.64s: unknown key",
		         text);
		CHECK_STR(err, want, "long key cut to 64 bytes");
	}
}

static void
test_dsn(void)
{
	static const struct {
		const char *in;
		bool ok;
		const char *host, *sock;
		unsigned port;
	} cases[] = {
		{ "unix:/run/mysqld/replica.sock", true, "", "/run/mysqld/"
		  "replica.sock", 0 },
		{ "replica", true, "replica", "", 3306 },
		{ "replica.example.net:3308", true, "replica.example.net", "",
		  3308 },
		{ "10.0.0.2:1", true, "10.0.0.2", "", 1 },
		{ "10.0.0.2:65535", true, "10.0.0.2", "", 65535 },
		{ "[::1]", true, "::1", "", 3306 },
		{ "[2001:db8::2]:3307", true, "2001:db8::2", "", 3307 },
		{ "unix:", false, NULL, NULL, 0 },
		{ "unix:run/x.sock", false, NULL, NULL, 0 },
		{ "", false, NULL, NULL, 0 },
		{ ":3306", false, NULL, NULL, 0 },
		{ "replica:", false, NULL, NULL, 0 },
		{ "replica:0", false, NULL, NULL, 0 },
		{ "replica:65536", false, NULL, NULL, 0 },
		{ "replica:33o6", false, NULL, NULL, 0 },
		{ "replica: 3306", false, NULL, NULL, 0 },
		{ "replica:3306:1", false, NULL, NULL, 0 },
		{ "::1", false, NULL, NULL, 0 },
		{ "2001:db8::2:3307", false, NULL, NULL, 0 },
		{ "[::1", false, NULL, NULL, 0 },
		{ "[::1]3307", false, NULL, NULL, 0 },
		{ "[::1]:", false, NULL, NULL, 0 },
		{ "[]:3306", false, NULL, NULL, 0 },
	};
	char host[300], sock[300], text[64], err[256];
	struct config cfg;
	unsigned port;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;

		snprintf(host, sizeof(host), "untouched");
		snprintf(sock, sizeof(sock), "untouched");
		port = 7;
		ok = config_parse_dsn(cases[i].in, host, sizeof(host), sock,
		                      sizeof(sock), &port);
		CHECK(ok == cases[i].ok, "config_parse_dsn(\"%s\") %s",
		      cases[i].in, cases[i].ok ? "accepted" : "rejected");
		if (ok && cases[i].ok) {
			CHECK_STR(host, cases[i].host, "dsn host");
			CHECK_STR(sock, cases[i].sock, "dsn socket");
			if (cases[i].sock[0] == '\0')
				CHECK(port == cases[i].port, "dsn port %u (got %u)",
				      cases[i].port, port);
		}
		/* The same rule applies to the key. */
		snprintf(text, sizeof(text), "db_read_dsn = %s", cases[i].in);
		ok = parse(text, &cfg, err, sizeof(err));
		CHECK(ok == (cases[i].ok || cases[i].in[0] == '\0'),
		      "db_read_dsn = %s %s", cases[i].in,
		      ok ? "accepted" : "rejected");
		if (ok)
			config_free(&cfg);
		else
			CHECK_STR(err,
			          "t.conf:1: db_read_dsn: must be unix:/PATH, "
			          "HOST, HOST:PORT or [IPv6]:PORT",
			          "db_read_dsn message");
	}
	CHECK(config_parse_dsn("h:1", NULL, 0, NULL, 0, NULL),
	      "config_parse_dsn with no outputs");
	{
		char big[300];

		memset(big, 'h', 256);
		big[256] = '\0';
		CHECK(!config_parse_dsn(big, NULL, 0, NULL, 0, NULL),
		      "256-byte host rejected");
		big[255] = '\0';
		CHECK(config_parse_dsn(big, host, sizeof(host), NULL, 0, &port) &&
		              strlen(host) == 255,
		      "255-byte host accepted");
	}
}

static void
test_values(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "server_name = \"quoted\"", "quoted" },
		{ "server_name = \"  spaced  \"", "  spaced  " },
		{ "server_name = \"", "\"" },
		{ "server_name = \"a", "\"a" },
		{ "server_name = a\"", "a\"" },
		{ "server_name = \"a\"b\"", "a\"b" },
		{ "server_name = a = b", "a = b" },
		{ "server_name = x # not a comment", "x # not a comment" },
		{ "server_name = \xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
		{ "server_name=", "" },
		{ "server_name = first\nserver_name = second", "second" },
	};
	struct config cfg;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(parse(cases[i].line, &cfg, err, sizeof(err)),
		      "parses: %s (%s)", cases[i].line, err);
		CHECK_STR(cfg.server_name, cases[i].want, cases[i].line);
		config_free(&cfg);
	}

	CHECK(parse("trusted_proxies = 10.0.0.0/8\ntrusted_proxies =", &cfg,
	            err, sizeof(err)),
	      "trusted_proxies set then cleared");
	CHECK(cfg.nproxies == 0, "cleared list has no entries");
	config_free(&cfg);
}

static void
test_env_threads(void)
{
	struct config cfg;
	char err[256];

	setenv("PANEL_FCGI_THREADS", "8", 1);
	CHECK(parse("threads = 2", &cfg, err, sizeof(err)) && cfg.threads == 8,
	      "PANEL_FCGI_THREADS overrides threads");
	config_free(&cfg);
	setenv("PANEL_FCGI_THREADS", "65", 1);
	CHECK(!parse("", &cfg, err, sizeof(err)),
	      "PANEL_FCGI_THREADS out of bounds rejected");
	CHECK_STR(err, "PANEL_FCGI_THREADS: not an integer 1..64",
	          "PANEL_FCGI_THREADS message");
	setenv("PANEL_FCGI_THREADS", "", 1);
	CHECK(parse("threads = 3", &cfg, err, sizeof(err)) && cfg.threads == 3,
	      "empty PANEL_FCGI_THREADS ignored");
	config_free(&cfg);
	unsetenv("PANEL_FCGI_THREADS");
}

static void
test_password_file(void)
{
	struct config cfg;
	char pwfile[64], text[256], err[512], want[512];

	CHECK(write_temp(pwfile, "file-s3cret\r\nsecond line\n", 0600),
	      "password file written");
	snprintf(text, sizeof(text),
	         "db_password = inline\ndb_password_file = %s\n", pwfile);
	CHECK(parse(text, &cfg, err, sizeof(err)), "db_password_file read (%s)",
	      err);
	CHECK_STR(cfg.db_password, "file-s3cret",
	          "first line of the password file, without CR");
	config_free(&cfg);
	unlink(pwfile);

	CHECK(!parse(text, &cfg, err, sizeof(err)),
	      "missing password file rejected");
	snprintf(want, sizeof(want),
	         "t.conf: db_password_file: %s: No such file or directory",
	         pwfile);
	CHECK_STR(err, want, "missing password file message");
}

static void
test_secrets(void)
{
	static const struct {
		const char *what;
		mode_t mode;
		const char *text;
		const char *err; /* NULL: accepted; else a substring */
	} cases[] = {
		{ "0644 rejected", 0644, "cookie_key = A\nencryption_key = B\n",
		  "secrets file is readable by others (mode 0644); chmod 0600 "
		  "it" },
		{ "0640 rejected", 0640, "cookie_key = A\nencryption_key = B\n",
		  "readable by others (mode 0640)" },
		{ "0604 rejected", 0604, "cookie_key = A\nencryption_key = B\n",
		  "readable by others (mode 0604)" },
		{ "0600 accepted", 0600, "cookie_key = A\nencryption_key = B\n",
		  NULL },
		{ "0400 accepted", 0400, "cookie_key = A\nencryption_key = B\n",
		  NULL },
		{ "no encryption_key", 0600, "cookie_key = A\n",
		  "needs at least one cookie_key and an encryption_key" },
		{ "no cookie_key", 0600, "encryption_key = B\n",
		  "needs at least one cookie_key and an encryption_key" },
		{ "empty file", 0600, "",
		  "needs at least one cookie_key and an encryption_key" },
		{ "63 hex digits", 0600,
		  "cookie_key = A\nencryption_key = S\n",
		  ":2: encryption_key: must be 64 hex digits" },
		{ "65 hex digits", 0600,
		  "cookie_key = 0A\nencryption_key = B\n",
		  ":1: cookie_key: must be 64 hex digits" },
		{ "non-hex digit", 0600,
		  "cookie_key = G\nencryption_key = B\n",
		  ":1: cookie_key: must be 64 hex digits" },
		{ "empty key", 0600, "cookie_key =\nencryption_key = B\n",
		  ":1: cookie_key: must be 64 hex digits" },
		{ "CR inside a line", 0600,
		  "cookie_key = A\rjunk\nencryption_key = B\n",
		  ":1: cookie_key: must be 64 hex digits" },
		{ "unknown key", 0600,
		  "# c\ncookie_key = A\ntoken = A\nencryption_key = B\n",
		  ":3: token: unknown key" },
		{ "line without =", 0600,
		  "cookie_key = A\nencryption_key\n",
		  ":2: expected key = value" },
		{ "nine cookie keys", 0600,
		  "cookie_key = A\ncookie_key = A\ncookie_key = A\n"
		  "cookie_key = A\ncookie_key = A\ncookie_key = A\n"
		  "cookie_key = A\ncookie_key = A\ncookie_key = A\n"
		  "encryption_key = B\n",
		  ":9: cookie_key: at most 8 keys" },
	};
	struct config cfg;
	char path[64], conf[128], err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		const char *s;
		size_t o = 0;
		bool ok;

		/*
		 * A and B stand for two valid hex keys, G for a key with a
		 * non-hex digit, S for one digit short.
		 */
		for (s = cases[i].text; *s != '\0' && o < sizeof(text) - 70;
		     s++) {
			if (strchr("ABGS", *s) != NULL) {
				o += (size_t)snprintf(text + o, sizeof(text) - o,
				                      "%s",
				                      *s == 'A' ? hex_a : hex_c);
				if (*s == 'G')
					text[o - 1] = 'g';
				if (*s == 'S')
					o--;
			} else {
				text[o++] = *s;
			}
		}
		text[o] = '\0';
		if (!write_temp(path, text, cases[i].mode)) {
			CHECK(0, "%s: temp file", cases[i].what);
			continue;
		}
		snprintf(conf, sizeof(conf), "secrets_file = %s", path);
		CHECK(parse(conf, &cfg, err, sizeof(err)), "%s: config parses",
		      cases[i].what);
		err[0] = '\0';
		ok = config_load_secrets(&cfg, err, sizeof(err));
		if (cases[i].err == NULL) {
			CHECK(ok, "%s (%s)", cases[i].what, err);
			CHECK(cfg.ncookie_keys == 1, "%s: one cookie key",
			      cases[i].what);
		} else {
			CHECK(!ok, "%s", cases[i].what);
			CHECK(strstr(err, cases[i].err) != NULL &&
			              strncmp(err, path, strlen(path)) == 0,
			      "%s: message \"%s\" names the file and has \"%s\"",
			      cases[i].what, err, cases[i].err);
		}
		config_free(&cfg);
		unlink(path);
	}
}

static void
test_secrets_two_keys(void)
{
	struct config cfg;
	char path[64], conf[128], text[512], err[512];
	unsigned char want[CONFIG_KEY_BYTES];
	size_t i;

	snprintf(text, sizeof(text),
	         "# two cookie keys\n\n  cookie_key = %s  \r\n"
	         "cookie_key=%s\nencryption_key =\t%s\n",
	         hex_a, hex_b, hex_c);
	CHECK(write_temp(path, text, 0600), "two-key secrets written");
	snprintf(conf, sizeof(conf), "secrets_file = %s", path);
	CHECK(parse(conf, &cfg, err, sizeof(err)), "config parses");
	CHECK(config_load_secrets(&cfg, err, sizeof(err)),
	      "two cookie keys and an encryption key accepted (%s)", err);
	CHECK(cfg.ncookie_keys == 2, "ncookie_keys == 2 (%zu)",
	      cfg.ncookie_keys);
	for (i = 0; i < CONFIG_KEY_BYTES; i++)
		want[i] = (unsigned char)i;
	CHECK(memcmp(cfg.cookie_keys[0], want, CONFIG_KEY_BYTES) == 0,
	      "cookie key 0 decoded");
	for (i = 0; i < CONFIG_KEY_BYTES; i++)
		want[i] = (unsigned char)(i < 16 ? 0xff - 0x11 * i
		                                 : 0xff - 0x11 * (i - 16));
	CHECK(memcmp(cfg.cookie_keys[1], want, CONFIG_KEY_BYTES) == 0,
	      "cookie key 1 decoded (upper and lower case hex)");
	memset(want, 0x55, sizeof(want));
	CHECK(memcmp(cfg.encryption_key, want, CONFIG_KEY_BYTES) == 0,
	      "encryption key decoded");

	/* Loading again replaces the keys rather than appending. */
	CHECK(config_load_secrets(&cfg, err, sizeof(err)) &&
	              cfg.ncookie_keys == 2,
	      "reloading keeps two cookie keys");
	config_free(&cfg);
	unlink(path);

	CHECK(parse(conf, &cfg, err, sizeof(err)), "config parses");
	CHECK(!config_load_secrets(&cfg, err, sizeof(err)),
	      "missing secrets file rejected");
	CHECK(strstr(err, "secrets_file") != NULL &&
	              strstr(err, path) != NULL &&
	              strstr(err, "No such file") != NULL,
	      "missing secrets file message (%s)", err);
	config_free(&cfg);

	/* A directory is not a secrets file. */
	CHECK(parse("secrets_file = /tmp", &cfg, err, sizeof(err)),
	      "config parses");
	CHECK(!config_load_secrets(&cfg, err, sizeof(err)),
	      "directory rejected as secrets file");
	config_free(&cfg);
}

static void
test_generate(void)
{
	struct config cfg;
	char path[64], conf[128], err[512], before[512], after[512];
	struct stat st;
	FILE *fp;
	size_t nb, na;
	int fd;

	snprintf(path, sizeof(path), "/tmp/panel-test-XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0, "temp name");
	close(fd);
	unlink(path);

	CHECK(config_generate_secrets(path, err, sizeof(err)),
	      "generate-secrets creates a file (%s)", err);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	      "generated file is mode 0600 (%04o)",
	      (unsigned)(st.st_mode & 07777));
	snprintf(conf, sizeof(conf), "secrets_file = %s", path);
	CHECK(parse(conf, &cfg, err, sizeof(err)), "config parses");
	CHECK(config_load_secrets(&cfg, err, sizeof(err)),
	      "generated file loads (%s)", err);
	CHECK(cfg.ncookie_keys == 1, "one generated cookie key");
	CHECK(memcmp(cfg.cookie_keys[0], cfg.encryption_key,
	             CONFIG_KEY_BYTES) != 0,
	      "cookie key and encryption key differ");
	config_free(&cfg);

	fp = fopen(path, "r");
	nb = fp ? fread(before, 1, sizeof(before), fp) : 0;
	if (fp)
		fclose(fp);
	CHECK(!config_generate_secrets(path, err, sizeof(err)),
	      "generate-secrets refuses to overwrite");
	CHECK(strstr(err, path) != NULL && strstr(err, "exists") != NULL,
	      "overwrite message (%s)", err);
	fp = fopen(path, "r");
	na = fp ? fread(after, 1, sizeof(after), fp) : 0;
	if (fp)
		fclose(fp);
	CHECK(nb > 0 && nb == na && memcmp(before, after, nb) == 0,
	      "existing file unchanged");
	unlink(path);

	CHECK(!config_generate_secrets("/nonexistent-dir/x.secrets", err,
	                               sizeof(err)),
	      "generate-secrets in a missing directory fails");
}

static void
test_print(void)
{
	struct config cfg;
	char pwfile[64], path[64], text[512], err[512], hex[65];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(text, sizeof(text), "cookie_key = %s\nencryption_key = %s\n",
	         hex_a, hex_c);
	CHECK(write_temp(path, text, 0600), "secrets written");
	snprintf(text, sizeof(text),
	         "db_password = hunter2-inline\nsecrets_file = %s\n"
	         "server_name = srv1\n",
	         path);
	CHECK(parse(text, &cfg, err, sizeof(err)), "config parses");
	CHECK(config_load_secrets(&cfg, err, sizeof(err)), "secrets load");

	fp = open_memstream(&buf, &len);
	config_print(&cfg, fp);
	fclose(fp);
	CHECK(buf != NULL && strstr(buf, "hunter2") == NULL,
	      "config_print hides db_password");
	CHECK(buf != NULL && strstr(buf, "db_password = (redacted)\n") != NULL,
	      "config_print shows db_password as (redacted)");
	CHECK(buf != NULL && strstr(buf, "server_name = srv1\n") != NULL,
	      "config_print shows ordinary values");
	CHECK(buf != NULL && strstr(buf, "db_port = 3306\n") != NULL,
	      "config_print shows numbers");
	CHECK(buf != NULL && strstr(buf, "# effective configuration of t.conf")
	                             != NULL,
	      "config_print names the file");
	crypto_hex(cfg.cookie_keys[0], 8, hex);
	CHECK(buf != NULL && strstr(buf, hex) == NULL,
	      "config_print hides the cookie key");
	crypto_hex(cfg.encryption_key, 8, hex);
	CHECK(buf != NULL && strstr(buf, hex) == NULL,
	      "config_print hides the encryption key");
	free(buf);
	buf = NULL;
	config_free(&cfg);
	unlink(path);

	/* A password from db_password_file is not printed either. */
	CHECK(write_temp(pwfile, "hunter3-from-file\n", 0600), "pw file");
	snprintf(text, sizeof(text), "db_password_file = %s\n", pwfile);
	CHECK(parse(text, &cfg, err, sizeof(err)), "config parses");
	fp = open_memstream(&buf, &len);
	config_print(&cfg, fp);
	fclose(fp);
	CHECK(buf != NULL && strstr(buf, "hunter3") == NULL,
	      "config_print hides the file password");
	CHECK(buf != NULL && strstr(buf, "db_password = (redacted)\n") != NULL,
	      "file password shown as (redacted)");
	free(buf);
	buf = NULL;
	config_free(&cfg);
	unlink(pwfile);

	/* No password: nothing to redact, the line is empty. */
	CHECK(parse("", &cfg, err, sizeof(err)), "defaults parse");
	fp = open_memstream(&buf, &len);
	config_print(&cfg, fp);
	fclose(fp);
	CHECK(buf != NULL && strstr(buf, "db_password = \n") != NULL,
	      "empty db_password printed empty");
	free(buf);
	config_free(&cfg);
}

static void
test_load(void)
{
	struct config cfg;
	char spath[64], cpath[64], text[512], err[512];

	snprintf(text, sizeof(text), "cookie_key = %s\nencryption_key = %s\n",
	         hex_a, hex_c);
	CHECK(write_temp(spath, text, 0600), "secrets written");
	snprintf(text, sizeof(text), "db_port = 3310\nsecrets_file = %s\n",
	         spath);
	CHECK(write_temp(cpath, text, 0644), "config written");
	CHECK(config_load(cpath, &cfg, err, sizeof(err)),
	      "config_load with secrets (%s)", err);
	CHECK(cfg.db_port == 3310 && cfg.ncookie_keys == 1,
	      "config_load applied the file and the secrets");
	CHECK_STR(cfg.path, cpath, "config_load records the path");
	config_free(&cfg);

	chmod(spath, 0644);
	CHECK(!config_load(cpath, &cfg, err, sizeof(err)),
	      "config_load fails on a readable secrets file");
	CHECK(strstr(err, "readable by others") != NULL,
	      "config_load passes the secrets error (%s)", err);
	unlink(spath);
	unlink(cpath);

	CHECK(!config_load(cpath, &cfg, err, sizeof(err)),
	      "config_load of a missing file fails");
	CHECK(strncmp(err, cpath, strlen(cpath)) == 0,
	      "missing file message names it (%s)", err);
}

int
main(void)
{
	char err[128];

	unsetenv("PANEL_FCGI_THREADS");
	if (!crypto_init(err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_defaults();
	test_every_key();
	test_errors();
	test_values();
	test_dsn();
	test_env_threads();
	test_password_file();
	test_secrets();
	test_secrets_two_keys();
	test_generate();
	test_print();
	test_load();
	return tap_done();
}

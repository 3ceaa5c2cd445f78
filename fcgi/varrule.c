/*
 * varrule.c: see varrule.h. Laravel's validation rules as the panel's rule
 * validator applies them to egg variables. Regular expressions (PHP PCRE
 * syntax) are translated to POSIX extended expressions for regcomp(3): the
 * common PCRE escapes (\d \w \s, their negations, \A \z), non-capturing
 * groups and lazy quantifiers are rewritten; lookaround, back references
 * and other constructs ERE cannot express make the pattern invalid.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "json.h"
#include "util.h"
#include "varrule.h"

#define MAX_RULES 256
#define MAX_ARGS 256

enum kind {
	K_ACCEPTED,
	K_ACCEPTED_IF,
	K_ALPHA,
	K_ALPHA_DASH,
	K_ALPHA_NUM,
	K_ASCII,
	K_BETWEEN,
	K_BOOLEAN,
	K_CONFIRMED,
	K_DATE,
	K_DATE_FORMAT,
	K_DECLINED,
	K_DECLINED_IF,
	K_DIFFERENT,
	K_DIGITS,
	K_DIGITS_BETWEEN,
	K_DOESNT_START_WITH,
	K_DOESNT_END_WITH,
	K_ENDS_WITH,
	K_GT,
	K_GTE,
	K_HEX_COLOR,
	K_IN,
	K_INTEGER,
	K_IP,
	K_IPV4,
	K_IPV6,
	K_JSON,
	K_LT,
	K_LTE,
	K_LOWERCASE,
	K_MAC_ADDRESS,
	K_MAX,
	K_MAX_DIGITS,
	K_MIN,
	K_MIN_DIGITS,
	K_MULTIPLE_OF,
	K_NOT_IN,
	K_NOT_REGEX,
	K_NULLABLE,
	K_NUMERIC,
	K_REGEX,
	K_REQUIRED,
	K_REQUIRED_IF,
	K_REQUIRED_IF_ACCEPTED,
	K_REQUIRED_IF_DECLINED,
	K_SAME,
	K_SIZE,
	K_STARTS_WITH,
	K_STRING,
	K_TIMEZONE,
	K_UPPERCASE,
	K_URL,
	K_UUID,
};

/* What a rule's arguments must be. */
enum argspec {
	A_ANY,	   /* ignored */
	A_NUM1,	   /* one number */
	A_NUM2,	   /* two numbers */
	A_INT1,	   /* one count (digits) */
	A_INT2,	   /* two counts */
	A_OPTIONS, /* at least one option (in, not_in) */
	A_VALUES,  /* at least one value (starts_with, ...) */
	A_FIELD,   /* one field name */
	A_KEYVALS, /* a field name and at least one value */
	A_REGEX,   /* one pattern */
	A_FORMAT,  /* at least one date format */
};

struct rule_def {
	const char *name;
	enum kind kind;
	enum argspec spec;
	bool implicit; /* runs on a blank value too */
};

static const struct rule_def defs[] = {
	{"accepted", K_ACCEPTED, A_ANY, true},
	{"accepted_if", K_ACCEPTED_IF, A_KEYVALS, true},
	{"alpha", K_ALPHA, A_ANY, false},
	{"alpha_dash", K_ALPHA_DASH, A_ANY, false},
	{"alpha_num", K_ALPHA_NUM, A_ANY, false},
	{"ascii", K_ASCII, A_ANY, false},
	{"between", K_BETWEEN, A_NUM2, false},
	{"boolean", K_BOOLEAN, A_ANY, false},
	{"confirmed", K_CONFIRMED, A_ANY, false},
	{"date", K_DATE, A_ANY, false},
	{"date_format", K_DATE_FORMAT, A_FORMAT, false},
	{"declined", K_DECLINED, A_ANY, true},
	{"declined_if", K_DECLINED_IF, A_KEYVALS, true},
	{"different", K_DIFFERENT, A_FIELD, false},
	{"digits", K_DIGITS, A_INT1, false},
	{"digits_between", K_DIGITS_BETWEEN, A_INT2, false},
	{"doesnt_start_with", K_DOESNT_START_WITH, A_VALUES, false},
	{"doesnt_end_with", K_DOESNT_END_WITH, A_VALUES, false},
	{"ends_with", K_ENDS_WITH, A_VALUES, false},
	{"gt", K_GT, A_NUM1, false},
	{"gte", K_GTE, A_NUM1, false},
	{"hex_color", K_HEX_COLOR, A_ANY, false},
	{"in", K_IN, A_OPTIONS, false},
	{"integer", K_INTEGER, A_ANY, false},
	{"int", K_INTEGER, A_ANY, false},
	{"ip", K_IP, A_ANY, false},
	{"ipv4", K_IPV4, A_ANY, false},
	{"ipv6", K_IPV6, A_ANY, false},
	{"json", K_JSON, A_ANY, false},
	{"lt", K_LT, A_NUM1, false},
	{"lte", K_LTE, A_NUM1, false},
	{"lowercase", K_LOWERCASE, A_ANY, false},
	{"mac_address", K_MAC_ADDRESS, A_ANY, false},
	{"max", K_MAX, A_NUM1, false},
	{"max_digits", K_MAX_DIGITS, A_INT1, false},
	{"min", K_MIN, A_NUM1, false},
	{"min_digits", K_MIN_DIGITS, A_INT1, false},
	{"multiple_of", K_MULTIPLE_OF, A_NUM1, false},
	{"not_in", K_NOT_IN, A_OPTIONS, false},
	{"not_regex", K_NOT_REGEX, A_REGEX, false},
	{"nullable", K_NULLABLE, A_ANY, false},
	{"numeric", K_NUMERIC, A_ANY, false},
	{"num", K_NUMERIC, A_ANY, false},
	{"regex", K_REGEX, A_REGEX, false},
	{"required", K_REQUIRED, A_ANY, true},
	{"required_if", K_REQUIRED_IF, A_KEYVALS, true},
	{"required_if_accepted", K_REQUIRED_IF_ACCEPTED, A_FIELD, true},
	{"required_if_declined", K_REQUIRED_IF_DECLINED, A_FIELD, true},
	{"same", K_SAME, A_FIELD, false},
	{"size", K_SIZE, A_NUM1, false},
	{"starts_with", K_STARTS_WITH, A_VALUES, false},
	{"string", K_STRING, A_ANY, false},
	{"str", K_STRING, A_ANY, false},
	{"timezone", K_TIMEZONE, A_ANY, false},
	{"uppercase", K_UPPERCASE, A_ANY, false},
	{"url", K_URL, A_ANY, false},
	{"uuid", K_UUID, A_ANY, false},
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/* One parsed rule; strings in the arena. */
struct rule {
	const struct rule_def *def;
	const char *text; /* the rule as written (trimmed) */
	const char **args;
	size_t nargs;
	double num[2];
	regex_t re;
	bool has_re;
};

/* ---- small predicates ---------------------------------------------------- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* value without surrounding white space (PHP trim), in a */
static const char *
trimmed(const char *s, struct arena *a)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * PHP's is_numeric(): optional white space, sign, digits with an optional
 * fraction (or a fraction alone), optional exponent. No hex, inf or nan.
 */
static bool
numeric_value(const char *s, double *out)
{
	const char *p, *start;
	size_t ndig = 0;
	char *end;

	while (is_space(*s))
		s++;
	start = p = s;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		ndig++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			ndig++;
	if (ndig == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	while (is_space(*p))
		p++;
	if (*p != '\0')
		return false;
	errno = 0;
	*out = strtod(start, &end);
	return errno != ERANGE;
}

/* An integer (sign and digits, within 64 bits) after trimming. */
static bool
integer_value(const char *s, struct arena *a)
{
	const char *t = trimmed(s, a);
	int64_t v;

	return parse_int64(t, INT64_MIN, INT64_MAX, &v) &&
	       strspn(t, "+-0123456789") == strlen(t);
}

static bool
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!is_space(*s))
			return false;
	return true;
}

static bool
is_accepted(const char *s)
{
	return s != NULL && (strcmp(s, "yes") == 0 || strcmp(s, "on") == 0 ||
			     strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

static bool
is_declined(const char *s)
{
	return s != NULL && (strcmp(s, "no") == 0 || strcmp(s, "off") == 0 ||
			     strcmp(s, "0") == 0 || strcmp(s, "false") == 0);
}

/* A number as the messages print it: no trailing ".0". */
static const char *
num_text(double d, struct arena *a)
{
	return arena_printf(a, "%.15g", d);
}

/* The arguments joined with ", ". */
static const char *
joined(const struct rule *r, size_t from, struct arena *a)
{
	const char *s = "";
	size_t i;

	for (i = from; i < r->nargs; i++)
		s = arena_printf(a, "%s%s%s", s, i > from ? ", " : "",
				 r->args[i]);
	return s;
}

/* ---- regular expressions ------------------------------------------------- */

struct sbuf {
	char *p;
	size_t n;
};

static void
put(struct sbuf *b, const char *s)
{
	size_t k = strlen(s);

	memcpy(b->p + b->n, s, k);
	b->n += k;
	b->p[b->n] = '\0';
}

static void
putc1(struct sbuf *b, char c)
{
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
}

/* The control character of an escape letter, or 0. */
static char
escape_char(char e)
{
	switch (e) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'f':
		return '\f';
	case 'v':
		return '\v';
	case 'e':
		return 0x1b;
	}
	return 0;
}

/* An escape inside brackets (p[*k] is the backslash). */
static bool
bracket_escape(const char *p, size_t n, size_t *k, struct sbuf *body, bool *rb,
	       bool *dash, bool *caret)
{
	char e;

	if (*k + 1 >= n)
		return false;
	e = p[*k + 1];
	*k += 2;
	if (e == 'd')
		put(body, "0-9");
	else if (e == 'w')
		put(body, "[:alnum:]_");
	else if (e == 's')
		put(body, "[:space:]");
	else if (escape_char(e) != 0)
		putc1(body, escape_char(e));
	else if (e == ']')
		*rb = true;
	else if (e == '-')
		*dash = true;
	else if (e == '^')
		*caret = true;
	else if (isalnum((unsigned char)e))
		return false; /* \D \W \S \x.. \p.. inside brackets */
	else
		putc1(body, e);
	return true;
}

/*
 * A PCRE bracket expression at p[*i] ('[') to POSIX. A literal ']' goes
 * first, '^' after the rest, '-' last, as POSIX needs them.
 */
static bool
bracket(const char *p, size_t n, size_t *i, struct sbuf *out, struct arena *a)
{
	struct sbuf body;
	bool neg = false, rb = false, caret = false, dash = false;
	bool first = true;
	size_t k = *i + 1;

	body.p = arena_alloc(a, 8 * n + 16);
	body.n = 0;
	body.p[0] = '\0';
	if (k < n && p[k] == '^') {
		neg = true;
		k++;
	}
	for (;;) {
		char c;

		if (k >= n)
			return false; /* unterminated */
		c = p[k];
		if (c == ']' && !first) {
			k++;
			break;
		}
		first = false;
		if (c == ']') {
			rb = true;
			k++;
		} else if (c == '[' && k + 1 < n && p[k + 1] == ':') {
			const char *end = strstr(p + k, ":]");

			if (end == NULL || (size_t)(end - p) + 2 > n)
				return false;
			while (p + k < end + 2)
				putc1(&body, p[k++]);
		} else if (c == '\\') {
			if (!bracket_escape(p, n, &k, &body, &rb, &dash,
					    &caret))
				return false;
		} else if (c == '-' &&
			   (body.n == 0 || (k + 1 < n && p[k + 1] == ']'))) {
			dash = true;
			k++;
		} else if (c == '^') {
			caret = true;
			k++;
		} else {
			putc1(&body, c);
			k++;
		}
	}
	*i = k;
	if (!neg && !rb && body.n == 0 && caret && !dash) {
		put(out, "\\^");
		return true;
	}
	putc1(out, '[');
	if (neg)
		putc1(out, '^');
	if (rb)
		putc1(out, ']');
	if (body.n == 0 && !rb && dash) {
		putc1(out, '-'); /* before a '^', which must not come first */
		dash = false;
	}
	put(out, body.p);
	if (caret)
		putc1(out, '^');
	if (dash)
		putc1(out, '-');
	putc1(out, ']');
	return true;
}

/* "{n}", "{n,}" or "{n,m}" at p: its length, else 0. */
static size_t
interval_len(const char *p, size_t n)
{
	size_t k = 1;

	if (n < 3 || p[0] != '{' || !isdigit((unsigned char)p[1]))
		return 0;
	while (k < n && isdigit((unsigned char)p[k]))
		k++;
	if (k < n && p[k] == ',')
		for (k++; k < n && isdigit((unsigned char)p[k]); k++)
			;
	return k < n && p[k] == '}' ? k + 1 : 0;
}

/* One escape outside brackets (p[*i] is the backslash). */
static bool
escape(const char *p, size_t n, size_t *i, struct sbuf *out)
{
	static const char *const classes[][2] = {
		{"d", "[0-9]"},
		{"D", "[^0-9]"},
		{"w", "[[:alnum:]_]"},
		{"W", "[^[:alnum:]_]"},
		{"s", "[[:space:]]"},
		{"S", "[^[:space:]]"},
		{"b", "\\b"},
		{"B", "\\B"},
		{"A", "^"},
		{"z", "$"},
		{"Z", "$"},
	};
	char e;
	size_t j;

	if (*i + 1 >= n)
		return false;
	e = p[*i + 1];
	*i += 2;
	for (j = 0; j < sizeof(classes) / sizeof(classes[0]); j++) {
		if (classes[j][0][0] == e) {
			put(out, classes[j][1]);
			return true;
		}
	}
	if (escape_char(e) != 0) {
		putc1(out, escape_char(e));
	} else if (isalnum((unsigned char)e)) {
		return false; /* back references, \p{..}, \x.. */
	} else if (strchr(".[]()*+?{}|^$\\", e) != NULL) {
		putc1(out, '\\');
		putc1(out, e);
	} else {
		putc1(out, e);
	}
	return true;
}

/* Skips a lazy or possessive marker after a quantifier. */
static void
skip_greed(const char *p, size_t n, size_t *i)
{
	if (*i < n && (p[*i] == '?' || p[*i] == '+'))
		(*i)++;
}

/*
 * The size of the automaton regcomp(3) builds grows with the product of
 * nested repetition counts ("((a{1000}){1000}){1000}" takes minutes), so
 * the expanded size of a pattern is bounded: each group sums its items,
 * a counted repetition multiplies the item before it.
 */
#define RX_MAX_SIZE 100000
#define RX_MAX_COUNT 1000
#define RX_MAX_DEPTH 32

struct rx_size {
	long long acc[RX_MAX_DEPTH + 1]; /* size so far, per open group */
	long long last;			 /* size of the item just read */
	int depth;
};

static bool
rx_atom(struct rx_size *z, long long size)
{
	z->acc[z->depth] += size;
	z->last = size;
	return z->acc[z->depth] <= RX_MAX_SIZE;
}

static bool
rx_open(struct rx_size *z)
{
	if (z->depth == RX_MAX_DEPTH)
		return false;
	z->acc[++z->depth] = 0;
	z->last = 0;
	return true;
}

/* ')' closes a group (an unbalanced one is left for regcomp to refuse). */
static bool
rx_close(struct rx_size *z)
{
	long long size;

	if (z->depth == 0)
		return true;
	size = z->acc[z->depth--];
	return rx_atom(z, size);
}

/* "{n}", "{n,}" or "{n,m}" at p repeats the last item up to m (or n). */
static bool
rx_count(struct rx_size *z, const char *p)
{
	long long n = strtoll(p + 1, NULL, 10), m = n;
	const char *comma = strchr(p, ',');

	if (comma != NULL && comma[1] != '}')
		m = strtoll(comma + 1, NULL, 10);
	if (n > RX_MAX_COUNT || m > RX_MAX_COUNT)
		return false;
	if (m > 1)
		z->acc[z->depth] += z->last * (m - 1);
	z->last *= m > 1 ? m : 1;
	return z->acc[z->depth] <= RX_MAX_SIZE;
}

/* PCRE body p[0..n) to ERE in out (room for 8 * n + 16 bytes). */
static bool
pcre_to_ere(const char *p, size_t n, bool extended, struct sbuf *out,
	    struct arena *a)
{
	struct rx_size z;
	size_t i = 0, k;
	bool ok = true, item = false; /* item: a quantifier may follow */

	memset(&z, 0, sizeof(z));
	while (i < n && ok) {
		char c = p[i];

		k = c == '{' ? interval_len(p + i, n - i) : 0;
		if (extended && is_space(c)) {
			i++;
		} else if (extended && c == '#') {
			while (i < n && p[i] != '\n')
				i++;
		} else if ((c == '*' || c == '+' || c == '?' || k > 0) &&
			   !item) {
			return false; /* nothing to repeat: PCRE refuses it too,
					 and regcomp can take minutes on it */
		} else if (c == '\\') {
			ok = escape(p, n, &i, out) && rx_atom(&z, 1);
			item = true;
		} else if (c == '[') {
			ok = bracket(p, n, &i, out, a) && rx_atom(&z, 1);
			item = true;
		} else if (c == '(') {
			if (i + 1 < n && p[i + 1] == '?' &&
			    (i + 2 >= n || p[i + 2] != ':'))
				return false; /* lookaround, named group */
			putc1(out, '(');
			i += i + 1 < n && p[i + 1] == '?' ? 3 : 1;
			ok = rx_open(&z);
			item = false;
		} else if (c == ')') {
			putc1(out, c);
			i++;
			ok = rx_close(&z);
			item = true;
		} else if (c == '*' || c == '+' || c == '?') {
			putc1(out, c);
			i++;
			skip_greed(p, n, &i);
			item = false;
		} else if (k > 0) {
			ok = rx_count(&z, p + i);
			while (k-- > 0)
				putc1(out, p[i++]);
			skip_greed(p, n, &i);
			item = false;
		} else {
			if (c == '{')
				putc1(out, '\\');
			putc1(out, c);
			i++;
			ok = c == '|' || rx_atom(&z, 1);
			item = c != '|';
		}
	}
	return ok;
}

/*
 * Compiles a PHP pattern ("/body/flags", other delimiters and bracket
 * pairs too; without a closing delimiter the whole text is the body).
 */
static bool
compile_regex(const char *raw, regex_t *re, struct arena *a)
{
	const char *body = raw, *flags = "";
	size_t blen = strlen(raw), k;
	struct sbuf out;
	int cflags = REG_EXTENDED | REG_NOSUB;
	bool extended = false;
	char d = raw[0];

	if (d != '\0' && !isalnum((unsigned char)d) && d != '\\' &&
	    !is_space(d)) {
		char close = d == '('	? ')'
			     : d == '[' ? ']'
			     : d == '{' ? '}'
			     : d == '<' ? '>'
					: d;
		const char *end = strrchr(raw + 1, close);

		if (end != NULL) {
			const char *f = end + 1;

			for (k = 0;
			     f[k] != '\0' && isalpha((unsigned char)f[k]); k++)
				;
			if (f[k] == '\0') {
				body = raw + 1;
				blen = (size_t)(end - body);
				flags = f;
			}
		}
	}
	for (; *flags != '\0'; flags++) {
		if (*flags == 'i')
			cflags |= REG_ICASE;
		else if (*flags == 'm')
			cflags |= REG_NEWLINE;
		else if (*flags == 'x')
			extended = true;
		else if (strchr("suUD", *flags) == NULL)
			return false;
	}
	out.p = arena_alloc(a, 8 * blen + 16);
	out.n = 0;
	out.p[0] = '\0';
	if (!pcre_to_ere(body, blen, extended, &out, a))
		return false;
	return regcomp(re, out.p, cflags) == 0;
}

/* ---- parsing ------------------------------------------------------------- */

static const struct rule_def *
find_def(const char *name)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

/* Splits the arguments; regex patterns stay whole. */
static void
split_args(struct rule *r, const char *rest, struct arena *a)
{
	size_t cap = 1, n = 0;
	const char *p;

	r->nargs = 0;
	r->args = NULL;
	if (rest == NULL)
		return;
	if (r->def->spec == A_REGEX) {
		r->args = arena_alloc(a, sizeof(*r->args));
		r->args[0] = rest;
		r->nargs = 1;
		return;
	}
	for (p = rest; *p != '\0'; p++)
		if (*p == ',')
			cap++;
	if (cap > MAX_ARGS)
		cap = MAX_ARGS;
	r->args = arena_alloc(a, cap * sizeof(*r->args));
	for (p = rest; n < cap; n++) {
		size_t len = strcspn(p, ",");

		r->args[n] = arena_strndup(a, p, len);
		if (p[len] == '\0') {
			n++;
			break;
		}
		p += len + 1;
	}
	r->nargs = n;
}

/* A number argument; the reason on failure. */
static const char *
number_arg(struct rule *r, size_t i, struct arena *a)
{
	double d;

	if (!numeric_value(r->args[i], &d) || is_space(r->args[i][0]))
		return arena_printf(a, "invalid value for %s", r->def->name);
	r->num[i] = d;
	return NULL;
}

static const char *
count_arg(struct rule *r, size_t i, struct arena *a)
{
	int64_t v;

	if (!all_digits(r->args[i]) ||
	    !parse_int64(r->args[i], 0, 1000000000, &v))
		return arena_printf(a, "invalid value for %s", r->def->name);
	r->num[i] = (double)v;
	return NULL;
}

/* Checks the arguments against the rule's spec. */
static const char *
check_args(struct rule *r, struct arena *a)
{
	const char *name = r->def->name, *why = NULL;

	switch (r->def->spec) {
	case A_ANY:
		return NULL;
	case A_NUM1:
	case A_INT1:
		if (r->nargs != 1)
			return arena_printf(a, "%s requires one %s value", name,
					    r->def->spec == A_NUM1 ? "numeric"
								   : "integer");
		why = r->def->spec == A_NUM1 ? number_arg(r, 0, a)
					     : count_arg(r, 0, a);
		if (why == NULL && r->def->kind == K_MULTIPLE_OF &&
		    r->num[0] == 0)
			why = arena_printf(a, "invalid value for %s", name);
		return why;
	case A_NUM2:
	case A_INT2:
		if (r->nargs != 2)
			return arena_printf(
				a, "%s requires two %s values", name,
				r->def->spec == A_NUM2 ? "numeric" : "integer");
		why = r->def->spec == A_NUM2 ? number_arg(r, 0, a)
					     : count_arg(r, 0, a);
		if (why == NULL)
			why = r->def->spec == A_NUM2 ? number_arg(r, 1, a)
						     : count_arg(r, 1, a);
		return why;
	case A_OPTIONS:
		return r->nargs < 1 ? arena_printf(a,
						   "%s requires at least one "
						   "option",
						   name)
				    : NULL;
	case A_VALUES:
		return r->nargs < 1 ? arena_printf(a,
						   "%s requires at least one "
						   "value",
						   name)
				    : NULL;
	case A_FIELD:
		return r->nargs != 1 || r->args[0][0] == '\0'
			       ? arena_printf(a, "%s requires a field name",
					      name)
			       : NULL;
	case A_KEYVALS:
		return r->nargs < 2 || r->args[0][0] == '\0'
			       ? arena_printf(a,
					      "%s requires a key and at least "
					      "one value to check",
					      name)
			       : NULL;
	case A_FORMAT:
		return r->nargs < 1 || r->args[0][0] == '\0'
			       ? arena_printf(a, "%s requires a format string",
					      name)
			       : NULL;
	case A_REGEX:
		if (r->nargs != 1 || r->args[0][0] == '\0')
			return arena_printf(a, "%s requires a regex pattern",
					    name);
		if (!compile_regex(r->args[0], &r->re, a))
			return "invalid regex pattern";
		r->has_re = true;
		return NULL;
	}
	return NULL;
}

/* Parses text into r (regex compiled: release with rule_free). */
static const char *
rule_parse(const char *text, struct rule *r, struct arena *a)
{
	const char *t = trimmed(text, a), *colon = strchr(t, ':');
	const char *name = colon ? arena_strndup(a, t, (size_t)(colon - t)) : t;

	memset(r, 0, sizeof(*r));
	r->text = t;
	r->def = find_def(name);
	if (r->def == NULL)
		return arena_printf(a,
				    "unknown or unsupported validation rule: "
				    "%s",
				    name);
	split_args(r, colon ? colon + 1 : NULL, a);
	return check_args(r, a);
}

static void
rule_free(struct rule *r)
{
	if (r->has_re)
		regfree(&r->re);
	r->has_re = false;
}

const char *
varrule_parse(const char *rule, struct arena *a)
{
	struct rule r;
	const char *why = rule_parse(rule, &r, a);

	rule_free(&r);
	return why;
}

/* ---- value checks -------------------------------------------------------- */

struct ctx {
	const char *value;
	const char *env;
	const struct varrule_values *others;
	bool numeric_rule; /* the list has numeric or integer */
	struct arena *a;
};

static const char *
other(const struct ctx *c, const char *name)
{
	if (c->others == NULL || c->others->get == NULL)
		return NULL;
	return c->others->get(c->others->arg, name);
}

/* Size for min, max, ...: the number, or the count of characters. */
static double
size_of(const struct ctx *c)
{
	double d;

	if (c->numeric_rule && numeric_value(c->value, &d))
		return d;
	return (double)utf8_chars(c->value, strlen(c->value));
}

static bool
charset_ok(const char *s, bool ascii_only, const char *extra, bool digits)
{
	for (; *s != '\0'; s++) {
		unsigned char u = (unsigned char)*s;

		if (isalpha(u) || (digits && isdigit(u)) ||
		    (u >= 0x80 && !ascii_only) ||
		    (extra != NULL && u != 0 && strchr(extra, u) != NULL))
			continue;
		return false;
	}
	return true;
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30,
				  31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* n digits at *s within [lo, hi]; advances. */
static bool
take_num(const char **s, int min_digits, int max_digits, int lo, int hi,
	 int *out)
{
	int v = 0, k = 0;

	while (k < max_digits && isdigit((unsigned char)(*s)[k]))
		v = v * 10 + ((*s)[k++] - '0');
	if (k < min_digits || v < lo || v > hi)
		return false;
	*s += k;
	*out = v;
	return true;
}

/* "[T ]HH:MM[:SS[.f]]" then "", "Z" or "+hh:mm" / "-hh:mm" */
static bool
valid_time(const char *s)
{
	int h, mi, sec;

	if (!take_num(&s, 2, 2, 0, 23, &h) || *s++ != ':' ||
	    !take_num(&s, 2, 2, 0, 59, &mi))
		return false;
	if (*s == ':') {
		s++;
		if (!take_num(&s, 2, 2, 0, 59, &sec))
			return false;
		if (*s == '.')
			for (s++; isdigit((unsigned char)*s); s++)
				;
	}
	if (*s == 'Z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-') {
		s++;
		return take_num(&s, 2, 2, 0, 23, &h) && *s++ == ':' &&
		       take_num(&s, 2, 2, 0, 59, &mi) && *s == '\0';
	}
	return *s == '\0';
}

/* "YYYY-MM-DD", optionally followed by a time (valid_time). */
static bool
valid_date(const char *s)
{
	int y, m, d;

	if (!take_num(&s, 4, 4, 0, 9999, &y) || *s++ != '-' ||
	    !take_num(&s, 2, 2, 1, 12, &m) || *s++ != '-' ||
	    !take_num(&s, 2, 2, 1, 31, &d) || d > days_in_month(y, m))
		return false;
	if (*s == '\0')
		return true;
	return (*s == 'T' || *s == ' ') && valid_time(s + 1);
}

/* Matches one of a list of words (case-insensitive prefix of len). */
static bool
take_word(const char **s, const char *const *words, size_t nwords, bool full)
{
	size_t i;

	for (i = 0; i < nwords; i++) {
		size_t len = full ? strlen(words[i]) : 3;

		if (strncasecmp(*s, words[i], len) == 0) {
			*s += len;
			return true;
		}
	}
	return false;
}

/* PHP date format characters; others are literal, "\x" escapes x. */
static bool
matches_date_format(const char *s, const char *f)
{
	static const char *const months[] = {"January", "February", "March",
					     "April",	"May",	    "June",
					     "July",	"August",   "September",
					     "October", "November", "December"};
	static const char *const days[] = {"Monday",   "Tuesday", "Wednesday",
					   "Thursday", "Friday",  "Saturday",
					   "Sunday"};
	int y = -1, m = -1, d = -1, v;

	for (; *f != '\0'; f++) {
		bool ok = true;

		switch (*f) {
		case 'd':
			ok = take_num(&s, 2, 2, 1, 31, &d);
			break;
		case 'j':
			ok = take_num(&s, 1, 2, 1, 31, &d);
			break;
		case 'm':
			ok = take_num(&s, 2, 2, 1, 12, &m);
			break;
		case 'n':
			ok = take_num(&s, 1, 2, 1, 12, &m);
			break;
		case 'Y':
			ok = take_num(&s, 4, 4, 0, 9999, &y);
			break;
		case 'y':
			ok = take_num(&s, 2, 2, 0, 99, &v);
			y = 2000 + v;
			break;
		case 'H':
			ok = take_num(&s, 2, 2, 0, 23, &v);
			break;
		case 'G':
			ok = take_num(&s, 1, 2, 0, 23, &v);
			break;
		case 'h':
			ok = take_num(&s, 2, 2, 1, 12, &v);
			break;
		case 'g':
			ok = take_num(&s, 1, 2, 1, 12, &v);
			break;
		case 'i':
		case 's':
			ok = take_num(&s, 2, 2, 0, 59, &v);
			break;
		case 'v':
			ok = take_num(&s, 3, 3, 0, 999, &v);
			break;
		case 'u':
			ok = take_num(&s, 1, 6, 0, 999999, &v);
			break;
		case 'U':
			ok = take_num(&s, 1, 9, 0, 999999999, &v) &&
			     !isdigit((unsigned char)*s);
			break;
		case 'A':
		case 'a':
			ok = strncasecmp(s, "am", 2) == 0 ||
			     strncasecmp(s, "pm", 2) == 0;
			s += ok ? 2 : 0;
			break;
		case 'M':
			ok = take_word(&s, months, 12, false);
			break;
		case 'F':
			ok = take_word(&s, months, 12, true);
			break;
		case 'D':
			ok = take_word(&s, days, 7, false);
			break;
		case 'l':
			ok = take_word(&s, days, 7, true);
			break;
		case '\\':
			if (f[1] != '\0')
				f++;
			/* fall through */
		default:
			ok = *s == *f;
			s += ok ? 1 : 0;
			break;
		}
		if (!ok)
			return false;
	}
	if (*s != '\0')
		return false;
	return d < 0 || m < 0 || d <= days_in_month(y < 0 ? 2000 : y, m);
}

static bool
valid_hex_color(const char *s)
{
	size_t n = strlen(s), i;

	if (s[0] != '#' || (n != 4 && n != 5 && n != 7 && n != 9))
		return false;
	for (i = 1; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return false;
	return true;
}

/* 6 groups of 2 hex digits split by ':' or '-', or 3 of 4 by '.' */
static bool
valid_mac(const char *s)
{
	size_t n = strlen(s), i, group = n == 14 ? 4 : 2;
	char sep;

	if (n != 17 && n != 14)
		return false;
	sep = s[group];
	if ((group == 2 && sep != ':' && sep != '-') ||
	    (group == 4 && sep != '.'))
		return false;
	for (i = 0; i < n; i++) {
		if ((i + 1) % (group + 1) == 0) {
			if (s[i] != sep)
				return false;
		} else if (hex_digit(s[i]) < 0) {
			return false;
		}
	}
	return true;
}

static bool
valid_ip(const char *s, int family)
{
	unsigned char buf[16];

	if (family != AF_INET6 && inet_pton(AF_INET, s, buf) == 1)
		return true;
	return family != AF_INET && inet_pton(AF_INET6, s, buf) == 1;
}

static bool
valid_json(const char *s)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	bool ok;
	size_t len = strlen(s);

	if (tok == NULL)
		return false;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)len);
	ok = json_tokener_get_error(tok) == json_tokener_success &&
	     json_tokener_get_parse_end(tok) == len;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

/* scheme "://" authority, then anything without white space */
static bool
valid_url(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	       *p == '.')
		p++;
	if (strncmp(p, "://", 3) != 0)
		return false;
	p += 3;
	if (*p == '\0' || strchr("/?#", *p) != NULL)
		return false;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* An IANA zone name with a TZif file in the system's zoneinfo. */
static bool
valid_timezone(const char *s)
{
	char path[320], magic[4];
	struct stat st;
	ssize_t n;
	int fd;

	if (strcmp(s, "UTC") == 0)
		return true;
	if (*s == '\0' || *s == '/' || strlen(s) > 200 || strstr(s, "..") ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789/_+-") != strlen(s) ||
	    str_has_prefix(s, "posix/") || str_has_prefix(s, "right/") ||
	    strcmp(s, "posixrules") == 0 || strcmp(s, "localtime") == 0)
		return false;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
		    ? read(fd, magic, sizeof(magic))
		    : -1;
	close(fd);
	return n == 4 && memcmp(magic, "TZif", 4) == 0;
}

static bool
starts_with_any(const struct rule *r, const char *v, bool at_end)
{
	size_t i, vn = strlen(v);

	for (i = 0; i < r->nargs; i++) {
		size_t n = strlen(r->args[i]);

		if (n <= vn &&
		    memcmp(at_end ? v + vn - n : v, r->args[i], n) == 0)
			return true;
	}
	return false;
}

static bool
in_list(const struct rule *r, size_t from, const char *v)
{
	size_t i;

	for (i = from; i < r->nargs; i++)
		if (v != NULL && strcmp(r->args[i], v) == 0)
			return true;
	return false;
}

static bool
multiple_of(double v, double n)
{
	double q = v / n, frac;

	if (q > 9e15 || q < -9e15)
		return false;
	frac = q - (double)(long long)q;
	if (frac < 0)
		frac = -frac;
	return frac < 1e-9 || 1 - frac < 1e-9;
}

/* Messages of the rules whose text is fixed. */
static const char *
fixed_message(enum kind k)
{
	switch (k) {
	case K_ACCEPTED:
	case K_ACCEPTED_IF:
		return "must be 'yes', 'on', '1' or 'true'";
	case K_DECLINED:
	case K_DECLINED_IF:
		return "must be 'no', 'off', '0' or 'false'";
	case K_ALPHA:
		return "must contain only letters";
	case K_ALPHA_DASH:
		return "must contain only letters, numbers, dashes and "
		       "underscores";
	case K_ALPHA_NUM:
		return "must contain only letters and numbers";
	case K_ASCII:
		return "must contain only ASCII characters";
	case K_BOOLEAN:
		return "must be a boolean ('0', '1', 'true' or 'false')";
	case K_CONFIRMED:
		return "does not match its confirmation";
	case K_DATE:
		return "must be a valid date";
	case K_HEX_COLOR:
		return "must be a valid hexadecimal color";
	case K_INTEGER:
		return "must be a valid integer";
	case K_IP:
		return "must be a valid IP address";
	case K_IPV4:
		return "must be a valid IPv4 address";
	case K_IPV6:
		return "must be a valid IPv6 address";
	case K_JSON:
		return "must be a valid JSON string";
	case K_LOWERCASE:
		return "must be lowercase";
	case K_UPPERCASE:
		return "must be uppercase";
	case K_MAC_ADDRESS:
		return "must be a valid MAC address";
	case K_NUMERIC:
		return "must be a valid numeric value";
	case K_REQUIRED:
	case K_REQUIRED_IF:
	case K_REQUIRED_IF_ACCEPTED:
	case K_REQUIRED_IF_DECLINED:
		return "is required and cannot be empty";
	case K_TIMEZONE:
		return "must be a valid timezone";
	case K_URL:
		return "must be a valid URL";
	case K_UUID:
		return "must be a valid UUID";
	default:
		return NULL;
	}
}

/* The presence rules and accepted/declined: true when they hold. */
static bool
presence_ok(const struct rule *r, const struct ctx *c, bool blank)
{
	const char *o = r->nargs > 0 ? other(c, r->args[0]) : NULL;

	switch (r->def->kind) {
	case K_REQUIRED:
		return !blank;
	case K_REQUIRED_IF:
		return !blank || !in_list(r, 1, o);
	case K_REQUIRED_IF_ACCEPTED:
		return !blank || !is_accepted(o);
	case K_REQUIRED_IF_DECLINED:
		return !blank || !is_declined(o);
	case K_ACCEPTED:
		return is_accepted(c->value);
	case K_ACCEPTED_IF:
		return !in_list(r, 1, o) || is_accepted(c->value);
	case K_DECLINED:
		return is_declined(c->value);
	case K_DECLINED_IF:
		return !in_list(r, 1, o) || is_declined(c->value);
	default:
		return true;
	}
}

/* The format and character rules: true when they hold. */
static bool
format_ok(const struct rule *r, const struct ctx *c)
{
	const char *v = c->value, *o;
	bool ascii = r->nargs > 0 && strcmp(r->args[0], "ascii") == 0;
	char tmp[37];
	double d;
	size_t i;

	switch (r->def->kind) {
	case K_ALPHA:
		return charset_ok(v, ascii, NULL, false);
	case K_ALPHA_DASH:
		return charset_ok(v, ascii, "-_", true);
	case K_ALPHA_NUM:
		return charset_ok(v, ascii, NULL, true);
	case K_ASCII:
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] >= 0x80)
				return false;
		return true;
	case K_BOOLEAN:
		return strcmp(v, "0") == 0 || strcmp(v, "1") == 0 ||
		       strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
	case K_CONFIRMED:
		o = other(c, arena_printf(c->a, "%s_confirmation", c->env));
		return o != NULL && strcmp(o, v) == 0;
	case K_DATE:
		return valid_date(v);
	case K_HEX_COLOR:
		return valid_hex_color(v);
	case K_INTEGER:
		return integer_value(v, c->a);
	case K_NUMERIC:
		return numeric_value(v, &d);
	case K_IP:
		return valid_ip(v, AF_UNSPEC);
	case K_IPV4:
		return valid_ip(v, AF_INET);
	case K_IPV6:
		return valid_ip(v, AF_INET6);
	case K_JSON:
		return valid_json(v);
	case K_LOWERCASE:
		for (i = 0; v[i] != '\0'; i++)
			if (isupper((unsigned char)v[i]))
				return false;
		return true;
	case K_UPPERCASE:
		for (i = 0; v[i] != '\0'; i++)
			if (islower((unsigned char)v[i]))
				return false;
		return true;
	case K_MAC_ADDRESS:
		return valid_mac(v);
	case K_TIMEZONE:
		return valid_timezone(v);
	case K_URL:
		return valid_url(v);
	case K_UUID:
		return uuid_normalize(v, tmp);
	default:
		return true;
	}
}

/* The rules with arguments in their message: NULL when they hold. */
static const char *
valued_check(const struct rule *r, const struct ctx *c)
{
	struct arena *a = c->a;
	const char *v = c->value, *o;
	double size = size_of(c), d;
	size_t len = strlen(v), i;

	switch (r->def->kind) {
	case K_BETWEEN:
		return size >= r->num[0] && size <= r->num[1]
			       ? NULL
			       : arena_printf(a, "must be between %s and %s",
					      num_text(r->num[0], a),
					      num_text(r->num[1], a));
	case K_SIZE:
		return size == r->num[0]
			       ? NULL
			       : arena_printf(a, "must be equal to %s",
					      num_text(r->num[0], a));
	case K_MAX:
	case K_LTE:
		return size <= r->num[0] ? NULL
					 : arena_printf(a,
							"must be less than or "
							"equal to %s",
							num_text(r->num[0], a));
	case K_MIN:
	case K_GTE:
		return size >= r->num[0] ? NULL
					 : arena_printf(a,
							"must be greater than "
							"or equal to %s",
							num_text(r->num[0], a));
	case K_GT:
		return size > r->num[0]
			       ? NULL
			       : arena_printf(a, "must be greater than %s",
					      num_text(r->num[0], a));
	case K_LT:
		return size < r->num[0]
			       ? NULL
			       : arena_printf(a, "must be less than %s",
					      num_text(r->num[0], a));
	case K_DIGITS:
		return all_digits(v) && (double)len == r->num[0]
			       ? NULL
			       : arena_printf(a, "must be %s digits",
					      num_text(r->num[0], a));
	case K_DIGITS_BETWEEN:
		return all_digits(v) && (double)len >= r->num[0] &&
				       (double)len <= r->num[1]
			       ? NULL
			       : arena_printf(a,
					      "must be between %s and %s "
					      "digits",
					      num_text(r->num[0], a),
					      num_text(r->num[1], a));
	case K_MAX_DIGITS:
		return all_digits(v) && (double)len <= r->num[0]
			       ? NULL
			       : arena_printf(a,
					      "must not have more than %s "
					      "digits",
					      num_text(r->num[0], a));
	case K_MIN_DIGITS:
		return all_digits(v) && (double)len >= r->num[0]
			       ? NULL
			       : arena_printf(a, "must have at least %s digits",
					      num_text(r->num[0], a));
	case K_MULTIPLE_OF:
		return numeric_value(v, &d) && multiple_of(d, r->num[0])
			       ? NULL
			       : arena_printf(a, "must be a multiple of %s",
					      num_text(r->num[0], a));
	case K_DATE_FORMAT:
		for (i = 0; i < r->nargs; i++)
			if (matches_date_format(v, r->args[i]))
				return NULL;
		return arena_printf(a, "must match the format '%s'",
				    joined(r, 0, a));
	case K_IN:
		return in_list(r, 0, v) ? NULL
					: arena_printf(a, "must be one of: %s",
						       joined(r, 0, a));
	case K_NOT_IN:
		return !in_list(r, 0, v)
			       ? NULL
			       : arena_printf(a, "must not be one of: %s",
					      joined(r, 0, a));
	case K_STARTS_WITH:
	case K_DOESNT_START_WITH:
	case K_ENDS_WITH:
	case K_DOESNT_END_WITH: {
		bool end = r->def->kind == K_ENDS_WITH ||
			   r->def->kind == K_DOESNT_END_WITH;
		bool neg = r->def->kind == K_DOESNT_START_WITH ||
			   r->def->kind == K_DOESNT_END_WITH;

		return starts_with_any(r, v, end) != neg
			       ? NULL
			       : arena_printf(a, "must %s%s with one of: %s",
					      neg ? "not " : "",
					      end ? "end" : "start",
					      joined(r, 0, a));
	}
	case K_REGEX:
	case K_NOT_REGEX:
		return (regexec(&r->re, v, 0, NULL, 0) == 0) ==
				       (r->def->kind == K_REGEX)
			       ? NULL
			       : arena_printf(a,
					      "must %smatch the regex pattern "
					      "'%s'",
					      r->def->kind == K_REGEX ? ""
								      : "not ",
					      r->args[0]);
	case K_SAME:
		o = other(c, r->args[0]);
		return o != NULL && strcmp(o, v) == 0
			       ? NULL
			       : arena_printf(a, "must match %s", r->args[0]);
	case K_DIFFERENT:
		o = other(c, r->args[0]);
		return o != NULL && strcmp(o, v) != 0
			       ? NULL
			       : arena_printf(a, "must be different from %s",
					      r->args[0]);
	default:
		return NULL;
	}
}

/* The message of the first rule value fails, or NULL. */
static const char *
run_rules(const struct rule *rules, size_t n, struct ctx *c)
{
	bool blank = is_blank(c->value), nullable = false, skip;
	size_t i;

	for (i = 0; i < n; i++) {
		enum kind k = rules[i].def->kind;

		if (k == K_NUMERIC || k == K_INTEGER)
			c->numeric_rule = true;
		if (k == K_NULLABLE)
			nullable = true;
	}
	skip = blank || (nullable && (strcmp(c->value, "") == 0 ||
				      strcmp(c->value, "null") == 0));
	for (i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		const char *msg;

		if (r->def->implicit) {
			if (!presence_ok(r, c, blank))
				return fixed_message(r->def->kind);
			continue;
		}
		if (skip)
			continue;
		if (!format_ok(r, c))
			return fixed_message(r->def->kind);
		msg = valued_check(r, c);
		if (msg != NULL)
			return msg;
	}
	return NULL;
}

/* Parses texts[0..n) and runs them; see varrule_check. */
static const char *
check_texts(const char *const *texts, size_t n, const char *value,
	    const char *env, const struct varrule_values *others,
	    struct arena *a)
{
	struct rule *rules;
	struct ctx c = {value ? value : "", env, others, false, a};
	const char *msg = NULL;
	size_t i, done = 0;

	if (n > MAX_RULES)
		return arena_printf(a, "invalid rule '%s': too many rules",
				    texts[MAX_RULES]);
	rules = xcalloc(n ? n : 1, sizeof(*rules));
	for (i = 0; i < n && msg == NULL; i++, done++) {
		const char *why = rule_parse(texts[i], &rules[i], a);

		if (why != NULL)
			msg = arena_printf(a, "invalid rule '%s': %s", texts[i],
					   why);
	}
	if (msg == NULL) {
		msg = run_rules(rules, n, &c);
		if (msg != NULL)
			msg = arena_printf(a, "%s: %s", env, msg);
	}
	for (i = 0; i < done; i++)
		rule_free(&rules[i]);
	free(rules);
	return msg;
}

const char *
varrule_check_array(struct json_object *rules, const char *value,
		    const char *env_variable,
		    const struct varrule_values *others, struct arena *a)
{
	size_t i, n;
	const char **texts;

	if (rules == NULL || !json_object_is_type(rules, json_type_array))
		return check_texts(NULL, 0, value, env_variable, others, a);
	n = json_object_array_length(rules);
	texts = arena_alloc(a, (n ? n : 1) * sizeof(*texts));
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(rules, i);

		if (!json_object_is_type(e, json_type_string))
			return arena_printf(a,
					    "invalid rule '%s': not a string",
					    json_object_to_json_string(e));
		texts[i] = json_object_get_string(e);
	}
	return check_texts(texts, n, value, env_variable, others, a);
}

const char *
varrule_check(const char *rules, const char *value, const char *env_variable,
	      const struct varrule_values *others, struct arena *a)
{
	struct json_object *arr;
	const char **texts, *p, *msg;
	size_t n = 1, i;

	while (rules != NULL && is_space(*rules))
		rules++;
	if (rules == NULL || *rules == '\0')
		return check_texts(NULL, 0, value, env_variable, others, a);
	if (*rules == '[') {
		arr = json_tokener_parse(rules);
		if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
			json_object_put(arr);
			return arena_printf(a,
					    "invalid rule '%s': not a list of "
					    "rules",
					    rules);
		}
		msg = varrule_check_array(arr, value, env_variable, others, a);
		json_object_put(arr);
		return msg;
	}
	for (p = rules; *p != '\0'; p++)
		if (*p == '|')
			n++;
	texts = arena_alloc(a, n * sizeof(*texts));
	for (i = 0, p = rules; i < n; i++) {
		size_t len = strcspn(p, "|");

		texts[i] = arena_strndup(a, p, len);
		p += len + (p[len] == '|');
	}
	return check_texts(texts, n, value, env_variable, others, a);
}

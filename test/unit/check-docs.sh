#!/bin/sh
#
# check-docs.sh: the documentation against the code.
#
#  - every key of the keys[] table in fcgi/config.c has a "# key = default"
#    line in conf/panel-fcgi.conf.sample and an ".It Cm key" item with a
#    "Default:" line in man/panel-fcgi.conf.5, with the table's default;
#    neither file documents a key the table lacks (the secrets file keys,
#    the strcmp(key, "...") names of config_load_secrets, are allowed in
#    the man page);
#  - every verb and option of usage() in fcgi/main.c is in man/panel-fcgi.8;
#  - with $MANDOC set, "mandoc -Tlint -W warning" says nothing of either page;
#  - with ./panel-fcgi built (make check runs in the build directory), the
#    sample, as is and with every key uncommented, passes check-config.
#
# Environment: top_srcdir (default .), MANDOC (empty: no lint), PANEL_FCGI
# (default ./panel-fcgi). Prints one line per problem; exits 0 when there
# is none, 1 when there is one, 77 (skip) when run outside a source tree.

top_srcdir=${top_srcdir:-.}
config_c=$top_srcdir/fcgi/config.c
main_c=$top_srcdir/fcgi/main.c
sample=$top_srcdir/conf/panel-fcgi.conf.sample
man5=$top_srcdir/man/panel-fcgi.conf.5
man8=$top_srcdir/man/panel-fcgi.8
bin=${PANEL_FCGI:-./panel-fcgi}

if [ ! -r "$config_c" ] || [ ! -r "$main_c" ]; then
	echo "check-docs: no fcgi/config.c and fcgi/main.c under" \
	     "top_srcdir=$top_srcdir; skipped"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-docs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
: >"$tmp/problems"

problem() {
	echo "$*"
	echo "$*" >>"$tmp/problems"
}

for f in "$sample" "$man5" "$man8"; do
	[ -r "$f" ] || problem "$f: cannot read"
done

# ---- the code ---------------------------------------------------------------

# Key names: rows of keys[] start with { "name", CFG_...
sed -n 's/^[[:space:]]*{[[:space:]]*"\([A-Za-z0-9_]*\)",[[:space:]]*CFG_.*/\1/p' \
	"$config_c" >"$tmp/keys"
# Secrets file keys: strcmp(key, "name") in config_load_secrets.
sed -n 's/.*strcmp(key,[[:space:]]*"\([A-Za-z0-9_]*\)").*/\1/p' \
	"$config_c" | sort -u >"$tmp/secret-keys"

# Defaults: "name TAB macro TAB value" per row of keys[]. A default such as
# SYSCONFDIR "/panel-fcgi.secrets" has macro 1 and the literal part as value.
awk '
function parse(row,    name, rest, expr, val, macro, k, c, o, q) {
	if (!match(row, /^[ \t]*"[A-Za-z0-9_]+"/))
		return
	name = substr(row, RSTART, RLENGTH)
	gsub(/[ \t"]/, "", name)
	rest = substr(row, RSTART + RLENGTH)
	for (k = 0; k < 4; k++) {       # past name, type, min and max
		c = index(rest, ",")
		if (c == 0)
			return
		rest = substr(rest, c + 1)
	}
	o = index(rest, "OFF(")
	if (o == 0)
		return
	expr = substr(rest, 1, o - 1)
	sub(/,[ \t]*$/, "", expr)
	val = ""
	macro = 0
	for (;;) {
		sub(/^[ \t]+/, "", expr)
		if (expr == "")
			break
		if (substr(expr, 1, 1) == "\"") {
			expr = substr(expr, 2)
			q = index(expr, "\"")
			if (q == 0)
				return
			val = val substr(expr, 1, q - 1)
			expr = substr(expr, q + 1)
		} else if (match(expr, /^[A-Za-z_][A-Za-z0-9_]*/)) {
			macro = 1
			expr = substr(expr, RLENGTH + 1)
		} else {
			return
		}
	}
	printf "%s\t%d\t%s\n", name, macro, val
}
/keys\[\][ \t]*=[ \t]*\{/ { on = 1; next }
on && /^};/ { on = 0 }
on { buf = buf " " $0 }
END {
	while ((i = index(buf, "{")) > 0) {
		buf = substr(buf, i + 1)
		j = index(buf, "}")
		if (j == 0)
			break
		parse(substr(buf, 1, j - 1))
		buf = substr(buf, j + 1)
	}
}' "$config_c" >"$tmp/defaults"

if [ ! -s "$tmp/keys" ]; then
	problem "$config_c: no keys found in the keys[] table"
fi
while read -r key; do
	grep -q "^$key	" "$tmp/defaults" ||
		problem "$config_c: cannot read the default of $key"
done <"$tmp/keys"

# Verbs and options of usage(): "panel-fcgi verb [subverb]" and --option.
awk '/^usage\(/ { on = 1 } on { print } on && /^}/ { exit }' "$main_c" \
	>"$tmp/usage"
sed -n 's/.*panel-fcgi \([a-z][a-z0-9-]*\)\( [a-z][a-z0-9-]*\)\{0,1\}.*/\1\2/p' \
	"$tmp/usage" | sort -u >"$tmp/verbs"
awk '{
	s = $0
	while (match(s, /--[a-z][a-z-]*/)) {
		print substr(s, RSTART + 2, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
	}
}' "$tmp/usage" | sort -u >"$tmp/options"
if [ ! -s "$tmp/verbs" ]; then
	problem "$main_c: no verbs found in usage()"
fi

# Compares a documented default with the table's: equal, or for a
# compiled-in path (macro 1) ending in the literal part.
check_default() { # where key documented
	line=$(grep "^$2	" "$tmp/defaults" | head -n 1)
	[ -n "$line" ] || return 0
	macro=$(printf '%s\n' "$line" | cut -f 2)
	want=$(printf '%s\n' "$line" | cut -f 3-)
	if [ "$macro" = 1 ]; then
		case $3 in
		*"$want") [ "$3" != "$want" ] && return 0 ;;
		esac
		problem "$1: $2: default '$3' does not end in '$want'" \
		        "(the compiled-in default)"
	elif [ "$3" != "$want" ]; then
		problem "$1: $2: default '$3', but the code's is '$want'"
	fi
}

# ---- conf/panel-fcgi.conf.sample --------------------------------------------

if [ -r "$sample" ]; then
	# "# key = value" lines, value unquoted as the parser does.
	awk '
	/^#[ \t]*[a-z][a-z0-9_]*[ \t]*=/ {
		line = $0
		sub(/^#[ \t]*/, "", line)
		key = line
		sub(/[ \t]*=.*/, "", key)
		val = line
		sub(/^[^=]*=/, "", val)
		sub(/^[ \t]+/, "", val)
		sub(/[ \t\r]+$/, "", val)
		if (length(val) >= 2 && val ~ /^".*"$/)
			val = substr(val, 2, length(val) - 2)
		printf "%s\t%s\n", key, val
	}' "$sample" >"$tmp/sample"
	# Settings that are not commented out.
	awk '/^[ \t]*[A-Za-z][A-Za-z0-9_]*[ \t]*=/ {
		printf "%d: %s\n", NR, $0
	}' "$sample" | while read -r line; do
		problem "$sample:$line: not commented out"
	done

	while read -r key; do
		n=$(grep -c "^$key	" "$tmp/sample")
		if [ "$n" -eq 0 ]; then
			problem "$sample: no '# $key =' line"
		elif [ "$n" -gt 1 ]; then
			problem "$sample: $n '# $key =' lines"
		else
			val=$(grep "^$key	" "$tmp/sample" | cut -f 2-)
			check_default "$sample" "$key" "$val"
		fi
	done <"$tmp/keys"
	cut -f 1 "$tmp/sample" | sort -u | while read -r key; do
		grep -qx "$key" "$tmp/keys" ||
			problem "$sample: '# $key =' is not a key of keys[]"
	done
fi

# ---- man/panel-fcgi.conf.5 ----------------------------------------------------

if [ -r "$man5" ]; then
	# Per ".It Cm key" item: "key TAB has-default TAB default", where the
	# default is "Default: empty." or "Default:" then ".Ql value".
	awk '
	function flush() {
		if (cur != "")
			printf "%s\t%d\t%s\n", cur, has, def
		cur = ""
	}
	/^\.It Cm [A-Za-z0-9_]+/ {
		flush()
		cur = $3
		has = 0
		def = ""
		want_ql = 0
		next
	}
	/^\.(It|El|Sh|Ss)([ \t]|$)/ { flush(); next }
	cur != "" && want_ql {
		want_ql = 0
		if ($0 ~ /^\.Ql /) {
			v = substr($0, 5)
			sub(/[ \t]+[.,;:)]$/, "", v)
			gsub(/\\&/, "", v)
			has = 1
			def = v
		}
		next
	}
	cur != "" && /^Default: empty\.?$/ { has = 1; def = ""; next }
	cur != "" && /^Default:$/ { want_ql = 1; next }
	cur != "" && /^Default:/ { has = 2; next }
	END { flush() }' "$man5" >"$tmp/man5"

	while read -r key; do
		n=$(grep -c "^$key	" "$tmp/man5")
		if [ "$n" -eq 0 ]; then
			problem "$man5: no '.It Cm $key' item"
		elif [ "$n" -gt 1 ]; then
			problem "$man5: $n '.It Cm $key' items"
		else
			line=$(grep "^$key	" "$tmp/man5")
			has=$(printf '%s\n' "$line" | cut -f 2)
			val=$(printf '%s\n' "$line" | cut -f 3-)
			case $has in
			1) check_default "$man5" "$key" "$val" ;;
			2) problem "$man5: $key: write 'Default: empty.'" \
			           "or 'Default:' and a .Ql line" ;;
			*) problem "$man5: $key: no 'Default:' line" ;;
			esac
		fi
	done <"$tmp/keys"
	while read -r key; do
		grep -q "^$key	" "$tmp/man5" ||
			problem "$man5: no '.It Cm $key' item (secrets file)"
	done <"$tmp/secret-keys"
	cut -f 1 "$tmp/man5" | sort -u | while read -r key; do
		grep -qx "$key" "$tmp/keys" || grep -qx "$key" "$tmp/secret-keys" ||
			problem "$man5: '.It Cm $key' is not a key of keys[]"
	done
fi

# ---- man/panel-fcgi.8 -----------------------------------------------------------

if [ -r "$man8" ]; then
	while read -r verb; do
		grep -Eq "^\.(It )?Cm $verb( |\$)" "$man8" ||
			problem "$man8: no '.Cm $verb' (a verb of usage())"
	done <"$tmp/verbs"
	while read -r opt; do
		grep -Eq "Fl \\\\-$opt( |\$)" "$man8" ||
			problem "$man8: no 'Fl \\-$opt' (an option of usage())"
	done <"$tmp/options"
fi

# ---- mandoc -Tlint ----------------------------------------------------------------

if [ -n "$MANDOC" ]; then
	for page in "$man8" "$man5"; do
		[ -r "$page" ] || continue
		$MANDOC -Tlint -W warning "$page" >"$tmp/lint" 2>&1
		status=$?
		# Levels: STYLE < WARNING < ERROR < UNSUPP < BADARG (< SYSERR).
		grep -E ': (WARNING|ERROR|UNSUPP|BADARG|SYSERR):' "$tmp/lint" \
			>"$tmp/lint-bad"
		while read -r line; do
			problem "$line"
		done <"$tmp/lint-bad"
		if [ "$status" -ge 2 ] && [ ! -s "$tmp/lint-bad" ]; then
			problem "$page: $MANDOC -Tlint exited $status:" \
			        "$(head -n 1 "$tmp/lint")"
		fi
	done
fi

# ---- the sample parses --------------------------------------------------------

if [ -r "$sample" ] && [ -x "$bin" ] && [ ! -d "$bin" ]; then
	if "$bin" generate-secrets "$tmp/secrets" >"$tmp/gen" 2>&1; then
		# As is: only comments, plus the secrets file.
		{ cat "$sample"; echo "secrets_file = $tmp/secrets"; } \
			>"$tmp/as-is.conf"
		# Every key uncommented, the secrets file replaced.
		{
			sed -e 's/^#[[:space:]]*\([a-z][a-z0-9_]*[[:space:]]*=\)/\1/' \
			    -e '/^secrets_file[[:space:]]*=/d' "$sample"
			echo "secrets_file = $tmp/secrets"
		} >"$tmp/uncommented.conf"
		for conf in as-is uncommented; do
			if ! PANEL_FCGI_CONFIG=$tmp/$conf.conf PANEL_FCGI_THREADS= \
			     "$bin" check-config >"$tmp/out" 2>&1; then
				problem "$sample ($conf): check-config fails:" \
				        "$(tail -n 1 "$tmp/out")"
			fi
		done
	else
		problem "$bin generate-secrets fails: $(head -n 1 "$tmp/gen")"
	fi
fi

nprob=$(wc -l <"$tmp/problems" | tr -d ' ')
if [ "$nprob" -ne 0 ]; then
	echo "check-docs: $nprob problem(s)"
	exit 1
fi
echo "check-docs: ok ($(wc -l <"$tmp/keys" | tr -d ' ') keys," \
     "$(wc -l <"$tmp/verbs" | tr -d ' ') verbs," \
     "$(wc -l <"$tmp/options" | tr -d ' ') options)"
exit 0

/*
 * tap.h: a tiny TAP-style harness for the unit tests. Each check prints
 * "ok N - what" or "not ok N - what"; the program exits non-zero when any
 * check failed.
 */
#ifndef PANEL_TAP_H
#define PANEL_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		tap_n++;                                                   \
		if (cond) {                                                \
			printf("ok %d - ", tap_n);                         \
		} else {                                                   \
			tap_failed++;                                      \
			printf("not ok %d - %s:%d: ", tap_n, __FILE__,     \
			       __LINE__);                                  \
		}                                                          \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
	} while (0)

#define CHECK_STR(got, want, what)                                         \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		CHECK(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0       \
		                               : g_ == w_,                 \
		      "%s: got \"%s\", want \"%s\"", (what),               \
		      g_ ? g_ : "(null)", w_ ? w_ : "(null)");             \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n# %d passed, %d failed\n", tap_n, tap_n - tap_failed,
	       tap_failed);
	return tap_failed ? 1 : 0;
}

#endif

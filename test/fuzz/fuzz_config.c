/* fuzz_config.c: the configuration file parser, then the printer. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct config cfg;
	char err[256], *text;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	text = xstrndup((const char *)data, size); /* stops at a NUL byte */
	err[0] = '\0';
	if (config_parse_string("fuzz.conf", text, &cfg, err, sizeof(err))) {
		config_print(&cfg, devnull);
		config_free(&cfg);
	} else if (strncmp(err, "fuzz.conf", 9) != 0 &&
	           strncmp(err, "PANEL_FCGI_THREADS", 18) != 0) {
		abort(); /* every error names the file */
	}
	free(text);
	return 0;
}

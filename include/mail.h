/*
 * mail.h: outgoing mail through the configured sendmail-compatible
 * command (configuration key sendmail), run by /bin/sh with the message on
 * its standard input, detached from the request.
 */
#ifndef PANEL_MAIL_H
#define PANEL_MAIL_H

#include <stdbool.h>

struct config;

/*
 * Hands a message (To and Subject headers, then body) to the command and
 * returns without waiting for it. False when the command could not even be
 * started (empty sendmail, fork failure).
 */
bool mail_send(const struct config *cfg, const char *to, const char *subject,
	       const char *body);

#endif
